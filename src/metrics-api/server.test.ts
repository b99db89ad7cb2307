import { X509Certificate } from 'node:crypto';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { generateFrontProxyCerts, generateServingCert } from '../util/certificates.ts';
import { buildMetricsApiServer, type MetricsApiServerOptions } from './server.ts';
import { staticPods } from './pods.ts';
import type { MetricStore } from './store.ts';

const TOKEN = 'push-token-123';
let frontProxyCert: X509Certificate;
let otherCert: X509Certificate;
let requestHeaderCa = '';
let app: FastifyInstance;
let store: MetricStore;
let t = 1_700_000_000_000;

const pods = staticPods([
  { namespace: 'default', name: 'web-1', labels: { app: 'web' } },
  { namespace: 'default', name: 'web-2', labels: { app: 'web' } },
  { namespace: 'default', name: 'db-1', labels: { app: 'db' } },
  { namespace: 'other', name: 'web-9', labels: { app: 'web' } },
]);

beforeAll(async () => {
  const fp = await generateFrontProxyCerts();
  frontProxyCert = new X509Certificate(fp.cert);
  requestHeaderCa = fp.caCert;
  otherCert = new X509Certificate((await generateServingCert(['127.0.0.1', 'localhost'])).cert);
});

function build(extra: Partial<MetricsApiServerOptions> = {}): void {
  t = 1_700_000_000_000;
  ({ app, store } = buildMetricsApiServer({
    podsMatching: pods,
    requestHeader: {
      clientCa: requestHeaderCa,
      allowedNames: ['front-proxy-client'],
      usernameHeaders: ['X-Remote-User'],
      groupHeaders: ['X-Remote-Group'],
    },
    writeToken: TOKEN,
    pushIntervalMs: 60_000,
    now: () => t,
    // The test stands in for the TLS socket: which certificate the "connection" presented.
    peerCertificate: (req) =>
      req.headers['x-test-peer'] === 'front-proxy'
        ? frontProxyCert
        : req.headers['x-test-peer'] === 'other'
          ? otherCert
          : undefined,
    ...extra,
  }));
}

afterEach(async () => {
  await app?.close();
});

const asAggregator = {
  'x-test-peer': 'front-proxy',
  'x-remote-user': 'system:serviceaccount:kube-system:horizontal-pod-autoscaler',
  'x-remote-group': 'system:authenticated',
};

async function get(
  path: string,
  headers: Record<string, string> = asAggregator,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await app.inject({ method: 'GET', url: path, headers });
  return {
    status: res.statusCode,
    body: res.headers['content-type']?.toString().startsWith('application/json')
      ? (res.json() as Record<string, unknown>)
      : { text: res.body },
  };
}

async function push(
  path: string,
  payload: string,
  opts: { token?: string | null; contentType?: string; headers?: Record<string, string> } = {},
): Promise<{ status: number; body: Record<string, unknown> }> {
  const token = opts.token === undefined ? TOKEN : opts.token;
  const res = await app.inject({
    method: 'POST',
    url: path,
    payload,
    headers: {
      'content-type': opts.contentType ?? 'application/json',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(opts.headers ?? {}),
    },
  });
  return { status: res.statusCode, body: res.json() as Record<string, unknown> };
}

function expectStatus(
  r: { status: number; body: Record<string, unknown> },
  code: number,
  reason: string,
  message?: string | RegExp,
): void {
  expect(r.status).toBe(code);
  expect(r.body).toMatchObject({ kind: 'Status', apiVersion: 'v1', status: 'Failure', reason, code });
  if (message instanceof RegExp) expect(r.body['message']).toMatch(message);
  else if (message !== undefined) expect(r.body['message']).toBe(message);
}

