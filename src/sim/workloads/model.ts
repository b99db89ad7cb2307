import type { KubeObject } from '../api/registry.ts';
import { parseDuration } from '../../util/duration.ts';

/**
 * What a simulated container does, set per workload by pod-template annotations
 * (sim.kubeloop.dev/*). Invalid values are reported (a Warning event) and ignored, never fatal.
 */
export interface ContainerModel {
  /** The container exits this many ms after each start (every run). */
  crashAfterMs?: number;
  /** Random crashes: on average this many per hour of running (exponential inter-arrival). */
  crashRatePerHour: number;
  exitCode: number;
  /** A line (or stack trace, \n-separated) logged just before the exit. */
  crashLog?: string;
  /** The container is OOMKilled this many ms after each start. */
  oomAfterMs?: number;
  /** Readiness turns false this many ms after start. */
  unreadyAfterMs?: number;
  /** The liveness probe (when the container has one) fails from this many ms after start: the kubelet kills it. */
  livenessFailAfterMs?: number;
  /** The line the container logs when it starts (default: "Starting <container> (<image>)"). */
  startLog?: string;
  /** For run-to-completion pods (Jobs): exit 0 after this long. */
  runForMs?: number;
  logLinesPerSec: number;
  cpuMillicores?: number;
  /** Extra CPU per request/s this container serves (its share of the Service's load). */
  cpuMillicoresPerRps: number;
  memoryMiB?: number;
  leakMemoryMiBPerMin: number;
  leakCloseWaitPerMin: number;
  leakZombiesPerMin: number;
  leakFdsPerMin: number;
}

export interface ModelIssue {
  annotation: string;
  value: string;
  reason: string;
}

const PREFIX = 'sim.kubeloop.dev/';

export function parseModel(pod: KubeObject): { model: ContainerModel; issues: ModelIssue[] } {
  const a = pod.metadata.annotations ?? {};
  const issues: ModelIssue[] = [];
  const model: ContainerModel = {
    crashRatePerHour: 0,
    exitCode: 1,
    logLinesPerSec: 0,
    cpuMillicoresPerRps: 2,
    leakMemoryMiBPerMin: 0,
    leakCloseWaitPerMin: 0,
    leakZombiesPerMin: 0,
    leakFdsPerMin: 0,
  };
  const duration = (key: string): number | undefined => {
    const raw = a[PREFIX + key];
    if (raw === undefined) return undefined;
    const ms = parseDuration(raw.trim());
    if (ms === undefined)
      issues.push({ annotation: PREFIX + key, value: raw, reason: 'expected a duration such as 90s, 5m or 1h30m' });
    return ms;
  };
  const number = (key: string, min: number, max: number): number | undefined => {
    const raw = a[PREFIX + key];
    if (raw === undefined) return undefined;
    const n = Number(raw);
    if (raw.trim() === '' || !Number.isFinite(n) || n < min || n > max) {
      issues.push({ annotation: PREFIX + key, value: raw, reason: `expected a number from ${min} to ${max}` });
      return undefined;
    }
    return n;
  };
  model.crashAfterMs = duration('crash-after');
  model.crashRatePerHour = number('crash-rate-per-hour', 0, 3_600_000) ?? 0;
  model.oomAfterMs = duration('oom-after');
  model.unreadyAfterMs = duration('unready-after');
  model.livenessFailAfterMs = duration('liveness-fail-after');
  model.runForMs = duration('run-for');
  model.exitCode = number('exit-code', 0, 255) ?? 1;
  // Annotations are one-line strings in most tooling: \n and \t escapes stand for newline and tab.
  model.crashLog = a[`${PREFIX}crash-log`]?.replace(/\\n/g, '\n').replace(/\\t/g, '\t');
  model.startLog = a[`${PREFIX}start-log`]?.replace(/\\n/g, '\n').replace(/\\t/g, '\t');
  model.logLinesPerSec = number('log-lines-per-sec', 0, 10_000) ?? 0;
  model.cpuMillicores = number('cpu-millicores', 0, 1_000_000);
  model.cpuMillicoresPerRps = number('cpu-millicores-per-rps', 0, 10_000) ?? 2;
  model.memoryMiB = number('memory-mib', 0, 1_048_576);
  model.leakMemoryMiBPerMin = number('leak-memory-mib-per-min', 0, 100_000) ?? 0;
  model.leakCloseWaitPerMin = number('leak-close-wait-per-min', 0, 100_000) ?? 0;
  model.leakZombiesPerMin = number('leak-zombies-per-min', 0, 100_000) ?? 0;
  model.leakFdsPerMin = number('leak-fds-per-min', 0, 100_000) ?? 0;
  return { model, issues };
}
