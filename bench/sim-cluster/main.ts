import { availableParallelism, cpus, loadavg } from 'node:os';
import { median } from '../support/stats.ts';
import { scaleRun, type ScaleRun } from './scale.ts';
import { steadyState } from './steady.ts';
import { crashFidelity } from './crash.ts';

/**
 * bench/sim-cluster: the simulated cluster's controllers and kubelet at scale, measured from a
 * client-node client over HTTPS with the sim in its own process (a fresh one per figure and run).
 *   1. scale a Deployment 0 -> 1,000 replicas on 50 nodes: until every pod is Running+Ready and
 *      the Service's Endpoints list 1,000 ready addresses; median over runs (target < 10 s)
 *   2. 5,000 pods steady (100 Deployments x 50, logging, leaking and loaded ones): sim CPU over
 *      60 s from /proc/<pid>/stat (target < 50 % of one core) and RSS (target < 600 MB)
 *   3. CrashLoopBackOff fidelity: 100 pods crashing every 10 s (Kubernetes time) with the kubelet's
 *      back-off scaled by 1/--crash-scale; restart counts and back-off intervals vs Kubernetes'
 *      schedule at the same scale (within 5 %)
 * Flags (numbers): --runs 5 --nodes 50 --replicas 1000 --deployments 100 --pods-per-deployment 50
 *   --steady-seconds 60 --crash-pods 100 --crash-scale 10 --crash-seconds 180 --timeout-seconds 300
 *   and --only scale|steady|crash. The full 10 minutes of Kubernetes time at real timings (10 s
 *   doubling to 5 min, 10 s crash period): --only crash --crash-scale 1 --crash-seconds 600.
 */
interface Flags {
  runs: number;
  nodes: number;
  replicas: number;
  deployments: number;
  podsPerDeployment: number;
  steadySeconds: number;
  crashPods: number;
  crashScale: number;
  crashSeconds: number;
  timeoutSeconds: number;
  only: 'all' | 'scale' | 'steady' | 'crash';
}

function parseFlags(args: string[]): Flags {
  const f: Flags = {
    runs: 5,
    nodes: 50,
    replicas: 1000,
    deployments: 100,
    podsPerDeployment: 50,
    steadySeconds: 60,
    crashPods: 100,
    crashScale: 10,
    crashSeconds: 180,
    timeoutSeconds: 300,
    only: 'all',
  };
  for (let i = 0; i < args.length; i += 2) {
    const key = (args[i] ?? '').replace(/^--/, '').replace(/-([a-z])/g, (_m, c: string) => c.toUpperCase());
    const raw = args[i + 1] ?? '';
    if (key === 'only') {
      if (raw !== 'scale' && raw !== 'steady' && raw !== 'crash')
        throw new Error(`bench sim-cluster: --only takes scale, steady or crash, got ${JSON.stringify(raw)}`);
      f.only = raw;
      continue;
    }
    const value = Number(raw);
    if (!(key in f) || key === 'only' || raw === '' || !Number.isFinite(value) || value <= 0)
      throw new Error(`bench sim-cluster: bad flag ${args[i]} ${raw}`);
    f[key as Exclude<keyof Flags, 'only'>] = value;
  }
  return f;
}

const out = (line: string): void => {
  process.stdout.write(`${line}\n`);
};
const s = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;

async function figureScale(f: Flags, summary: string[]): Promise<void> {
  out(
    `scale a Deployment 0 -> ${f.replicas} replicas on ${f.nodes} nodes (default kubelet timings: container start 300 ms after binding, no readiness probe)`,
  );
  const runs: ScaleRun[] = [];
  for (let i = 0; i < f.runs; i++) {
    const r = await scaleRun({ nodes: f.nodes, replicas: f.replicas, timeoutSeconds: f.timeoutSeconds });
    runs.push(r);
    out(
      `  run ${i + 1}: ${s(r.totalMs)} (all pods Running+Ready ${s(r.podsMs)}, Endpoints ${f.replicas} ready addresses ${s(r.endpointsMs)}); sim CPU ${r.simCpuSeconds.toFixed(1)} s, RSS ${r.rssMiB.toFixed(0)} MiB`,
    );
  }
  const total = median(runs.map((r) => r.totalMs));
  out(
    `  median over ${runs.length} runs: ${s(total)} (pods ${s(median(runs.map((r) => r.podsMs)))}, endpoints ${s(median(runs.map((r) => r.endpointsMs)))}, sim CPU ${median(runs.map((r) => r.simCpuSeconds)).toFixed(1)} s; target < 10 s)`,
  );
  summary.push(
    `scale 0 -> ${f.replicas}: median ${s(total)} ${total < 10_000 ? 'PASS' : 'FAIL'} (< 10 s); sim RSS at end ${median(runs.map((r) => r.rssMiB)).toFixed(0)} MiB`,
  );
}

