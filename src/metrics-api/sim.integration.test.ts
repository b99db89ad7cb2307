import { request as httpsRequest } from 'node:https';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppsV1Api, AutoscalingV2Api, CoreV1Api, CustomObjectsApi } from '@kubernetes/client-node';
import { simRequest, startTestSim, type TestSim } from '../../test/support/sim.ts';
import { eventually } from '../../test/support/eventually.ts';
import { addNode } from '../sim/scenarios/nodes.ts';
import { matchesLabels } from '../kube/apimachinery/labels.ts';
import type { ResourceDef } from '../sim/api/registry.ts';
import { requestHeaderConfigFromConfigMap } from './auth.ts';
import { startMetricsApiServer, type RunningMetricsApiServer } from './https.ts';
import { registerMetricsApi } from './register.ts';

/**
 * The server behind the sim's kube-aggregator, as in a cluster: registered by APIServices with a
 * caBundle, reached over TLS with the front-proxy client certificate, and read by the HPA.
 */

const TOKEN = 'integration-token';
let t: TestSim;
let server: RunningMetricsApiServer;
let apps: AppsV1Api;

function podNames(namespace: string, app: string): string[] {
  const podDef = t.sim.registry.find('', 'v1', 'pods') as ResourceDef;
  return t.sim.store
    .listCurrent(podDef, namespace)
    .map((so) => so.obj)
    .filter((p) => p.metadata.labels?.['app'] === app && !p.metadata.deletionTimestamp)
    .map((p) => p.metadata.name ?? '');
}

function direct(
  method: string,
  path: string,
  opts: { body?: string; headers?: Record<string, string> } = {},
): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest(
      `${server.url}${path}`,
      {
        method,
        ca: server.caCert,
        headers: {
          ...(opts.body !== undefined ? { 'content-type': 'application/json' } : {}),
          ...(opts.headers ?? {}),
        },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
      },
    );
    req.on('error', reject);
    req.end(opts.body);
  });
}

