import { modeOfNamespace, MODES, type FailureMode } from './mix-plan.ts';
import type { PromSample } from './prom-side.ts';
import type { ContainerTruth, Termination, TruthSnapshot } from './truth.ts';
import { CRASH_LINE } from './workloads.ts';

/**
 * What a person can find out afterwards about each injected failure, from three sources:
 *   kubeloop    the monitor's stored failures (reason, exit code, captured logs)
 *   prometheus  every raw sample a real Prometheus stored of the kube-state series (15 s scrapes)
 *   api-after   the cluster API read once when the run ended (kubectl describe / logs --previous)
 * A failure is one crashed container instance (uid, container, instance number), or one container
 * that could not pull its image. Definitions (printed with the figures, see DEFINITIONS):
 */
export const DEFINITIONS = [
  'seen: the failure is known at all afterwards. kubeloop: a stored failure of that container instance (pod uid, container, restart count; for a missing image: a stored ErrImagePull/ImagePullBackOff of that container).',
  "      prometheus: some stored sample counts it: restarts_total, plus one while that sample shows the container terminated or in CrashLoopBackOff, exceeds the instance number (a counter that jumps 1 -> 3 counts both crashes; generous: a rule on increase() would not fire for a series' first sample); missing image: a waiting_reason sample ErrImagePull/ImagePullBackOff.",
  "      api-after: the same count read from the pod's status at the end (pods deleted by then show nothing).",
  "reason+exit code: the reason and exit code the kubelet reported for that very instance are recoverable. kubeloop: the stored row's reason and exit_code equal them. prometheus: a sample whose last_terminated_reason (or terminated_reason) belongs to that instance (by the restart count beside it) has the right reason; the exit code is credited with it (kube-state-metrics v2.x has kube_pod_container_status_last_terminated_exitcode from the same lastState; the sim's exposition lacks that family). api-after: the instance is the one lastState/state shows at the end. Missing image: the waiting reason.",
  "logs: the dead instance's own logs are recoverable: non-empty, at least one dated line, every dated line inside that instance's run (+-1 s), and for the crash-log modes the crash line it printed. prometheus: never (metrics carry no logs). api-after: `kubectl logs --previous` (or the terminated container's own logs) read at the end, checked the same way. Missing image: n/a (no instance ran).",
  'missed = injected - seen.',
];

export interface StoredMixRow {
  podUid: string;
  container: string | null;
  restartCount: number;
  reason: string;
  exitCode: number | null;
  logs: string | null;
  logsError: string | null;
}

/** A container as the API showed it at the end, with the logs of the instance lastState or state shows. */
export interface EndView {
  restartCount: number;
  state: { waiting?: { reason?: string }; running?: object; terminated?: { reason?: string; exitCode?: number } };
  lastState: { terminated?: { reason?: string; exitCode?: number } };
  /** The log read for the shown dead instance (previous=true when a successor exists). */
  logs?: string;
}

export interface SideCounts {
  seen: number;
  reason: number;
  logs: number;
}

export interface ModeFigures {
  mode: FailureMode;
  injected: number;
  kubeloop: SideCounts;
  prometheus: SideCounts;
  apiAfter: SideCounts;
  /** Whether logs apply (a missing image has no instance that ran). */
  logsApply: boolean;
  /** A few of Kubeloop's misses (not seen, wrong reason/exit code, logs not the instance's), to look into. */
  kubeloopMisses: string[];
}

const PULL = new Set(['ErrImagePull', 'ImagePullBackOff']);
const CRASH_LOG_MODES = new Set<FailureMode>(['crash-loop', 'one-off', 'job']);

/** Dated lines (the app's ISO timestamp first) all inside [startedAt - 1 s, finishedAt + 1 s], and the crash line where one was printed. */
export function logsOfInstance(logs: string | null | undefined, end: Termination, crashLine: boolean): boolean {
  if (!logs) return false;
  const from = Date.parse(end.startedAt) - 1_000;
  const to = Date.parse(end.finishedAt) + 1_000;
  let dated = 0;
  for (const line of logs.split('\n')) {
    const m = /^(\d{4}-\d\d-\d\dT[\d:.]+Z) /.exec(line);
    if (!m?.[1]) continue;
    const t = Date.parse(m[1]);
    if (t < from || t > to) return false;
    dated++;
  }
  return dated > 0 && (!crashLine || logs.includes(CRASH_LINE));
}

/** The instance each sample's reason belongs to, and how many crashed instances it counts. */
function promView(s: PromSample): { counted: number; reasonOf?: [number, string] } {
  const r = s.restarts ?? 0;
  const deadNow = (s.terminated !== undefined && s.terminated !== 'Completed') || s.waiting === 'CrashLoopBackOff';
  const counted = r + (deadNow ? 1 : 0);
  if (s.terminated !== undefined) return { counted, reasonOf: [r, s.terminated] };
  if (s.lastTerminated !== undefined)
    return { counted, reasonOf: [s.waiting === 'CrashLoopBackOff' ? r : r - 1, s.lastTerminated] };
  return { counted };
}

