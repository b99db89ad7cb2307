import type { KubeObject } from '../api/registry.ts';
import { asObject } from '../../util/deep-equal.ts';
import { cpuMillis } from '../../util/quantity.ts';
import type { VirtualFs } from '../container/vfs.ts';
import { parseModel, type ContainerModel } from './model.ts';
import { podUsage } from './usage.ts';

/** What /proc is computed from, read on every access so leaks grow while a session looks. */
export interface ProcSource {
  pod: KubeObject;
  container: string;
  now: Date;
}

const HZ = 100; // USER_HZ: the clock-tick unit of stat's times and tcp's tm->when
const PAGE = 4096;
const MiB = 1024 * 1024;
const MAX_SOCKETS = 65_000; // keeps a single `cat /proc/net/tcp` at ~10 MB
const MAX_ZOMBIES = 32_000; // the default pid_max is 32768
const MAX_LEAKED_FDS = 65_000;
const WORKERS = 2;
const NODE_MEM_KB = 16_365_556; // /proc/meminfo is the node's, not the cgroup's (no lxcfs): a 16 GiB node
const NODE_CPUS = 4;
const LISTEN = 0x0a,
  ESTABLISHED = 0x01,
  CLOSE_WAIT = 0x08,
  TIME_WAIT = 0x06;
const FIXED_INODE = 4_200_000; // socket inodes: fixed sockets first, CLOSE_WAIT ones after, stable over time
const CW_INODE = FIXED_INODE + 100;
const TCP_HEADER = '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode';
const TCP6_HEADER =
  '  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n';

/** Everything one access needs, computed once from the source. */
interface Snap {
  model: ContainerModel;
  nowMs: number;
  startedMs: number;
  bootMs: number;
  podIp: number[];
  ports: number[];
  comm: string;
  argv: string[];
  java: boolean;
  uid: number;
  memBytes: number;
  cpuMilli: number;
  closeWait: number;
  zombies: number;
  leakedFds: number;
}

interface Proc {
  pid: number;
  ppid: number;
  comm: string;
  zombie: boolean;
  startMs: number;
}
interface Sock {
  v6: boolean;
  st: number;
  local: number[];
  lport: number;
  remote: number[];
  rport: number;
  inode: number;
}

const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const strings = (v: unknown): string[] => list(v).filter((x): x is string => typeof x === 'string');
const basename = (p: string): string => p.slice(p.lastIndexOf('/') + 1);
const hex = (n: number, width: number): string => n.toString(16).toUpperCase().padStart(width, '0');
const kb = (bytes: number): string => `${String(Math.floor(bytes / 1024)).padStart(8)} kB`;
const ticks = (ms: number): number => Math.max(0, Math.floor(ms / (1000 / HZ)));
/** "%lu.%02lu": truncated, as the kernel prints uptime and load averages. */
const fixed2 = (x: number): string => (Math.floor(Math.max(0, x) * 100) / 100).toFixed(2);

/** When the named container's current run started (status.containerStatuses[].state.running.startedAt). */
export function containerStartedAt(pod: KubeObject, container: string): number | undefined {
  const st = list(asObject(pod.status)['containerStatuses'])
    .map(asObject)
    .find((s) => s['name'] === container);
  const t = Date.parse(String(asObject(asObject(st?.['state'])['running'])['startedAt'] ?? ''));
  return Number.isFinite(t) ? t : undefined;
}

