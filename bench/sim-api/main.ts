import { availableParallelism, cpus } from 'node:os';
import { fmtMs, median } from '../support/stats.ts';
import { quietBench } from './quiet.ts';
import { scaleRound } from './scale-round.ts';
import { startRealSide, startSimSide, type Side } from './sides.ts';
import { writeRound, type RoundResult } from './write-round.ts';
import type { LoopDelay } from './sim-child.ts';

/**
 * bench/sim-api: the sim under write load, beside the real control plane measured in the same run.
 *   For each connection mode (a new TLS connection per request; keep-alive), on a fresh API server
 *   per run: 16 clients create 10,000 pods in 100 namespaces, then list all pods and one namespace.
 *   Sim sides: `demo` + 100 nodes (every pod scheduled, started by the kubelet model) and `empty`
 *   (no node: every pod Pending, FailedScheduling). Real side: kube-apiserver 1.20 + etcd + KCM.
 *   Then (sim, demo + 100 nodes) a Deployment scaled 0 -> 1,000 -> 10,000, and peak RSS with 30,000 pods.
 * `npm run bench -- sim-api watch [flags]` runs the older quiet-sim list and watch figures.
 * Flags: --pods N --namespaces N --clients N --runs N --real-runs N --scale N (0: skip)
 *        --big N (0: skip) --scenarios demo,empty --modes new-tls,keep-alive --real 0|1
 */
interface Flags {
  pods: number;
  namespaces: number;
  clients: number;
  runs: number;
  realRuns: number;
  scale: number;
  big: number;
  real: number;
  scenarios: string;
  modes: string;
}

function parseFlags(args: string[]): Flags {
  const f: Flags = {
    pods: 10_000,
    namespaces: 100,
    clients: 16,
    runs: 3,
    realRuns: 1,
    scale: 10_000,
    big: 30_000,
    real: 1,
    scenarios: 'demo,empty',
    modes: 'new-tls,keep-alive',
  };
  for (let i = 0; i < args.length; i += 2) {
    const key = (args[i] ?? '')
      .replace(/^--/, '')
      .replace(/-([a-z])/g, (_m, c: string) => c.toUpperCase()) as keyof Flags;
    const raw = args[i + 1] ?? '';
    if (!(key in f)) throw new Error(`bench sim-api: unknown flag ${args[i]}`);
    if (key === 'scenarios' || key === 'modes') f[key] = raw;
    else {
      const value = Number(raw);
      if (!Number.isFinite(value) || value < 0) throw new Error(`bench sim-api: bad value for ${args[i]}: ${raw}`);
      f[key] = value;
    }
  }
  return f;
}

const MODES = ['new-tls', 'keep-alive'] as const;
const MODE_TEXT = {
  'new-tls': 'a new TLS connection per request (full handshake)',
  'keep-alive': 'keep-alive, one connection per client',
};

async function rounds(
  start: () => Promise<Side>,
  runs: number,
  f: Flags,
  connection: (typeof MODES)[number],
): Promise<{ name: string; results: RoundResult[] }> {
  const results: RoundResult[] = [];
  let name = '';
  for (let r = 0; r < runs; r++) {
    const side = await start();
    name = side.name;
    try {
      results.push(await writeRound(side, { pods: f.pods, namespaces: f.namespaces, clients: f.clients, connection }));
    } finally {
      await side.stop();
    }
  }
  return { name, results };
}

function med(results: RoundResult[], pick: (r: RoundResult) => number | undefined): number {
  return median(results.map(pick).filter((v): v is number => v !== undefined));
}

