import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
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
  let log = '';
  const child: ChildProcess = spawn(
    bin,
    [
      `--config.file=${join(dir, 'alertmanager.yml')}`,
      `--storage.path=${join(dir, 'data')}`,
      `--web.listen-address=${address}`,
      '--cluster.listen-address=',
      '--log.level=info',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  child.stdout?.on('data', (c: Buffer) => (log += c.toString()));
  child.stderr?.on('data', (c: Buffer) => (log += c.toString()));
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`alertmanager exited with ${child.exitCode}:\n${log}`);
    const ready = await fetch(`${url}/-/ready`).then(
      (r) => r.ok,
      () => false,
    );
    if (ready) break;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`alertmanager did not become ready in 30 s:\n${log}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    address,
    log: () => log,
    async stop() {
      child.kill('SIGTERM');
      await new Promise((r) => (child.exitCode !== null ? r(undefined) : child.once('exit', r)));
      await rm(dir, { recursive: true, force: true });
    },
  };
}
