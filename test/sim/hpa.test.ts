import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AppsV1Api,
  AutoscalingV2Api,
  CoreV1Api,
  CustomObjectsApi,
  type V1Deployment,
  type V2HorizontalPodAutoscaler,
} from '@kubernetes/client-node';
import { simRequest, startTestSim, type TestSim } from '../support/sim.ts';
import { eventually } from '../support/eventually.ts';
import { FakeMetricsApiServer } from '../support/fake-metrics-apiserver.ts';
import { addNode } from '../../src/sim/scenarios/index.ts';
import type { ResourceDef } from '../../src/sim/api/registry.ts';

let t: TestSim;
let core: CoreV1Api;
let apps: AppsV1Api;
let hpas: AutoscalingV2Api;
const metrics = new FakeMetricsApiServer('custom-metrics.kube-system.svc');
/** Per-pod value the fake custom metrics server reports for `qps`, or null for an empty list. */
let qps: string | null = '60';
let external: string[] = [];

function podsOf(app: string): string[] {
  const podDef = t.sim.registry.find('', 'v1', 'pods') as ResourceDef;
  return t.sim.store
    .listCurrent(podDef, 'h')
    .map((so) => so.obj)
    .filter((p) => p.metadata.labels?.['app'] === app && !p.metadata.deletionTimestamp)
    .map((p) => p.metadata.name ?? '');
}

function deployment(name: string, annotations: Record<string, string> = {}): V1Deployment {
  return {
    metadata: { name },
    spec: {
      replicas: 1,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name }, annotations },
        spec: {
          containers: [
            { name: 'app', image: 'kubeloop/app:1', resources: { requests: { cpu: '100m', memory: '64Mi' } } },
          ],
        },
      },
    },
  };
}

function hpa(name: string, spec: Partial<NonNullable<V2HorizontalPodAutoscaler['spec']>>): V2HorizontalPodAutoscaler {
  return {
    metadata: { name },
    spec: {
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name },
      minReplicas: 1,
      maxReplicas: 5,
      ...spec,
    },
  };
}

async function replicasOf(name: string): Promise<number> {
  return (await apps.readNamespacedDeployment({ namespace: 'h', name })).spec?.replicas ?? 0;
}

beforeAll(async () => {
  t = await startTestSim({
    controllers: {},
    kubelet: { startDelayMs: 10, stopDelayMs: 10 },
    hpa: { syncPeriodMs: 250, cpuInitializationPeriodMs: 0 },
    aggregatorProbeIntervalMs: 500,
  });
  addNode(t.sim.service, 'node-1', 0);
  core = t.kc.makeApiClient(CoreV1Api);
  apps = t.kc.makeApiClient(AppsV1Api);
  hpas = t.kc.makeApiClient(AutoscalingV2Api);
  await core.createNamespace({ body: { metadata: { name: 'h' } } });

  const auth = await core.readNamespacedConfigMap({
    namespace: 'kube-system',
    name: 'extension-apiserver-authentication',
  });
  await metrics.start(auth.data?.['requestheader-client-ca-file'] ?? '');
  metrics.answer = (url) => {
    const parts = url.pathname.split('/');
    const metric = parts.at(-1);
    if (url.pathname.startsWith('/apis/custom.metrics.k8s.io/v1beta2/namespaces/h/pods/*/') && metric === 'qps') {
      const app = /app=([\w-]+)/.exec(url.searchParams.get('labelSelector') ?? '')?.[1] ?? '';
      const items =
        qps === null
          ? []
          : podsOf(app).map((name) => ({
              describedObject: { kind: 'Pod', namespace: 'h', name, apiVersion: '/v1' },
              metric: { name: 'qps', selector: null },
              timestamp: new Date().toISOString(),
              windowSeconds: 60,
              value: qps,
            }));
      return {
        status: 200,
        body: { kind: 'MetricValueList', apiVersion: 'custom.metrics.k8s.io/v1beta2', metadata: {}, items },
      };
    }
    if (url.pathname === '/apis/custom.metrics.k8s.io/v1beta2/namespaces/h/services/queue/messages_waiting') {
      const item = {
        describedObject: { kind: 'Service', namespace: 'h', name: 'queue', apiVersion: '/v1' },
        metric: { name: 'messages_waiting', selector: null },
        timestamp: new Date().toISOString(),
        windowSeconds: 60,
        value: '500',
      };
      return {
        status: 200,
        body: { kind: 'MetricValueList', apiVersion: 'custom.metrics.k8s.io/v1beta2', metadata: {}, items: [item] },
      };
    }
    if (url.pathname === '/apis/external.metrics.k8s.io/v1beta1/namespaces/h/queue_depth') {
      const items = external.map((value, i) => ({
        metricName: 'queue_depth',
        metricLabels: { queue: `q${i}` },
        timestamp: new Date().toISOString(),
        value,
      }));
      return {
        status: 200,
        body: { kind: 'ExternalMetricValueList', apiVersion: 'external.metrics.k8s.io/v1beta1', metadata: {}, items },
      };
    }
    return {
      status: 404,
      body: {
        kind: 'Status',
        apiVersion: 'v1',
        status: 'Failure',
        reason: 'NotFound',
        code: 404,
        message: `the server could not find the metric ${metric ?? ''} for pods`,
      },
    };
  };
  // A selector-less Service with manual Endpoints: how an out-of-cluster extension server is registered.
  await core.createNamespacedService({
    namespace: 'kube-system',
    body: { metadata: { name: 'custom-metrics' }, spec: { ports: [{ port: 443, targetPort: 6443 }] } },
  });
  await core.createNamespacedEndpoints({
    namespace: 'kube-system',
    body: {
      metadata: { name: 'custom-metrics' },
      subsets: [{ addresses: [{ ip: '127.0.0.1' }], ports: [{ port: metrics.port }] }],
    },
  });
  const custom = t.kc.makeApiClient(CustomObjectsApi);
  for (const [group, version, priority] of [
    ['custom.metrics.k8s.io', 'v1beta2', 200],
    ['external.metrics.k8s.io', 'v1beta1', 100],
  ] as const) {
    await custom.createClusterCustomObject({
      group: 'apiregistration.k8s.io',
      version: 'v1',
      plural: 'apiservices',
      body: {
        apiVersion: 'apiregistration.k8s.io/v1',
        kind: 'APIService',
        metadata: { name: `${version}.${group}` },
        spec: {
          group,
          version,
          groupPriorityMinimum: 100,
          versionPriority: priority,
          service: { namespace: 'kube-system', name: 'custom-metrics', port: 443 },
          caBundle: Buffer.from(metrics.caCert).toString('base64'),
        },
      },
    });
  }
});

