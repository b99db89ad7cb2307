import { availableParallelism, cpus } from 'node:os';
import { Worker } from 'node:worker_threads';
import { fileURLToPath } from 'node:url';
import { startSimProcess, type SimProcess } from '../support/sim-process.ts';
import { BenchClient } from '../support/http.ts';
import { fmtMs, median, percentile } from '../support/stats.ts';

/**
 * bench/sim-api watch: the quiet sim API server with 10,000 pods in 100 namespaces.
 *   - list all pods (JSON) and one namespace: median over runs (targets < 300 ms, < 5 ms)
 *   - 100 watches on all pods while a writer does 1,000 status updates/s for 30 s: every watcher
 *     gets every event in order; p99 delivery latency (target < 50 ms)
 *   - RSS of the sim process at the end (target < 400 MB)
 * Flags: --namespaces N --pods-per-ns N --watchers N --rate N --seconds N --runs N
 */
interface Flags {
  namespaces: number;
  podsPerNs: number;
  watchers: number;
  rate: number;
  seconds: number;
  runs: number;
}

function parseFlags(args: string[]): Flags {
  const f: Flags = { namespaces: 100, podsPerNs: 100, watchers: 100, rate: 1000, seconds: 30, runs: 20 };
  for (let i = 0; i < args.length; i += 2) {
    const key = (args[i] ?? '')
      .replace(/^--/, '')
      .replace(/-([a-z])/g, (_m, c: string) => c.toUpperCase()) as keyof Flags;
    const value = Number(args[i + 1]);
    if (!(key in f) || !Number.isFinite(value) || value <= 0)
      throw new Error(`bench sim-api: bad flag ${args[i]} ${args[i + 1] ?? ''}`);
    f[key] = value;
  }
  return f;
}

async function pool<T>(items: T[], concurrency: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < items.length) await fn(items[next++] as T);
    }),
  );
}

async function populate(api: BenchClient, f: Flags): Promise<string[]> {
  const names: string[] = [];
  await pool(
    Array.from({ length: f.namespaces }, (_, i) => `bench-${i}`),
    16,
    async (ns) => {
      await api.json('POST', '/api/v1/namespaces', { metadata: { name: ns } });
    },
  );
  const jobs: [string, string][] = [];
  for (let n = 0; n < f.namespaces; n++) for (let p = 0; p < f.podsPerNs; p++) jobs.push([`bench-${n}`, `pod-${p}`]);
  await pool(jobs, 32, async ([ns, name]) => {
    await api.json('POST', `/api/v1/namespaces/${ns}/pods`, {
      metadata: { name, labels: { app: 'bench', shard: String(name.length % 4) } },
      spec: {
        nodeName: 'node-1',
        containers: [
          { name: 'app', image: 'kubeloop/httpserver:1.0', resources: { requests: { cpu: '100m', memory: '64Mi' } } },
        ],
      },
    });
    names.push(`${ns}/${name}`);
  });
  return names;
}

async function timeList(api: BenchClient, path: string, runs: number): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    const res = await api.send('GET', path);
    if (res.status !== 200) throw new Error(`GET ${path}: ${res.status}`);
    out.push(performance.now() - start);
  }
  return out;
}

interface WatchReport {
  states: { received: number; outOfOrder: number; closedEarly: boolean }[];
  latencies: number[];
}

