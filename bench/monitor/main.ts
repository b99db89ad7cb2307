import { availableParallelism, cpus, loadavg } from 'node:os';
import { median } from '../support/stats.ts';
import { crashRun, type CrashRun } from './crash-run.ts';
import { crashSummary, mb, mixLines, notifySummary, pass, runLines } from './report.ts';
import { DEFINITIONS, type ModeFigures } from './mix-analyze.ts';
import { mixPlan, MODES } from './mix-plan.ts';
import { mixRun } from './mix-run.ts';
import { SCRAPE_INTERVAL_S } from './prom-side.ts';
import { steadyRuns } from './steady-run.ts';
import { crashPlan, steadyPlan } from './workloads.ts';

/**
 * bench/monitor: Kubeloop's exception monitor (its own process, SQLite store) against the sim (its
 * own process), issues 5 and 16. A fresh sim and monitor process per run.
 *   1. failure mix (the headline): crash loops, one-off crashes, OOM kills, failing Jobs, missing
 *      images and liveness restarts at Kubernetes' own back-off (10 s doubling to 5 min) for
 *      --mix-window-seconds; per mode, what a person can find out afterwards from Kubeloop's store,
 *      from a real Prometheus that scraped the sim's kube-state series every 15 s, and from the API
 *      read at the end (kubectl): failures seen, with reason+exit code, with the dead instance's logs
 *   2. crash storm (a load test, not a comparison: the back-off is shortened to 1 s doubling to
 *      2 s so that a few hundred pods make ~100 crashes/s): --pods pods, --crash-pods of them
 *      crash-looping for --seconds; per run (median over --runs): capture (every crashed instance
 *      stored once, logs captured), detection latency (the API accepting the crash -> detected_at,
 *      and -> the row committed), monitor RSS
 *   3. notifications: the same storm with Kubeloop's notifier in the monitor process sending to a
 *      local webhook receiver: failure stored -> delivered (--notify-runs runs)
 *   4. memory: the whole `kubeloop up` process against --steady-pods-small and --steady-pods
 *      realistic pods (managedFields included): its peak RSS (VmHWM), median over --runs
 * Ground truth comes from inside the sim process (bench/monitor/truth.ts): the wall-clock time each
 * crash was committed to the API, in ms (the kubelet's finishedAt has whole seconds only), and the
 * termination the kubelet reported for each instance.
 * Flags (numbers): --runs 3 --seconds 60 --warmup-seconds 5 (storm running before the window) --pods 2000 --crash-pods 400 --nodes 25 --notify-runs 1
 *   --mix-runs 1 --mix-window-seconds 300 --mix-per-mode 12 --mix-healthy 200
 *   --steady-pods 15000 --steady-pods-small 2000 --steady-nodes 150 --hold-seconds 20 --timeout-seconds 300 (setup waits)
 *   --catch-up-seconds 120 (for the monitor to store, capture and notify every crash after a trace)
 *   --capture-concurrency N (default: Kubeloop's); --only mix|crash|notify|steady
 */
interface Flags {
  runs: number;
  seconds: number;
  warmupSeconds: number;
  pods: number;
  crashPods: number;
  nodes: number;
  steadyPods: number;
  steadyPodsSmall: number;
  steadyNodes: number;
  holdSeconds: number;
  timeoutSeconds: number;
  catchUpSeconds: number;
  /** 0: Kubeloop's default (monitor.captureConcurrency). */
  captureConcurrency: number;
  /** Crash-storm runs with the notifier (each as long as a crash run). */
  notifyRuns: number;
  mixRuns: number;
  mixWindowSeconds: number;
  mixPerMode: number;
  mixHealthy: number;
  only: 'all' | 'mix' | 'crash' | 'steady' | 'notify';
}

