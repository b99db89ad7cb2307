import { spawnUntilReady } from './ready-process.ts';
import { existsSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './prometheus.ts';

const CANDIDATES = ['/usr/bin/prometheus-alertmanager', '/usr/local/bin/alertmanager'];

/** Debian's Alertmanager binary; a missing one fails the test loudly (CI installs the package). */
export function alertmanagerBinary(): string {
  const found = CANDIDATES.find((p) => existsSync(p));
  if (!found) {
    throw new Error(
      'alertmanager binary not found (looked for /usr/bin/prometheus-alertmanager, /usr/local/bin/alertmanager): install the Debian package `prometheus-alertmanager` (.ci/run does)',
    );
  }
  return found;
}

export interface RunningAlertmanager {
  url: string;
  /** host:port, for a Prometheus `alerting.alertmanagers` static target. */
  address: string;
  /** What the process wrote so far (for failure messages). */
  log(): string;
  stop(): Promise<void>;
}

/**
 * Starts a real Alertmanager on a free loopback port with the given configuration (YAML text), its
 * gossip cluster switched off (it would bind 0.0.0.0:9094 otherwise), and waits until it is ready.
 */
export async function startAlertmanager(config: string): Promise<RunningAlertmanager> {
  const bin = alertmanagerBinary();
  const dir = await mkdtemp(join(tmpdir(), 'kubeloop-alertmanager-'));
  await writeFile(join(dir, 'alertmanager.yml'), config);
  const port = await freePort();
  const address = `127.0.0.1:${port}`;
  const url = `http://${address}`;
  const proc = await spawnUntilReady(
    'alertmanager',
    bin,
    [
      `--config.file=${join(dir, 'alertmanager.yml')}`,
      `--storage.path=${join(dir, 'data')}`,
      `--web.listen-address=${address}`,
      '--cluster.listen-address=',
      '--log.level=info',
    ],
    `${url}/-/ready`,
    dir,
  );
  return {
    url,
    address,
    log: proc.log,
    stop: proc.stop,
  };
}