function snapshot({ pod, container, now }: ProcSource): Snap {
  const { model } = parseModel(pod);
  const spec = asObject(pod.spec);
  const status = asObject(pod.status);
  const c =
    list(spec['containers'])
      .map(asObject)
      .find((x) => x['name'] === container) ?? {};
  const nowMs = now.getTime();
  const startedMs = Math.min(containerStartedAt(pod, container) ?? nowMs, nowMs);
  const podStart = Date.parse(String(status['startTime'] ?? ''));
  // The sim has no node boot time: the node is taken to have booted two days before the pod
  // started, so process start times and /proc/uptime stay consistent across container restarts.
  const bootMs = (Number.isFinite(podStart) ? Math.min(podStart, startedMs) : startedMs) - 2 * 86_400_000;
  const uptimeMin = (nowMs - startedMs) / 60_000;
  const grown = (perMin: number, cap: number): number => Math.min(cap, Math.floor(perMin * uptimeMin));
  const ip = String(status['podIP'] ?? '')
    .split('.')
    .map(Number);
  const ports = list(c['ports'])
    .map(asObject)
    .filter((p) => (p['protocol'] ?? 'TCP') === 'TCP')
    .map((p) => Number(p['containerPort']))
    .filter((p) => Number.isInteger(p) && p > 0 && p < 65536);
  const image = String(c['image'] ?? 'app');
  const command = strings(c['command']);
  const args = strings(c['args']);
  const java = /openjdk|ruoyi|jdk|jre|java|spring|tomcat/i.test(image) || basename(command[0] ?? '') === 'java';
  const imageName = basename(image.replace(/@.*$/, '').replace(/:[^/:]*$/, '')) || 'app';
  const argv =
    command.length > 0
      ? [...command, ...args]
      : java
        ? ['java', '-jar', '/app/app.jar', ...args]
        : [imageName, ...args];
  const sc = asObject(c['securityContext']);
  const uid = Number(sc['runAsUser'] ?? asObject(spec['securityContext'])['runAsUser'] ?? 0);
  const requests = asObject(asObject(c['resources'])['requests']);
  return {
    model,
    nowMs,
    startedMs,
    bootMs,
    ports,
    argv,
    java,
    podIp: ip.length === 4 && ip.every((n) => Number.isInteger(n) && n >= 0 && n < 256) ? ip : [127, 0, 0, 1],
    comm: basename(argv[0] ?? imageName).slice(0, 15), // TASK_COMM_LEN is 16 with the NUL
    uid: Number.isInteger(uid) && uid >= 0 ? uid : 0,
    memBytes: podUsage(pod, now).find((u) => u.name === container)?.memoryBytes ?? (model.memoryMiB ?? 32) * MiB,
    // podUsage's steady rate without its wobble, so CPU tick counters never run backwards.
    cpuMilli: model.cpuMillicores ?? Math.max(1, Math.round((cpuMillis(requests['cpu']) ?? 20) * 0.3)),
    closeWait: grown(model.leakCloseWaitPerMin, MAX_SOCKETS - 8),
    zombies: grown(model.leakZombiesPerMin, MAX_ZOMBIES),
    leakedFds: grown(model.leakFdsPerMin, MAX_LEAKED_FDS),
  };
}

/** Peers share the pod's /16 (other pods); `block` moves to another /24 once ephemeral ports run out. */
const peer = (s: Snap, host: number, block = 0): number[] => [
  s.podIp[0] ?? 10,
  s.podIp[1] ?? 244,
  ((s.podIp[2] ?? 0) + 1 + block) % 256,
  host,
];

/** Listeners (first port on 0.0.0.0, the others on :: in tcp6), live connections and one TIME_WAIT. */
function fixedSockets(s: Snap): Sock[] {
  const any = [0, 0, 0, 0];
  const out: Sock[] = s.ports.map((p, i) => ({
    v6: i > 0,
    st: LISTEN,
    local: any,
    lport: p,
    remote: any,
    rport: 0,
    inode: 0,
  }));
  const [app] = s.ports;
  if (app !== undefined) {
    out.push({ v6: false, st: ESTABLISHED, local: s.podIp, lport: app, remote: peer(s, 23), rport: 51234, inode: 0 });
    out.push({ v6: false, st: ESTABLISHED, local: s.podIp, lport: app, remote: peer(s, 31), rport: 51876, inode: 0 });
  }
  const db = [10, 96, 0, 20]; // a database Service ClusterIP the app keeps a pooled connection to
  out.push({ v6: false, st: ESTABLISHED, local: s.podIp, lport: 40112, remote: db, rport: 5432, inode: 0 });
  out.push({ v6: false, st: TIME_WAIT, local: s.podIp, lport: 40098, remote: db, rport: 5432, inode: 0 });
  // TIME_WAIT sockets are owned by no process, so they have no inode.
  return out.map((k, i) => ({ ...k, inode: k.st === TIME_WAIT ? 0 : FIXED_INODE + i }));
}

