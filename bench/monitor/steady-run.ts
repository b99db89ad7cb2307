import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { BenchClient } from '../support/http.ts';
import { startChild, type BenchChild } from '../support/child.ts';
import { sleep, waitFor } from '../support/wait.ts';
import type { SimChildConfig } from './sim-child.ts';
import { startUp, type UpProcess } from './up-process.ts';
import type { WorkloadPlan } from './workloads.ts';

export interface SteadyFlags {
  plan: WorkloadPlan;
  nodes: number;
  runs: number;
  holdSeconds: number;
  timeoutSeconds: number;
}

export interface SteadyRun {
  /** `kubeloop up` started -> every pod in the monitor's cache. */
  cachedMs: number;
  /** VmHWM when every pod was cached, and at the end of the hold: the peak since the process started. */
  peakAtCachedMiB: number;
  peakMiB: number;
  rssEndMiB: number;
  cachedPods: number;
  /** JS heap used / total and external memory at the end (the process's own /metrics). */
  heap: { usedMiB: number; totalMiB: number; externalMiB: number };
}

export interface SteadyResult {
  runs: SteadyRun[];
  /** One pod as the sim's API serves it (JSON bytes) and its managedFields entries. */
  podBytes: number;
  managedFieldsEntries: number;
  simRssMiB: number;
  /** `kubeloop up` against the same sim before any pod existed: VmHWM after it answered and 10 s more. */
  emptyPeakMiB: number;
}

/**
 * One sim process holding the plan's pods (realistic specs, managedFields as a 1.20 apiserver
 * keeps them), then `runs` fresh `kubeloop up` processes in turn against it, each with its own
 * data dir and Kubeloop's default configuration: start, wait until the monitor caches every pod,
 * hold `holdSeconds`, read the kernel's peak RSS of the whole process (VmHWM), stop.
 */
export async function steadyRuns(f: SteadyFlags, log: (line: string) => void): Promise<SteadyResult> {
  const children: BenchChild[] = [];
  const dirs: string[] = [];
  let up: UpProcess | undefined;
  try {
    const simConfig: SimChildConfig = { nodes: f.nodes, kubelet: {}, managedFields: true };
    const sim = await startChild('sim', new URL('./sim-child.ts', import.meta.url), simConfig);
    children.push(sim);
    const kubeconfig = await sim.request<string>('kubeconfig');
    const emptyPeakMiB = await emptyClusterPeak(kubeconfig, dirs);
    log(`  kubeloop up against the empty cluster: peak RSS (VmHWM) ${emptyPeakMiB.toFixed(0)} MiB`);
    const t0 = Date.now();
    await sim.request('setup', f.plan, f.timeoutSeconds * 1000);
    let progress = { pods: 0, started: 0, crashes: 0 };
    let busy = '';
    await waitFor(
      'every pod to start',
      f.timeoutSeconds * 1000,
      async () => {
        // A sim busy creating thousands of pods may answer late: keep waiting until the deadline.
        progress = await sim
          .request<typeof progress>('progress', {}, 30_000)
          .catch((err: Error) => ((busy = err.message.split('\n')[0] ?? ''), progress));
        return progress.started >= f.plan.pods ? progress : undefined;
      },
      () =>
        `${progress.started}/${f.plan.pods} pods started (${progress.pods} created)${busy ? `; last: ${busy}` : ''}`,
      1_000,
    );
    const simRssMiB = await sim.rssMiB();
    const { podBytes, managedFieldsEntries } = await samplePod(kubeconfig, f.plan.namespaces[0] ?? 'default');
    log(
      `  ${f.plan.pods} pods running ${((Date.now() - t0) / 1000).toFixed(1)} s after setup (sim RSS ${simRssMiB.toFixed(0)} MiB); a pod as served: ${(podBytes / 1024).toFixed(1)} KiB of JSON, ${managedFieldsEntries} managedFields entries; settling 5 s`,
    );
    await sleep(5_000);
    const runs: SteadyRun[] = [];
    for (let i = 0; i < f.runs; i++) {
      const dataDir = await mkdtemp(join(tmpdir(), 'kubeloop-bench-up-'));
      dirs.push(dataDir);
      const kubeconfigFile = join(dataDir, 'kubeconfig.yaml');
      await writeFile(kubeconfigFile, kubeconfig, { mode: 0o600 });
      const s0 = Date.now();
      const u = await startUp(kubeconfigFile, dataDir);
      up = u;
      let cached = 0;
      await waitFor(
        'kubeloop up to cache every pod',
        f.timeoutSeconds * 1000,
        async () => {
          cached = await u.cachedPods();
          return cached >= f.plan.pods ? true : undefined;
        },
        () => `${cached}/${f.plan.pods} pods cached; output ends: ${u.output().slice(-500)}`,
        500,
      );
      const cachedMs = Date.now() - s0;
      const atCached = await u.memory();
      await sleep(f.holdSeconds * 1000);
      const end = await u.memory();
      runs.push({
        cachedMs,
        peakAtCachedMiB: atCached.peakMiB,
        peakMiB: end.peakMiB,
        rssEndMiB: end.rssMiB,
        cachedPods: await u.cachedPods(),
        heap: await u.heap(),
      });
      const r = runs[runs.length - 1] as SteadyRun;
      log(
        `  run ${i + 1}: every pod cached ${(cachedMs / 1000).toFixed(1)} s after start; peak RSS (VmHWM) ${r.peakMiB.toFixed(0)} MiB (${r.peakAtCachedMiB.toFixed(0)} MiB when every pod was cached), RSS ${r.rssEndMiB.toFixed(0)} MiB after ${f.holdSeconds} s more (JS heap ${r.heap.usedMiB.toFixed(0)} used of ${r.heap.totalMiB.toFixed(0)} MiB, external ${r.heap.externalMiB.toFixed(0)} MiB)`,
      );
      await u.stop();
      up = undefined;
    }
    return { runs, podBytes, managedFieldsEntries, simRssMiB, emptyPeakMiB };
  } finally {
    await up?.stop().catch(() => undefined);
    for (const c of children.reverse()) await c.stop().catch(() => undefined);
    for (const d of dirs) await rm(d, { recursive: true, force: true });
  }
}

async function emptyClusterPeak(kubeconfig: string, dirs: string[]): Promise<number> {
  const dataDir = await mkdtemp(join(tmpdir(), 'kubeloop-bench-up-'));
  dirs.push(dataDir);
  const file = join(dataDir, 'kubeconfig.yaml');
  await writeFile(file, kubeconfig, { mode: 0o600 });
  const u = await startUp(file, dataDir);
  try {
    await sleep(10_000);
    return (await u.memory()).peakMiB;
  } finally {
    await u.stop();
  }
}

async function samplePod(
  kubeconfig: string,
  namespace: string,
): Promise<{ podBytes: number; managedFieldsEntries: number }> {
  const kc = new KubeConfig();
  kc.loadFromString(kubeconfig);
  const api = new BenchClient(
    {
      url: kc.getCurrentCluster()?.server ?? '',
      token: kc.getCurrentUser()?.token ?? '',
      ca: Buffer.from(kc.getCurrentCluster()?.caData ?? '', 'base64').toString('utf8'),
    },
    1,
  );
  try {
    const list = (await api.json('GET', `/api/v1/namespaces/${namespace}/pods?limit=1`)) as {
      items: { metadata: { managedFields?: unknown[] } }[];
    };
    const pod = list.items[0];
    return {
      podBytes: pod ? JSON.stringify(pod).length : 0,
      managedFieldsEntries: pod?.metadata.managedFields?.length ?? 0,
    };
  } finally {
    api.close();
  }
}
