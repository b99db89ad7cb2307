import { spawn, type ChildProcess } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

/**
 * A benchmark component in its own process (so its memory and CPU are measured alone), driven
 * over Node's IPC channel with request/response messages that time out with a clear error.
 *
 *   parent: const c = await startChild('monitor', new URL('./monitor-child.ts', import.meta.url), config);
 *           const stats = await c.request<Stats>('stats', {}, 5_000);  ... await c.stop();
 *   child:  serveParent({ stats: async () => ({ ... }) });   // config: childConfig<Config>()
 *
 * The child exits when its parent goes away (the IPC channel closes), and every child still
 * running when the benchmark process exits is killed, so no run leaves a process behind.
 */
export interface BenchChild {
  readonly name: string;
  readonly pid: number;
  request<T>(type: string, payload?: unknown, timeoutMs?: number): Promise<T>;
  /** Resident set size in MiB, from /proc/<pid>/status. */
  rssMiB(): Promise<number>;
  /** CPU seconds (user + system) so far, from /proc/<pid>/stat. */
  cpuSeconds(): Promise<number>;
  /** The child's stdout and stderr so far (the last `max` characters). */
  output(max?: number): string;
  stop(timeoutMs?: number): Promise<void>;
}

interface Reply {
  id: number;
  ok: boolean;
  result?: unknown;
  error?: string;
}

const live = new Set<ChildProcess>();
process.once('exit', () => {
  for (const c of live) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
});

export async function readRssMiB(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? NaN) / 1024;
}

export interface ChildOptions {
  startTimeoutMs?: number;
  /**
   * Run the child as compiled JavaScript (bundled with esbuild, as `npm run build` ships Kubeloop)
   * rather than through tsx, whose transform and source maps cost ~95 MB of RSS: a component whose
   * memory is a figure is measured the way it runs in production.
   */
  compiled?: boolean;
}

/** Bundles a child's TypeScript entry (dependencies stay in node_modules) and returns the .mjs path. */
async function compileChild(name: string, file: URL): Promise<string> {
  const { build } = await import('esbuild');
  const outfile = fileURLToPath(
    new URL(`../../node_modules/.cache/kubeloop-bench/${name}-${process.pid}.mjs`, import.meta.url),
  );
  await build({
    entryPoints: [fileURLToPath(file)],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    logLevel: 'warning',
  });
  return outfile;
}

export async function startChild(
  name: string,
  file: URL,
  config: unknown,
  opts: ChildOptions = {},
): Promise<BenchChild> {
  const startTimeoutMs = opts.startTimeoutMs ?? 60_000;
  const args = opts.compiled
    ? [await compileChild(name, file), JSON.stringify(config)]
    : [fileURLToPath(new URL('./tsx-entry.mjs', import.meta.url)), fileURLToPath(file), JSON.stringify(config)];
  // BENCH_CPU_PROF=<dir>: a V8 CPU profile of each child, written when it exits (for finding hot paths).
  const prof = process.env.BENCH_CPU_PROF ? [`--cpu-prof`, `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : [];
  const child = spawn(process.execPath, [...prof, ...args], {
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    env: { ...process.env, NODE_OPTIONS: '' },
  });
  live.add(child);
  let out = '';
  const keep = (c: Buffer): void => {
    out += c.toString();
    if (out.length > 200_000) out = out.slice(-100_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  let nextId = 1;
  let exitError: Error | undefined;
  child.on('message', (m: Reply) => {
    const p = pending.get(m.id);
    if (!p) return;
    pending.delete(m.id);
    if (m.ok) p.resolve(m.result);
    else p.reject(new Error(`${name}: ${m.error ?? 'request failed'}`));
  });
  child.once('exit', (code, signal) => {
    live.delete(child);
    exitError = new Error(
      `${name} process exited (code ${code}, signal ${signal}); its output ends:\n${out.slice(-3000)}`,
    );
    for (const p of pending.values()) p.reject(exitError);
    pending.clear();
  });
  const pid = child.pid ?? 0;
  const handle: BenchChild = {
    name,
    pid,
    request<T>(type: string, payload: unknown = {}, timeoutMs = 30_000): Promise<T> {
      if (exitError) return Promise.reject(exitError);
      const id = nextId++;
      return new Promise<T>((resolve, reject) => {
        const timer = setTimeout(() => {
          pending.delete(id);
          reject(
            new Error(
              `${name}: no answer to "${type}" within ${(timeoutMs / 1000).toFixed(0)} s; output ends:\n${out.slice(-2000)}`,
            ),
          );
        }, timeoutMs);
        pending.set(id, {
          resolve: (v) => {
            clearTimeout(timer);
            resolve(v as T);
          },
          reject: (e) => {
            clearTimeout(timer);
            reject(e);
          },
        });
        child.send({ id, type, payload });
      });
    },
    rssMiB: () => readRssMiB(pid),
    async cpuSeconds() {
      const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      return (Number(fields[11]) + Number(fields[12])) / 100;
    },
    output: (max = 3000) => out.slice(-max),
    async stop(timeoutMs = 10_000) {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      await exited;
      clearTimeout(timer);
    },
  };
  try {
    await handle.request('ping', {}, startTimeoutMs);
  } catch (err) {
    child.kill('SIGKILL');
    throw new Error(`${name} did not start within ${(startTimeoutMs / 1000).toFixed(0)} s: ${(err as Error).message}`);
  }
  return handle;
}

/** In the child: the JSON config the parent passed. */
export function childConfig<T>(): T {
  // The config is the last argument: after the entry file (compiled) or after tsx-entry.mjs and the file.
  return JSON.parse(process.argv.at(-1) ?? '{}') as T;
}

export type Handlers = Record<string, (payload: unknown) => unknown>;

/**
 * In the child: answers the parent's requests with `handlers` (plus "ping"), runs `onStop` on
 * SIGTERM or when the parent goes away, then exits.
 */
export function serveParent(handlers: Handlers, onStop: () => Promise<void> = async () => undefined): void {
  const send = process.send?.bind(process);
  if (!send) throw new Error('serveParent: not started with an IPC channel (use startChild)');
  process.on('message', (m: { id: number; type: string; payload: unknown }) => {
    const handler = m.type === 'ping' ? () => 'pong' : handlers[m.type];
    if (!handler) {
      send({ id: m.id, ok: false, error: `unknown request ${m.type}` });
      return;
    }
    Promise.resolve()
      .then(() => handler(m.payload))
      .then(
        (result) => send({ id: m.id, ok: true, result }),
        (err: unknown) =>
          send({ id: m.id, ok: false, error: err instanceof Error ? (err.stack ?? err.message) : String(err) }),
      );
  });
  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    setTimeout(() => process.exit(1), 8_000).unref();
    void onStop().finally(() => process.exit(0));
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  process.once('disconnect', stop);
}