/** The i-th leaked socket: the peer closed (FIN received) but the app never called close(). */
function closeWaitSocket(s: Snap, i: number): Sock {
  const eph = 32768 + (i % 28232); // net.ipv4.ip_local_port_range 32768-60999
  const remote = peer(s, 17, Math.floor(i / 28232));
  const [app] = s.ports;
  // Server side when the container serves a port (clients hung up); client side otherwise.
  return app !== undefined
    ? { v6: false, st: CLOSE_WAIT, local: s.podIp, lport: app, remote, rport: eph, inode: CW_INODE + i }
    : { v6: false, st: CLOSE_WAIT, local: s.podIp, lport: eph, remote, rport: 8080, inode: CW_INODE + i };
}

/** One socket as net/ipv4/tcp_ipv4.c get_tcp4_sock / get_timewait4_sock (and the tcp6 twins) print it. */
function sockRow(i: number, k: Sock, uid: number): string {
  // IPv4 addresses are the __be32 printed with %08X on a little-endian host: bytes reversed.
  const addr = (ip: number[], port: number): string =>
    `${
      k.v6
        ? '0'.repeat(32)
        : [...ip]
            .reverse()
            .map((b) => hex(b, 2))
            .join('')
    }:${hex(port, 4)}`;
  const head = `${String(i).padStart(4)}: ${addr(k.local, k.lport)} ${addr(k.remote, k.rport)} ${hex(k.st, 2)}`;
  if (k.st === TIME_WAIT)
    return `${head} 00000000:00000000 03:${hex(3000, 8)} 00000000     0        0 0 3 0000000000000000`;
  const tail = k.st === LISTEN ? '100 0 0 10 0' : '20 4 1 10 -1'; // rto ato quick|pingpong cwnd ssthresh (fastopen qlen for LISTEN)
  return `${head} 00000000:00000000 00:00000000 00000000 ${String(uid).padStart(5)}        0 ${k.inode} 1 0000000000000000 ${tail}`;
}

/** tcp4_seq_show pads every record (the header too) to TMPSZ-1 = 149 columns with seq_pad. */
const pad149 = (line: string): string => `${line.padEnd(149)}\n`;

function netTcp(s: Snap): string {
  const rows = [pad149(TCP_HEADER)];
  let i = 0;
  for (const k of fixedSockets(s)) if (!k.v6) rows.push(pad149(sockRow(i++, k, s.uid)));
  for (let n = 0; n < s.closeWait; n++) rows.push(pad149(sockRow(i++, closeWaitSocket(s, n), s.uid)));
  return rows.join('');
}

function netTcp6(s: Snap): string {
  return (
    TCP6_HEADER +
    fixedSockets(s)
      .filter((k) => k.v6)
      .map((k, i) => `${sockRow(i, k, s.uid)}\n`)
      .join('')
  );
}

/** pid 1 is the app, then its workers, then unreaped children (zombies) in the order they exited. */
function procByPid(s: Snap, pid: number): Proc | undefined {
  if (pid === 1) return { pid, ppid: 0, comm: s.comm, zombie: false, startMs: s.startedMs };
  if (pid >= 2 && pid <= 1 + WORKERS) return { pid, ppid: 1, comm: s.comm, zombie: false, startMs: s.startedMs + 1000 };
  const i = pid - 2 - WORKERS;
  // A helper the app forks (`sh -c ...`) and never wait()s for: it stays a zombie, child of pid 1.
  if (i >= 0 && i < s.zombies)
    return {
      pid,
      ppid: 1,
      comm: 'sh',
      zombie: true,
      startMs: s.startedMs + ((i + 1) / s.model.leakZombiesPerMin) * 60_000,
    };
  return undefined;
}

const lastPid = (s: Snap): number => 1 + WORKERS + s.zombies;
const rssBytes = (s: Snap, p: Proc): number =>
  p.zombie ? 0 : p.pid === 1 ? s.memBytes : Math.min(s.memBytes, 8 * MiB);
const vsizeBytes = (s: Snap, p: Proc): number => (p.zombie ? 0 : rssBytes(s, p) + (s.java ? 2560 : 16) * MiB);
const threads = (s: Snap, p: Proc): number => (p.pid === 1 && s.java ? 32 : 1);
/** The app burns the container's CPU, workers a sliver; a zombie ran for one tick and accrues nothing since. */
const cpuTicks = (s: Snap, p: Proc): number =>
  p.zombie ? 1 : Math.floor((s.cpuMilli / 1000) * (p.pid === 1 ? 1 : 0.02) * ((s.nowMs - p.startMs) / 1000) * HZ);

