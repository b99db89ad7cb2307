import { AppsV1Api, CoreV1Api, type V1ContainerStatus, type V1Pod } from '@kubernetes/client-node';
import { BenchClient } from '../support/http.ts';
import { startClusterSim } from './sim-process.ts';
import { deployment, sleep, startWatch, waitUntil } from './kube.ts';
import type { BackoffSchedule } from './backoff.ts';
import { analyzeCrashes, type CrashReport, type Trace } from './crash-report.ts';

export interface CrashFlags {
  pods: number;
  /** Back-off and crash period are Kubernetes' divided by this (10: 1 s doubling to 30 s). */
  scale: number;
  /** Wall-clock length of the run after the pods first start. */
  seconds: number;
  nodes: number;
}

const NS = 'default';
const NAME = 'crasher';
const CRASH_LINE = 'bench: crashing now';
const K8S = { baseMs: 10_000, maxMs: 300_000, runMs: 10_000 };

function observe(trace: Trace, cs: V1ContainerStatus | undefined, at: number): boolean {
  // One container instance = one restartCount value while running (the sim and the kubelet agree there).
  const instance = cs?.state?.running
    ? `${cs.restartCount}/${cs.state.running.startedAt?.toString() ?? ''}`
    : undefined;
  let started = false;
  if (trace.running !== undefined && instance !== trace.running) trace.crashes.push(at);
  if (instance !== undefined && instance !== trace.running) {
    trace.starts.push(at);
    trace.startsWall.push(Date.now());
    started = true;
    const k = trace.starts.length - 1;
    const finished = cs?.lastState?.terminated?.finishedAt;
    const startedAt = cs?.state?.running?.startedAt;
    if (k >= 1 && finished && startedAt)
      trace.stamped.set(k, new Date(startedAt).getTime() - new Date(finished).getTime());
  }
  trace.running = instance;
  return started;
}

/** `2026-01-02T03:04:05.678000000Z text` lines -> [epoch ms, text]. */
function parseLog(text: string): [number, string][] {
  return text
    .split('\n')
    .filter((l) => l.length > 0)
    .map((l) => {
      const i = l.indexOf(' ');
      return [Date.parse(l.slice(0, i)), l.slice(i + 1)];
    });
}

/**
 * The wait before restart k from the container logs' timestamps (ms resolution, the sim's own
 * clock): the crash line of the previous instance -> the "Starting" line of the current one. Kept
 * only when the current instance is provably restart k (it started before the watch saw restart k
 * and after it saw restart k-1) and the previous one is another instance.
 */
async function probeLogs(logs: BenchClient, name: string, k: number, trace: Trace): Promise<void> {
  const read = async (previous: boolean): Promise<[number, string][]> => {
    const res = await logs.send(
      'GET',
      `/api/v1/namespaces/${NS}/pods/${name}/log?container=app&timestamps=true${previous ? '&previous=true' : ''}`,
    );
    if (res.status !== 200) throw new Error(`log of ${name}: ${res.status} ${res.text.slice(0, 200)}`);
    return parseLog(res.text);
  };
  const cur = await read(false);
  const prev = await read(true);
  const start = cur.find(([, text]) => text.startsWith('Starting '))?.[0];
  const prevStart = prev.find(([, text]) => text.startsWith('Starting '))?.[0];
  const crash = prev.find(([, text]) => text === CRASH_LINE)?.[0];
  if (start === undefined || prevStart === undefined || crash === undefined || !(prevStart < start)) return;
  // Receive times on the wall clock the sim also uses (same machine).
  const seenK = trace.startsWall[k];
  const seenBefore = trace.startsWall[k - 1];
  if (seenK === undefined || seenBefore === undefined || start > seenK || start <= seenBefore) return;
  trace.logged.set(k, start - crash);
}

/**
 * `pods` replicas whose container crashes every 10 s of Kubernetes time, with the kubelet's
 * back-off scaled by 1/scale; a pod watch records every crash and restart, and each restart's
 * wait is also read from the container logs' timestamps. Compares restart counts at the end and
 * each back-off interval against Kubernetes' schedule at the same scale.
 */
