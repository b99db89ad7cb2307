import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../api/registry.ts';
import { defaultContainerEnv, runCommand } from '../container/index.ts';
import { ProcFs } from './proc.ts';

const START = '2024-05-01T10:00:00Z';
const at = (minutes: number): Date => new Date(Date.parse(START) + minutes * 60_000);

function pod(annotations: Record<string, string> = {}): KubeObject {
  return {
    metadata: { name: 'api-0', namespace: 'shop', uid: 'u1', annotations },
    spec: {
      containers: [
        {
          name: 'api',
          image: 'ghcr.io/acme/ruoyi-admin:4.7',
          ports: [{ containerPort: 8080 }, { containerPort: 9090 }],
        },
      ],
    },
    status: {
      podIP: '10.244.1.5',
      startTime: START,
      containerStatuses: [{ name: 'api', state: { running: { startedAt: START } } }],
    },
  };
}

const leaky = pod({
  'sim.kubeloop.dev/leak-close-wait-per-min': '10',
  'sim.kubeloop.dev/leak-zombies-per-min': '2',
  'sim.kubeloop.dev/leak-fds-per-min': '3',
  'sim.kubeloop.dev/memory-mib': '256',
  'sim.kubeloop.dev/leak-memory-mib-per-min': '4',
});

function procAt(p: KubeObject, minutes: number): ProcFs {
  return new ProcFs(() => ({ pod: p, container: 'api', now: at(minutes) }));
}

/** Data rows in a given state; fields counted after trimming, as sl widens past 9999. */
const rows = (text: string, st: string): string[] =>
  text
    .split('\n')
    .slice(1)
    .filter((l) => l.trim().split(/\s+/)[3] === st);
const field = (row: string, i: number): string => row.trim().split(/\s+/)[i] ?? '';

