import { spawnUntilReady } from './ready-process.ts';
import { existsSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const CANDIDATES = ['/usr/bin/prometheus', '/usr/local/bin/prometheus'];

/** Debian's prometheus binary; a missing one fails the test loudly (CI installs the package). */
export function prometheusBinary(): string {
  const found = CANDIDATES.find((p) => existsSync(p));
  if (!found) {
    throw new Error(
      'prometheus binary not found (looked in /usr/bin, /usr/local/bin): install the Debian package `prometheus` (.ci/run does)',
    );
  }
  return found;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

export interface RunningPrometheus {
  url: string;
  dir: string;
  query(promql: string): Promise<{ metric: Record<string, string>; value: [number, string] }[]>;
  stop(): Promise<void>;
}

/**
 * Starts a real Prometheus on a free loopback port with the given configuration (YAML text; files it
 * references can be written into `dir` first through `files`), and waits until it is ready.
 */
export async function startPrometheus(
  config: (dir: string) => string,
  files: Record<string, string> = {},
): Promise<RunningPrometheus> {
  const bin = prometheusBinary();
  const dir = await mkdtemp(join(tmpdir(), 'kubeloop-prometheus-'));
  for (const [name, text] of Object.entries(files)) await writeFile(join(dir, name), text);
  await writeFile(join(dir, 'prometheus.yml'), config(dir));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const proc = await spawnUntilReady(
    'prometheus',
    bin,
    [
      `--config.file=${join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--log.level=warn',
    ],
    `${url}/-/ready`,
    dir,
  );
  return {
    url,
    dir,
    async query(promql) {
      const res = await fetch(`${url}/api/v1/query?${new URLSearchParams({ query: promql })}`);
      const body = (await res.json()) as {
        status: string;
        error?: string;
        data?: { result: { metric: Record<string, string>; value: [number, string] }[] };
      };
      if (body.status !== 'success') throw new Error(`prometheus query ${promql} failed: ${body.error ?? res.status}`);
      return body.data?.result ?? [];
    },
    stop: proc.stop,
  };
}

/**
 * The scrape job for the sim's pods: http_sd from the sim (every Running pod, labelled namespace
 * and pod), each pod's app metrics served by the sim over TLS with the CA written as ca.crt.
 */
export function simPodsScrapeJob(simHost: string, dir: string): string {
  return `
  - job_name: sim-pods
    tls_config: { ca_file: ${dir}/ca.crt }
    http_sd_configs:
      - url: https://${simHost}/sd/pods
        refresh_interval: 1s
        tls_config: { ca_file: ${dir}/ca.crt }`;
}
