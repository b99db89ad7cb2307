import { createServer as createHttpsServer, request as httpsRequest, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CustomObjectsApi, KubeConfig } from '@kubernetes/client-node';
import { pino } from 'pino';
import { simRequest, startTestSim, type TestSim } from '../../test/support/sim.ts';
import { eventually } from '../../test/support/eventually.ts';
import { generateServingCert } from '../util/certificates.ts';
import { delegatedReadAuthorizer, requestHeaderConfigFromConfigMap, type ReadAttributes } from './auth.ts';
import { DelegatedAuth, subjectAccessReviewSpec } from './delegated.ts';
import { startMetricsApiServer, type RunningMetricsApiServer, type StartMetricsApiServerOptions } from './https.ts';
import { staticPods } from './pods.ts';

/**
 * Delegated authentication against the sim: the metrics API server reviews cluster tokens with
 * TokenReview and SubjectAccessReview, through a proxy in front of the sim that counts the reviews
 * and can make them fail. The server's own identity is a token user bound to
 * system:auth-delegator, as deploy/metrics-api binds the ServiceAccount.
 */

const WRITE = 'write-token-0123456789';
const SELF = 'self-token-0123456789abc';
const READER = 'reader-token-0123456789';
const FRESH = 'fresh-token-0123456789a';
const RBAC = 'rbac.authorization.k8s.io';
const METRIC = '/apis/custom.metrics.k8s.io/v1beta2/namespaces/m/pods/*/http_requests_qps';

type Mode = 'pass' | 'status500' | 'not-json' | 'wrong-shape' | 'hang' | 'reset';

let t: TestSim;
let server: RunningMetricsApiServer;
let proxy: { url: string; ca: string; counts: Map<string, number>; mode: Record<string, Mode>; server: Server };
let clock = Date.now();
const logs: string[] = [];

/** A reverse proxy to the sim that counts requests by their last path segment and injects faults. */
async function countingProxy(target: string, targetCa: string): Promise<typeof proxy> {
  const cert = await generateServingCert();
  const counts = new Map<string, number>();
  const mode: Record<string, Mode> = {};
  const srv = createHttpsServer({ cert: cert.cert, key: cert.key }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const kind = new URL(req.url ?? '/', 'https://proxy.invalid').pathname.split('/').pop() ?? '';
      counts.set(kind, (counts.get(kind) ?? 0) + 1);
      const json = { 'content-type': 'application/json' };
      switch (mode[kind] ?? 'pass') {
        case 'status500':
          return void res
            .writeHead(500, json)
            .end(
              '{"kind":"Status","apiVersion":"v1","status":"Failure","message":"etcdserver: request timed out","code":500}',
            );
        case 'not-json':
          return void res.writeHead(201, { 'content-type': 'text/html' }).end('<html>bad gateway</html>');
        case 'wrong-shape':
          return void res
            .writeHead(201, json)
            .end('{"apiVersion":"authentication.k8s.io/v1","kind":"TokenReview","status":{"authenticated":"yes"}}');
        case 'hang':
          return;
        case 'reset':
          return void req.socket.destroy();
        case 'pass': {
          const headers = { ...req.headers };
          delete headers.host;
          const up = httpsRequest(`${target}${req.url ?? '/'}`, { method: req.method, headers, ca: targetCa }, (r) => {
            res.writeHead(r.statusCode ?? 502, r.headers);
            r.pipe(res);
          });
          up.on('error', () => res.destroy());
          up.end(Buffer.concat(chunks));
        }
      }
    });
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  return {
    url: `https://127.0.0.1:${(srv.address() as AddressInfo).port}`,
    ca: cert.caCert,
    counts,
    mode,
    server: srv,
  };
}

function kubeConfig(serverUrl: string, ca: string, token: string): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: 'c', server: serverUrl, caData: Buffer.from(ca).toString('base64'), skipTLSVerify: false }],
    users: [{ name: 'u', token }],
    contexts: [{ name: 'c', cluster: 'c', user: 'u' }],
    currentContext: 'c',
  });
  return kc;
}

