import { spawn, type ChildProcess } from 'node:child_process';
import { rm } from 'node:fs/promises';

export interface ReadyProcess {
  /** Everything the process wrote to stdout and stderr so far. */
  log(): string;
  /** SIGTERM, wait for the exit, remove its temp dir. */
  stop(): Promise<void>;
}

/**
 * Starts a server binary (Prometheus, Alertmanager) and waits until `readyUrl` answers 2xx. Fails with
 * the process's own output when it exits first or is not ready within 30 s.
 */
export async function spawnUntilReady(
  name: string,
  bin: string,
  args: string[],
  readyUrl: string,
  dir: string,
): Promise<ReadyProcess> {
  let log = '';
  const child: ChildProcess = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout?.on('data', (c: Buffer) => (log += c.toString()));
  child.stderr?.on('data', (c: Buffer) => (log += c.toString()));
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${name} exited with ${child.exitCode}:\n${log}`);
    const ready = await fetch(readyUrl).then(
      (r) => r.ok,
      () => false,
    );
    if (ready) break;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`${name} did not become ready in 30 s:\n${log}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    log: () => log,
    async stop() {
      child.kill('SIGTERM');
      await new Promise((r) => (child.exitCode !== null ? r(undefined) : child.once('exit', r)));
      await rm(dir, { recursive: true, force: true });
    },
  };
}