describe('authentication', () => {
  it('lets health probes through and demands credentials everywhere else', async () => {
    build();
    expect((await get('/healthz', {})).status).toBe(200);
    expectStatus(await get('/apis', {}), 401, 'Unauthorized', 'Unauthorized');
    expectStatus(await get('/nope', {}), 401, 'Unauthorized');
  });

  it('trusts X-Remote-User only with a front-proxy certificate from the requestheader CA', async () => {
    build();
    const { 'x-test-peer': _peer, ...headersOnly } = asAggregator;
    expectStatus(await get('/apis', headersOnly), 401, 'Unauthorized');
    expectStatus(await get('/apis', { ...asAggregator, 'x-test-peer': 'other' }), 401, 'Unauthorized');
    // The certificate alone does not name a user.
    expectStatus(await get('/apis', { 'x-test-peer': 'front-proxy' }), 401, 'Unauthorized');
    expect((await get('/apis')).status).toBe(200);
  });

  it('refuses a certificate whose CN is not an allowed name', async () => {
    build({
      requestHeader: {
        clientCa: requestHeaderCa,
        allowedNames: ['someone-else'],
        usernameHeaders: ['X-Remote-User'],
        groupHeaders: ['X-Remote-Group'],
      },
    });
    expectStatus(await get('/apis'), 401, 'Unauthorized');
  });

  it('answers 403 when the read authorizer says no, with the user named', async () => {
    build({ authorizeRead: (user) => user.name !== 'mallory' });
    const r = await get('/apis/custom.metrics.k8s.io/v1beta2/namespaces/default/pods/*/qps', {
      ...asAggregator,
      'x-remote-user': 'mallory',
    });
    expectStatus(r, 403, 'Forbidden', /User "mallory" cannot get pods\/qps\.custom\.metrics\.k8s\.io/);
  });

  it('requires the write token to push: 401 without or with a wrong one, 403 for a proxied user', async () => {
    build();
    expectStatus(
      await push('/write-metrics/namespaces/default/pods/web-1/qps', '1', { token: null }),
      401,
      'Unauthorized',
    );
    expectStatus(
      await push('/write-metrics/namespaces/default/pods/web-1/qps', '1', { token: 'wrong' }),
      401,
      'Unauthorized',
    );
    expectStatus(
      await push('/write-metrics/namespaces/default/pods/web-1/qps', '1', { token: null, headers: asAggregator }),
      403,
      'Forbidden',
      /write bearer token/,
    );
    expect((await push('/write-metrics/namespaces/default/pods/web-1/qps', '1')).status).toBe(200);
  });

  it('allows anonymous reads and pushes only with insecureAllowAnonymous and no write token', async () => {
    build({ insecureAllowAnonymous: true, writeToken: undefined });
    expect((await get('/apis', {})).status).toBe(200);
    expect((await push('/write-metrics/namespaces/default/pods/web-1/qps', '1', { token: null })).status).toBe(200);
    // A presented but unknown token is still a 401.
    expectStatus(
      await push('/write-metrics/namespaces/default/pods/web-1/qps', '1', { token: 'x' }),
      401,
      'Unauthorized',
    );
  });
});