/** Open files as readlink(2) shows them; extra fds interleave by the time each leaked, so numbers stay stable. */
function fdTargets(s: Snap, p: Proc): string[] {
  if (p.zombie) return []; // exit_files() ran: a zombie has no fd table
  const socks = fixedSockets(s).filter((k) => k.inode !== 0 && (p.pid === 1 || k.st === LISTEN));
  const base = [
    '/dev/null',
    'pipe:[3100201]',
    'pipe:[3100202]',
    ...socks.map((k) => `socket:[${k.inode}]`),
    'anon_inode:[eventpoll]',
  ];
  if (p.pid !== 1) return base;
  base.push(
    'anon_inode:[eventfd]',
    'anon_inode:[timerfd]',
    '/dev/urandom',
    '/dev/random',
    '/var/log/app.log',
    '/etc/localtime',
    'anon_inode:[eventpoll]',
    'pipe:[3100210]',
    'pipe:[3100210]',
    'anon_inode:[eventfd]',
    ...(s.java ? ['/opt/java/openjdk/lib/modules', '/app/app.jar'] : ['/etc/ld.so.cache', '/dev/shm/app.lock']),
    'anon_inode:[signalfd]',
    'anon_inode:[inotify]',
  );
  const { leakFdsPerMin: rf, leakCloseWaitPerMin: rc } = s.model;
  for (let f = 0, c = 0; f < s.leakedFds || c < s.closeWait;) {
    const tf = f < s.leakedFds ? (f + 1) / rf : Infinity;
    const tc = c < s.closeWait ? (c + 1) / rc : Infinity;
    if (tf <= tc) base.push(`/tmp/upload-${f++}.tmp (deleted)`);
    else base.push(`socket:[${CW_INODE + c++}]`);
  }
  return base;
}

/** The 52 fields of /proc/<pid>/stat (proc(5)), as fs/proc/array.c do_task_stat prints them. */
function statLine(s: Snap, p: Proc): string {
  const live = !p.zombie;
  const ut = cpuTicks(s, p);
  const rssPages = Math.floor(rssBytes(s, p) / PAGE);
  const addr = (n: number): number => (live ? n : 0); // no mm once exited: code/stack/data addresses read 0
  const f: (string | number)[] = [
    // flags: PF_RANDOMIZE|PF_SUPERPRIV while running; PF_RANDOMIZE|PF_FORKNOEXEC|PF_EXITING once a zombie.
    p.pid,
    `(${p.comm})`,
    live ? 'S' : 'Z',
    p.ppid,
    1,
    1,
    0,
    -1,
    live ? 4194560 : 4194372,
    live ? rssPages * 2 : 180,
    0,
    live ? 12 : 0,
    0,
    Math.floor(ut * 0.8),
    ut - Math.floor(ut * 0.8),
    0,
    0,
    20,
    0,
    threads(s, p),
    0,
    ticks(p.startMs - s.bootMs),
    vsizeBytes(s, p),
    rssPages,
    '18446744073709551615',
    addr(94_558_781_423_616),
    addr(94_558_781_440_000),
    addr(140_726_051_602_112),
    0,
    0,
    0,
    0,
    0,
    live ? 16_386 : 0,
    0,
    0,
    0,
    17,
    0,
    0,
    0,
    0,
    0,
    0,
    addr(94_558_781_451_344),
    addr(94_558_781_452_592),
    addr(94_558_789_861_376),
    addr(140_726_051_606_340),
    addr(140_726_051_606_380),
    addr(140_726_051_606_380),
    addr(140_726_051_610_602),
    0,
  ];
  return `${f.join(' ')}\n`;
}