async function watchPhase(
  sim: SimProcess,
  api: BenchClient,
  f: Flags,
  pods: string[],
): Promise<{ report: WatchReport; sent: number }> {
  const list = (await api.json('GET', '/api/v1/pods?limit=1')) as { metadata: { resourceVersion: string } };
  const worker = new Worker(fileURLToPath(new URL('./watchers-entry.mjs', import.meta.url)), {
    workerData: {
      url: sim.url,
      token: sim.token,
      ca: sim.ca,
      watchers: f.watchers,
      resourceVersion: list.metadata.resourceVersion,
    },
  });
  await new Promise<void>((resolve) => worker.once('message', () => resolve()));
  await new Promise((r) => setTimeout(r, 500));
  let sent = 0;
  let failures = 0;
  const total = f.rate * f.seconds;
  const start = Date.now();
  let inFlight = 0;
  await new Promise<void>((resolve) => {
    const tick = setInterval(() => {
      const due = Math.min(total, Math.floor(((Date.now() - start) / 1000) * f.rate));
      while (sent < due && inFlight < 256) {
        const key = pods[sent % pods.length] as string;
        const [ns, name] = key.split('/');
        sent++;
        inFlight++;
        api
          .json(
            'PATCH',
            `/api/v1/namespaces/${ns}/pods/${name}/status`,
            { status: { message: `t=${Date.now()}` } },
            'application/merge-patch+json',
          )
          .catch(() => failures++)
          .finally(() => inFlight--);
      }
      if (sent >= total && inFlight === 0) {
        clearInterval(tick);
        resolve();
      }
    }, 5);
  });
  if (failures > 0) throw new Error(`${failures} status updates failed`);
  // Let the last events arrive, then collect.
  const deadline = Date.now() + 15_000;
  let report: WatchReport;
  do {
    await new Promise((r) => setTimeout(r, 500));
    worker.postMessage({ type: 'report' });
    report = await new Promise<WatchReport>((resolve) => worker.once('message', (m: WatchReport) => resolve(m)));
  } while (report.states.some((s) => s.received < sent) && Date.now() < deadline);
  await worker.terminate();
  return { report, sent };
}

export async function quietBench(args: string[]): Promise<number> {
  const f = parseFlags(args);
  const sim = await startSimProcess(['--watch-window', String(Math.max(10_000, f.rate * 5))]);
  const api = new BenchClient(sim);
  try {
    const t0 = performance.now();
    const pods = await populate(api, f);
    process.stdout.write(
      `created ${pods.length} pods in ${f.namespaces} namespaces in ${((performance.now() - t0) / 1000).toFixed(1)} s\n`,
    );
    const all = await timeList(api, '/api/v1/pods', f.runs);
    const one = await timeList(api, `/api/v1/namespaces/bench-${Math.min(7, f.namespaces - 1)}/pods`, f.runs * 5);
    const { report, sent } = await watchPhase(sim, api, f, pods);
    const complete = report.states.filter((s) => s.received === sent && s.outOfOrder === 0).length;
    const rss = await sim.rssMiB();
    const cores = typeof availableParallelism === 'function' ? availableParallelism() : cpus().length;
    const lines = [
      `machine: ${cores} cores (${cpus()[0]?.model ?? 'unknown cpu'})`,
      `list all pods (${pods.length}): median ${fmtMs(median(all))} (p90 ${fmtMs(percentile(all, 90))}, ${all.length} runs; target < 300 ms)`,
      `list one namespace (${f.podsPerNs} pods): median ${fmtMs(median(one))} (p90 ${fmtMs(percentile(one, 90))}, ${one.length} runs; target < 5 ms)`,
      `watch: ${f.watchers} watchers, ${sent} status updates at ${f.rate}/s for ${f.seconds} s`,
      `  watchers with every event in order: ${complete}/${f.watchers}; closed early: ${report.states.filter((s) => s.closedEarly).length}; out of order: ${report.states.reduce((a, s) => a + s.outOfOrder, 0)}`,
      `  delivery latency: p50 ${fmtMs(percentile(report.latencies, 50))}, p99 ${fmtMs(percentile(report.latencies, 99))}, max ${fmtMs(percentile(report.latencies, 100))} (${report.latencies.length} samples; target p99 < 50 ms)`,
      `sim RSS at end: ${rss.toFixed(0)} MiB (target < 400 MB)`,
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
    return 0;
  } finally {
    api.close();
    await sim.stop();
  }
}