describe('discovery', () => {
  it('serves the group list with v1beta2 preferred and both groups', async () => {
    build();
    const apis = await get('/apis');
    expect(apis.body).toEqual({
      kind: 'APIGroupList',
      apiVersion: 'v1',
      groups: [
        {
          name: 'custom.metrics.k8s.io',
          versions: [
            { groupVersion: 'custom.metrics.k8s.io/v1beta2', version: 'v1beta2' },
            { groupVersion: 'custom.metrics.k8s.io/v1beta1', version: 'v1beta1' },
          ],
          preferredVersion: { groupVersion: 'custom.metrics.k8s.io/v1beta2', version: 'v1beta2' },
        },
        {
          name: 'external.metrics.k8s.io',
          versions: [{ groupVersion: 'external.metrics.k8s.io/v1beta1', version: 'v1beta1' }],
          preferredVersion: { groupVersion: 'external.metrics.k8s.io/v1beta1', version: 'v1beta1' },
        },
      ],
    });
    const group = await get('/apis/custom.metrics.k8s.io');
    expect(group.body).toMatchObject({
      kind: 'APIGroup',
      apiVersion: 'v1',
      name: 'custom.metrics.k8s.io',
      preferredVersion: { version: 'v1beta2' },
    });
    expectStatus(
      await get('/apis/custom.metrics.k8s.io/v2'),
      404,
      'NotFound',
      'the server could not find the requested resource',
    );
  });

  it('never lists an empty resource list: a placeholder until metrics are known, then the metrics', async () => {
    build({ advertise: { external: ['queue_depth'] } });
    expect((await get('/apis/custom.metrics.k8s.io/v1beta1')).body).toEqual({
      kind: 'APIResourceList',
      apiVersion: 'v1',
      groupVersion: 'custom.metrics.k8s.io/v1beta1',
      resources: [
        { name: 'custommetrics', singularName: '', namespaced: true, kind: 'MetricValueList', verbs: ['get'] },
      ],
    });
    expect((await get('/apis/external.metrics.k8s.io/v1beta1')).body).toMatchObject({
      resources: [{ name: 'queue_depth', namespaced: true, kind: 'ExternalMetricValueList', verbs: ['get'] }],
    });
    await push('/write-metrics/namespaces/default/pods/web-1/http_requests_qps', '"12.50"');
    await push('/write-metrics/nodes/node-1/temperature', '40');
    await push('/write-metrics/namespaces/default/deployments/web/backlog', '3');
    expect((await get('/apis/custom.metrics.k8s.io/v1beta2')).body).toEqual({
      kind: 'APIResourceList',
      apiVersion: 'v1',
      groupVersion: 'custom.metrics.k8s.io/v1beta2',
      resources: [
        {
          name: 'deployments.apps/backlog',
          singularName: '',
          namespaced: true,
          kind: 'MetricValueList',
          verbs: ['get'],
        },
        { name: 'nodes/temperature', singularName: '', namespaced: false, kind: 'MetricValueList', verbs: ['get'] },
        { name: 'pods/http_requests_qps', singularName: '', namespaced: true, kind: 'MetricValueList', verbs: ['get'] },
      ],
    });
  });

  it('answers 406 to a client that accepts aggregated discovery only, JSON when it falls back', async () => {
    build();
    const aggregatedOnly = 'application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList';
    const r = await get('/apis', { ...asAggregator, accept: aggregatedOnly });
    expectStatus(r, 406, 'NotAcceptable');
    expect((await get('/apis', { ...asAggregator, accept: `${aggregatedOnly},application/json` })).body).toMatchObject({
      kind: 'APIGroupList',
    });
    expectStatus(
      await get('/apis/custom.metrics.k8s.io/v1beta2', {
        ...asAggregator,
        accept: 'application/vnd.kubernetes.protobuf',
      }),
      406,
      'NotAcceptable',
    );
  });
});