function parseFlags(args: string[]): Flags {
  const f: Flags = {
    runs: 3,
    seconds: 60,
    warmupSeconds: 5,
    pods: 2000,
    crashPods: 400,
    nodes: 25,
    steadyPods: 15_000,
    steadyPodsSmall: 2_000,
    steadyNodes: 150,
    holdSeconds: 20,
    timeoutSeconds: 300,
    catchUpSeconds: 120,
    captureConcurrency: 0,
    notifyRuns: 1,
    mixRuns: 1,
    mixWindowSeconds: 300,
    mixPerMode: 12,
    mixHealthy: 200,
    only: 'all',
  };
  for (let i = 0; i < args.length; i += 2) {
    const key = (args[i] ?? '').replace(/^--/, '').replace(/-([a-z])/g, (_m, c: string) => c.toUpperCase());
    const raw = args[i + 1] ?? '';
    if (key === 'only') {
      if (raw !== 'mix' && raw !== 'crash' && raw !== 'steady' && raw !== 'notify')
        throw new Error(`bench monitor: --only takes mix, crash, steady or notify, got ${JSON.stringify(raw)}`);
      f.only = raw;
      continue;
    }
    const value = Number(raw);
    if (!(key in f) || raw === '' || !Number.isInteger(value) || value <= 0)
      throw new Error(`bench monitor: bad flag ${args[i]} ${raw}`);
    f[key as Exclude<keyof Flags, 'only'>] = value;
  }
  if (f.crashPods > f.pods) throw new Error('bench monitor: --crash-pods exceeds --pods');
  if (f.nodes * 110 < f.pods || f.steadyNodes * 110 < f.steadyPods)
    throw new Error('bench monitor: too few nodes (110 pods per node)');
  return f;
}

const out = (line: string): void => void process.stdout.write(`${line}\n`);

async function crashFigure(f: Flags, notify: boolean, runs: number): Promise<CrashRun[]> {
  const plan = crashPlan(f.pods, f.crashPods);
  out(
    `crash storm${notify ? ' with notifications' : ''} on ${f.nodes} nodes, ${runs} run(s) of ${f.seconds} s (a load test of the monitor; its shortened back-off makes no comparison: see the failure mix)`,
  );
  for (const line of plan.description) out(`  ${line}`);
  const monitorConfig = f.captureConcurrency > 0 ? { captureConcurrency: f.captureConcurrency } : {};
  out(
    `  monitor config: ${f.captureConcurrency > 0 ? `captureConcurrency ${f.captureConcurrency}, otherwise ` : ''}Kubeloop's defaults`,
  );
  const results: CrashRun[] = [];
  for (let i = 0; i < runs; i++) {
    const r = await crashRun(
      {
        plan,
        nodes: f.nodes,
        seconds: f.seconds,
        warmupSeconds: f.warmupSeconds,
        timeoutSeconds: f.timeoutSeconds,
        catchUpSeconds: f.catchUpSeconds,
        monitorConfig,
        notify,
      },
      out,
    );
    results.push(r);
    for (const line of runLines(r, i)) out(line);
    out(
      `  (load average ${loadavg()
        .map((l) => l.toFixed(1))
        .join(' ')})`,
    );
  }
  return results;
}

async function figureMix(f: Flags, summary: string[]): Promise<void> {
  const plan = mixPlan(f.mixPerMode, f.mixHealthy, f.mixWindowSeconds * 1000);
  out(
    `failure mix: what a person can find out afterwards, Kubeloop's monitor beside a real Prometheus (${SCRAPE_INTERVAL_S} s scrapes of kube-state series) and the API read at the end; ${f.mixRuns} run(s) of ${f.mixWindowSeconds} s on ${Math.min(f.nodes, 8)} nodes`,
  );
  for (const line of plan.description) out(`  ${line}`);
  const runs: ModeFigures[][] = [];
  for (let i = 0; i < f.mixRuns; i++) {
    const r = await mixRun(
      {
        perMode: f.mixPerMode,
        healthy: f.mixHealthy,
        nodes: Math.min(f.nodes, 8),
        windowSeconds: f.mixWindowSeconds,
        catchUpSeconds: 60,
      },
      out,
    );
    runs.push(r.figures);
    for (const line of mixLines(
      r.figures,
      `run ${i + 1}: ${r.scrapes} Prometheus scrapes; API read at the end in ${(r.apiReadMs / 1000).toFixed(1)} s; monitor ${r.leftAtStop === 0 ? 'stored and captured every crash of the window' : `left ${r.leftAtStop} crashes not yet captured`}; monitor process peak RSS ${r.monitorRssPeakMiB.toFixed(0)} MiB; ${r.stats.warnings} warnings, ${r.stats.errors} errors logged`,
    ))
      out(line);
    for (const w of r.warnings) out(`    WARNING: ${w}`);
    out(
      `  (load average ${loadavg()
        .map((l) => l.toFixed(1))
        .join(' ')})`,
    );
  }
  out('  where:');
  for (const d of DEFINITIONS) out(`    ${d}`);
  // Medians over runs of each count (the injected counts barely vary: the mix is deterministic but for timing).
  const med = MODES.map(({ mode }) => {
    const of = runs.map((r) => r.find((x) => x.mode === mode)).filter((x): x is ModeFigures => x !== undefined);
    const m = (pick: (x: ModeFigures) => number): number => median(of.map(pick));
    const side = (s: 'kubeloop' | 'prometheus' | 'apiAfter') => ({
      seen: m((x) => x[s].seen),
      reason: m((x) => x[s].reason),
      logs: m((x) => x[s].logs),
    });
    return {
      mode,
      injected: m((x) => x.injected),
      logsApply: mode !== 'image',
      kubeloopMisses: [],
      kubeloop: side('kubeloop'),
      prometheus: side('prometheus'),
      apiAfter: side('apiAfter'),
    };
  });
  summary.push(
    ...mixLines(
      med,
      `HEADLINE, failure mix (${f.mixWindowSeconds} s, Kubernetes' back-off; medians over ${runs.length} run(s)): what a person can still find out afterwards`,
    ).map((l) => l.slice(2)),
  );
  summary.push('  missed = injected - seen; seen / reason+exit / logs as defined above the summary');
}

