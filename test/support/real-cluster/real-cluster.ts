import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { request } from 'node:https';
import { promisify } from 'node:util';
import { randomBytes } from 'node:crypto';
import { KubeConfig } from '@kubernetes/client-node';
import { renderKubeconfig } from '../../../src/sim/kubeconfig.ts';

const run = promisify(execFile);
const BUILD_SCRIPT = resolve(import.meta.dirname, '../../../scripts/real-cluster/build.sh');

/**
 * A real control plane for differential tests: etcd + kube-apiserver + kube-controller-manager
 * (Kubernetes 1.20 from Debian's sources) on free loopback ports in a temp dir. No scheduler and
 * no kubelet: tests play both where a scenario needs them.
 */
export interface RealCluster {
  server: string;
  adminToken: string;
  readonlyToken: string;
  caCert: string;
  kubeconfigPath: string;
  dir: string;
  version: string;
  /** etcd's client URL (plain HTTP on loopback), e.g. for compaction in 410 scenarios. */
  etcdUrl: string;
  /** Seconds the cold build took (recorded by build.sh), and ms this run spent getting binaries. */
  build: { coldSeconds: number | undefined; ensureMs: number };
  /** The processes this control plane runs (name -> pid), e.g. to measure their RSS. */
  processes(): { name: string; pid: number }[];
  kubeConfig(): KubeConfig;
  kubeconfig(): string;
  stop(): Promise<void>;
}

export async function ensureRealClusterBinaries(): Promise<{
  binDir: string;
  version: string;
  coldSeconds: number | undefined;
}> {
  try {
    const { stdout } = await run('bash', [BUILD_SCRIPT], { maxBuffer: 64 * 1024 * 1024, timeout: 40 * 60_000 });
    const binDir = stdout.trim().split('\n').pop() ?? '';
    if (!existsSync(join(binDir, 'kube-apiserver')))
      throw new Error(`the build script printed no binary directory (got "${binDir}")`);
    const version = (await readFile(join(binDir, '..', 'version.txt'), 'utf8')).trim();
    const cold = Number((await readFile(join(binDir, '..', 'build-seconds.txt'), 'utf8')).trim());
    return { binDir, version, coldSeconds: Number.isFinite(cold) ? cold : undefined };
  } catch (err) {
    const e = err as { stderr?: string; message: string };
    throw new Error(
      `REAL CONTROL PLANE UNAVAILABLE: building kube-apiserver/kube-controller-manager from Debian's kubernetes source package failed. ` +
        `The differential suite cannot run without it and fails rather than skipping.\n${e.message}\n${(e.stderr ?? '').split('\n').slice(-30).join('\n')}`,
      { cause: err },
    );
  }
}

/** `n` distinct free loopback ports: all listeners stay open until every port is known. */
export async function freePorts(n: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from(
      { length: n },
      () =>
        new Promise<ReturnType<typeof createServer>>((res, reject) => {
          const srv = createServer();
          srv.once('error', reject);
          srv.listen(0, '127.0.0.1', () => res(srv));
        }),
    ),
  );
  const ports = servers.map((s) => {
    const addr = s.address();
    return typeof addr === 'object' && addr ? addr.port : 0;
  });
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  return ports;
}

async function openssl(dir: string, args: string[]): Promise<void> {
  await run('openssl', args, { cwd: dir });
}

async function makeCerts(dir: string, extraIps: string[]): Promise<void> {
  await openssl(dir, [
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    'ca.key',
    '-out',
    'ca.crt',
    '-days',
    '30',
    '-subj',
    '/CN=kubeloop-real-ca',
  ]);
  await openssl(dir, [
    'req',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    'apiserver.key',
    '-out',
    'apiserver.csr',
    '-subj',
    '/CN=kube-apiserver',
  ]);
  await writeFile(
    join(dir, 'ext.cnf'),
    `subjectAltName=IP:127.0.0.1,${extraIps.map((ip) => `IP:${ip},`).join('')}DNS:localhost,DNS:kubernetes.default.svc\nextendedKeyUsage=serverAuth\n`,
  );
  await openssl(dir, [
    'x509',
    '-req',
    '-in',
    'apiserver.csr',
    '-CA',
    'ca.crt',
    '-CAkey',
    'ca.key',
    '-CAcreateserial',
    '-out',
    'apiserver.crt',
    '-days',
    '30',
    '-extfile',
    'ext.cnf',
  ]);
  await openssl(dir, ['genrsa', '-out', 'sa.key', '2048']);
  await openssl(dir, ['rsa', '-in', 'sa.key', '-pubout', '-out', 'sa.pub']);
}