/** /proc/<pid>/status in fs/proc/array.c order; a zombie has no mm or fs, so no Umask and no Vm* lines. */
function statusText(s: Snap, p: Proc, nfds: number): string {
  const rss = rssBytes(s, p);
  const vsz = vsizeBytes(s, p);
  const ids = `${s.uid}\t${s.uid}\t${s.uid}\t${s.uid}`;
  const caps = s.uid === 0 ? '00000000a80425fb' : '0000000000000000';
  let fdSize = 64; // NR_OPEN_DEFAULT, doubled as the fd table grows
  while (fdSize < nfds) fdSize *= 2;
  const vm = p.zombie
    ? []
    : [
        `VmPeak:\t${kb(vsz)}`,
        `VmSize:\t${kb(vsz)}`,
        `VmLck:\t${kb(0)}`,
        `VmPin:\t${kb(0)}`,
        `VmHWM:\t${kb(rss)}`,
        `VmRSS:\t${kb(rss)}`,
        `RssAnon:\t${kb(rss - Math.floor(rss / 8))}`,
        `RssFile:\t${kb(Math.floor(rss / 8))}`,
        `RssShmem:\t${kb(0)}`,
        `VmData:\t${kb(rss + 64 * MiB)}`,
        `VmStk:\t${kb(132 * 1024)}`,
        `VmExe:\t${kb(s.java ? 4096 : 1024 * 1024)}`,
        `VmLib:\t${kb(18 * MiB)}`,
        `VmPTE:\t${kb(Math.ceil(vsz / 512))}`,
        `VmSwap:\t${kb(0)}`,
        `HugetlbPages:\t${kb(0)}`,
        'CoreDumping:\t0',
        'THP_enabled:\t1',
      ];
  const switches = Math.floor((s.nowMs - p.startMs) / 1000) * (p.zombie ? 0 : 3) + 2;
  return [
    `Name:\t${p.comm}`,
    ...(p.zombie ? [] : ['Umask:\t0022']),
    `State:\t${p.zombie ? 'Z (zombie)' : 'S (sleeping)'}`,
    `Tgid:\t${p.pid}`,
    'Ngid:\t0',
    `Pid:\t${p.pid}`,
    `PPid:\t${p.ppid}`,
    'TracerPid:\t0',
    `Uid:\t${ids}`,
    `Gid:\t${ids}`,
    `FDSize:\t${p.zombie ? 0 : fdSize}`,
    'Groups:\t ',
    `NStgid:\t${p.pid}`,
    `NSpid:\t${p.pid}`,
    'NSpgid:\t1',
    'NSsid:\t1',
    ...vm,
    `Threads:\t${threads(s, p)}`,
    'SigQ:\t0/63448',
    'SigPnd:\t0000000000000000',
    'ShdPnd:\t0000000000000000',
    'SigBlk:\t0000000000000000',
    'SigIgn:\t0000000000000000',
    `SigCgt:\t${p.zombie ? '0000000000000000' : '0000000000004002'}`,
    'CapInh:\t0000000000000000',
    `CapPrm:\t${caps}`,
    `CapEff:\t${caps}`,
    'CapBnd:\t00000000a80425fb',
    'CapAmb:\t0000000000000000',
    'NoNewPrivs:\t0',
    'Seccomp:\t2',
    'Seccomp_filters:\t1',
    'Speculation_Store_Bypass:\tthread vulnerable',
    'Cpus_allowed:\tf',
    `Cpus_allowed_list:\t0-${NODE_CPUS - 1}`,
    'Mems_allowed_list:\t0',
    `voluntary_ctxt_switches:\t${switches}`,
    `nonvoluntary_ctxt_switches:\t${Math.floor(switches / 50)}`,
    '',
  ].join('\n');
}

function meminfo(s: Snap): string {
  const usedKb = 3 * 1024 * 1024 + Math.floor(s.memBytes / 1024); // the node's other workloads plus this container
  const cached = 4 * 1024 * 1024;
  const free = Math.max(65_536, NODE_MEM_KB - usedKb - cached - 262_144);
  const rows: [string, number][] = [
    ['MemTotal', NODE_MEM_KB],
    ['MemFree', free],
    ['MemAvailable', free + Math.floor(cached * 0.8)],
    ['Buffers', 262_144],
    ['Cached', cached],
    ['SwapCached', 0],
    ['Active', usedKb + cached / 2],
    ['Inactive', cached / 2],
    ['Active(anon)', usedKb],
    ['Inactive(anon)', 0],
    ['Active(file)', cached / 2],
    ['Inactive(file)', cached / 2],
    ['Unevictable', 0],
    ['Mlocked', 0],
    ['SwapTotal', 0],
    ['SwapFree', 0],
    ['Dirty', 412],
    ['Writeback', 0],
    ['AnonPages', usedKb],
    ['Mapped', 524_288],
    ['Shmem', 8_192],
    ['KReclaimable', 196_608],
    ['Slab', 327_680],
    ['SReclaimable', 196_608],
    ['SUnreclaim', 131_072],
    ['KernelStack', 12_288],
    ['PageTables', 32_768],
    ['CommitLimit', Math.floor(NODE_MEM_KB / 2)],
    ['Committed_AS', usedKb * 2],
    ['VmallocTotal', 34_359_738_367],
    ['VmallocUsed', 65_536],
    ['VmallocChunk', 0],
  ];
  // show_val_kb: the label padded to 16 columns, the value to 8.
  return rows.map(([k, v]) => `${`${k}:`.padEnd(16)}${String(v).padStart(8)} kB\n`).join('');
}

