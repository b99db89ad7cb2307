import { createServer, type Server } from 'node:http';
import { gunzipSync } from 'node:zlib';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildMetricsApiServer } from '../server.ts';
import { staticPods } from '../pods.ts';
import { compileRules } from './rules.ts';
import { PrometheusClient } from '../../prometheus/client.ts';
import { PullSource } from './source.ts';
import { eventually } from '../../../test/support/eventually.ts';

/**
 * The pull path against a loopback stand-in for Prometheus' HTTP API that records every request,
 * so the tests can check what is asked (form bodies, no pod enumeration, one query per burst) and
 * feed what a broken Prometheus answers. The real Prometheus runs in test/e2e.
 */

interface Seen {
  path: string;
  form: URLSearchParams;
}
let seen: Seen[] = [];
let answer: (path: string, form: URLSearchParams) => { status: number; body: string };
let prom: Server;
let promUrl = '';
let app: FastifyInstance | undefined;
let source: PullSource | undefined;

const series = [
  { __name__: 'http_requests_total', namespace: 'default', pod: 'web-1', code: '200' },
  { __name__: 'http_requests_total', namespace: 'default', pod: 'web-2', code: '200' },
  { __name__: 'queue_messages_ready', namespace: 'default', queue: 'orders' },
];
const vector = (rows: [Record<string, string>, string][]): string =>
  JSON.stringify({
    status: 'success',
    data: { resultType: 'vector', result: rows.map(([metric, v]) => ({ metric, value: [1_700_000_000.5, v] })) },
  });
const healthy = (path: string, form: URLSearchParams): { status: number; body: string } => {
  if (path === '/api/v1/series') {
    const match = form.get('match[]') ?? '';
    const picked = match.startsWith('{__name__=~"^.+_total$"')
      ? series.filter((s) => s.__name__.endsWith('_total'))
      : series.filter((s) => match.startsWith(s.__name__));
    return { status: 200, body: JSON.stringify({ status: 'success', data: picked }) };
  }
  const q = form.get('query') ?? '';
  if (q.includes('queue_messages_ready')) return { status: 200, body: vector([[{ queue: 'orders' }, '42']]) };
  return {
    status: 200,
    body: vector([
      [{ pod: 'web-1' }, '45.5'],
      [{ pod: 'web-2' }, '12.25'],
      [{ pod: 'web-3' }, 'NaN'],
      [{ pod: 'old-pod' }, '7'],
    ]),
  };
};

