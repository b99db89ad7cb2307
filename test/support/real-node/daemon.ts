import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { RUN_DIR, isOurProcess, killRecorded, readState, writeState } from './host.ts';

export interface DaemonSpec {
  name: string;
  bin: string;
  args: string[];
}

/**
 * Starts a node daemon in its own session with its output in RUN_DIR/logs/<name>.log (a file, not a
 * pipe: it must outlive a test worker that dies), and records it in the host state before returning.
 */
export async function startDaemon(spec: DaemonSpec): Promise<number> {
  const log = openSync(join(RUN_DIR, 'logs', `${spec.name}.log`), 'a');
  try {
    const child = spawn(spec.bin, spec.args, { cwd: RUN_DIR, stdio: ['ignore', log, log], detached: true });
    const pid = await new Promise<number>((resolve, reject) => {
      child.once('error', (err) =>
        reject(new Error(`real node: cannot start ${spec.name} (${spec.bin}): ${err.message}`, { cause: err })),
      );
      child.once('spawn', () => resolve(child.pid ?? 0));
    });
    child.unref();
    const state = await readState();
    if (!state) throw new Error(`real node: no host state while starting ${spec.name}`);
    state.pids[spec.name] = { pid, bin: spec.bin };
    state.daemons = { ...state.daemons, [spec.name]: spec };
    await writeState(state);
    return pid;
  } finally {
    closeSync(log);
  }
}

export async function stopDaemon(name: string, graceMs = 15_000): Promise<void> {
  const state = await readState();
  const p = state?.pids[name];
  if (p) await killRecorded(p.pid, p.bin, graceMs);
}

/** Stops a daemon and starts it again with the same flags (a kubelet restart in the middle of a test). */
export async function restartDaemon(name: string): Promise<number> {
  const spec = (await readState())?.daemons?.[name];
  if (!spec) throw new Error(`real node: ${name} was never started, cannot restart it`);
  await stopDaemon(name);
  return startDaemon(spec);
}

export async function daemonAlive(name: string): Promise<boolean> {
  const p = (await readState())?.pids[name];
  return p !== undefined && isOurProcess(p.pid, p.bin);
}

export async function tailLog(name: string, lines = 30): Promise<string> {
  const text = await readFile(join(RUN_DIR, 'logs', `${name}.log`), 'utf8').catch(() => '');
  return `--- ${name}.log ---\n${text.split('\n').slice(-lines).join('\n')}`;
}
