import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';

export interface SimProcess {
  url: string;
  token: string;
  /** The CA that signed the sim's serving certificate (PEM). */
  ca: string;
  pid: number;
  /** Resident set size of the sim process in MiB, read from /proc. */
  rssMiB(): Promise<number>;
  /** CPU seconds (user+system) the sim process has used, from /proc/<pid>/stat. */
  cpuSeconds(): Promise<number>;
  stop(): Promise<void>;
}

/** Runs `kubeloop sim` as its own process, so its memory and CPU are measured apart from the load. */
export async function startSimProcess(args: string[] = []): Promise<SimProcess> {
  const dir = await mkdtemp(join(tmpdir(), 'kubeloop-bench-'));
  const kubeconfig = join(dir, 'kubeconfig.yaml');
  const child: ChildProcess = spawn(
    process.execPath,
    ['bin/kubeloop.mjs', 'sim', '--port', '0', '--scenario', 'empty', '--kubeconfig-out', kubeconfig, ...args],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, NODE_OPTIONS: '' },
    },
  );
  let output = '';
  child.stdout?.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr?.on('data', (c: Buffer) => (output += c.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`sim did not start within 30 s:\n${output}`)), 30_000);
    const check = (): void => {
      const m = /listening on (\S+)/.exec(output);
      if (m?.[1]) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    };
    child.stdout?.on('data', check);
    child.once('exit', (code) => reject(new Error(`sim exited with ${code}:\n${output}`)));
  });
  const cfg = parse(await readFile(kubeconfig, 'utf8')) as {
    users: { user: { token: string } }[];
    clusters: { cluster: Record<string, string> }[];
  };
  const token = cfg.users[0]?.user.token ?? '';
  const ca = Buffer.from(cfg.clusters[0]?.cluster['certificate-authority-data'] ?? '', 'base64').toString('utf8');
  const pid = child.pid ?? 0;
  return {
    url,
    token,
    ca,
    pid,
    async rssMiB() {
      const status = await readFile(`/proc/${pid}/status`, 'utf8');
      const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? NaN);
      return kb / 1024;
    },
    async cpuSeconds() {
      const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      return (Number(fields[11]) + Number(fields[12])) / 100;
    },
    async stop() {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
      await rm(dir, { recursive: true, force: true });
    },
  };
}