function direct(
  method: string,
  path: string,
  token?: string,
  body?: string,
): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
    };
    const req = httpsRequest(`${server.url}${path}`, { method, ca: server.caCert, headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const reviews = (): { tokenreviews: number; subjectaccessreviews: number } => ({
  tokenreviews: proxy.counts.get('tokenreviews') ?? 0,
  subjectaccessreviews: proxy.counts.get('subjectaccessreviews') ?? 0,
});
const rbac = (path: string, body: Record<string, unknown>) =>
  simRequest(t.sim, 'POST', `/apis/${RBAC}/v1/${path}`, {
    body: JSON.stringify({ apiVersion: `${RBAC}/v1`, ...body }),
    headers: { 'content-type': 'application/json' },
  });
const bind = (name: string, role: string, subject: Record<string, string>) =>
  rbac('clusterrolebindings', {
    kind: 'ClusterRoleBinding',
    metadata: { name },
    roleRef: { apiGroup: RBAC, kind: 'ClusterRole', name: role },
    subjects: [{ apiGroup: RBAC, ...subject }],
  });

beforeAll(async () => {
  t = await startTestSim({
    aggregatorProbeIntervalMs: 250,
    tokens: {
      users: [
        { token: SELF, name: 'kubeloop-metrics-api' },
        { token: READER, name: 'reader', groups: ['metric-readers'] },
        { token: FRESH, name: 'fresh', groups: ['metric-readers'] },
      ],
    },
  });
  // The bootstrap role a real cluster has, and the grants deploy/metrics-api makes.
  await rbac('clusterroles', {
    kind: 'ClusterRole',
    metadata: { name: 'system:auth-delegator' },
    rules: [
      { apiGroups: ['authentication.k8s.io'], resources: ['tokenreviews'], verbs: ['create'] },
      { apiGroups: ['authorization.k8s.io'], resources: ['subjectaccessreviews'], verbs: ['create'] },
    ],
  });
  await bind('kubeloop-metrics-api:system:auth-delegator', 'system:auth-delegator', {
    kind: 'User',
    name: 'kubeloop-metrics-api',
  });
  await rbac('clusterroles', {
    kind: 'ClusterRole',
    metadata: { name: 'qps-reader' },
    rules: [{ apiGroups: ['custom.metrics.k8s.io'], resources: ['pods/http_requests_qps'], verbs: ['get'] }],
  });
  await bind('metric-readers', 'qps-reader', { kind: 'Group', name: 'metric-readers' });

  proxy = await countingProxy(t.sim.url, t.sim.caCert ?? '');
  const delegated = new DelegatedAuth(kubeConfig(proxy.url, proxy.ca, SELF), {
    timeoutMs: 1000,
    now: () => clock,
    logger: pino(
      { level: 'debug' },
      new Writable({
        write: (chunk: Buffer, _enc, done) => {
          logs.push(chunk.toString());
          done();
        },
      }),
    ),
  });
  const core = await simRequest(
    t.sim,
    'GET',
    '/api/v1/namespaces/kube-system/configmaps/extension-apiserver-authentication',
  );
  const opts: StartMetricsApiServerOptions & { delegated: DelegatedAuth } = {
    host: '127.0.0.1',
    port: 0,
    serviceHosts: ['kubeloop-metrics-api.kube-system.svc'],
    requestHeader: requestHeaderConfigFromConfigMap(core.json<{ data: Record<string, string> }>().data),
    writeToken: WRITE,
    pushIntervalMs: 600_000,
    podsMatching: staticPods([{ namespace: 'm', name: 'web-1', labels: { app: 'web' } }]),
    delegated,
    authorizeRead: delegatedReadAuthorizer(delegated),
  };
  server = await startMetricsApiServer(opts);
  expect((await direct('POST', '/write-metrics/namespaces/m/pods/web-1/http_requests_qps', WRITE, '"45"')).status).toBe(
    200,
  );
}, 60_000);

afterAll(async () => {
  proxy?.server.closeAllConnections();
  proxy?.server.close();
  await server?.close();
  await t?.sim.stop();
});

beforeEach(() => {
  proxy.counts.clear();
  for (const k of Object.keys(proxy.mode)) delete proxy.mode[k];
});

describe('direct callers with a cluster token', () => {
  it('the sim admin token reads through TokenReview + SubjectAccessReview (200)', async () => {
    const res = await direct('GET', METRIC, t.sim.tokens.admin);
    expect(res.status, res.text).toBe(200);
    expect(JSON.parse(res.text)).toMatchObject({
      kind: 'MetricValueList',
      items: [{ describedObject: { name: 'web-1' }, value: '45' }],
    });
    expect(reviews()).toEqual({ tokenreviews: 1, subjectaccessreviews: 1 });
  });

  it('an unknown token gets 401, a token-review user may not push (403)', async () => {
    expect((await direct('GET', METRIC, 'not-a-cluster-token')).status).toBe(401);
    expect((await direct('GET', '/apis', 'not-a-cluster-token')).status).toBe(401);
    expect(reviews()).toEqual({ tokenreviews: 1, subjectaccessreviews: 0 });
    expect(
      (await direct('POST', '/write-metrics/namespaces/m/pods/web-1/http_requests_qps', t.sim.tokens.admin, '"1"'))
        .status,
    ).toBe(403);
  });

  it('RBAC decides per metric: the reader may read http_requests_qps and discovery, nothing else (403)', async () => {
    expect((await direct('GET', METRIC, READER)).status).toBe(200);
    expect((await direct('GET', '/apis/custom.metrics.k8s.io/v1beta2', READER)).status).toBe(200);
    const other = await direct('GET', '/apis/custom.metrics.k8s.io/v1beta2/namespaces/m/pods/*/queue_depth', READER);
    expect(other.status).toBe(403);
    expect(JSON.parse(other.text)).toMatchObject({ kind: 'Status', reason: 'Forbidden', code: 403 });
    expect((await direct('GET', '/apis/external.metrics.k8s.io/v1beta1/namespaces/m/queue_depth', READER)).status).toBe(
      403,
    );
    expect(reviews()).toEqual({ tokenreviews: 1, subjectaccessreviews: 4 });
  });

  it('caches: a burst of 40 reads costs one TokenReview and one SubjectAccessReview, until the TTL passes', async () => {
    const burst = async (): Promise<number[]> =>
      Promise.all(Array.from({ length: 20 }, async () => (await direct('GET', METRIC, t.sim.tokens.readOnly)).status));
    expect(await burst()).toEqual(Array(20).fill(200));
    expect(await burst()).toEqual(Array(20).fill(200));
    expect(reviews()).toEqual({ tokenreviews: 1, subjectaccessreviews: 1 });
    clock += 10_001;
    expect((await direct('GET', METRIC, t.sim.tokens.readOnly)).status).toBe(200);
    expect(reviews()).toEqual({ tokenreviews: 2, subjectaccessreviews: 2 });
  });

  it('a failing TokenReview endpoint means 401, never 500 or 200, logged and not cached', async () => {
    for (const mode of ['status500', 'not-json', 'wrong-shape', 'reset', 'hang'] as const) {
      proxy.mode['tokenreviews'] = mode;
      logs.length = 0;
      const res = await direct('GET', METRIC, FRESH);
      expect([mode, res.status]).toEqual([mode, 401]);
      expect(
        logs.some((l) => l.includes('TokenReview failed')),
        `${mode}: ${logs.join('')}`,
      ).toBe(true);
    }
    expect(reviews().tokenreviews).toBe(5);
    expect((await direct('GET', '/healthz')).status).toBe(200);
    delete proxy.mode['tokenreviews'];
    expect((await direct('GET', METRIC, FRESH)).status).toBe(200);
  });

  it('a failing SubjectAccessReview endpoint means 403, never allowed', async () => {
    proxy.mode['subjectaccessreviews'] = 'status500';
    logs.length = 0;
    expect(
      (await direct('GET', '/apis/custom.metrics.k8s.io/v1beta1/namespaces/m/pods/*/http_requests_qps', FRESH)).status,
    ).toBe(403);
    expect(logs.some((l) => l.includes('SubjectAccessReview failed') && l.includes('500'))).toBe(true);
    delete proxy.mode['subjectaccessreviews'];
    expect(
      (await direct('GET', '/apis/custom.metrics.k8s.io/v1beta1/namespaces/m/pods/*/http_requests_qps', FRESH)).status,
    ).toBe(200);
  });

  it('without system:auth-delegator the cluster refuses the review: unauthenticated, with the 403 logged', async () => {
    logs.length = 0;
    const unbound = new DelegatedAuth(kubeConfig(t.sim.url, t.sim.caCert ?? '', READER), {
      logger: pino(
        { level: 'warn' },
        new Writable({
          write: (c: Buffer, _e, done) => {
            logs.push(c.toString());
            done();
          },
        }),
      ),
    });
    expect(await unbound.reviewToken(t.sim.tokens.admin)).toBeUndefined();
    expect(logs.join('')).toMatch(
      /tokenreviews\.authentication\.k8s\.io is forbidden: User \\"reader\\" cannot create resource/,
    );
  });
});

describe('front-proxy callers', () => {
  it('are authorized by the aggregator, not asked about again: no reviews', async () => {
    const custom = t.kc.makeApiClient(CustomObjectsApi);
    await simRequest(t.sim, 'POST', '/api/v1/namespaces/kube-system/services', {
      body: JSON.stringify({ metadata: { name: 'kubeloop-metrics-api' }, spec: { ports: [{ port: 443 }] } }),
    });
    await simRequest(t.sim, 'POST', '/api/v1/namespaces/kube-system/endpoints', {
      body: JSON.stringify({
        metadata: { name: 'kubeloop-metrics-api' },
        subsets: [{ addresses: [{ ip: '127.0.0.1' }], ports: [{ port: server.port }] }],
      }),
    });
    await custom.createClusterCustomObject({
      group: 'apiregistration.k8s.io',
      version: 'v1',
      plural: 'apiservices',
      body: {
        apiVersion: 'apiregistration.k8s.io/v1',
        kind: 'APIService',
        metadata: { name: 'v1beta2.custom.metrics.k8s.io' },
        spec: {
          group: 'custom.metrics.k8s.io',
          version: 'v1beta2',
          groupPriorityMinimum: 100,
          versionPriority: 200,
          service: { namespace: 'kube-system', name: 'kubeloop-metrics-api', port: 443 },
          caBundle: Buffer.from(server.caCert ?? '').toString('base64'),
        },
      },
    });
    await eventually(
      'the APIService to proxy',
      async () => ((await simRequest(t.sim, 'GET', METRIC)).status === 200 ? true : undefined),
      15_000,
    );
    proxy.counts.clear();
    // The sim's aggregator authorizes the reader by RBAC, then the server trusts the front proxy.
    expect((await simRequest(t.sim, 'GET', METRIC, { token: READER })).status).toBe(200);
    expect(
      (
        await simRequest(t.sim, 'GET', '/apis/custom.metrics.k8s.io/v1beta2/namespaces/m/pods/*/queue_depth', {
          token: READER,
        })
      ).status,
    ).toBe(403);
    expect(reviews()).toEqual({ tokenreviews: 0, subjectaccessreviews: 0 });
  }, 30_000);
});

describe('subjectAccessReviewSpec and delegatedReadAuthorizer', () => {
  const user = { name: 'u', groups: ['g'], uid: 'id-1', extra: { scopes: ['a'] } };
  const read = (a: Partial<ReadAttributes>): ReadAttributes => ({
    verb: 'get',
    group: 'custom.metrics.k8s.io',
    version: 'v1beta2',
    resource: '',
    namespace: '',
    ...a,
  });

  it('maps reads to RequestInfo attributes: resource/subresource, external metrics, discovery paths', () => {
    expect(
      subjectAccessReviewSpec(user, read({ resource: 'pods/http_requests_qps', namespace: 'm', name: '*' })),
    ).toEqual({
      user: 'u',
      groups: ['g'],
      uid: 'id-1',
      extra: { scopes: ['a'] },
      resourceAttributes: {
        namespace: 'm',
        verb: 'get',
        group: 'custom.metrics.k8s.io',
        version: 'v1beta2',
        resource: 'pods',
        subresource: 'http_requests_qps',
        name: '*',
      },
    });
    expect(
      subjectAccessReviewSpec(
        { name: 'u', groups: [] },
        read({ group: 'external.metrics.k8s.io', version: 'v1beta1', resource: 'queue_depth', namespace: 'm' }),
      ).resourceAttributes,
    ).toEqual({
      namespace: 'm',
      verb: 'get',
      group: 'external.metrics.k8s.io',
      version: 'v1beta1',
      resource: 'queue_depth',
    });
    expect(subjectAccessReviewSpec(user, read({ group: '', version: '' })).nonResourceAttributes).toEqual({
      path: '/apis',
      verb: 'get',
    });
    expect(subjectAccessReviewSpec(user, read({ version: '' })).nonResourceAttributes).toEqual({
      path: '/apis/custom.metrics.k8s.io',
      verb: 'get',
    });
    expect(subjectAccessReviewSpec(user, read({})).nonResourceAttributes).toEqual({
      path: '/apis/custom.metrics.k8s.io/v1beta2',
      verb: 'get',
    });
  });

  it('asks only about token-review callers', async () => {
    const asked: string[] = [];
    const authorize = delegatedReadAuthorizer({ authorize: async (u) => (asked.push(u.name), false) });
    for (const via of ['front-proxy', 'token', 'anonymous'] as const)
      expect(await authorize(user, via, read({}))).toBe(true);
    expect(await authorize(user, 'token-review', read({}))).toBe(false);
    expect(asked).toEqual(['u']);
  });

  it('bounds its caches', async () => {
    const d = new DelegatedAuth(kubeConfig(t.sim.url, t.sim.caCert ?? '', t.sim.tokens.admin), { maxCacheEntries: 2 });
    for (const tok of ['unknown-1', 'unknown-2', 'unknown-3', t.sim.tokens.admin]) await d.reviewToken(tok);
    expect(d.cacheSizes().tokens).toBe(2);
    expect(await d.reviewToken(t.sim.tokens.admin)).toEqual({
      name: 'admin',
      groups: ['system:masters', 'system:authenticated'],
    });
  });
});