function endInstance(v: EndView): [number, { reason?: string; exitCode?: number }] | undefined {
  if (v.state.terminated) return [v.restartCount, v.state.terminated];
  const last = v.lastState.terminated;
  if (!last) return undefined;
  return [v.state.waiting?.reason === 'CrashLoopBackOff' ? v.restartCount : v.restartCount - 1, last];
}

function endCounted(v: EndView): number {
  const t = v.state.terminated;
  return v.restartCount + ((t && (t.exitCode ?? 0) !== 0) || v.state.waiting?.reason === 'CrashLoopBackOff' ? 1 : 0);
}

export function mixFigures(
  truth: TruthSnapshot,
  rows: StoredMixRow[],
  prom: Map<string, PromSample[]>,
  end: Map<string, EndView>,
): ModeFigures[] {
  const rowsBy = new Map<string, StoredMixRow[]>();
  for (const r of rows) {
    const k = `${r.podUid}/${r.container ?? ''}`;
    const list = rowsBy.get(k);
    if (list) list.push(r);
    else rowsBy.set(k, [r]);
  }
  const figures = new Map<FailureMode, ModeFigures>(
    MODES.map(({ mode }) => [
      mode,
      {
        mode,
        injected: 0,
        logsApply: mode !== 'image',
        kubeloopMisses: [],
        kubeloop: { seen: 0, reason: 0, logs: 0 },
        prometheus: { seen: 0, reason: 0, logs: 0 },
        apiAfter: { seen: 0, reason: 0, logs: 0 },
      },
    ]),
  );
  for (const c of truth.containers) {
    const mode = modeOfNamespace(c.namespace);
    const f = mode ? figures.get(mode) : undefined;
    if (!f || !mode) continue;
    const key = `${c.uid}/${c.container}`;
    const mine = rowsBy.get(key) ?? [];
    const samples = prom.get(key) ?? [];
    const atEnd = end.get(key);
    if (mode === 'image') countPull(f, c, mine, samples, atEnd);
    else countCrashes(f, c, mode, mine, samples, atEnd);
  }
  return [...figures.values()];
}

function countPull(
  f: ModeFigures,
  c: ContainerTruth,
  mine: StoredMixRow[],
  samples: PromSample[],
  atEnd: EndView | undefined,
): void {
  if (c.pullFailedAt === undefined) return;
  f.injected++;
  // The waiting reason is the failure's reason: seen and reason+exit count together.
  const both = (s: SideCounts): void => {
    s.seen++;
    s.reason++;
  };
  if (mine.some((r) => PULL.has(r.reason))) both(f.kubeloop);
  if (samples.some((s) => s.waiting !== undefined && PULL.has(s.waiting))) both(f.prometheus);
  if (atEnd?.state.waiting?.reason && PULL.has(atEnd.state.waiting.reason)) both(f.apiAfter);
}

function countCrashes(
  f: ModeFigures,
  c: ContainerTruth,
  mode: FailureMode,
  mine: StoredMixRow[],
  samples: PromSample[],
  atEnd: EndView | undefined,
): void {
  const views = samples.map(promView);
  const shown = atEnd ? endInstance(atEnd) : undefined;
  c.crashes.forEach((_at, k) => {
    f.injected++;
    const end = c.ends[k] ?? undefined;
    // An instance can have more than one row (a CrashLoopBackOff waiting row beside its termination): a person reads them all.
    const ofInstance = mine.filter((r) => r.restartCount === k);
    const row = ofInstance.find((r) => end && r.reason === end.reason && r.exitCode === end.exitCode) ?? ofInstance[0];
    const miss = (why: string): void =>
      void (
        f.kubeloopMisses.length < 4 &&
        f.kubeloopMisses.push(`${c.namespace}/${c.pod} ${c.container} instance ${k}: ${why}`)
      );
    if (!row) miss('not stored');
    else {
      f.kubeloop.seen++;
      const right = end && row.reason === end.reason && row.exitCode === end.exitCode;
      if (right) f.kubeloop.reason++;
      else
        miss(
          `stored ${row.reason} exit ${row.exitCode ?? '-'}, kubelet reported ${end ? `${end.reason} exit ${end.exitCode}` : 'no termination seen by the truth'}`,
        );
      if (end && !row.logsError && logsOfInstance(row.logs, end, CRASH_LOG_MODES.has(mode))) f.kubeloop.logs++;
      else if (right)
        miss(
          `logs not the instance's (${row.logsError ?? `${row.logs?.length ?? 0} chars`}; ran ${end?.startedAt ?? '?'}..${end?.finishedAt ?? '?'})`,
        );
    }
    if (views.some((v) => v.counted > k)) f.prometheus.seen++;
    if (end && views.some((v) => v.reasonOf?.[0] === k && v.reasonOf[1] === end.reason)) f.prometheus.reason++;
    if (atEnd && endCounted(atEnd) > k) f.apiAfter.seen++;
    if (end && shown?.[0] === k) {
      if (shown[1].reason === end.reason && shown[1].exitCode === end.exitCode) f.apiAfter.reason++;
      if (logsOfInstance(atEnd?.logs, end, CRASH_LOG_MODES.has(mode))) f.apiAfter.logs++;
    }
  });
}