beforeAll(async () => {
  prom = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      const path = (req.url ?? '').split('?')[0] ?? '';
      const form = new URLSearchParams(body);
      seen.push({ path, form });
      const a = answer(path, form);
      res.writeHead(a.status, { 'content-type': 'application/json' }).end(a.body);
    });
  });
  await new Promise<void>((r) => prom.listen(0, '127.0.0.1', r));
  promUrl = `http://127.0.0.1:${(prom.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => prom.close(() => r())));
afterEach(async () => {
  source?.stop();
  await app?.close();
});

async function setup(opts: { cacheTtlMs?: number; pods?: number } = {}): Promise<void> {
  seen = [];
  answer = healthy;
  const podNames =
    opts.pods === undefined ? ['web-1', 'web-2', 'web-3'] : Array.from({ length: opts.pods }, (_, i) => `web-${i + 1}`);
  if (opts.pods !== undefined) {
    answer = (path, form) =>
      path === '/api/v1/query'
        ? { status: 200, body: vector(podNames.map((pod, i) => [{ pod }, String(i + 0.5)])) }
        : healthy(path, form);
  }
  const rules = compileRules({
    presets: [{ counterRate: {} }],
    externalRules: [
      {
        seriesQuery: 'queue_messages_ready',
        resources: { overrides: { namespace: { resource: 'namespace' } } },
        metricsQuery: 'sum(<<.Series>>{<<.LabelMatchers>>}) by (queue)',
      },
    ],
  });
  source = new PullSource({
    client: new PrometheusClient({ url: promUrl, timeoutMs: 2000 }),
    rules,
    cacheTtlMs: opts.cacheTtlMs ?? 5000,
  });
  await source.start();
  ({ app } = buildMetricsApiServer({
    podsMatching: staticPods(podNames.map((name) => ({ namespace: 'default', name, labels: { app: 'web' } }))),
    pull: source,
    insecureAllowAnonymous: true,
  }));
}

async function get(path: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await (app as FastifyInstance).inject({ method: 'GET', url: path });
  return { status: res.statusCode, body: res.json() as Record<string, unknown> };
}

describe('pull rules served through the API', () => {
  it('discovers metrics, answers pods/* from one namespace-wide query, drops NaN and pods outside the selector', async () => {
    await setup();
    const disco = await get('/apis/custom.metrics.k8s.io/v1beta2');
    expect((disco.body['resources'] as { name: string }[]).map((r) => r.name)).toEqual([
      'namespaces/http_requests_qps',
      'pods/http_requests_qps',
    ]);
    const ext = await get('/apis/external.metrics.k8s.io/v1beta1');
    expect((ext.body['resources'] as { name: string }[]).map((r) => r.name)).toEqual(['queue_messages_ready']);

    const r = await get(
      '/apis/custom.metrics.k8s.io/v1beta2/namespaces/default/pods/*/http_requests_qps?labelSelector=app%3Dweb',
    );
    expect(r.status).toBe(200);
    const items = r.body['items'] as { describedObject: { name: string }; value: string; timestamp: string }[];
    // web-3's NaN is not a number to serve; old-pod is not selected.
    expect(items.map((i) => [i.describedObject.name, i.value])).toEqual([
      ['web-1', '45500m'],
      ['web-2', '12250m'],
    ]);
    expect(items[0]?.timestamp).toBe('2023-11-14T22:13:20Z');
    const queries = seen.filter((s) => s.path === '/api/v1/query');
    expect(queries).toHaveLength(1);
    // Matchers confine the namespace; pods are not enumerated into the query.
    expect(queries[0]?.form.get('query')).toBe(
      'sum(rate(http_requests_total{namespace="default",pod!=""}[2m])) by (pod)',
    );
  });

  it('a burst of requests within the cache TTL costs one query; named objects share it', async () => {
    await setup();
    const results = await Promise.all(
      Array.from({ length: 50 }, () =>
        get('/apis/custom.metrics.k8s.io/v1beta1/namespaces/default/pods/*/http_requests_qps'),
      ),
    );
    expect(results.every((r) => r.status === 200)).toBe(true);
    expect(
      (await get('/apis/custom.metrics.k8s.io/v1beta1/namespaces/default/pods/web-2/http_requests_qps')).status,
    ).toBe(200);
    expect(seen.filter((s) => s.path === '/api/v1/query')).toHaveLength(1);
    expect(source?.cacheStats()).toMatchObject({ misses: 1, hits: 50 });
  });

  it('a large shared answer goes gzip-compressed to clients that accept gzip, the same JSON once inflated', async () => {
    await setup({ pods: 300 });
    const url =
      '/apis/custom.metrics.k8s.io/v1beta2/namespaces/default/pods/*/http_requests_qps?labelSelector=app%3Dweb';
    const plain = await (app as FastifyInstance).inject({ method: 'GET', url });
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.headers['vary']).toBe('Accept-Encoding');
    expect(plain.rawPayload.length).toBeGreaterThan(16 * 1024);
    // Compression runs in the thread pool; until it is done the identity bytes are served.
    const first = await (app as FastifyInstance).inject({ method: 'GET', url, headers: { 'accept-encoding': 'gzip' } });
    const zipped =
      first.headers['content-encoding'] === 'gzip'
        ? first
        : await eventually(
            'the gzip bytes ready',
            async () => {
              const r = await (app as FastifyInstance).inject({
                method: 'GET',
                url,
                headers: { 'accept-encoding': 'gzip, deflate' },
              });
              return r.headers['content-encoding'] === 'gzip' ? r : undefined;
            },
            10_000,
            10,
          );
    expect(zipped.rawPayload.length).toBeLessThan(plain.rawPayload.length / 5);
    expect(gunzipSync(zipped.rawPayload).equals(plain.rawPayload)).toBe(true);
    expect((JSON.parse(plain.payload) as { items: unknown[] }).items).toHaveLength(300);
    // gzip;q=0 refuses it; the identity bytes are still served to clients that did not ask.
    expect(
      (
        await (app as FastifyInstance).inject({
          method: 'GET',
          url,
          headers: { 'accept-encoding': 'gzip;q=0, identity' },
        })
      ).headers['content-encoding'],
    ).toBeUndefined();
    expect((await (app as FastifyInstance).inject({ method: 'GET', url })).rawPayload.equals(plain.rawPayload)).toBe(
      true,
    );
    expect(seen.filter((s) => s.path === '/api/v1/query')).toHaveLength(1);
  });

  it('metricLabelSelector and external labelSelector go into the query as matchers', async () => {
    await setup();
    expect(
      (
        await get(
          '/apis/custom.metrics.k8s.io/v1beta2/namespaces/default/pods/web-1/http_requests_qps?metricLabelSelector=code%20in%20(200,201)',
        )
      ).status,
    ).toBe(200);
    expect(seen.at(-1)?.form.get('query')).toBe(
      'sum(rate(http_requests_total{namespace="default",pod!="",code=~"200|201"}[2m])) by (pod)',
    );
    const ext = await get(
      '/apis/external.metrics.k8s.io/v1beta1/namespaces/default/queue_messages_ready?labelSelector=queue%3Dorders',
    );
    expect(ext.status).toBe(200);
    expect(seen.at(-1)?.form.get('query')).toBe(
      'sum(queue_messages_ready{namespace="default",queue="orders"}) by (queue)',
    );
    expect(ext.body['items']).toEqual([
      {
        metricName: 'queue_messages_ready',
        metricLabels: { queue: 'orders' },
        timestamp: '2023-11-14T22:13:20Z',
        value: '42',
      },
    ]);
    const bad = await get(
      '/apis/external.metrics.k8s.io/v1beta1/namespaces/default/queue_messages_ready?labelSelector=app.kubernetes.io%2Fname%3Dx',
    );
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toMatch(/not a Prometheus label name/);
  });

  it('an unknown pod or metric is a 404 NotFound', async () => {
    await setup();
    const pod = await get('/apis/custom.metrics.k8s.io/v1beta2/namespaces/default/pods/web-9/http_requests_qps');
    expect(pod).toMatchObject({
      status: 404,
      body: { reason: 'NotFound', message: 'the server could not find the metric http_requests_qps for pods web-9' },
    });
    expect((await get('/apis/custom.metrics.k8s.io/v1beta2/namespaces/default/pods/*/nope_qps')).status).toBe(404);
  });

  it('Prometheus errors, malformed JSON, a wrong shape or no Prometheus at all: 503 naming the cause, never a number', async () => {
    await setup({ cacheTtlMs: 1 });
    const path = '/apis/custom.metrics.k8s.io/v1beta2/namespaces/default/pods/*/http_requests_qps';
    const cases: [(p: string) => { status: number; body: string }, RegExp][] = [
      [
        () => ({
          status: 422,
          body: JSON.stringify({ status: 'error', errorType: 'execution', error: 'query timed out' }),
        }),
        /refused it \(execution\): query timed out/,
      ],
      [() => ({ status: 200, body: '<html>proxy error</html>' }), /not JSON/],
      [
        () => ({
          status: 200,
          body: JSON.stringify({
            status: 'success',
            data: { resultType: 'vector', result: [{ metric: {}, value: ['x', '1'] }] },
          }),
        }),
        /unexpected answer.*data\.result\.0\.value\.0/,
      ],
      [
        () => ({
          status: 200,
          body: JSON.stringify({ status: 'success', data: { resultType: 'matrix', result: [] } }),
        }),
        /returned a matrix/,
      ],
    ];
    for (const [a, why] of cases) {
      // Failed answers are never cached: each case queries Prometheus again.
      answer = (p, f) => (p === '/api/v1/query' ? a(p) : healthy(p, f));
      const r = await get(path);
      expect(r.status).toBe(503);
      expect(r.body).toMatchObject({ kind: 'Status', reason: 'ServiceUnavailable' });
      expect(String(r.body['message'])).toMatch(why);
    }
    source?.stop();
    const gone = createServer();
    await new Promise<void>((r) => gone.listen(0, '127.0.0.1', r));
    const port = (gone.address() as AddressInfo).port;
    await new Promise<void>((r) => gone.close(() => r()));
    const down = new PullSource({
      client: new PrometheusClient({ url: `http://127.0.0.1:${port}`, timeoutMs: 500 }),
      rules: compileRules({ presets: [{ counterRate: {} }] }),
    });
    await down.start();
    expect(down.status.error).toMatch(/^series .*: cannot reach Prometheus at http:\/\/127\.0\.0\.1:\d+: ECONNREFUSED/);
    down.stop();
  });

  it('a discovery failure keeps the previous metric list', async () => {
    await setup();
    answer = () => ({ status: 500, body: 'oops' });
    await source?.refresh();
    expect(source?.status.error).toMatch(/not JSON/);
    answer = () => ({
      status: 200,
      body: JSON.stringify({ status: 'success', data: [{ __name__: 'a_total' }, { __name__: 'b_total', pod: 7 }] }),
    });
    await source?.refresh();
    expect(source?.status.error).toMatch(
      /unexpected answer from Prometheus: data\.1: pod: expected string, got number/,
    );
    expect(source?.knownMetrics('custom').map((m) => m.metric)).toContain('http_requests_qps');
  });
});