async function pushAll(namespace: string, app: string, value: string): Promise<void> {
  for (const pod of podNames(namespace, app)) {
    const res = await direct('POST', `/write-metrics/namespaces/${namespace}/pods/${pod}/http_requests_qps`, {
      body: JSON.stringify(value),
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    if (res.status !== 200) throw new Error(`push failed: ${res.status} ${res.text}`);
  }
}

beforeAll(async () => {
  t = await startTestSim({
    controllers: {},
    kubelet: { startDelayMs: 10, stopDelayMs: 10 },
    hpa: { syncPeriodMs: 250, cpuInitializationPeriodMs: 0 },
    aggregatorProbeIntervalMs: 500,
  });
  addNode(t.sim.service, 'node-1', 0);
  const core = t.kc.makeApiClient(CoreV1Api);
  apps = t.kc.makeApiClient(AppsV1Api);
  await core.createNamespace({ body: { metadata: { name: 'm' } } });

  const auth = await core.readNamespacedConfigMap({
    namespace: 'kube-system',
    name: 'extension-apiserver-authentication',
  });
  const podDef = t.sim.registry.find('', 'v1', 'pods') as ResourceDef;
  server = await startMetricsApiServer({
    host: '127.0.0.1',
    port: 0,
    serviceHosts: ['kubeloop-metrics-api.kube-system.svc'],
    requestHeader: requestHeaderConfigFromConfigMap(auth.data),
    writeToken: TOKEN,
    pushIntervalMs: 60_000,
    podsMatching: (namespace, selector) =>
      t.sim.store
        .listCurrent(podDef, namespace)
        .map((so) => so.obj)
        .filter((p) => !p.metadata.deletionTimestamp && matchesLabels(selector, p.metadata.labels ?? {}))
        .map((p) => p.metadata.name ?? ''),
  });

  await registerMetricsApi(t.kc, {
    namespace: 'kube-system',
    service: 'kubeloop-metrics-api',
    ip: '127.0.0.1',
    port: server.port,
    caCert: server.caCert ?? '',
  });
  const custom = t.kc.makeApiClient(CustomObjectsApi);
  await apps.createNamespacedDeployment({
    namespace: 'm',
    body: {
      metadata: { name: 'web' },
      spec: {
        replicas: 2,
        selector: { matchLabels: { app: 'web' } },
        template: {
          metadata: { labels: { app: 'web' } },
          spec: {
            containers: [
              { name: 'app', image: 'kubeloop/app:1', resources: { requests: { cpu: '100m', memory: '64Mi' } } },
            ],
          },
        },
      },
    },
  });
  await eventually('2 web pods', async () => (podNames('m', 'web').length === 2 ? true : undefined), 15_000);
  await eventually(
    'APIServices Available',
    async () => {
      const list = (await custom.listClusterCustomObject({
        group: 'apiregistration.k8s.io',
        version: 'v1',
        plural: 'apiservices',
      })) as { items: { metadata: { name: string }; status?: { conditions?: { type: string; status: string }[] } }[] };
      const ours = list.items.filter((a) => a.metadata.name.includes('metrics.k8s.io'));
      return ours.length === 3 &&
        ours.every((a) => a.status?.conditions?.some((c) => c.type === 'Available' && c.status === 'True'))
        ? true
        : undefined;
    },
    15_000,
  );
});

afterAll(async () => {
  await t?.sim.stop();
  await server?.close();
});

describe('the metrics API server behind the sim aggregator', () => {
  it('serves pushed per-pod values to kubectl-style GETs through the aggregator', async () => {
    await pushAll('m', 'web', '12.50');
    const res = await simRequest(
      t.sim,
      'GET',
      '/apis/custom.metrics.k8s.io/v1beta2/namespaces/m/pods/*/http_requests_qps?labelSelector=app%3Dweb',
    );
    expect(res.status).toBe(200);
    const body = res.json<{ kind: string; items: { describedObject: { name: string }; value: string }[] }>();
    expect(body.kind).toBe('MetricValueList');
    expect(body.items.map((i) => i.describedObject.name).sort()).toEqual(podNames('m', 'web').sort());
    expect(body.items.every((i) => i.value === '12500m')).toBe(true);
    const v1 = await simRequest(
      t.sim,
      'GET',
      '/apis/custom.metrics.k8s.io/v1beta1/namespaces/m/pods/*/http_requests_qps',
    );
    expect(v1.json<{ items: { metricName: string }[] }>().items[0]?.metricName).toBe('http_requests_qps');
    const missing = await simRequest(t.sim, 'GET', '/apis/custom.metrics.k8s.io/v1beta2/namespaces/m/pods/*/nope');
    expect(missing.status).toBe(404);
    expect(missing.json<{ message: string }>().message).toBe('the server could not find the metric nope for pods');
    const discovery = await simRequest(t.sim, 'GET', '/apis/custom.metrics.k8s.io/v1beta2');
    expect(discovery.json<{ resources: { name: string }[] }>().resources.map((r) => r.name)).toContain(
      'pods/http_requests_qps',
    );
  });

  it('refuses direct callers without the front-proxy certificate, even with identity headers', async () => {
    expect(
      (await direct('GET', '/apis/custom.metrics.k8s.io/v1beta2/namespaces/m/pods/*/http_requests_qps')).status,
    ).toBe(401);
    expect(
      (await direct('GET', '/apis', { headers: { 'x-remote-user': 'admin', 'x-remote-group': 'system:masters' } }))
        .status,
    ).toBe(401);
    expect((await direct('GET', '/healthz')).status).toBe(200);
  });

  it('scales a Deployment with an AverageValue 30 HPA when the pushed values exceed it', async () => {
    const hpas = t.kc.makeApiClient(AutoscalingV2Api);
    await hpas.createNamespacedHorizontalPodAutoscaler({
      namespace: 'm',
      body: {
        metadata: { name: 'web' },
        spec: {
          scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' },
          minReplicas: 1,
          maxReplicas: 10,
          metrics: [
            {
              type: 'Pods',
              pods: { metric: { name: 'http_requests_qps' }, target: { type: 'AverageValue', averageValue: '30' } },
            },
          ],
        },
      },
    });
    // The push job: every pod reports 45 QPS (2 pods x 45 / 30 -> 3 replicas, then more as new pods report).
    let pushing = true;
    const pusher = (async () => {
      while (pushing) {
        await pushAll('m', 'web', '45').catch(() => undefined);
        await new Promise((r) => setTimeout(r, 200));
      }
    })();
    try {
      await eventually(
        'scaled out past 2',
        async () => {
          const d = await apps.readNamespacedDeployment({ namespace: 'm', name: 'web' });
          return (d.spec?.replicas ?? 0) >= 3 ? true : undefined;
        },
        20_000,
      );
      const h = await hpas.readNamespacedHorizontalPodAutoscaler({ namespace: 'm', name: 'web' });
      expect(h.status?.conditions?.find((c) => c.type === 'ScalingActive')?.status).toBe('True');
    } finally {
      pushing = false;
      await pusher;
    }
  });
});