afterAll(async () => {
  await t.sim.stop();
  await metrics.stop();
});

describe('the aggregator', () => {
  it('probes the APIService, lists its group in discovery and proxies with the front-proxy identity', async () => {
    const custom = t.kc.makeApiClient(CustomObjectsApi);
    await eventually('APIService Available', async () => {
      const svc = (await custom.getClusterCustomObject({
        group: 'apiregistration.k8s.io',
        version: 'v1',
        plural: 'apiservices',
        name: 'v1beta2.custom.metrics.k8s.io',
      })) as { status?: { conditions?: { type: string; status: string; reason: string }[] } };
      return svc.status?.conditions?.find(
        (c) => c.type === 'Available' && c.status === 'True' && c.reason === 'Passed',
      );
    });
    const groups = (await simRequest(t.sim, 'GET', '/apis')).json<{
      groups: { name: string; preferredVersion: { version: string } }[];
    }>().groups;
    expect(groups.find((g) => g.name === 'custom.metrics.k8s.io')?.preferredVersion.version).toBe('v1beta2');
    const res = await simRequest(t.sim, 'GET', '/apis/custom.metrics.k8s.io/v1beta2/namespaces/h/pods/*/nope');
    expect(res.status).toBe(404);
    expect(res.json<{ message: string }>().message).toBe('the server could not find the metric nope for pods');
    const last = metrics.seen.at(-1);
    expect(last).toMatchObject({ user: 'admin', clientCn: 'front-proxy-client' });
    expect(last?.groups).toContain('system:masters');
    expect((await simRequest(t.sim, 'GET', '/apis/custom.metrics.k8s.io/v1beta2', { token: null })).status).toBe(401);
  });
});

