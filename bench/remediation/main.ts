import { readFile } from 'node:fs/promises';
import { availableParallelism, loadavg } from 'node:os';
import { KubeConfig } from '@kubernetes/client-node';
import { startChild, type BenchChild } from '../support/child.ts';
import { startSimProcess } from '../support/sim-process.ts';
import { fmtMs, median, percentile } from '../support/stats.ts';
import { sleep } from '../support/wait.ts';
import { kubeconfigFor, NS, Workloads } from './cluster.ts';
import { sendAlerts, type Sent } from './load.ts';

/**
 * bench/remediation: alert received -> Scale PUT accepted, Kubeloop beside a stand-in of seed 000's
 * Func route, measured in the same run on the same sim.
 *   `--rate` Guance alerts per second (default 50), each on a new TCP connection, sent open-loop
 *   round-robin over `--workloads` Deployments (default 50), for `--seconds` per run (default 10),
 *   `--runs` runs per side (default 5), the sides alternating. Each alert names the workload's pod;
 *   the playbook (or the stand-in) follows it to the Deployment and PUTs its Scale with replicas + 1.
 * Latency of one alert: from just before its request is opened to the moment a watch on the
 * Deployments sees spec.replicas reach the value that alert's PUT produces.
 */
interface Flags {
  rate: number;
  workloads: number;
  seconds: number;
  runs: number;
  max: number;
}

function parseFlags(args: string[]): Flags {
  const f: Flags = { rate: 50, workloads: 50, seconds: 10, runs: 5, max: 1000 };
  for (let i = 0; i < args.length; i += 2) {
    const key = (args[i] ?? '').replace(/^--/, '') as keyof Flags;
    const value = Number(args[i + 1]);
    if (!(key in f))
      throw new Error(`bench remediation: unknown flag ${args[i]} (flags: --rate --workloads --seconds --runs --max)`);
    if (!Number.isFinite(value) || value <= 0)
      throw new Error(`bench remediation: ${args[i]} needs a positive number, got ${args[i + 1]}`);
    f[key] = value;
  }
  return f;
}

interface RunResult {
  side: string;
  p50: number;
  p99: number;
  max: number;
  /** Alerts whose Scale change was seen / sent / answered with a non-2xx or not at all. */
  scaled: number;
  sent: number;
  failed: number;
  /** HTTP answer time p50 (Kubeloop answers 202 once the alert is stored; the stand-in after its PUT). */
  answerP50: number;
  /** Highest RSS sampled every 100 ms during the run (MiB). */
  rssMiB: number;
}

async function vm(pid: number, field: 'VmRSS' | 'VmHWM'): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  return Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? NaN) / 1024;
}

async function oneRun(
  side: { name: string; url: string; child: BenchChild },
  w: Workloads,
  f: Flags,
  run: string,
): Promise<RunResult> {
  const pods = await w.reset();
  let rss = 0;
  let sampling = true;
  const sampler = (async () => {
    while (sampling) {
      rss = Math.max(rss, await vm(side.child.pid, 'VmRSS'));
      await sleep(100);
    }
  })();
  const sent = await sendAlerts({
    url: side.url,
    rate: f.rate,
    seconds: f.seconds,
    namespace: NS,
    pods,
    workloads: w.names,
    run,
  });
  const ok = sent.filter((s) => s.status >= 200 && s.status < 300);
  const latency = (s: Sent): number | undefined => {
    const at = w.seenAt(s.workload, s.expectReplicas);
    return at === undefined ? undefined : at - s.sentAt;
  };
  // Kubeloop acts after its 202: give the last alerts up to 30 s to show up.
  const deadline = Date.now() + 30_000;
  while (ok.some((s) => latency(s) === undefined) && Date.now() < deadline) await sleep(100);
  sampling = false;
  await sampler;
  const lat = ok.map(latency).filter((v): v is number => v !== undefined);
  const failed = sent.length - ok.length;
  if (failed > 0)
    console.log(
      `  ${side.name} run ${run}: ${failed} alerts not accepted, e.g. ${JSON.stringify(sent.find((s) => !(s.status >= 200 && s.status < 300)))}`,
    );
  return {
    side: side.name,
    p50: percentile(lat, 50),
    p99: percentile(lat, 99),
    max: percentile(lat, 100),
    scaled: lat.length,
    sent: sent.length,
    failed,
    answerP50: percentile(
      sent.map((s) => s.answeredAt - s.sentAt),
      50,
    ),
    rssMiB: rss,
  };
}

