import type { Severity } from './channels/message.ts';

/**
 * The built-in reason -> severity mapping (overridable per reason with `alerting.severity`).
 *
 * critical: the failure will repeat or cannot heal without a change, so someone must act now:
 *   OOMKilled (the same limit is hit again), CrashLoopBackOff (the kubelet is already backing off),
 *   ContainerCannotRun / CreateContainerConfigError / CreateContainerError / InvalidImageName (the
 *   container can never start as configured).
 * warning: the failure may be transient or the workload usually still serves: a single crash with a
 *   non-zero exit (Error; it restarts), ImagePullBackOff / ErrImagePull (registry hiccup, the old
 *   ReplicaSet keeps serving during a rollout), Evicted (rescheduled elsewhere), DeadlineExceeded (one
 *   Job run), a Failed pod, and any reason not listed here.
 * A terminated container whose workload is already in a crash loop (details.crashLoop) is critical:
 *   it is the crash behind the CrashLoopBackOff.
 * info is never used for failures; resolved notices and test messages carry it.
 */
export const DEFAULT_SEVERITY: Readonly<Record<string, Severity>> = {
  OOMKilled: 'critical',
  CrashLoopBackOff: 'critical',
  ContainerCannotRun: 'critical',
  CreateContainerConfigError: 'critical',
  CreateContainerError: 'critical',
  InvalidImageName: 'critical',
  Error: 'warning',
  ImagePullBackOff: 'warning',
  ErrImagePull: 'warning',
  Evicted: 'warning',
  DeadlineExceeded: 'warning',
  Failed: 'warning',
};

export function severityOf(
  f: { reason: string; details?: Readonly<Record<string, unknown>> },
  overrides: Readonly<Record<string, Severity>> = {},
): Severity {
  const override = overrides[f.reason];
  if (override) return override;
  if (f.details?.['crashLoop'] === true) return 'critical';
  return DEFAULT_SEVERITY[f.reason] ?? 'warning';
}

const RANK: Record<Severity, number> = { critical: 2, warning: 1, info: 0 };

/** The most severe of several (a summary carries its worst item's severity). */
export function maxSeverity(list: readonly Severity[]): Severity {
  return list.reduce<Severity>((a, b) => (RANK[b] > RANK[a] ? b : a), 'info');
}
