import type { AddressInfo } from 'node:net';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import Fastify from 'fastify';
import { Authenticator, type RequestHeaderConfig } from '../../src/metrics-api/auth.ts';
import { acceptsGzip } from '../../src/metrics-api/encoded-body.ts';
import { parseRoute } from '../../src/metrics-api/paths.ts';
import type { PodsMatching } from '../../src/metrics-api/pods.ts';
import { servingCertificate } from '../../src/metrics-api/https.ts';
import { ResourceTable } from '../../src/metrics-api/resources.ts';
import { describedObject, metricValueList, type ObjectValue } from '../../src/metrics-api/wire.ts';
import { matcher, promString } from '../../src/metrics-api/pull/matchers.ts';
import type { PullSource } from '../../src/metrics-api/pull/source.ts';
import { parseLabelSelector } from '../../src/kube/apimachinery/labels.ts';
import type { PrometheusClient, PromSample } from '../../src/prometheus/client.ts';

/**
 * The comparison row, a stand-in of prometheus-adapter's query pattern (the adapter itself cannot
 * be built here: see README.md), behind the same HTTPS stack (fastify, the same TLS options,
 * Kubeloop's front-proxy Authenticator and wire format). For pods/* it does what the adapter's
 * custom provider does on every request: take the names of the pods the labelSelector matches,
 * put them into the query as one regex matcher (pod=~"web-0|web-1|..."), send it with no cache,
 * and format a MetricValueList from the vector. Discovery (which metric comes from which series)
 * is borrowed from the PullSource, since the adapter also discovers on an interval, not per request.
 * Like the generic apiserver it is built on, it gzips answers over 128 KB (level 1) for clients
 * that accept gzip, per request, in the thread pool (Go compresses on the request's goroutine).
 * It pays no cost Kubeloop's own path does not: the query goes through Kubeloop's own
 * PrometheusClient (same answer checks; a POSTed form where the adapter sends a GET, which
 * Prometheus parses alike), and the pod names come from the same informer (PodIndex, memoized).
 * Not modelled, in the adapter's favour: its uncached LIST of the pods from the API server per request.
 */

export interface AdapterServer {
  url: string;
  caCert: string | undefined;
  queries(): number;
  close(): Promise<void>;
}

export interface AdapterServerOptions {
  pull: PullSource;
  /** A client of its own (its `queries` count is the row's), not the PullSource's. */
  prometheus: PrometheusClient;
  podsMatching: PodsMatching;
  requestHeader: RequestHeaderConfig;
}

const APISERVER_GZIP_THRESHOLD = 128 * 1024;
const gzipAsync = promisify(gzip);

const status = (code: number, reason: string, message: string): string =>
  JSON.stringify({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code });

export async function startAdapterPatternServer(opts: AdapterServerOptions): Promise<AdapterServer> {
  const serving = await servingCertificate({});
  const app = Fastify({
    logger: false,
    https: {
      cert: serving.cert,
      key: serving.key,
      requestCert: true,
      rejectUnauthorized: false,
      ca: opts.requestHeader.clientCa,
    },
  });
  const auth = new Authenticator({ requestHeader: opts.requestHeader });
  const resources = new ResourceTable();

  app.get('/*', async (request, reply) => {
    const send = (code: number, body: string | Buffer) =>
      reply.code(code).header('content-type', 'application/json').send(body);
    if ('error' in (await auth.authenticate(request.raw)))
      return send(401, status(401, 'Unauthorized', 'Unauthorized'));
    const url = new URL(request.url, 'https://adapter.invalid');
    const route = parseRoute(url.pathname);
    if (route.kind !== 'custom' || route.target.resource !== 'pods' || route.target.name !== '*')
      return send(404, status(404, 'NotFound', 'the bench adapter serves pods/* only'));
    const { namespace, metric } = route.target;
    const entry = opts.pull.customEntry('pods', metric);
    const pod = resources.find('pods');
    if (!entry || !pod)
      return send(404, status(404, 'NotFound', `the server could not find the metric ${metric} for pods`));
    const selector = url.searchParams.get('labelSelector') ?? '';
    const names = [...(await opts.podsMatching(namespace, parseLabelSelector(selector), selector))];
    if (names.length === 0)
      return send(404, status(404, 'NotFound', `the server could not find the metric ${metric} for pods`));
    // The adapter's LabelMatchers for a pod list: namespace="ns",pod=~"a|b|c".
    const matchers = [matcher('namespace', '=', namespace), `pod=~${promString(names.join('|'))}`].join(',');
    const promql = entry.rule.metricsQuery.render({
      Series: entry.seriesName,
      LabelMatchers: matchers,
      GroupBy: 'pod',
    });
    let samples: PromSample[];
    try {
      samples = await opts.prometheus.query(promql);
    } catch (err) {
      return send(
        503,
        status(503, 'ServiceUnavailable', `unable to fetch metrics from Prometheus: ${(err as Error).message}`),
      );
    }
    const values: ObjectValue[] = [];
    for (const r of samples) {
      const name = r.labels['pod'];
      if (name && Number.isFinite(r.value))
        values.push({
          object: describedObject(pod, namespace, name),
          metric,
          value: r.value,
          timestampMs: r.timestampMs,
          selector: null,
        });
    }
    if (values.length === 0)
      return send(404, status(404, 'NotFound', `the server could not find the metric ${metric} for pods`));
    values.sort((a, b) => (a.object.name < b.object.name ? -1 : 1));
    const body = Buffer.from(JSON.stringify(metricValueList(route.version, values)));
    // The generic apiserver under the adapter gzips answers over 128 KB, at level 1, for clients that accept it.
    if (body.length <= APISERVER_GZIP_THRESHOLD || !acceptsGzip(request.headers['accept-encoding']))
      return send(200, body);
    return reply
      .code(200)
      .header('content-type', 'application/json')
      .header('content-encoding', 'gzip')
      .header('vary', 'Accept-Encoding')
      .send(await gzipAsync(body, { level: 1 }));
  });

  await app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = app.server.address() as AddressInfo;
  return {
    url: `https://127.0.0.1:${port}`,
    caCert: serving.caCert,
    queries: () => opts.prometheus.queries,
    close: async () => {
      app.server.closeAllConnections();
      await app.close();
    },
  };
}
