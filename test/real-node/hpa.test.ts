import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { request } from 'node:https';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { BUSYBOX_IMAGE } from '../support/real-node/real-node.ts';
import { eventually } from '../support/eventually.ts';
import { Kubectl } from '../support/kubectl.ts';
import { createKlNamespace, deleteKlNamespace, nodeClients, podsOf } from './kl-namespace.ts';

/**
 * Seed 001's loop on a real node: `kubeloop metrics-api` runs on the host at the node's address and
 * registers itself (a selector-less Service + Endpoints at 198.19.255.1:<port>, APIServices with its
 * caBundle) in the real kube-apiserver's aggregator, which authenticates to it with the front-proxy
 * client certificate the server trusts from kube-system/extension-apiserver-authentication. The real
 * kube-controller-manager's HPA reads a Pods metric pushed per pod through the write path and an
 * External metric, scales two Deployments out, and back in after its 20 s stabilization window.
 */
const info = inject('realNode');
const { core, apps } = nodeClients();
const REPO = resolve(import.meta.dirname, '../..');
const TOKEN = `real-node-write-${Math.random().toString(36).slice(2)}`;
const SERVICE = 'kubeloop-metrics-api';
const API_SERVICES = [
  'v1beta1.custom.metrics.k8s.io',
  'v1beta2.custom.metrics.k8s.io',
  'v1beta1.external.metrics.k8s.io',
];
let ns: string;
let dir: string;
let kubectl: Kubectl;
let server: ChildProcess | undefined;
let output = '';
let url: URL;
let ca: string;

/** Per-pod load (req/s across the Deployment, split evenly) and queue length the test reports. */
const load = { qps: 0, queue: 0 };
let pushing = true;
let pushed = 0;
let pushError = '';

/** One HTTPS request to the metrics API as a local client: the serving CA it wrote, its printed URL. */
function call(
  method: string,
  path: string,
  headers: Record<string, string>,
  body?: string,
): Promise<{ status: number; body: string }> {
  return new Promise((done, fail) => {
    const req = request({ host: url.hostname, port: url.port, method, path, ca, headers }, (res) => {
      let text = '';
      res.on('data', (c: Buffer) => (text += c.toString()));
      res.on('end', () => done({ status: res.statusCode ?? 0, body: text }));
    });
    req.on('error', fail);
    req.end(body);
  });
}

async function push(path: string, value: number, labels?: string): Promise<void> {
  const query = labels ? `?labels=${encodeURIComponent(labels)}` : '';
  const r = await call(
    'POST',
    `${path}${query}`,
    { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
    JSON.stringify(String(value)),
  );
  if (r.status !== 200 && r.status !== 201) throw new Error(`push ${path}: ${r.status} ${r.body}`);
}

/** What a business job does: pushes every pod's share of the load and the queue length, every 2 s. */
async function pushLoop(): Promise<void> {
  while (pushing) {
    try {
      const pods = (await podsOf(core, ns, 'app=web')).filter((p) => !p.metadata?.deletionTimestamp);
      await Promise.all(
        pods.map((p) =>
          push(
            `/write-metrics/namespaces/${ns}/pods/${p.metadata?.name ?? ''}/http_requests_qps`,
            load.qps / pods.length,
          ),
        ),
      );
      await push(`/write-metrics/external/namespaces/${ns}/queue_messages_ready`, load.queue, 'queue=orders');
      pushed++;
    } catch (err) {
      pushError = (err as Error).message;
    }
    await new Promise((r) => setTimeout(r, 2000));
  }
}

function deployment(name: string): Record<string, unknown> {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: ns },
    spec: {
      replicas: 1,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: {
          terminationGracePeriodSeconds: 1,
          containers: [
            {
              name: 'app',
              image: BUSYBOX_IMAGE,
              command: ['sleep', '3600'],
              resources: { requests: { cpu: '10m', memory: '16Mi' } },
            },
          ],
        },
      },
    },
  };
}

/** autoscaling/v2beta2 (1.20 has no v2); no behavior: the controller manager's 20 s scale-down window applies. */
function hpa(name: string, metric: Record<string, unknown>): Record<string, unknown> {
  return {
    apiVersion: 'autoscaling/v2beta2',
    kind: 'HorizontalPodAutoscaler',
    metadata: { name, namespace: ns },
    spec: {
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name },
      minReplicas: 1,
      maxReplicas: 4,
      metrics: [metric],
    },
  };
}

