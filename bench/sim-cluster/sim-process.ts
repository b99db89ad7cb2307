import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { KubeConfig } from '@kubernetes/client-node';
import type { SimProcess } from '../support/sim-process.ts';
import type { SimChildConfig } from './sim-child.ts';

export interface ClusterSim extends SimProcess {
  /** A client-node config for the sim (admin token, trusting its CA). */
  kc: KubeConfig;
}

export type ClusterSimOptions = Omit<SimChildConfig, 'kubeconfigOut'>;

const live = new Set<() => void>();
// Last resort: never leave a sim behind, whatever way the benchmark ends.
process.once('exit', () => {
  for (const kill of live) kill();
});

/** Starts bench/sim-cluster/sim-child.ts as its own process (see there), like support/sim-process.ts. */
export async function startClusterSim(opts: ClusterSimOptions): Promise<ClusterSim> {
  const dir = await mkdtemp(join(tmpdir(), 'kubeloop-bench-cluster-'));
  const kubeconfigOut = join(dir, 'kubeconfig.yaml');
  const entry = fileURLToPath(new URL('./sim-entry.mjs', import.meta.url));
  const child = spawn(process.execPath, [entry, JSON.stringify({ ...opts, kubeconfigOut })], {
    stdio: ['pipe', 'pipe', 'pipe'],
    env: { ...process.env, NODE_OPTIONS: '' },
  });
  const kill = (): void => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  };
  live.add(kill);
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  let output = '';
  child.stdout.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr.on('data', (c: Buffer) => (output += c.toString()));
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`sim did not start within 30 s:\n${output}`)), 30_000);
      child.stdout.on('data', () => {
        if (/listening on \S+/.test(output)) {
          clearTimeout(timer);
          resolve();
        }
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`sim exited with ${code}:\n${output}`));
      });
    });
  } catch (err) {
    kill();
    live.delete(kill);
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
  const url = /listening on (\S+)/.exec(output)?.[1] ?? '';
  const kc = new KubeConfig();
  kc.loadFromString(await readFile(kubeconfigOut, 'utf8'));
  const cluster = kc.getCurrentCluster();
  const ca = Buffer.from(cluster?.caData ?? '', 'base64').toString('utf8');
  const pid = child.pid ?? 0;
  return {
    url,
    token: kc.getCurrentUser()?.token ?? '',
    ca,
    pid,
    kc,
    async rssMiB() {
      const status = await readFile(`/proc/${pid}/status`, 'utf8');
      return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? NaN) / 1024;
    },
    async cpuSeconds() {
      const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      return (Number(fields[11]) + Number(fields[12])) / 100;
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(kill, 10_000);
        await exited;
        clearTimeout(timer);
      }
      live.delete(kill);
      await rm(dir, { recursive: true, force: true });
    },
  };
}