describe('custom metrics', () => {
  it("serves pods/* for the pods matching labelSelector, in both versions' wire formats", async () => {
    build();
    expect(
      (await push('/write-metrics/namespaces/default/pods/web-1/http_requests_qps', '"12.50"')).body,
    ).toMatchObject({ kind: 'Status', status: 'Success', code: 200 });
    await push('/write-metrics/namespaces/default/pods/web-2/http_requests_qps?windowSeconds=120', '30');
    await push('/write-metrics/namespaces/default/pods/db-1/http_requests_qps', '2000');
    const v2 = await get(
      '/apis/custom.metrics.k8s.io/v1beta2/namespaces/default/pods/*/http_requests_qps?labelSelector=app%3Dweb',
    );
    expect(v2.status).toBe(200);
    expect(v2.body).toEqual({
      kind: 'MetricValueList',
      apiVersion: 'custom.metrics.k8s.io/v1beta2',
      metadata: {},
      items: [
        {
          describedObject: { kind: 'Pod', namespace: 'default', name: 'web-1', apiVersion: '/v1' },
          metric: { name: 'http_requests_qps', selector: null },
          timestamp: '2023-11-14T22:13:20Z',
          value: '12500m',
        },
        {
          describedObject: { kind: 'Pod', namespace: 'default', name: 'web-2', apiVersion: '/v1' },
          metric: { name: 'http_requests_qps', selector: null },
          timestamp: '2023-11-14T22:13:20Z',
          windowSeconds: 120,
          value: '30',
        },
      ],
    });
    const v1 = await get('/apis/custom.metrics.k8s.io/v1beta1/namespaces/default/pods/%2A/http_requests_qps');
    expect(v1.body['apiVersion']).toBe('custom.metrics.k8s.io/v1beta1');
    expect(v1.body['items']).toEqual([
      {
        describedObject: { kind: 'Pod', namespace: 'default', name: 'db-1', apiVersion: '/v1' },
        metricName: 'http_requests_qps',
        timestamp: '2023-11-14T22:13:20Z',
        value: '2k',
        selector: null,
      },
      {
        describedObject: { kind: 'Pod', namespace: 'default', name: 'web-1', apiVersion: '/v1' },
        metricName: 'http_requests_qps',
        timestamp: '2023-11-14T22:13:20Z',
        value: '12500m',
        selector: null,
      },
      {
        describedObject: { kind: 'Pod', namespace: 'default', name: 'web-2', apiVersion: '/v1' },
        metricName: 'http_requests_qps',
        timestamp: '2023-11-14T22:13:20Z',
        window: 120,
        value: '30',
        selector: null,
      },
    ]);
  });

  it('answers 404 NotFound, never 200 with no items, when no live value matches', async () => {
    build();
    expectStatus(
      await get('/apis/custom.metrics.k8s.io/v1beta2/namespaces/default/pods/*/nope'),
      404,
      'NotFound',
      'the server could not find the metric nope for pods',
    );
    await push('/write-metrics/namespaces/default/pods/db-1/qps', '5');
    // The metric exists, but not for the pods selected.
    expectStatus(
      await get('/apis/custom.metrics.k8s.io/v1beta2/namespaces/default/pods/*/qps?labelSelector=app%3Dweb'),
      404,
      'NotFound',
      'the server could not find the metric qps for pods',
    );
    expectStatus(
      await get('/apis/custom.metrics.k8s.io/v1beta2/namespaces/default/pods/web-1/qps'),
      404,
      'NotFound',
      'the server could not find the metric qps for pods web-1',
    );
    expectStatus(
      await get('/apis/custom.metrics.k8s.io/v1beta2/namespaces/default/widgets/w/qps'),
      404,
      'NotFound',
      'the server could not find the metric qps for widgets',
    );
  });

  it('stops serving a value when its TTL (3 x the push interval by default) ends', async () => {
    build();
    await push('/write-metrics/namespaces/default/pods/web-1/qps', '40');
    t += 179_000;
    expect((await get('/apis/custom.metrics.k8s.io/v1beta2/namespaces/default/pods/*/qps')).status).toBe(200);
    t += 1_000;
    expectStatus(await get('/apis/custom.metrics.k8s.io/v1beta2/namespaces/default/pods/*/qps'), 404, 'NotFound');
  });

  it('honours a per-push ttlSeconds and a sample timestamp, refusing one already too old', async () => {
    build();
    await push('/write-metrics/namespaces/default/pods/web-1/qps?ttlSeconds=10', '40');
    t += 10_000;
    expect((await get('/apis/custom.metrics.k8s.io/v1beta2/namespaces/default/pods/web-1/qps')).status).toBe(404);
    const old = new Date(t - 200_000).toISOString();
    expectStatus(
      await push('/write-metrics/namespaces/default/pods/web-1/qps', JSON.stringify({ value: 1, timestamp: old })),
      400,
      'BadRequest',
      /older than the TTL/,
    );
    const recent = new Date(t - 60_000).toISOString();
    await push('/write-metrics/namespaces/default/pods/web-1/qps', JSON.stringify({ value: 1, timestamp: recent }));
    const r = await get('/apis/custom.metrics.k8s.io/v1beta2/namespaces/default/pods/web-1/qps');
    expect((r.body['items'] as { timestamp: string }[])[0]?.timestamp).toBe(recent.replace(/\.\d{3}Z$/, 'Z'));
    t += 120_000;
    expect((await get('/apis/custom.metrics.k8s.io/v1beta2/namespaces/default/pods/web-1/qps')).status).toBe(404);
  });

  it('serves named objects, root-scoped objects and namespace metrics', async () => {
    build();
    await push('/write-metrics/namespaces/default/services/queue/messages_waiting', '500');
    await push('/write-metrics/namespaces/default/deployments.apps/web/backlog', '7');
    await push('/write-metrics/nodes/node-1/temperature', '41.5');
    await push('/write-metrics/namespaces/team-a/metrics/budget', '0.25');
    const svc = await get('/apis/custom.metrics.k8s.io/v1beta2/namespaces/default/services/queue/messages_waiting');
    expect(svc.body['items']).toEqual([
      {
        describedObject: { kind: 'Service', namespace: 'default', name: 'queue', apiVersion: '/v1' },
        metric: { name: 'messages_waiting', selector: null },
        timestamp: '2023-11-14T22:13:20Z',
        value: '500',
      },
    ]);
    const dep = await get('/apis/custom.metrics.k8s.io/v1beta2/namespaces/default/deployments.apps/web/backlog');
    expect((dep.body['items'] as { describedObject: unknown }[])[0]?.describedObject).toEqual({
      kind: 'Deployment',
      namespace: 'default',
      name: 'web',
      apiVersion: 'apps/v1',
    });
    const node = await get('/apis/custom.metrics.k8s.io/v1beta2/nodes/node-1/temperature');
    expect((node.body['items'] as { describedObject: unknown; value: string }[])[0]).toMatchObject({
      describedObject: { kind: 'Node', name: 'node-1', apiVersion: '/v1' },
      value: '41500m',
    });
    const ns = await get('/apis/custom.metrics.k8s.io/v1beta2/namespaces/team-a/metrics/budget');
    expect((ns.body['items'] as { describedObject: unknown; value: string }[])[0]).toMatchObject({
      describedObject: { kind: 'Namespace', name: 'team-a', apiVersion: '/v1' },
      value: '250m',
    });
    // services/* without a selector lists every live service value; with one it is refused, not guessed.
    expect(
      (await get('/apis/custom.metrics.k8s.io/v1beta2/namespaces/default/services/*/messages_waiting')).status,
    ).toBe(200);
    expectStatus(
      await get(
        '/apis/custom.metrics.k8s.io/v1beta2/namespaces/default/services/*/messages_waiting?labelSelector=a%3Db',
      ),
      400,
      'BadRequest',
      /pods only/,
    );
  });

  it('filters by metricLabelSelector, sums label sets per object and echoes the selector', async () => {
    build();
    await push('/write-metrics/namespaces/default/pods/web-1/errors?labels=code%3D500', '3');
    await push(
      '/write-metrics/namespaces/default/pods/web-1/errors',
      JSON.stringify({ value: '4', labels: { code: '503' } }),
    );
    await push('/write-metrics/namespaces/default/pods/web-1/errors?labels=code%3D200', '100');
    const r = await get(
      '/apis/custom.metrics.k8s.io/v1beta2/namespaces/default/pods/*/errors?metricLabelSelector=code%20in%20(500,503)',
    );
    expect(r.body['items']).toEqual([
      {
        describedObject: { kind: 'Pod', namespace: 'default', name: 'web-1', apiVersion: '/v1' },
        metric: {
          name: 'errors',
          selector: { matchExpressions: [{ key: 'code', operator: 'In', values: ['500', '503'] }] },
        },
        timestamp: '2023-11-14T22:13:20Z',
        value: '7',
      },
    ]);
    expectStatus(
      await get(
        '/apis/custom.metrics.k8s.io/v1beta2/namespaces/default/pods/web-1/errors?metricLabelSelector=code%3D404',
      ),
      404,
      'NotFound',
      'the server could not find the metric errors for pods web-1 with selector code=404',
    );
  });

  it('rejects malformed selectors with 400', async () => {
    build();
    expectStatus(
      await get('/apis/custom.metrics.k8s.io/v1beta2/namespaces/default/pods/*/qps?labelSelector=app%20in%20(web'),
      400,
      'BadRequest',
      /unable to parse labelSelector/,
    );
    expectStatus(
      await get('/apis/custom.metrics.k8s.io/v1beta2/namespaces/default/pods/*/qps?metricLabelSelector=n%3E5'),
      400,
      'BadRequest',
      /not a valid label selector operator/,
    );
  });
});

