import { readFile, readdir } from 'node:fs/promises';

/** VmRSS of one process in MiB (0 when it is gone). */
export async function rssMiB(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => '');
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return kb / 1024;
}

/** Every containerd-shim-runc-v2 that serves the node's containerd socket (one per pod sandbox). */
export async function shimPids(socket: string): Promise<number[]> {
  const pids: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const cmd = await readFile(`/proc/${entry}/cmdline`, 'utf8').catch(() => '');
    if (cmd.startsWith('/usr/bin/containerd-shim-runc-v2') && cmd.includes(socket)) pids.push(Number(entry));
  }
  return pids;
}

/** Samples named processes' RSS every `everyMs` and keeps each one's peak (and the shims' summed peak). */
export class RssPeaks {
  readonly peaks = new Map<string, number>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly procs: () => Promise<{ name: string; pid: number }[]>,
    private readonly socket: string,
  ) {}

  start(everyMs = 500): void {
    const tick = async (): Promise<void> => {
      await this.sample();
      this.timer = setTimeout(() => void tick(), everyMs);
    };
    void tick();
  }

  async sample(): Promise<void> {
    for (const p of await this.procs()) this.keep(p.name, await rssMiB(p.pid));
    let shims = 0;
    for (const pid of await shimPids(this.socket)) shims += await rssMiB(pid);
    this.keep('containerd-shim-runc-v2 (all pods)', shims);
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
  }

  private keep(name: string, mib: number): void {
    this.peaks.set(name, Math.max(this.peaks.get(name) ?? 0, mib));
  }
}