async function startMetricsApi(): Promise<void> {
  await writeFile(join(dir, 'write-token'), TOKEN);
  await writeFile(
    join(dir, 'kubeloop.yaml'),
    JSON.stringify({
      log: { level: 'warn' },
      metricsApi: { serviceNamespace: ns, serviceName: SERVICE, writeTokenFile: join(dir, 'write-token') },
    }),
  );
  // From the sources (not a possibly stale bundle), as `kubeloop metrics-api` with its flags.
  server = spawn(
    process.execPath,
    [
      join(REPO, 'bin/kubeloop.mjs'),
      'metrics-api',
      '--config',
      join(dir, 'kubeloop.yaml'),
      '--kubeconfig',
      info.kubeconfigPath,
      '--bind-address',
      info.nodeIP,
      '--secure-port',
      '0',
      '--register',
      '--push-interval',
      '5s',
      '--data',
      dir,
    ],
    {
      cwd: dir,
      env: { ...process.env, KUBELOOP_FROM_SOURCE: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  server.stdout?.on('data', (c: Buffer) => (output += c.toString()));
  server.stderr?.on('data', (c: Buffer) => (output += c.toString()));
  const served = await eventually(
    'kubeloop metrics-api to serve',
    async () => {
      if (server?.exitCode !== null)
        throw new Error(`kubeloop metrics-api exited ${String(server?.exitCode)}:\n${output}`);
      return /serving custom\.metrics\.k8s\.io and external\.metrics\.k8s\.io on (https:\/\/\S+)/.exec(output)?.[1];
    },
    60_000,
    100,
  );
  url = new URL(served);
  ca = await readFile(join(dir, 'metrics-api-ca.crt'), 'utf8');
}

async function replicas(name: string): Promise<number> {
  return (await apps.readNamespacedDeployment({ name, namespace: ns })).spec?.replicas ?? 0;
}

async function hpaStatus(name: string): Promise<{
  currentReplicas?: number;
  currentMetrics?: Record<string, Record<string, Record<string, string>>>[];
  conditions?: { type: string; status: string; reason: string; message: string }[];
}> {
  return (
    JSON.parse(
      await kubectl.ok(['get', '--raw', `/apis/autoscaling/v2beta2/namespaces/${ns}/horizontalpodautoscalers/${name}`]),
    ) as { status: object }
  ).status;
}

beforeAll(async () => {
  ns = await createKlNamespace(core, 'hpa');
  dir = await mkdtemp(join(tmpdir(), 'kubeloop-real-node-hpa-'));
  kubectl = await Kubectl.forKubeconfig(info.kubeconfig);
  await startMetricsApi();
}, 90_000);

afterAll(async () => {
  pushing = false;
  if (server && server.exitCode === null) {
    const exited = new Promise((r) => server?.once('exit', r));
    server.kill('SIGTERM');
    await exited;
  }
  // Only the APIServices this run registered (another run's would point at another namespace).
  for (const name of API_SERVICES) {
    const svc = await kubectl.run(['get', 'apiservice', name, '-o', 'jsonpath={.spec.service.namespace}']);
    if (svc.stdout === ns) await kubectl.run(['delete', 'apiservice', name, '--wait=false']);
  }
  await deleteKlNamespace(core, ns);
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('seed 001 on a real node: the real HPA scales on business metrics from kubeloop metrics-api', () => {
  it('is registered in the real aggregator: APIServices Available, the front proxy authenticated, values read through kube-apiserver', async () => {
    expect(url.hostname).toBe(info.nodeIP);
    const endpoints = await core.readNamespacedEndpoints({ name: SERVICE, namespace: ns });
    expect(endpoints.subsets?.[0]?.addresses?.[0]?.ip).toBe(info.nodeIP);
    expect(endpoints.subsets?.[0]?.ports?.[0]?.port).toBe(Number(url.port));
    const available = await eventually(
      'the three APIServices Available',
      async () => {
        const out = await kubectl.ok([
          'get',
          'apiservices',
          ...API_SERVICES,
          '-o',
          'jsonpath={range .items[*]}{.metadata.name}={.status.conditions[?(@.type=="Available")].status} {end}',
        ]);
        return API_SERVICES.every((s) => out.includes(`${s}=True`)) ? out : undefined;
      },
      60_000,
      500,
    );
    expect(available.trim().split(' ')).toHaveLength(3);
    const spec = JSON.parse(await kubectl.ok(['get', 'apiservice', 'v1beta1.custom.metrics.k8s.io', '-o', 'json'])) as {
      spec: { caBundle?: string; insecureSkipTLSVerify?: boolean; service: { namespace: string; name: string } };
    };
    expect(spec.spec.insecureSkipTLSVerify ?? false).toBe(false);
    expect(Buffer.from(spec.spec.caBundle ?? '', 'base64').toString()).toBe(ca);
    expect(spec.spec.service).toMatchObject({ namespace: ns, name: SERVICE });
    // Available comes from the availability probe; the aggregator's proxy handler for the group follows a few seconds later.
    const discovery = await eventually(
      'discovery through the aggregator',
      async () => {
        const r = await kubectl.run(['get', '--raw', '/apis/custom.metrics.k8s.io/v1beta1']);
        return r.code === 0 ? r.stdout : undefined;
      },
      30_000,
      500,
    );
    expect(discovery).toMatch(/"kind":"APIResourceList"/);
    expect(JSON.parse(await kubectl.ok(['get', '--raw', '/apis/custom.metrics.k8s.io']))).toMatchObject({
      kind: 'APIGroup',
      preferredVersion: { version: 'v1beta2' },
    });

    // A direct caller without the front-proxy certificate is not trusted with identity headers.
    const direct = await call('GET', `/apis/custom.metrics.k8s.io/v1beta1/namespaces/${ns}/pods/*/http_requests_qps`, {
      'X-Remote-User': 'system:admin',
      'X-Remote-Group': 'system:masters',
    });
    expect(direct.status).toBe(401);
  }, 90_000);

  it('scales a Deployment out on a pushed Pods metric and another on an External metric, and both back in after the stabilization window', async () => {
    await kubectl.ok(['apply', '-f', '-'], {
      stdin: JSON.stringify({
        apiVersion: 'v1',
        kind: 'List',
        items: [
          deployment('web'),
          deployment('worker'),
          hpa('web', {
            type: 'Pods',
            pods: { metric: { name: 'http_requests_qps' }, target: { type: 'AverageValue', averageValue: '30' } },
          }),
          hpa('worker', {
            type: 'External',
            external: {
              metric: { name: 'queue_messages_ready', selector: { matchLabels: { queue: 'orders' } } },
              target: { type: 'AverageValue', averageValue: '10' },
            },
          }),
        ],
      }),
    });
    // 120 req/s over pods that each can take 30: 4 replicas; 30 queued messages at 10 per replica: 3.
    load.qps = 120;
    load.queue = 30;
    void pushLoop();
    await eventually(
      'the first pushes',
      async () => (pushed > 0 ? true : pushError ? Promise.reject(new Error(pushError)) : undefined),
      30_000,
      200,
    );

    const raw = await eventually(
      'the per-pod values through the aggregator',
      async () => {
        const r = await kubectl.run([
          'get',
          '--raw',
          `/apis/custom.metrics.k8s.io/v1beta1/namespaces/${ns}/pods/*/http_requests_qps?labelSelector=app%3Dweb`,
        ]);
        return r.code === 0
          ? (JSON.parse(r.stdout) as {
              kind: string;
              items: { describedObject: { kind: string; name: string }; metricName: string; value: string }[];
            })
          : undefined;
      },
      30_000,
      500,
    );
    expect(raw.kind).toBe('MetricValueList');
    expect(raw.items[0]).toMatchObject({ describedObject: { kind: 'Pod' }, metricName: 'http_requests_qps' });
    // The External value arrives with a later push than the first per-pod ones.
    const external = await eventually(
      'the External value through the aggregator',
      async () => {
        const r = await kubectl.run([
          'get',
          '--raw',
          `/apis/external.metrics.k8s.io/v1beta1/namespaces/${ns}/queue_messages_ready?labelSelector=queue%3Dorders`,
        ]);
        return r.code === 0
          ? (JSON.parse(r.stdout) as { kind: string; items: { value: string; metricLabels: Record<string, string> }[] })
          : undefined;
      },
      30_000,
      500,
    );
    expect(external).toMatchObject({
      kind: 'ExternalMetricValueList',
      items: [{ value: '30', metricLabels: { queue: 'orders' } }],
    });

    await eventually(
      'web at 4 and worker at 3 replicas',
      async () => ((await replicas('web')) === 4 && (await replicas('worker')) === 3 ? true : undefined),
      90_000,
      500,
    );
    // The controller records what it read at its next sync after the scale.
    let seen = '';
    const web = await eventually(
      'the web HPA status with its metric',
      async () => {
        const st = await hpaStatus('web');
        seen = JSON.stringify(st);
        return st.currentReplicas === 4 && st.currentMetrics?.[0] ? st : undefined;
      },
      30_000,
      500,
    ).catch((err: unknown) => Promise.reject(new Error(`${(err as Error).message}; last status ${seen}`)));
    expect(web.conditions?.find((c) => c.type === 'ScalingActive')).toMatchObject({
      status: 'True',
      reason: 'ValidMetricFound',
    });
    expect(web.currentMetrics?.[0]?.['pods']?.['current']?.['averageValue']).toBe('30');
    const worker = await eventually(
      'the worker HPA status with its metric',
      async () => {
        const st = await hpaStatus('worker');
        return st.currentReplicas === 3 && st.currentMetrics?.[0] ? st : undefined;
      },
      30_000,
      500,
    );
    expect(worker.currentMetrics?.[0]?.['external']?.['current']?.['averageValue']).toBe('10');

    // The load goes away: after the 20 s stabilization window (never sooner) both come back to 1.
    load.qps = 10;
    load.queue = 0;
    const dropped = Date.now();
    await eventually(
      'both back to 1 replica',
      async () => ((await replicas('web')) === 1 && (await replicas('worker')) === 1 ? true : undefined),
      90_000,
      500,
    );
    // The window counts from the last high recommendation, which the controller made at most one sync period (5 s) before the drop.
    expect(Date.now() - dropped).toBeGreaterThanOrEqual(15_000);
    expect(pushError).toBe('');
  }, 180_000);
});