describe('external metrics', () => {
  it('serves every matching series with its labels, and 404 when none is live', async () => {
    build();
    await push('/write-metrics/external/namespaces/default/queue_depth?labels=queue%3Dorders', '150');
    await push(
      '/write-metrics/external/namespaces/default/queue_depth',
      JSON.stringify({ value: 12.5, labels: { queue: 'mail' } }),
    );
    const all = await get('/apis/external.metrics.k8s.io/v1beta1/namespaces/default/queue_depth');
    expect(all.body).toEqual({
      kind: 'ExternalMetricValueList',
      apiVersion: 'external.metrics.k8s.io/v1beta1',
      metadata: {},
      items: [
        {
          metricName: 'queue_depth',
          metricLabels: { queue: 'mail' },
          timestamp: '2023-11-14T22:13:20Z',
          value: '12500m',
        },
        {
          metricName: 'queue_depth',
          metricLabels: { queue: 'orders' },
          timestamp: '2023-11-14T22:13:20Z',
          value: '150',
        },
      ],
    });
    const one = await get(
      '/apis/external.metrics.k8s.io/v1beta1/namespaces/default/queue_depth?labelSelector=queue%3Dorders',
    );
    expect((one.body['items'] as unknown[]).length).toBe(1);
    expectStatus(
      await get('/apis/external.metrics.k8s.io/v1beta1/namespaces/other/queue_depth'),
      404,
      'NotFound',
      'the server could not find the external metric queue_depth in namespace other',
    );
  });
});

