import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { servingCertificate } from '../../src/metrics-api/https.ts';
import { registerMetricsApi } from '../../src/metrics-api/register.ts';
import { eventually } from '../support/eventually.ts';
import { Kubectl } from '../support/kubectl.ts';
import { startTestSim, type TestSim } from '../support/sim.ts';

/**
 * The sim's aggregator passes Accept-Encoding to an extension API server and its Content-Encoding
 * back, as kube-aggregator does: the real kubectl asks for gzip (Go's transport does), the backend
 * compresses, and kubectl must read the JSON, not compressed bytes labelled as JSON.
 */

const SERVICE = 'gzip-backend';
const BIG = {
  kind: 'MetricValueList',
  apiVersion: 'custom.metrics.k8s.io/v1beta2',
  metadata: {},
  items: Array.from({ length: 400 }, (_, i) => ({
    describedObject: { kind: 'Pod', namespace: 'default', name: `web-${i}`, apiVersion: '/v1' },
    metric: { name: 'big', selector: null },
    timestamp: '2026-12-01T00:00:00Z',
    value: `${i}`,
  })),
};

let t: TestSim;
let k: Kubectl;
let backend: Server;
const acceptEncodings: string[] = [];

beforeAll(async () => {
  t = await startTestSim({
    controllers: { workloads: false, scheduler: false, kubelet: false },
    aggregatorProbeIntervalMs: 250,
  });
  k = await Kubectl.forKubeconfig(t.sim.kubeconfig());
  const serving = await servingCertificate({ serviceHosts: [`${SERVICE}.kube-system.svc`] });
  backend = createServer({ cert: serving.cert, key: serving.key }, (req, res) => {
    const path = (req.url ?? '').split('?')[0] ?? '';
    if (path.endsWith('/big')) {
      acceptEncodings.push(String(req.headers['accept-encoding'] ?? ''));
      const body = Buffer.from(JSON.stringify(BIG));
      if (/gzip/.test(String(req.headers['accept-encoding']))) {
        res
          .writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip', vary: 'Accept-Encoding' })
          .end(gzipSync(body));
      } else res.writeHead(200, { 'content-type': 'application/json' }).end(body);
      return;
    }
    // The aggregator's availability probe of /apis/<group>/<version>.
    const gv = path.replace(/^\/apis\//, '');
    res.writeHead(200, { 'content-type': 'application/json' }).end(
      JSON.stringify({
        kind: 'APIResourceList',
        apiVersion: 'v1',
        groupVersion: gv,
        resources: [{ name: 'pods/big', singularName: '', namespaced: true, kind: 'MetricValueList', verbs: ['get'] }],
      }),
    );
  });
  await new Promise<void>((r) => backend.listen(0, '127.0.0.1', r));
  await registerMetricsApi(t.kc, {
    namespace: 'kube-system',
    service: SERVICE,
    ip: '127.0.0.1',
    port: (backend.address() as AddressInfo).port,
    caCert: serving.caCert ?? '',
  });
}, 60_000);

afterAll(async () => {
  await t?.sim.stop();
  await new Promise<void>((r) => (backend ? backend.close(() => r()) : r()));
});

describe('the sim aggregator and response encodings', () => {
  it('kubectl gets the JSON of a gzip answer from an extension API server', async () => {
    const path = '/apis/custom.metrics.k8s.io/v1beta2/namespaces/default/pods/*/big';
    const out = await eventually(
      'the APIService to proxy',
      async () => {
        const r = await k.run(['get', '--raw', path]);
        return r.code === 0 ? r.stdout : undefined;
      },
      15_000,
    );
    expect(JSON.parse(out)).toEqual(BIG);
    expect(acceptEncodings.at(-1)).toMatch(/gzip/);
  });
});