function uptime(s: Snap): string {
  const up = (s.nowMs - s.bootMs) / 1000;
  return `${fixed2(up)} ${fixed2(up * NODE_CPUS * 0.85)}\n`; // idle time is summed over all CPUs
}

function loadavg(s: Snap): string {
  const load = 0.3 + s.cpuMilli / 1000; // zombies are not runnable, so they do not add to the load
  return `${fixed2(load * 1.05)} ${fixed2(load)} ${fixed2(load * 0.95)} 1/${412 + WORKERS + 32 + s.zombies} ${lastPid(s)}\n`;
}

type Node = { kind: 'dir'; names: () => string[] } | { kind: 'file'; text: () => string };
const dir = (names: () => string[]): Node => ({ kind: 'dir', names });
const file = (text: () => string): Node => ({ kind: 'file', text });
const SYSTEM: Record<string, (s: Snap) => string> = { loadavg, meminfo, uptime };

/**
 * A computed /proc for one container (mount it at /proc). Everything derives from the pod, its
 * workload model and the clock, so it is deterministic. The fs has no symlinks: /proc/self is a
 * copy of /proc/1, and reading /proc/<pid>/fd/<n> returns the link target (what readlink(2) would
 * give, plus a newline) instead of the file's content.
 */
export class ProcFs implements VirtualFs {
  constructor(private readonly source: () => ProcSource) {}

  private resolve(path: string): Node | undefined {
    const [head, ...rest] = path.split('/').filter((p) => p !== '');
    const s = snapshot(this.source());
    if (head === undefined) {
      return dir(() => [
        ...Object.keys(SYSTEM),
        'net',
        'self',
        ...Array.from({ length: lastPid(s) }, (_, i) => String(i + 1)),
      ]);
    }
    if (head === 'net') {
      if (rest.length === 0) return dir(() => ['tcp', 'tcp6']);
      if (rest.length > 1) return undefined;
      return rest[0] === 'tcp' ? file(() => netTcp(s)) : rest[0] === 'tcp6' ? file(() => netTcp6(s)) : undefined;
    }
    const system = SYSTEM[head];
    if (system) return rest.length === 0 ? file(() => system(s)) : undefined;
    const p = head === 'self' ? procByPid(s, 1) : /^[1-9]\d*$/.test(head) ? procByPid(s, Number(head)) : undefined;
    if (!p) return undefined;
    const [entry, fd, ...more] = rest;
    if (entry === undefined) return dir(() => ['cmdline', 'comm', 'fd', 'stat', 'status']);
    if (entry === 'fd') {
      if (more.length > 0) return undefined;
      const fds = fdTargets(s, p);
      if (fd === undefined) return dir(() => fds.map((_, i) => String(i)));
      const target = /^(0|[1-9]\d*)$/.test(fd) ? fds[Number(fd)] : undefined;
      return target === undefined ? undefined : file(() => `${target}\n`);
    }
    if (fd !== undefined) return undefined;
    if (entry === 'cmdline') return file(() => (p.zombie ? '' : s.argv.map((a) => `${a}\0`).join(''))); // a zombie has no mm to read argv from
    if (entry === 'comm') return file(() => `${p.comm}\n`);
    if (entry === 'stat') return file(() => statLine(s, p));
    if (entry === 'status') return file(() => statusText(s, p, fdTargets(s, p).length));
    return undefined;
  }

  stat(path: string): 'file' | 'dir' | undefined {
    return this.resolve(path)?.kind;
  }

  read(path: string): string | undefined {
    const n = this.resolve(path);
    return n?.kind === 'file' ? n.text() : undefined;
  }

  list(path: string): string[] | undefined {
    const n = this.resolve(path);
    return n?.kind === 'dir' ? n.names() : undefined;
  }
}