function startProcess(dir: string, name: string, bin: string, args: string[]): ChildProcess {
  const log = createWriteStream(join(dir, `${name}.log`));
  const child = spawn(bin, args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  return child;
}

function get(server: string, path: string, token: string, ca: string): Promise<{ status: number; body: string }> {
  return new Promise((res) => {
    const req = request(
      new URL(path, server),
      { headers: { authorization: `Bearer ${token}` }, ca, timeout: 2000 },
      (r) => {
        let body = '';
        r.on('data', (c: Buffer) => (body += c.toString()));
        r.on('end', () => res({ status: r.statusCode ?? 0, body }));
      },
    );
    req.on('error', () => res({ status: 0, body: '' }));
    req.on('timeout', () => req.destroy());
    req.end();
  });
}

async function tail(dir: string, name: string): Promise<string> {
  const text = await readFile(join(dir, `${name}.log`), 'utf8').catch(() => '');
  return text.split('\n').slice(-25).join('\n');
}

async function waitUntil(
  what: string,
  dir: string,
  procs: ChildProcess[],
  check: () => Promise<boolean>,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    const dead = procs.find((p) => p.exitCode !== null);
    if (dead || Date.now() > deadline) {
      const logs = await Promise.all(
        ['etcd', 'kube-apiserver', 'kube-controller-manager'].map(
          async (n) => `--- ${n}.log ---\n${await tail(dir, n)}`,
        ),
      );
      throw new Error(
        `real cluster: ${dead ? 'a process exited' : 'timed out'} while waiting for ${what}\n${logs.join('\n')}`,
      );
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ESRCH') throw err;
  }
}

export interface RealClusterOptions {
  withControllerManager?: boolean;
  controllers?: string[];
  /** Extra kube-apiserver flags (e.g. watch cache sizes). */
  apiserverArgs?: string[];
  /** More users of the token file (their uid is their name). */
  users?: { name: string; token: string; groups: string[] }[];
  /**
   * An address of this host that pods reach (a node's IP): kube-apiserver then also listens there and
   * its certificate names it, so in-cluster clients work. Default: loopback only.
   */
  podReachableAt?: string;
  /** kube-apiserver's authorizers (default RBAC; a cluster with a kubelet adds Node). */
  authorizationModes?: string[];
  /** Extra kube-controller-manager flags (e.g. the HPA's sync period). */
  controllerManagerArgs?: string[];
  /**
   * Runs in the cluster's directory after its CA (ca.crt, ca.key) exists and before kube-apiserver
   * starts; returns more kube-apiserver flags (a node's kubelet client certificate, front-proxy flags).
   */
  prepare?: (dir: string) => Promise<string[]>;
}

/** Starts the control plane; a port taken between probing and binding gets one more try. */
export async function startRealCluster(opts: RealClusterOptions = {}): Promise<RealCluster> {
  try {
    return await startOnce(opts);
  } catch (err) {
    if (!/address already in use/.test((err as Error).message)) throw err;
    return startOnce(opts);
  }
}

async function startOnce(opts: RealClusterOptions): Promise<RealCluster> {
  const ensureStart = Date.now();
  const { binDir, version, coldSeconds } = await ensureRealClusterBinaries();
  const build = { coldSeconds, ensureMs: Date.now() - ensureStart };
  const dir = await mkdtemp(join(tmpdir(), 'kubeloop-real-'));
  await makeCerts(dir, opts.podReachableAt ? [opts.podReachableAt] : []);
  const preparedArgs = opts.prepare ? await opts.prepare(dir) : [];
  const adminToken = randomBytes(16).toString('hex');
  const readonlyToken = randomBytes(16).toString('hex');
  const more = (opts.users ?? []).map((u) => `${u.token},${u.name},${u.name},"${u.groups.join(',')}"\n`).join('');
  await writeFile(
    join(dir, 'tokens.csv'),
    `${adminToken},admin,admin,"system:masters"\n${readonlyToken},viewer,viewer,"system:authenticated"\n${more}`,
  );
  const [etcdClient = 0, etcdPeer = 0, apiPort = 0] = await freePorts(3);
  const procs: ChildProcess[] = [];
  const stop = async (): Promise<void> => {
    for (const p of [...procs].reverse()) {
      if (p.exitCode === null && p.pid) {
        killGroup(p.pid, 'SIGTERM');
        await new Promise((r) => {
          p.once('exit', r);
          setTimeout(r, 5000);
        });
      }
    }
    await rm(dir, { recursive: true, force: true });
  };
  const onExit = (): void => {
    // Last resort when the test process exits without stop(): never leave a control plane behind.
    for (const p of procs) if (p.pid && p.exitCode === null) killGroup(p.pid, 'SIGKILL');
  };
  process.once('exit', onExit);
  try {
    procs.push(
      startProcess(dir, 'etcd', 'etcd', [
        '--name',
        'default',
        '--data-dir',
        join(dir, 'etcd'),
        '--listen-client-urls',
        `http://127.0.0.1:${etcdClient}`,
        '--advertise-client-urls',
        `http://127.0.0.1:${etcdClient}`,
        '--listen-peer-urls',
        `http://127.0.0.1:${etcdPeer}`,
        '--initial-advertise-peer-urls',
        `http://127.0.0.1:${etcdPeer}`,
        '--initial-cluster',
        `default=http://127.0.0.1:${etcdPeer}`,
      ]),
    );
    procs.push(
      startProcess(dir, 'kube-apiserver', join(binDir, 'kube-apiserver'), [
        `--etcd-servers=http://127.0.0.1:${etcdClient}`,
        `--bind-address=${opts.podReachableAt ? '0.0.0.0' : '127.0.0.1'}`,
        `--advertise-address=${opts.podReachableAt ?? '127.0.0.1'}`,
        `--secure-port=${apiPort}`,
        '--insecure-port=0',
        `--cert-dir=${join(dir, 'certs')}`,
        '--tls-cert-file=apiserver.crt',
        '--tls-private-key-file=apiserver.key',
        '--client-ca-file=ca.crt',
        '--token-auth-file=tokens.csv',
        `--authorization-mode=${(opts.authorizationModes ?? ['RBAC']).join(',')}`,
        '--anonymous-auth=false',
        '--service-account-key-file=sa.pub',
        '--service-account-signing-key-file=sa.key',
        '--service-account-issuer=https://kubernetes.default.svc.cluster.local',
        '--service-cluster-ip-range=10.0.0.0/24',
        '--endpoint-reconciler-type=none',
        '--profiling=false',
        ...(opts.apiserverArgs ?? []),
        ...preparedArgs,
      ]),
    );
    const caCert = await readFile(join(dir, 'ca.crt'), 'utf8');
    const server = `https://127.0.0.1:${apiPort}`;
    await waitUntil(
      'kube-apiserver /readyz',
      dir,
      procs,
      async () => (await get(server, '/readyz', adminToken, caCert)).status === 200,
      120_000,
    );
    const kubeconfig = renderKubeconfig({ server, token: adminToken, caCert, name: 'kubeloop-real' });
    const kubeconfigPath = join(dir, 'kubeconfig.yaml');
    await writeFile(kubeconfigPath, kubeconfig, { mode: 0o600 });
    if (opts.withControllerManager !== false) {
      procs.push(
        startProcess(dir, 'kube-controller-manager', join(binDir, 'kube-controller-manager'), [
          `--kubeconfig=${kubeconfigPath}`,
          '--leader-elect=false',
          '--secure-port=0',
          '--port=0',
          '--service-account-private-key-file=sa.key',
          '--root-ca-file=ca.crt',
          '--use-service-account-credentials=false',
          `--controllers=${(opts.controllers ?? ['*']).join(',')}`,
          '--concurrent-deployment-syncs=5',
          '--concurrent-replicaset-syncs=5',
          '--concurrent-gc-syncs=5',
          ...(opts.controllerManagerArgs ?? []),
        ]),
      );
      await waitUntil(
        'the default ServiceAccount and its token',
        dir,
        procs,
        async () => {
          const sa = await get(server, '/api/v1/namespaces/default/serviceaccounts/default', adminToken, caCert);
          return sa.status === 200 && (JSON.parse(sa.body) as { secrets?: unknown[] }).secrets !== undefined;
        },
        120_000,
      );
    }
    return {
      server,
      adminToken,
      readonlyToken,
      caCert,
      kubeconfigPath,
      dir,
      version,
      build,
      etcdUrl: `http://127.0.0.1:${etcdClient}`,
      kubeconfig: () => kubeconfig,
      processes: () =>
        procs.flatMap((p, i) =>
          p.pid
            ? [{ name: ['etcd', 'kube-apiserver', 'kube-controller-manager'][i] ?? `process-${i}`, pid: p.pid }]
            : [],
        ),
      kubeConfig() {
        const kc = new KubeConfig();
        kc.loadFromString(kubeconfig);
        return kc;
      },
      async stop() {
        process.removeListener('exit', onExit);
        await stop();
      },
    };
  } catch (err) {
    await stop();
    throw err;
  }
}