describe('the virtual /proc', () => {
  it('prints /proc/net/tcp exactly as the kernel does', () => {
    const tcp = procAt(leaky, 3).read('/net/tcp') ?? '';
    const lines = tcp.split('\n');
    expect(lines[0]).toBe(
      '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode'.padEnd(149),
    );
    expect(lines.slice(0, -1).every((l) => l.length === 149)).toBe(true);
    expect(lines[1]).toMatch(
      /^ {3}0: 00000000:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000 {5}0 {8}0 \d+ 1 0{16} 100 0 0 10 0 *$/,
    );
    // 10.244.1.5 is 0A.F4.01.05, printed little-endian; the peers live in 10.244.2.0/24.
    const est = rows(tcp, '01');
    expect(est[0]).toContain(' 0501F40A:1F90 1702F40A:C822 01 ');
    expect(rows(tcp, '06')).toHaveLength(1);
    const cw = rows(tcp, '08');
    expect(cw).toHaveLength(30);
    const remotes = new Set(cw.map((l) => field(l, 2)));
    expect(remotes.size).toBe(30);
    expect(cw[0]).toMatch(/ 0501F40A:1F90 1102F40A:8000 08 /);
  });

  it('grows the CLOSE_WAIT count with uptime and stays deterministic', () => {
    expect(rows(procAt(leaky, 0).read('/net/tcp') ?? '', '08')).toHaveLength(0);
    expect(rows(procAt(leaky, 2.5).read('/net/tcp') ?? '', '08')).toHaveLength(25);
    expect(procAt(leaky, 7).read('/net/tcp')).toBe(procAt(leaky, 7).read('/net/tcp'));
    expect(rows(procAt(leaky, 100_000).read('/net/tcp') ?? '', '08').length).toBeLessThan(65_000);
  });

  it('lists the second port as a :: listener in tcp6', () => {
    const tcp6 = procAt(leaky, 1).read('/net/tcp6') ?? '';
    expect(tcp6.split('\n')[0]).toBe(
      '  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode',
    );
    expect(tcp6.split('\n')[1]).toMatch(/^ {3}0: 0{32}:2382 0{32}:0000 0A /);
  });

  it('has pid 1, workers and zombies that accumulate', () => {
    const fs = procAt(leaky, 5);
    const pids = (fs.list('/') ?? []).filter((n) => /^\d+$/.test(n));
    expect(pids).toEqual(Array.from({ length: 13 }, (_, i) => String(i + 1)));
    const stat1 = (fs.read('/1/stat') ?? '').trim().split(' ');
    expect(stat1).toHaveLength(52);
    expect(stat1.slice(0, 4)).toEqual(['1', '(java)', 'S', '0']);
    expect(fs.read('/1/cmdline')).toBe('java\0-jar\0/app/app.jar\0');
    const zombies = pids.filter((p) => (fs.read(`/${p}/stat`) ?? '').split(' ')[2] === 'Z');
    expect(zombies).toHaveLength(10);
    const z = fs.read(`/${zombies[0]}/stat`) ?? '';
    expect(z).toMatch(/^4 \(sh\) Z 1 /);
    expect(fs.read(`/${zombies[0]}/status`)).toMatch(/^Name:\tsh\nState:\tZ \(zombie\)\nTgid:\t4\n/);
    expect(fs.read(`/${zombies[0]}/status`)).not.toMatch(/VmRSS/);
    expect(fs.list(`/${zombies[0]}/fd`)).toEqual([]);
    expect(fs.stat('/14')).toBeUndefined();
    expect(fs.stat('/self/fd')).toBe('dir');
  });

  it('keeps leaked fds and CLOSE_WAIT sockets open in pid 1', () => {
    const fs = procAt(leaky, 10);
    const fds = fs.list('/1/fd') ?? [];
    const base = (procAt(pod(), 10).list('/1/fd') ?? []).length;
    expect(base).toBeGreaterThanOrEqual(18);
    expect(fds).toHaveLength(base + 30 + 100);
    expect(fs.read('/1/fd/0')).toBe('/dev/null\n');
    const targets = fds.map((n) => fs.read(`/1/fd/${n}`) ?? '');
    expect(targets.filter((t) => t.startsWith('/tmp/upload-'))).toHaveLength(30);
    // every CLOSE_WAIT socket in /proc/net/tcp is an fd of pid 1 (matched by inode)
    const cwInodes = rows(fs.read('/net/tcp') ?? '', '08').map((l) => `socket:[${field(l, 9)}]\n`);
    expect(cwInodes.every((i) => targets.includes(i))).toBe(true);
    // fd numbers already handed out do not move as more leak
    expect(procAt(leaky, 20).read(`/1/fd/${base + 5}`)).toBe(fs.read(`/1/fd/${base + 5}`));
  });

  it('reports VmRSS from the model memory plus its leak', () => {
    const status = procAt(leaky, 10).read('/1/status') ?? '';
    expect(status).toMatch(
      /^Name:\tjava\nUmask:\t0022\nState:\tS \(sleeping\)\nTgid:\t1\nNgid:\t0\nPid:\t1\nPPid:\t0\n/,
    );
    expect(status).toContain(`\nVmRSS:\t  ${(256 + 40) * 1024} kB\n`);
    expect(status).toContain('\nFDSize:\t256\n');
    expect(status).toContain('\nThreads:\t32\n');
  });

  it('serves meminfo, uptime and loadavg in the kernel layouts', () => {
    const fs = procAt(leaky, 1);
    expect(fs.read('/meminfo')).toMatch(/^MemTotal: {7}16365556 kB\nMemFree: +\d+ kB\n/);
    expect(fs.read('/uptime')).toMatch(/^172860\.00 \d+\.\d{2}\n$/);
    expect(fs.read('/loadavg')).toMatch(/^\d+\.\d{2} \d+\.\d{2} \d+\.\d{2} 1\/\d+ 5\n$/);
  });

  it('answers shell pipelines through kubectl exec', async () => {
    let minutes = 4;
    const env = defaultContainerEnv({ hostname: 'api-0', pod: leaky, container: 'api', now: () => at(minutes) });
    const sh = async (script: string): Promise<string> => {
      let out = '';
      await runCommand(['sh', '-c', script], {
        env,
        stdin: null,
        stdout: (s) => (out += s),
        stderr: (s) => (out += s),
        signal: new AbortController().signal,
      });
      return out;
    };
    expect(await sh("cat /proc/net/tcp | grep ' 08 ' | wc -l")).toBe('40\n');
    minutes = 6;
    expect(await sh("grep -c ' 08 ' /proc/net/tcp")).toBe('60\n');
    const fds = Number(await sh('ls /proc/1/fd | wc -l'));
    expect(fds).toBeGreaterThan(60 + 18);
    expect(await sh('cat /proc/self/comm')).toBe('java\n');
    expect(await sh('grep State /proc/5/status')).toBe('State:\tZ (zombie)\n');
  });
});
