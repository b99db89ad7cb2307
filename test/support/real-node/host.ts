import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

const exec = promisify(execFile);

/**
 * The one real node of this machine lives at fixed host paths: the kubelet 1.20 hard-codes
 * /var/log/pods, /var/lib/kubelet/device-plugins, the /kubepods cgroups and ports 10250/10248.
 * Everything a run changes on the host is recorded in STATE_FILE before it is changed, so the next
 * run can undo what a killed run left behind.
 */
export const NODE_ROOT = '/var/lib/kubeloop-real-node';
export const RUN_DIR = join(NODE_ROOT, 'run');
export const STATE_FILE = join(NODE_ROOT, 'state.json');
export const CONTAINERD_STATE = '/run/kubeloop-real-node/containerd';
export const CONTAINERD_SOCKET = join(CONTAINERD_STATE, 'containerd.sock');
/** Pods get 198.18.0.0/16 and Services 198.19.0.0/24 (RFC 2544 benchmarking space, never routed). */
export const POD_CIDR = '198.18.0.0/16';
export const SERVICE_CIDR = '198.19.0.0/24';
/** The node's InternalIP, on lo: the kubelet refuses a loopback address, and apiserver -> kubelet traffic stays on lo. */
export const NODE_IP = '198.19.255.1';
export const BRIDGE = 'kl0';
const SYSCTLS = [
  'vm.overcommit_memory',
  'vm.panic_on_oom',
  'kernel.panic',
  'kernel.panic_on_oops',
  'kernel.keys.root_maxkeys',
  'kernel.keys.root_maxbytes',
];

export interface HostState {
  /** Processes started for the node, by name; checked against their command line before a kill. */
  pids: Record<string, { pid: number; bin: string }>;
  /** How each daemon was started, so a test can restart one (the kubelet) with the same flags. */
  daemons?: Record<string, { name: string; bin: string; args: string[] }>;
  startedAt: string;
  sysctls: Record<string, string>;
  createdVarLibKubelet: boolean;
  nodeIpAdded: boolean;
}

export async function readState(): Promise<HostState | undefined> {
  try {
    return JSON.parse(await readFile(STATE_FILE, 'utf8')) as HostState;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new Error(`real node: cannot read ${STATE_FILE}: ${(err as Error).message}`, { cause: err });
  }
}

export async function writeState(state: HostState): Promise<void> {
  await mkdir(NODE_ROOT, { recursive: true });
  await writeFile(STATE_FILE, JSON.stringify(state, null, 2));
}

/** Records the sysctls the kubelet overwrites (it sets kernel.panic_on_oops=1 among others), and the lo address. */
export async function prepareHost(): Promise<HostState> {
  const sysctls: Record<string, string> = {};
  for (const key of SYSCTLS) sysctls[key] = (await exec('sysctl', ['-n', key])).stdout.trim();
  const state: HostState = {
    pids: {},
    startedAt: new Date().toISOString(),
    sysctls,
    createdVarLibKubelet: !existsSync('/var/lib/kubelet'),
    nodeIpAdded: false,
  };
  await writeState(state);
  const addrs = (await exec('ip', ['-4', '-o', 'addr', 'show', 'dev', 'lo'])).stdout;
  if (!addrs.includes(` ${NODE_IP}/`)) {
    state.nodeIpAdded = true;
    await writeState(state);
    await exec('ip', ['addr', 'add', `${NODE_IP}/32`, 'dev', 'lo']);
  }
  await mkdir(join(RUN_DIR, 'logs'), { recursive: true });
  return state;
}

export function isOurProcess(pid: number, bin: string): boolean {
  try {
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0')[0] ?? '';
    return cmdline === bin || cmdline.endsWith(`/${bin.split('/').pop() ?? bin}`);
  } catch {
    return false; // gone
  }
}

export async function killRecorded(pid: number, bin: string, graceMs: number): Promise<void> {
  if (!isOurProcess(pid, bin)) return;
  signal(pid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (isOurProcess(pid, bin) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  if (isOurProcess(pid, bin)) signal(pid, 'SIGKILL');
  while (isOurProcess(pid, bin)) await new Promise((r) => setTimeout(r, 50));
}

function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ESRCH') throw err;
  }
}

async function quiet(cmd: string, args: string[]): Promise<string> {
  try {
    return (await exec(cmd, args)).stdout;
  } catch {
    return ''; // cleanup is best-effort per item; what is left is reported by leftovers()
  }
}

/**
 * Undoes everything a node run did to the host, whether it stopped cleanly or was killed: processes
 * (and containerd shims), mounts, pod network namespaces and the bridge, pod logs, kubepods cgroups,
 * sysctls, the node address. Idempotent.
 */