async function figureSteady(f: Flags, summary: string[]): Promise<void> {
  for (const pods of [f.steadyPodsSmall, f.steadyPods]) {
    const nodes = Math.max(Math.ceil(pods / 100), Math.round((f.steadyNodes * pods) / f.steadyPods));
    const plan = steadyPlan(pods, nodes);
    out(
      `kubeloop up memory on ${nodes} nodes: ${plan.description.join('; ')}; ${f.runs} run(s) of the whole \`kubeloop up\` process (compiled as npm run build does, default configuration), ${f.holdSeconds} s held after every pod was cached`,
    );
    const r = await steadyRuns(
      { plan, nodes, runs: f.runs, holdSeconds: f.holdSeconds, timeoutSeconds: f.timeoutSeconds },
      out,
    );
    const peak = median(r.runs.map((x) => x.peakMiB));
    summary.push(
      `kubeloop up, ${pods} realistic pods (${(r.podBytes / 1024).toFixed(1)} KiB of JSON each as served, ${r.managedFieldsEntries} managedFields entries): peak RSS of the whole process (VmHWM, start to ${f.holdSeconds} s after every pod was cached) ${peak.toFixed(0)} MiB = ${mb(peak).toFixed(0)} MB ${pass(mb(peak) < 250)} (< 250 MB); RSS at the end ${median(r.runs.map((x) => x.rssEndMiB)).toFixed(0)} MiB; every pod cached ${(median(r.runs.map((x) => x.cachedMs)) / 1000).toFixed(1)} s after start (medians over ${r.runs.length}); the same process against the empty cluster: ${r.emptyPeakMiB.toFixed(0)} MiB`,
    );
  }
  summary.push(
    '  anchors (not measured here): a bare client-go pod informer 200-300 MB at 15k pods (kubernetes/client-go#871); kubewatch OOM-killed at 6-10k pods (robusta-dev/kubewatch#103); Robusta runner requests 1 GiB',
  );
}

export async function main(args: string[]): Promise<number> {
  const f = parseFlags(args);
  const cores = typeof availableParallelism === 'function' ? availableParallelism() : cpus().length;
  out(
    `machine: ${cores} cores (${cpus()[0]?.model ?? 'unknown cpu'}); sim and monitor each in their own process; monitor store SQLite in a temp dir`,
  );
  const summary: string[] = [];
  if (f.only === 'all' || f.only === 'mix') await figureMix(f, summary);
  if (f.only === 'all' || f.only === 'crash')
    summary.push(...crashSummary(await crashFigure(f, false, f.runs), `crash storm, ${f.pods} pods, ${f.seconds} s`));
  if (f.only === 'all' || f.only === 'notify') summary.push(...notifySummary(await crashFigure(f, true, f.notifyRuns)));
  if (f.only === 'all' || f.only === 'steady') await figureSteady(f, summary);
  out('summary:');
  for (const line of summary) out(`  ${line}`);
  return 0;
}
