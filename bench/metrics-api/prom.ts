import { readdir, readFile } from 'node:fs/promises';
import { startPrometheus, type RunningPrometheus } from '../../test/support/prometheus.ts';
import { sleep, waitFor } from '../support/wait.ts';

/**
 * The real Prometheus (Debian's binary, test/support/prometheus.ts) scraping the bench exporter
 * every second with honor_labels, plus what the bench reads off it: its pid (for CPU seconds), the
 * series it holds, and when rate() has a value for every pod.
 */

export interface BenchPrometheus extends RunningPrometheus {
  pid: number | undefined;
  cpuSeconds(): Promise<number>;
}

async function findPid(dir: string): Promise<number | undefined> {
  // The process this bench started: its command line names its own temp dir.
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const cmd = await readFile(`/proc/${entry}/cmdline`, 'utf8').catch(() => '');
    if (cmd.includes(`--storage.tsdb.path=${dir}/data`)) return Number(entry);
  }
  return undefined;
}

async function procCpuSeconds(pid: number | undefined): Promise<number> {
  if (pid === undefined) return NaN;
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

export async function startBenchPrometheus(exporterUrl: string): Promise<BenchPrometheus> {
  const target = new URL(exporterUrl);
  const prom = await startPrometheus(() =>
    [
      'global:',
      '  scrape_interval: 1s',
      '  scrape_timeout: 1s',
      '  evaluation_interval: 1s',
      'scrape_configs:',
      '  - job_name: bench-pods',
      '    honor_labels: true',
      `    metrics_path: ${target.pathname}`,
      '    static_configs:',
      `      - targets: ['${target.host}']`,
      '',
    ].join('\n'),
  );
  const pid = await findPid(prom.dir);
  return { ...prom, pid, cpuSeconds: () => procCpuSeconds(pid) };
}

/** Waits until rate(<counter>[window]) has a value for `pods` pods of the namespace. */
export async function waitForRates(
  prom: RunningPrometheus,
  namespace: string,
  pods: number,
  window: string,
  timeoutMs: number,
): Promise<number> {
  let seen = 0;
  const started = Date.now();
  await waitFor(
    `rate(http_requests_total[${window}]) for ${pods} pods`,
    timeoutMs,
    async () => {
      const r = await prom
        .query(`count(rate(http_requests_total{namespace="${namespace}"}[${window}]))`)
        .catch(() => []);
      seen = Number(r[0]?.value[1] ?? 0);
      return seen >= pods ? true : undefined;
    },
    () => `${seen} pods have a rate so far`,
    500,
  );
  return Date.now() - started;
}

/** The number of series matching `match` (the discovery query) and Prometheus' head series count. */
export async function seriesCounts(
  prom: RunningPrometheus,
  match: string,
): Promise<{ matching: number; head: number }> {
  const series = await fetch(
    `${prom.url}/api/v1/series?${new URLSearchParams({ 'match[]': match, start: String(Date.now() / 1000 - 600) })}`,
  );
  const body = (await series.json()) as { data?: unknown[] };
  const tsdb = await fetch(`${prom.url}/api/v1/status/tsdb`);
  const stats = (await tsdb.json()) as { data?: { headStats?: { numSeries?: number } } };
  return { matching: body.data?.length ?? 0, head: stats.data?.headStats?.numSeries ?? NaN };
}

/**
 * Waits until Prometheus uses less than `maxCores` of CPU over a second (up to `timeoutMs`): a side
 * that ended in overload leaves it evaluating queued queries and behind on its scrapes, which the
 * next side must not inherit. Returns how long it waited; a Prometheus still busy at the timeout is
 * reported by the caller, not hidden.
 */
export async function waitQuiet(
  prom: BenchPrometheus,
  maxCores: number,
  timeoutMs: number,
): Promise<{ waitedMs: number; cores: number }> {
  const started = Date.now();
  let cores = NaN;
  for (;;) {
    const c0 = await prom.cpuSeconds();
    const t0 = Date.now();
    await sleep(1000);
    cores = ((await prom.cpuSeconds()) - c0) / ((Date.now() - t0) / 1000);
    if (!(cores >= maxCores) || Date.now() - started > timeoutMs) return { waitedMs: Date.now() - started, cores };
  }
}

/**
 * Successful scrapes of the exporter in the last `seconds` (of `seconds` expected at 1 s): a busy
 * machine makes Prometheus miss scrapes, which leaves gaps in the rate() window and moves the
 * served values off the exporter's true rates whichever server serves them.
 */
export async function recentScrapes(
  prom: RunningPrometheus,
  seconds: number,
): Promise<{ ok: number; expected: number }> {
  const r = await prom.query(`sum_over_time(up{job="bench-pods"}[${seconds}s])`);
  return { ok: Number(r[0]?.value[1] ?? 0), expected: seconds };
}

/** Waits (up to `timeoutMs`) until the last `seconds` hold at least `seconds - 1` successful scrapes. */
export async function waitFullWindow(
  prom: RunningPrometheus,
  seconds: number,
  timeoutMs: number,
): Promise<{ waitedMs: number; ok: number }> {
  const started = Date.now();
  for (;;) {
    const { ok } = await recentScrapes(prom, seconds);
    if (ok >= seconds - 1 || Date.now() - started > timeoutMs) return { waitedMs: Date.now() - started, ok };
    await sleep(1000);
  }
}