async function figureSteady(f: Flags, summary: string[]): Promise<void> {
  out(`steady state: ${f.deployments * f.podsPerDeployment} pods (default kubelet timings)`);
  const r = await steadyState(
    {
      nodes: f.nodes,
      deployments: f.deployments,
      replicas: f.podsPerDeployment,
      steadySeconds: f.steadySeconds,
      timeoutSeconds: f.timeoutSeconds,
    },
    out,
  );
  out(`  ${r.mix}`);
  out(`  sim CPU over ${f.steadySeconds} s: ${r.cpuPercent.toFixed(1)} % of one core (target < 50 %)`);
  const growth = ((r.rssEndMiB - r.rssStartMiB) / f.steadySeconds) * 60;
  out(
    `  sim RSS: ${r.rssStartMiB.toFixed(0)} MiB at the start of the window, ${r.rssEndMiB.toFixed(0)} MiB at the end (${growth >= 0 ? '+' : ''}${growth.toFixed(0)} MiB/min), peak ${r.rssPeakMiB.toFixed(0)} MiB (target < 600 MB)`,
  );
  const rssMB = (r.rssPeakMiB * 1024 * 1024) / 1e6;
  summary.push(
    `steady ${r.pods} pods: CPU ${r.cpuPercent.toFixed(1)} % ${r.cpuPercent < 50 ? 'PASS' : 'FAIL'} (< 50 %), RSS peak ${r.rssPeakMiB.toFixed(0)} MiB = ${rssMB.toFixed(0)} MB ${rssMB < 600 ? 'PASS' : 'FAIL'} (< 600 MB)`,
  );
}

async function figureCrash(f: Flags, summary: string[]): Promise<void> {
  const k = f.crashScale;
  out(
    `crash back-off fidelity: ${f.crashPods} pods, sim.kubeloop.dev/crash-after ${s(10_000 / k)} (10 s of Kubernetes time), kubelet backoffBaseMs ${10_000 / k} backoffMaxMs ${300_000 / k} (Kubernetes' 10 s and 5 min / ${k})`,
  );
  out(
    `  expected: Kubernetes' schedule at the same scale (first restart immediate, then base doubling to max; restartCount = containers started - 1)`,
  );
  const r = await crashFidelity({ pods: f.crashPods, scale: k, seconds: f.crashSeconds, nodes: 10 }, out);
  for (const line of r.lines) out(line);
  summary.push(
    `crash back-off fidelity (${f.crashSeconds} s at 1/${k}): ${r.pass ? 'PASS' : 'FAIL'} (5 %); sim RSS at end ${r.rssMiB.toFixed(0)} MiB`,
  );
}

export async function main(args: string[]): Promise<number> {
  const f = parseFlags(args);
  const cores = typeof availableParallelism === 'function' ? availableParallelism() : cpus().length;
  out(
    `machine: ${cores} cores (${cpus()[0]?.model ?? 'unknown cpu'}); sim in its own process, client @kubernetes/client-node over HTTPS`,
  );
  const summary: string[] = [];
  const figures = [
    ['scale', figureScale],
    ['steady', figureSteady],
    ['crash', figureCrash],
  ] as const;
  for (const [name, figure] of figures) {
    if (f.only !== 'all' && f.only !== name) continue;
    await figure(f, summary);
    // Other work on the machine shares the cores with the sim: say how busy it was.
    out(
      `  (load average ${loadavg()
        .map((l) => l.toFixed(1))
        .join(' ')})`,
    );
  }
  out('summary:');
  for (const line of summary) out(`  ${line}`);
  return 0;
}