export async function main(args: string[]): Promise<number> {
  const f = parseFlags(args);
  console.log(
    `bench/remediation: ${f.rate} Guance alerts/s over ${f.workloads} Deployments, ${f.seconds} s per run, ${f.runs} runs per side; machine: ${availableParallelism()} cores, load average ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
  const sim = await startSimProcess();
  const kubeconfig = kubeconfigFor(sim);
  const kc = new KubeConfig();
  kc.loadFromString(kubeconfig);
  const w = new Workloads(kc, f.workloads);
  const children: BenchChild[] = [];
  try {
    await w.create();
    const kubeloop = await startChild(
      'kubeloop',
      new URL('./kubeloop-child.ts', import.meta.url),
      { kubeconfig, max: f.max },
      { compiled: true },
    );
    children.push(kubeloop);
    const standin = await startChild(
      'standin',
      new URL('./standin-child.ts', import.meta.url),
      { sim: { url: sim.url, token: sim.token, ca: sim.ca }, max: f.max },
      { compiled: true },
    );
    children.push(standin);
    const sides = [
      { name: 'Kubeloop', url: (await kubeloop.request<{ url: string }>('start', {}, 120_000)).url, child: kubeloop },
      {
        name: "stand-in of the seed's Func route",
        url: (await standin.request<{ url: string }>('start')).url,
        child: standin,
      },
    ];
    // One short warm-up per side (JIT, connection pools, the monitor's first list), not reported.
    for (const s of sides) await oneRun(s, w, { ...f, seconds: Math.min(2, f.seconds) }, `warmup-${s.child.name}`);
    const results: RunResult[] = [];
    for (let r = 0; r < f.runs; r++) {
      // Alternate which side goes first, so drift in the machine's load falls on both.
      for (const s of r % 2 === 0 ? sides : [...sides].reverse()) {
        const res = await oneRun(s, w, f, `${r}-${s.child.name}`);
        results.push(res);
        console.log(
          `  run ${r + 1} ${res.side}: p50 ${fmtMs(res.p50)}, p99 ${fmtMs(res.p99)}, max ${fmtMs(res.max)}; scaled ${res.scaled}/${res.sent} (${res.failed} not accepted); HTTP answer p50 ${fmtMs(res.answerP50)}; RSS max ${res.rssMiB.toFixed(0)} MiB`,
        );
      }
    }
    console.log(`  Kubeloop actions recorded by state: ${JSON.stringify(await kubeloop.request('counts'))}`);
    const peak = new Map<string, number>();
    for (const s of sides) peak.set(s.name, await vm(s.child.pid, 'VmHWM'));
    report(
      f,
      sides.map((s) => s.name),
      results,
      peak,
    );
    return 0;
  } finally {
    w.stop();
    for (const c of children) await c.stop();
    await sim.stop();
  }
}

function report(f: Flags, names: string[], results: RunResult[], peak: Map<string, number>): void {
  const row = (name: string) => {
    const rs = results.filter((r) => r.side === name);
    return {
      p50: median(rs.map((r) => r.p50)),
      p99: median(rs.map((r) => r.p99)),
      answer: median(rs.map((r) => r.answerP50)),
      scaled: rs.reduce((a, r) => a + r.scaled, 0),
      sent: rs.reduce((a, r) => a + r.sent, 0),
      rss: Math.max(...rs.map((r) => r.rssMiB)),
      hwm: peak.get(name) ?? NaN,
    };
  };
  const [k, s] = names.map(row) as [ReturnType<typeof row>, ReturnType<typeof row>];
  console.log(`
What is measured: for each alert, from just before its HTTP request is opened (a new TCP connection)
to the moment a client watching the Deployments sees spec.replicas reach the value that alert's
Scale PUT produced, i.e. "alert sent -> Scale PUT accepted by the API server" plus the watch delivery
delay, which both rows pay alike. p50/p99: per run over all alerts of the run, then the median over
${f.runs} runs. "scaled" counts alerts whose Scale change was seen within 30 s of the last send.
RSS: the process that receives the alerts (Kubeloop: the whole platform as \`kubeloop up\` runs it,
monitor and store included; stand-in: one node:http handler with a keep-alive HTTPS client); "peak" is
the kernel's high-water mark (VmHWM) over the process's life, both bundled with esbuild.
The comparison row is a STAND-IN of seed 000's Func route (DataFlux Func does not run here): a
hand-written handler doing the seed function's work (parse, read pod, ReplicaSet, Scale, PUT),
over keep-alive TLS connections as Kubeloop's client uses (at most 32).

| at ${f.rate} alerts/s over ${f.workloads} workloads | p50 | p99 | scaled | HTTP answer p50 | RSS max in runs | peak RSS (VmHWM) |
|---|---|---|---|---|---|---|
| Kubeloop (inbox, dedup, audit, playbook) | ${fmtMs(k.p50)} | ${fmtMs(k.p99)} | ${k.scaled}/${k.sent} | ${fmtMs(k.answer)} (202 after storing) | ${k.rss.toFixed(0)} MiB | ${k.hwm.toFixed(0)} MiB |
| stand-in of the seed's Func route | ${fmtMs(s.p50)} | ${fmtMs(s.p99)} | ${s.scaled}/${s.sent} | ${fmtMs(s.answer)} (200 after the PUT) | ${s.rss.toFixed(0)} MiB | ${s.hwm.toFixed(0)} MiB |
| ratio Kubeloop / stand-in | ${(k.p50 / s.p50).toFixed(2)} | ${(k.p99 / s.p99).toFixed(2)} | | | ${(k.rss / s.rss).toFixed(2)} | ${(k.hwm / s.hwm).toFixed(2)} |

Target: Kubeloop p99 under 100 ms at ${f.rate} alerts/s: ${k.p99 < 100 ? 'met' : 'NOT met'} (${fmtMs(k.p99)}).`);
}