export async function crashFidelity(f: CrashFlags, log: (line: string) => void): Promise<CrashReport> {
  const schedule: BackoffSchedule = {
    baseMs: K8S.baseMs / f.scale,
    maxMs: K8S.maxMs / f.scale,
    runMs: K8S.runMs / f.scale,
  };
  const sim = await startClusterSim({
    nodes: f.nodes,
    nodeCpu: '64',
    nodeMemory: '256Gi',
    kubelet: { backoffBaseMs: schedule.baseMs, backoffMaxMs: schedule.maxMs },
  });
  const traces = new Map<string, Trace>();
  const probes: Promise<void>[] = [];
  const probeFailures: string[] = [];
  // Log reads go over a few keep-alive connections, so reading them costs the sim little.
  const logs = new BenchClient(sim, 4);
  try {
    const core = sim.kc.makeApiClient(CoreV1Api);
    const apps = sim.kc.makeApiClient(AppsV1Api);
    let endAt = Infinity;
    const watch = await startWatch<V1Pod>(
      sim.kc,
      `/api/v1/namespaces/${NS}/pods`,
      { labelSelector: `app=${NAME}` },
      (type, pod, at) => {
        const name = pod.metadata?.name ?? '';
        if (at > endAt) return;
        // Surplus pods a ReplicaSet creates and deletes again are not part of the run.
        if (type === 'DELETED') {
          traces.delete(name);
          return;
        }
        let t = traces.get(name);
        if (!t)
          traces.set(
            name,
            (t = {
              starts: [],
              startsWall: [],
              crashes: [],
              stamped: new Map(),
              logged: new Map(),
              running: undefined,
            }),
          );
        if (
          observe(
            t,
            pod.status?.containerStatuses?.find((c) => c.name === 'app'),
            at,
          ) &&
          t.starts.length > 1
        ) {
          const trace = t;
          probes.push(
            probeLogs(logs, name, trace.starts.length - 1, trace).catch(
              (err: unknown) => void probeFailures.push((err as Error).message),
            ),
          );
        }
      },
    );
    try {
      const annotations = {
        'sim.kubeloop.dev/crash-after': `${schedule.runMs}ms`,
        'sim.kubeloop.dev/crash-log': CRASH_LINE,
      };
      await apps.createNamespacedDeployment({ namespace: NS, body: deployment(NAME, f.pods, annotations) });
      const started = (): number => [...traces.values()].filter((t) => t.starts.length > 0).length;
      await waitUntil(
        'crash-loop pods starting',
        60_000,
        () => started() >= f.pods,
        () => `${started()}/${f.pods} pods started`,
        [watch],
      );
      log(
        `  ${f.pods} pods started; observing ${f.seconds} s (${((f.seconds * f.scale) / 60).toFixed(1)} min of Kubernetes time)`,
      );
      const firstStart = Math.min(...[...traces.values()].map((t) => t.starts[0] ?? Infinity));
      const stopAt = firstStart + f.seconds * 1000;
      while (performance.now() < stopAt) {
        const closed = watch.closedEarly();
        if (closed) throw new Error(`crash fidelity: the pod watch ended early: ${closed.message}`);
        await sleep(Math.min(1_000, stopAt - performance.now()));
      }
      endAt = performance.now();
      const list = await core.listNamespacedPod({ namespace: NS, labelSelector: `app=${NAME}` });
      const counts = new Map(
        list.items.map((p) => [
          p.metadata?.name ?? '',
          p.status?.containerStatuses?.find((c) => c.name === 'app')?.restartCount ?? 0,
        ]),
      );
      await Promise.all(probes);
      return analyzeCrashes({
        pods: f.pods,
        scale: f.scale,
        schedule,
        traces,
        counts,
        endAt,
        probeFailures,
        rssMiB: await sim.rssMiB(),
      });
    } finally {
      watch.stop();
    }
  } finally {
    logs.close();
    await sim.stop();
  }
}