function row(name: string, rs: RoundResult[], real: RoundResult[] | undefined): string {
  const rate = med(rs, (r) => r.rate);
  const ratio = real ? ` = ${(rate / med(real, (r) => r.rate)).toFixed(2)}x real` : '';
  const gcMax = (pick: (r: RoundResult) => LoopDelay | undefined): string =>
    fmtMs(Math.max(...rs.map((r) => pick(r)?.gc.maxMs ?? 0)));
  const loop = rs[0]?.loopWrite
    ? `\n    event-loop delay beyond the 10 ms sampling interval, p99: ${fmtMs(med(rs, (r) => r.loopWrite?.p99))} writing / ${fmtMs(med(rs, (r) => r.loopRead?.p99))} reading` +
      ` (max ${fmtMs(Math.max(...rs.map((r) => Math.max(r.loopWrite?.max ?? 0, r.loopRead?.max ?? 0))))}); longest GC pause ${gcMax((r) => r.loopWrite)} writing / ${gcMax((r) => r.loopRead)} reading`
    : '';
  return [
    `  ${name}: ${rate.toFixed(0)} pods/s${ratio} (${rs.map((r) => r.rate.toFixed(0)).join(', ')}; created ${rs.map((r) => r.created).join('/')}, failed ${rs.reduce((a, r) => a + r.failed, 0)})`,
    `    request p99 ${fmtMs(med(rs, (r) => r.p99))}, slowest ${fmtMs(Math.max(...rs.map((r) => r.max)))}; a reader's slowest one-namespace list during the writes ${fmtMs(Math.max(...rs.map((r) => r.readMaxDuringWrites)))}`,
    `    then list all (${((rs[0]?.listAllBytes ?? 0) / 1e6).toFixed(1)} MB) ${fmtMs(med(rs, (r) => r.listAllMs))}, one namespace ${fmtMs(med(rs, (r) => r.listOneMs))}${loop}`,
    `    peak RSS ${med(rs, (r) => r.peakRssMiB).toFixed(0)} MiB${rs[0]?.events !== undefined ? ` with ${rs[0]?.events} Events stored` : ''}`,
    ...rs.flatMap((r) => r.failures).map((w) => `    failed: ${w}`),
  ].join('\n');
}

export async function main(args: string[]): Promise<number> {
  if (args[0] === 'watch') return quietBench(args.slice(1));
  const f = parseFlags(args);
  const say = (s: string): boolean => process.stdout.write(`${s}\n`);
  const cores = typeof availableParallelism === 'function' ? availableParallelism() : cpus().length;
  say(
    `machine: ${cores} cores (${cpus()[0]?.model ?? 'unknown cpu'}); ${f.pods} pods in ${f.namespaces} namespaces by ${f.clients} parallel clients; sim runs ${f.runs}, real runs ${f.realRuns}; medians over runs`,
  );
  const scenarios = f.scenarios.split(',').filter((s): s is 'demo' | 'empty' => s === 'demo' || s === 'empty');
  const modes = MODES.filter((m) => f.modes.split(',').includes(m));
  for (const mode of modes) {
    say(
      `\ncreate ${f.pods} pods over ${MODE_TEXT[mode]} (targets: >= real, 2x; no request over 1 s; list all < 300 ms; one namespace < 5 ms; loop p99 < 50 ms)`,
    );
    const real = f.real > 0 ? await rounds(startRealSide, f.realRuns, f, mode) : undefined;
    if (real) say(row(real.name, real.results, undefined));
    for (const scenario of scenarios) {
      const sim = await rounds(
        () => startSimSide({ scenario, extraNodes: scenario === 'demo' ? 100 : 0 }),
        f.runs,
        f,
        mode,
      );
      say(row(sim.name, sim.results, real?.results));
    }
  }
  if (f.scale > 0) {
    const steps = [1_000, f.scale].filter((n, i, a) => a.indexOf(n) === i);
    const side = await startSimSide({ scenario: 'demo', extraNodes: 100 });
    try {
      const res = await scaleRound(side, steps);
      say(
        `\nDeployment scaled 0 -> ${steps.join(' -> ')} on demo + 100 nodes, until every replica is Running (target < 10 s per 1,000):`,
      );
      let prev = 0;
      for (const s of res) {
        say(
          `  -> ${s.replicas}: ${s.seconds.toFixed(1)} s (${((s.seconds / (s.replicas - prev)) * 1000).toFixed(1)} s per 1,000)`,
        );
        prev = s.replicas;
      }
      const c = await side.counts();
      say(
        `  peak RSS ${(await side.peakRssMiB()).toFixed(0)} MiB with ${c?.total ?? '?'} pods and ${c?.events ?? '?'} Events (target < 600 MB at 10,000)`,
      );
    } finally {
      await side.stop();
    }
  }
  if (f.big > 0) {
    const side = await startSimSide({ scenario: 'empty', extraNodes: 0 });
    try {
      const r = await writeRound(side, {
        pods: f.big,
        namespaces: Math.max(f.namespaces, Math.ceil(f.big / 100)),
        clients: f.clients,
        connection: 'keep-alive',
      });
      say(
        `\n${r.created} pods on empty (keep-alive): ${r.rate.toFixed(0)} pods/s; list all ${fmtMs(r.listAllMs)}; peak RSS ${r.peakRssMiB.toFixed(0)} MiB with ${r.events ?? '?'} Events (target < 1 GB at 30,000)`,
      );
    } finally {
      await side.stop();
    }
  }
  return 0;
}
