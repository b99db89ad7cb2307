import { pick, type Recorder, type Scenario } from '../../differential/scenario.ts';
import {
  call,
  containerStatus,
  createPod,
  events,
  inParallel,
  namespaceFor,
  observe,
  pod,
  until,
  waitPod,
  type Target,
} from './kit.ts';

type Obj = Record<string, unknown>;

const HTTPD = ['sh', '-c', 'mkdir -p /www && echo ok > /www/index.html && exec httpd -f -p 8080 -h /www'];
const conditions = (p: Obj): Obj[] => ((p['status'] as Obj | undefined)?.['conditions'] ?? []) as Obj[];
const isReady = (p: Obj): boolean => conditions(p).some((c) => c['type'] === 'Ready' && c['status'] === 'True');

/** The Endpoints of a Service over both probe pods: the ready one in addresses, the other not ready. */
async function endpoints(t: Target, rec: Recorder, ns: string): Promise<void> {
  await call(t, 'POST', `/api/v1/namespaces/${ns}/services`, {
    body: { metadata: { name: 'web' }, spec: { selector: { tier: 'web' }, ports: [{ port: 80, targetPort: 8080 }] } },
  });
  const ep = await until(t, 'Endpoints with one ready and one unready address', async () => {
    const e = (await call(t, 'GET', `/api/v1/namespaces/${ns}/endpoints/web`)).body as Obj;
    const subset = ((e['subsets'] ?? []) as Obj[])[0];
    return subset &&
      ((subset['addresses'] ?? []) as Obj[]).length === 1 &&
      ((subset['notReadyAddresses'] ?? []) as Obj[]).length === 1
      ? e
      : undefined;
  });
  const subset = ((ep['subsets'] ?? []) as Obj[])[0] as Obj;
  const target = (a: Obj): unknown => ({ ...pick(a, 'ip', 'nodeName'), target: pick(a['targetRef'], 'kind', 'name') });
  rec.record('endpoints', {
    addresses: (subset['addresses'] as Obj[]).map(target),
    notReadyAddresses: (subset['notReadyAddresses'] as Obj[]).map(target),
    ports: subset['ports'],
  });
}

/** httpd answers the readiness probe: Ready after the first success. */
async function ready(t: Target, rec: Recorder, ns: string): Promise<void> {
  await createPod(
    t,
    ns,
    pod('served', {
      command: HTTPD,
      labels: { tier: 'web' },
      container: { readinessProbe: { httpGet: { path: '/', port: 8080 }, periodSeconds: 1 } },
    }),
  );
  const p = await waitPod(t, ns, 'served', 'Ready', isReady, 30_000);
  rec.record('readiness passes: status', pick(p, 'status.phase', 'status.conditions', 'status.containerStatuses'));
}

/** Nothing listens on the probed port: never Ready, Unhealthy events, no restarts. */
async function unready(t: Target, rec: Recorder, ns: string): Promise<void> {
  await createPod(
    t,
    ns,
    pod('closed', {
      command: ['sleep', '3600'],
      labels: { tier: 'web' },
      model: { 'unready-after': '0s' },
      container: { readinessProbe: { tcpSocket: { port: 9999 }, periodSeconds: 1 } },
    }),
  );
  await until(
    t,
    'two readiness failures',
    async () =>
      (await events(t, ns, 'closed', { counts: true })).some((e) => e.reason === 'Unhealthy' && (e.count ?? 0) >= 2)
        ? true
        : undefined,
    30_000,
  );
  const p = await waitPod(
    t,
    ns,
    'closed',
    'running',
    (x) => (containerStatus(x)['state'] as Obj | undefined)?.['running'] !== undefined,
  );
  rec.record('readiness fails: status', pick(p, 'status.phase', 'status.conditions', 'status.containerStatuses'));
  rec.record('readiness fails: events', await events(t, ns, 'closed'));
}

/** The liveness probe fails twice: the kubelet kills the container (137) and starts it again. */
async function liveness(t: Target, rec: Recorder, ns: string): Promise<void> {
  await createPod(
    t,
    ns,
    pod('dead', {
      command: ['sleep', '3600'],
      model: { 'liveness-fail-after': '0s' },
      container: {
        livenessProbe: { exec: { command: ['sh', '-c', 'exit 1'] }, periodSeconds: 2, failureThreshold: 2 },
      },
    }),
  );
  const seen = await observe(
    t,
    ns,
    'dead',
    (p) => containerStatus(p)['restartCount'] === 1 && (containerStatus(p)['state'] as Obj)['running'] !== undefined,
    60_000,
  );
  // From the first start: whether a client sees ContainerCreating first depends on its polling.
  rec.record(
    'liveness: status sequence',
    seen.lines.slice(
      Math.max(
        0,
        seen.lines.findIndex((l) => l.includes(' running ')),
      ),
    ),
  );
  rec.record(
    'liveness: status after the restart',
    pick(seen.snapshots[seen.snapshots.length - 1], 'status.phase', 'status.conditions', 'status.containerStatuses'),
  );
  rec.record('liveness: events', await events(t, ns, 'dead'));
}

/** Readiness and liveness probes: Ready conditions, Unhealthy events, restarts by liveness, Endpoints. */
export const probes: Scenario = {
  name: 'probes',
  async run(t, rec) {
    const ns = await namespaceFor(t, rec, 'probes');
    await inParallel(
      rec,
      [ready, unready, liveness, endpoints].map((f) => (sub: Recorder) => f(t, sub, ns)),
    );
  },
};