export async function cleanHost(state: HostState | undefined): Promise<void> {
  const order = ['kube-scheduler', 'kube-controller-manager', 'kubelet', 'kube-apiserver', 'etcd', 'containerd'];
  for (const name of order) {
    const p = state?.pids[name];
    if (p) await killRecorded(p.pid, p.bin, 10_000);
  }
  for (const line of (await quiet('pgrep', ['-af', 'containerd-shim-runc-v2'])).split('\n')) {
    const [pid, ...cmd] = line.trim().split(' ');
    if (pid && cmd.join(' ').includes(CONTAINERD_SOCKET)) signal(Number(pid), 'SIGKILL');
  }
  const mounts = (await readFile('/proc/self/mounts', 'utf8'))
    .split('\n')
    .map((l) => l.split(' ')[1] ?? '')
    .map((m) => m.replace(/\\040/g, ' '))
    .filter((m) => m.startsWith(NODE_ROOT) || m.startsWith('/run/kubeloop-real-node'));
  for (const m of mounts.sort().reverse()) await quiet('umount', ['-l', m]);
  for (const ns of await readdir('/var/run/netns').catch(() => [] as string[])) {
    if (!ns.startsWith('cni-')) continue;
    const addrs = await quiet('ip', ['netns', 'exec', ns, 'ip', '-4', '-o', 'addr']);
    if (addrs.includes('inet 198.18.')) await quiet('ip', ['netns', 'delete', ns]);
  }
  await quiet('ip', ['link', 'delete', BRIDGE]);
  if (state) await removePodLogs(new Date(state.startedAt));
  if (state?.createdVarLibKubelet) await rm('/var/lib/kubelet', { recursive: true, force: true });
  await removeKubepodsCgroups();
  for (const [key, value] of Object.entries(state?.sysctls ?? {})) await quiet('sysctl', ['-qw', `${key}=${value}`]);
  if (state?.nodeIpAdded) await quiet('ip', ['addr', 'del', `${NODE_IP}/32`, 'dev', 'lo']);
  await rm(RUN_DIR, { recursive: true, force: true });
  await rm('/run/kubeloop-real-node', { recursive: true, force: true });
  await rm(STATE_FILE, { force: true });
  await rm(join(NODE_ROOT, 'dev-node.json'), { force: true }); // a dev node's address, stale once it is gone
}

/** /var/log/pods is fixed in kubelet 1.20: remove the pod directories made since this node started, and their links. */
async function removePodLogs(since: Date): Promise<void> {
  const ours = new Set<string>();
  for (const d of await readdir('/var/log/pods').catch(() => [] as string[])) {
    const path = join('/var/log/pods', d);
    const { stdout } = await exec('stat', ['-c', '%W %Y', path]).catch(() => ({ stdout: '0 0' }));
    const [born = 0, modified = 0] = stdout.trim().split(' ').map(Number);
    if (Math.max(born, modified) * 1000 >= since.getTime() - 1000) ours.add(path);
  }
  for (const l of await readdir('/var/log/containers').catch(() => [] as string[])) {
    const link = join('/var/log/containers', l);
    const target = await quiet('readlink', [link]);
    if ([...ours].some((d) => target.startsWith(d))) await rm(link, { force: true });
  }
  for (const d of ours) await rm(d, { recursive: true, force: true });
}

async function removeKubepodsCgroups(): Promise<void> {
  for (const controller of await readdir('/sys/fs/cgroup').catch(() => [] as string[])) {
    const root = join('/sys/fs/cgroup', controller, 'kubepods');
    if (!existsSync(root)) continue;
    // Deepest first: a cgroup directory can be removed only once its children are.
    const dirs = (await quiet('find', [root, '-depth', '-type', 'd'])).split('\n').filter(Boolean);
    for (const d of dirs) await quiet('rmdir', [d]);
  }
}

/** What a stopped node must not leave behind: returns a list of leftovers, empty when clean. */
export async function leftovers(): Promise<string[]> {
  const found: string[] = [];
  const shims = (await quiet('pgrep', ['-af', 'containerd-shim-runc-v2']))
    .split('\n')
    .filter((l) => l.includes(CONTAINERD_SOCKET));
  if (shims.length > 0) found.push(`${shims.length} containerd shims`);
  const mounts = (await readFile('/proc/self/mounts', 'utf8'))
    .split('\n')
    .filter((l) => l.includes(NODE_ROOT) || l.includes('/run/kubeloop-real-node'));
  if (mounts.length > 0) found.push(`${mounts.length} mounts`);
  if ((await quiet('ip', ['link', 'show', BRIDGE])).trim() !== '') found.push(`bridge ${BRIDGE}`);
  if ((await quiet('ip', ['-4', '-o', 'addr', 'show', 'dev', 'lo'])).includes(NODE_IP))
    found.push(`address ${NODE_IP} on lo`);
  for (const controller of await readdir('/sys/fs/cgroup').catch(() => [] as string[])) {
    const kubepods = join('/sys/fs/cgroup', controller, 'kubepods');
    if (existsSync(kubepods) && (await readdir(kubepods, { withFileTypes: true })).some((e) => e.isDirectory()))
      found.push(`pod cgroups under ${kubepods}`);
  }
  return found;
}