describe('the HorizontalPodAutoscaler controller', () => {
  it('scales on CPU utilization within max(2x, 4) per sync and stops at maxReplicas', async () => {
    await apps.createNamespacedDeployment({
      namespace: 'h',
      body: deployment('cpu', { 'sim.kubeloop.dev/cpu-millicores': '200' }),
    });
    await hpas.createNamespacedHorizontalPodAutoscaler({
      namespace: 'h',
      body: hpa('cpu', {
        metrics: [
          { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 50 } } },
        ],
      }),
    });
    await eventually('scaled to 4', async () => ((await replicasOf('cpu')) === 4 ? true : undefined), 15_000);
    await eventually(
      'scaled to 5 (maxReplicas)',
      async () => ((await replicasOf('cpu')) === 5 ? true : undefined),
      15_000,
    );
    const status = await eventually('status', async () => {
      const h = await hpas.readNamespacedHorizontalPodAutoscaler({ namespace: 'h', name: 'cpu' });
      return h.status?.currentMetrics?.[0]?.resource?.current.averageUtilization ? h.status : undefined;
    });
    expect(status.currentMetrics?.[0]?.resource?.current.averageUtilization).toBeGreaterThan(150);
    expect(status.conditions?.find((c) => c.type === 'ScalingActive')?.reason).toBe('ValidMetricFound');
    const events = await core.listNamespacedEvent({
      namespace: 'h',
      fieldSelector: 'involvedObject.name=cpu,reason=SuccessfulRescale',
    });
    expect(events.items.map((e) => e.message)).toContain(
      'New size: 4; reason: cpu resource utilization (percentage of request) above target',
    );
  });

  it('scales on a Pods metric from the custom metrics API, and back down after the stabilization window', async () => {
    qps = '60';
    await apps.createNamespacedDeployment({ namespace: 'h', body: deployment('web') });
    await hpas.createNamespacedHorizontalPodAutoscaler({
      namespace: 'h',
      body: hpa('web', {
        metrics: [
          { type: 'Pods', pods: { metric: { name: 'qps' }, target: { type: 'AverageValue', averageValue: '30' } } },
        ],
        behavior: { scaleDown: { stabilizationWindowSeconds: 1 } },
      }),
    });
    await eventually('scaled out to 2', async () => ((await replicasOf('web')) === 2 ? true : undefined), 15_000);
    const h = await hpas.readNamespacedHorizontalPodAutoscaler({ namespace: 'h', name: 'web' });
    expect(h.spec?.behavior?.scaleUp?.policies).toEqual([
      { type: 'Pods', value: 4, periodSeconds: 15 },
      { type: 'Percent', value: 100, periodSeconds: 15 },
    ]);
    expect(metrics.seen.some((s) => s.user === 'system:serviceaccount:kube-system:horizontal-pod-autoscaler')).toBe(
      true,
    );
    qps = '10';
    await eventually('scaled back to 1', async () => ((await replicasOf('web')) === 1 ? true : undefined), 15_000);
  });

  it('holds the replica count when the metric disappears (a 200 with no items is an error)', async () => {
    qps = null;
    const cond = await eventually(
      'ScalingActive False',
      async () => {
        const h = await hpas.readNamespacedHorizontalPodAutoscaler({ namespace: 'h', name: 'web' });
        return h.status?.conditions?.find((c) => c.type === 'ScalingActive' && c.status === 'False');
      },
      15_000,
    );
    expect(cond.reason).toBe('FailedGetPodsMetric');
    expect(cond.message).toContain('no metrics returned from custom metrics API');
    expect(await replicasOf('web')).toBe(1);
    qps = '60';
  });

  it('sums an External metric against a Value target', async () => {
    external = ['150', '150'];
    await apps.createNamespacedDeployment({ namespace: 'h', body: deployment('worker') });
    await eventually('worker pod ready', async () =>
      (await apps.readNamespacedDeployment({ namespace: 'h', name: 'worker' })).status?.readyReplicas === 1
        ? true
        : undefined,
    );
    await hpas.createNamespacedHorizontalPodAutoscaler({
      namespace: 'h',
      body: hpa('worker', {
        maxReplicas: 10,
        metrics: [
          { type: 'External', external: { metric: { name: 'queue_depth' }, target: { type: 'Value', value: '100' } } },
        ],
      }),
    });
    await eventually('scaled to 3', async () => ((await replicasOf('worker')) === 3 ? true : undefined), 15_000);
    const h = await hpas.readNamespacedHorizontalPodAutoscaler({ namespace: 'h', name: 'worker' });
    expect(h.status?.currentMetrics?.[0]?.external?.current.value).toBe('300');
  });

  it('scales on an Object metric of a Service against a Value target (ratio x ready pods, within max(2x, 4))', async () => {
    await apps.createNamespacedDeployment({ namespace: 'h', body: deployment('consumer') });
    await eventually('consumer pod ready', async () =>
      (await apps.readNamespacedDeployment({ namespace: 'h', name: 'consumer' })).status?.readyReplicas === 1
        ? true
        : undefined,
    );
    await hpas.createNamespacedHorizontalPodAutoscaler({
      namespace: 'h',
      body: hpa('consumer', {
        maxReplicas: 10,
        metrics: [
          {
            type: 'Object',
            object: {
              describedObject: { apiVersion: 'v1', kind: 'Service', name: 'queue' },
              metric: { name: 'messages_waiting' },
              target: { type: 'Value', value: '100' },
            },
          },
        ],
      }),
    });
    // 500 / 100 = 5 x ready pods, each step at most max(2x, 4), up to maxReplicas 10.
    await eventually('scaled to 10', async () => ((await replicasOf('consumer')) === 10 ? true : undefined), 15_000);
    const events = await core.listNamespacedEvent({
      namespace: 'h',
      fieldSelector: 'involvedObject.name=consumer,reason=SuccessfulRescale',
    });
    // The first step is fixed (1 x 5 limited to 4); later ones depend on how many pods were ready at each sync.
    expect(events.items.map((e) => e.message)).toContain(
      'New size: 4; reason: Service metric messages_waiting above target',
    );
    const h = await hpas.readNamespacedHorizontalPodAutoscaler({ namespace: 'h', name: 'consumer' });
    expect(h.status?.currentMetrics?.[0]?.object?.current.value).toBe('500');
  });

  it('reports a missing scale target', async () => {
    await hpas.createNamespacedHorizontalPodAutoscaler({ namespace: 'h', body: hpa('ghost', {}) });
    const cond = await eventually('AbleToScale False', async () => {
      const h = await hpas.readNamespacedHorizontalPodAutoscaler({ namespace: 'h', name: 'ghost' });
      return h.status?.conditions?.find((c) => c.type === 'AbleToScale' && c.status === 'False');
    });
    expect(cond.reason).toBe('FailedGetScale');
    expect(cond.message).toContain('deployments/scale.apps "ghost" not found');
  });
});