describe('the push path', () => {
  it("accepts the seed's JSON string, JSON numbers, text numbers and quantities", async () => {
    build();
    for (const [body, type, want] of [
      ['"12.50"', 'application/json', '12500m'],
      ['30', 'application/json', '30'],
      ['2e3', 'text/plain', '2k'],
      ['"1500m"', 'application/json', '1500m'],
      ['0', 'text/plain', '0'],
    ] as const) {
      expect((await push('/write-metrics/namespaces/default/pods/web-1/qps', body, { contentType: type })).status).toBe(
        200,
      );
      const r = await get('/apis/custom.metrics.k8s.io/v1beta2/namespaces/default/pods/web-1/qps');
      expect((r.body['items'] as { value: string }[])[0]?.value).toBe(want);
    }
  });

  it('refuses bad values with a 400 that names the reason', async () => {
    build();
    const url = '/write-metrics/namespaces/default/pods/web-1/qps';
    expectStatus(await push(url, '"abc"'), 400, 'BadRequest', /is not a number/);
    expectStatus(await push(url, 'abc', { contentType: 'text/plain' }), 400, 'BadRequest', /is not a number/);
    expectStatus(await push(url, '"NaN"'), 400, 'BadRequest', /not a finite number/);
    expectStatus(await push(url, 'NaN', { contentType: 'text/plain' }), 400, 'BadRequest', /not a finite number/);
    expectStatus(await push(url, '"Infinity"'), 400, 'BadRequest', /not a finite number/);
    expectStatus(await push(url, '1e999'), 400, 'BadRequest', /not a finite number/);
    expectStatus(await push(url, '-3'), 400, 'BadRequest', /negative/);
    expectStatus(await push(url, '1e16'), 400, 'BadRequest', /too large/);
    expectStatus(await push(url, ''), 400, 'BadRequest', /empty body/);
    expectStatus(await push(url, 'null'), 400, 'BadRequest', /the body must be/);
    expectStatus(await push(url, '[1]'), 400, 'BadRequest', /the body must be/);
    expectStatus(await push(url, '{"value": 1, "extra": 2}'), 400, 'BadRequest', /the body must be/);
    expectStatus(await push(`${url}?labels=bad%20key%3Dv`, '1'), 400, 'BadRequest', /invalid label key/);
    expectStatus(await push(`${url}?labels=novalue`, '1'), 400, 'BadRequest', /not key=value/);
    expectStatus(await push(`${url}?windowSeconds=0`, '1'), 400, 'BadRequest', /windowSeconds/);
    expectStatus(await push(`${url}?ttlSeconds=99999`, '1'), 400, 'BadRequest', /ttlSeconds/);
    expectStatus(await push(url, JSON.stringify({ value: 1, timestamp: 'yesterday' })), 400, 'BadRequest', /RFC 3339/);
    expect(store.size).toBe(0);
  });

  it('allows negative values when configured', async () => {
    build({ allowNegativeValues: true });
    expect((await push('/write-metrics/nodes/n1/temperature', '-3.5')).status).toBe(200);
    expect(
      ((await get('/apis/custom.metrics.k8s.io/v1beta2/nodes/n1/temperature')).body['items'] as { value: string }[])[0]
        ?.value,
    ).toBe('-3500m');
  });

  it('refuses bad targets: unknown resources, scope mismatches, invalid names', async () => {
    build();
    expectStatus(
      await push('/write-metrics/namespaces/default/widgets/w/qps', '1'),
      400,
      'BadRequest',
      /unknown resource "widgets": known resources are/,
    );
    expectStatus(
      await push('/write-metrics/namespaces/default/nodes/n1/qps', '1'),
      400,
      'BadRequest',
      /not namespaced/,
    );
    expectStatus(await push('/write-metrics/pods/p/qps', '1'), 400, 'BadRequest', /are namespaced/);
    expectStatus(
      await push('/write-metrics/namespaces/Default/pods/p/qps', '1'),
      400,
      'BadRequest',
      /namespace "Default"/,
    );
    expectStatus(
      await push('/write-metrics/namespaces/default/pods/*/qps', '1'),
      400,
      'BadRequest',
      /"\*" is not an object name/,
    );
    expectStatus(
      await push('/write-metrics/namespaces/default/pods/p/1bad', '1'),
      400,
      'BadRequest',
      /metric name "1bad"/,
    );
    expectStatus(await push('/write-metrics/namespaces/default', '1'), 404, 'NotFound');
  });

  it('refuses new series past maxSeries with a clear error', async () => {
    build({ maxSeries: 2 });
    await push('/write-metrics/namespaces/default/pods/a/qps', '1');
    await push('/write-metrics/namespaces/default/pods/b/qps', '1');
    expectStatus(
      await push('/write-metrics/namespaces/default/pods/c/qps', '1'),
      403,
      'Forbidden',
      /series limit reached: 2 series are stored/,
    );
    expect((await push('/write-metrics/namespaces/default/pods/a/qps', '2')).status).toBe(200);
  });

  it('bounds the body and the methods', async () => {
    build({ bodyLimitBytes: 64 });
    expectStatus(
      await push('/write-metrics/namespaces/default/pods/a/qps', `"${'1'.repeat(100)}"`),
      413,
      'RequestEntityTooLarge',
    );
    const r = await app.inject({
      method: 'GET',
      url: '/write-metrics/namespaces/default/pods/a/qps',
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    expect(r.statusCode).toBe(405);
    const d = await app.inject({ method: 'DELETE', url: '/apis/custom.metrics.k8s.io/v1beta2', headers: asAggregator });
    expect(d.statusCode).toBe(405);
  });
});
