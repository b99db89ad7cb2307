import { spawn, type ChildProcess } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { freePort } from '../../test/support/prometheus.ts';

/**
 * The whole `kubeloop up` process (monitor, notifier, server, every module it starts), compiled
 * as `npm run build` compiles it (esbuild, splitting, dependencies from node_modules) into a
 * private directory, so a stale or concurrently rebuilt dist/ cannot change what is measured.
 */
export interface UpProcess {
  pid: number;
  url: string;
  /** VmHWM (the kernel's peak resident set since the process started) and VmRSS, MiB. */
  memory(): Promise<{ peakMiB: number; rssMiB: number }>;
  /** kubeloop_monitor_cached_pods from its /metrics. */
  cachedPods(): Promise<number>;
  /** Node's own figures from its /metrics (prom-client defaults): JS heap used and total, external memory, MiB. */
  heap(): Promise<{ usedMiB: number; totalMiB: number; externalMiB: number }>;
  output(): string;
  stop(): Promise<void>;
}

let compiled: Promise<string> | undefined;

async function compileUp(): Promise<string> {
  const { build } = await import('esbuild');
  const outdir = fileURLToPath(new URL(`../../node_modules/.cache/kubeloop-bench/up-${process.pid}/`, import.meta.url));
  await build({
    entryPoints: { main: fileURLToPath(new URL('./up-entry.ts', import.meta.url)) },
    outdir,
    bundle: true,
    splitting: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    sourcemap: 'linked',
    logLevel: 'warning',
  });
  return `${outdir}main.js`;
}

/** `nodeArgs`: extra Node flags (e.g. --heapsnapshot-signal=SIGUSR2 when looking for what holds memory). */
export async function startUp(kubeconfigFile: string, dataDir: string, nodeArgs: string[] = []): Promise<UpProcess> {
  compiled ??= compileUp();
  const entry = await compiled;
  const port = await freePort();
  // cwd = the data dir: no ./kubeloop.yaml of the checkout is picked up; Kubeloop's defaults.
  const child: ChildProcess = spawn(
    process.execPath,
    [
      '--enable-source-maps',
      ...nodeArgs,
      entry,
      'up',
      '--kubeconfig',
      kubeconfigFile,
      '--data',
      dataDir,
      '--port',
      String(port),
    ],
    {
      cwd: dataDir,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, NODE_OPTIONS: '' },
    },
  );
  let out = '';
  const keep = (c: Buffer): void => {
    out += c.toString();
    if (out.length > 100_000) out = out.slice(-50_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  // Never outlive the bench.
  const reap = (): void => void child.kill('SIGKILL');
  process.once('exit', reap);
  void exited.then(() => process.off('exit', reap));
  const pid = child.pid ?? 0;
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`kubeloop up exited with ${child.exitCode}:\n${out.slice(-3000)}`);
    if (
      await fetch(`${url}/metrics`).then(
        (r) => r.ok,
        () => false,
      )
    )
      break;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`kubeloop up did not answer /metrics within 120 s:\n${out.slice(-3000)}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return {
    pid,
    url,
    async memory() {
      const status = await readFile(`/proc/${pid}/status`, 'utf8');
      const kb = (field: string): number => Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? NaN);
      return { peakMiB: kb('VmHWM') / 1024, rssMiB: kb('VmRSS') / 1024 };
    },
    async cachedPods() {
      const text = await (await fetch(`${url}/metrics`)).text();
      return Number(/^kubeloop_monitor_cached_pods (\d+)/m.exec(text)?.[1] ?? 0);
    },
    async heap() {
      const text = await (await fetch(`${url}/metrics`)).text();
      const g = (name: string): number =>
        Number(new RegExp(`^${name} (\\S+)`, 'm').exec(text)?.[1] ?? NaN) / 1024 / 1024;
      return {
        usedMiB: g('kubeloop_nodejs_heap_size_used_bytes'),
        totalMiB: g('kubeloop_nodejs_heap_size_total_bytes'),
        externalMiB: g('kubeloop_nodejs_external_memory_bytes'),
      };
    },
    output: () => out,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
