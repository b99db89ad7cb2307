import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { IncomingMessage } from 'node:http';
import {
  AppsV1Api,
  AutoscalingV2Api,
  CoreV1Api,
  KubeConfig,
  type V2HorizontalPodAutoscaler,
} from '@kubernetes/client-node';
import { simRequest, startTestSim, type TestSim } from '../support/sim.ts';
import { simPodsScrapeJob, startPrometheus, type RunningPrometheus } from '../support/prometheus.ts';
import { eventually } from '../support/eventually.ts';
import { addNode } from '../../src/sim/scenarios/index.ts';
import { configSchema } from '../../src/config/schema.ts';
import { startPlatform, type Platform } from '../../src/platform/platform.ts';
import { main } from '../../src/cli/main.ts';

/**
 * Seed 001 end to end: the sim's aggregator proxies custom.metrics.k8s.io to Kubeloop's metrics
 * API (started by the platform, registered with its caBundle), its HPA controller reads
 * http_requests_qps per pod, and a real Prometheus scrapes the sim pods' http_requests_total.
 * `kubeloop sim load --rps 500` scales the seed's httpserver out to maxReplicas 10; without load
 * it comes back to 1 after the (shortened) stabilization window. Once with pull rules, once with
 * the push path fed by a scheduled playbook; and when pushes stop, the values expire and the HPA
 * holds instead of acting on old data.
 */

let t: TestSim;
let prom: RunningPrometheus;
let dir: string;
let kubeconfigFile: string;
let core: CoreV1Api;
let apps: AppsV1Api;
let hpas: AutoscalingV2Api;

beforeAll(async () => {
  t = await startTestSim({
    controllers: {},
    kubelet: { startDelayMs: 10, stopDelayMs: 10 },
    hpa: { syncPeriodMs: 1000, cpuInitializationPeriodMs: 0 },
    aggregatorProbeIntervalMs: 500,
  });
  addNode(t.sim.service, 'node-1', 0);
  core = t.kc.makeApiClient(CoreV1Api);
  apps = t.kc.makeApiClient(AppsV1Api);
  hpas = t.kc.makeApiClient(AutoscalingV2Api);
  dir = await mkdtemp(join(tmpdir(), 'kubeloop-hpa-e2e-'));
  kubeconfigFile = join(dir, 'kubeconfig');
  await writeFile(kubeconfigFile, t.sim.kubeconfig());
  const host = new URL(t.sim.url).host;
  prom = await startPrometheus(
    (d) => `
global: { scrape_interval: 1s, evaluation_interval: 1s }
scrape_configs:${simPodsScrapeJob(host, d)}
`,
    { 'ca.crt': t.sim.caCert ?? '' },
  );
}, 90_000);

afterAll(async () => {
  await prom?.stop();
  await t?.sim.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** The seed's httpserver Deployment, Service and HPA (AverageValue 30, 1..10), with a short scale-down window. */
async function applySeed(namespace: string): Promise<void> {
  await core.createNamespace({ body: { metadata: { name: namespace } } });
  const labels = { app: 'httpserver' };
  await apps.createNamespacedDeployment({
    namespace,
    body: {
      metadata: { name: 'httpserver', labels },
      spec: {
        replicas: 1,
        selector: { matchLabels: labels },
        template: {
          metadata: { labels },
          spec: {
            containers: [
              {
                name: 'httpserver',
                image: 'httpserver:v1',
                ports: [{ containerPort: 8080 }],
                resources: { requests: { cpu: '100m', memory: '64Mi' } },
              },
            ],
          },
        },
      },
    },
  });
  await core.createNamespacedService({
    namespace,
    body: { metadata: { name: 'httpserver' }, spec: { selector: labels, ports: [{ port: 80, targetPort: 8080 }] } },
  });
  const hpa: V2HorizontalPodAutoscaler = {
    metadata: { name: 'httpserver' },
    spec: {
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'httpserver' },
      minReplicas: 1,
      maxReplicas: 10,
      metrics: [
        {
          type: 'Pods',
          pods: { metric: { name: 'http_requests_qps' }, target: { type: 'AverageValue', averageValue: '30' } },
        },
      ],
      behavior: {
        scaleUp: { stabilizationWindowSeconds: 0, policies: [{ type: 'Percent', value: 1000, periodSeconds: 1 }] },
        scaleDown: { stabilizationWindowSeconds: 5, policies: [{ type: 'Percent', value: 100, periodSeconds: 1 }] },
      },
    },
  };
  await hpas.createNamespacedHorizontalPodAutoscaler({ namespace, body: hpa });
}

const replicas = async (namespace: string): Promise<number> =>
  (await apps.readNamespacedDeployment({ namespace, name: 'httpserver' })).spec?.replicas ?? 0;
const hpaStatus = async (namespace: string) =>
  (await hpas.readNamespacedHorizontalPodAutoscaler({ namespace, name: 'httpserver' })).status;
const currentQps = async (namespace: string): Promise<number> => {
  const v = (await hpaStatus(namespace))?.currentMetrics?.[0]?.pods?.current.averageValue;
  return v === undefined ? 0 : Number(String(v).replace(/m$/, '')) / (String(v).endsWith('m') ? 1000 : 1);
};

async function captureStdout(run: () => Promise<number>): Promise<{ code: number; text: string }> {
  let text = '';
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = ((chunk: string | Uint8Array) => {
    text += chunk.toString();
    return true;
  }) as typeof process.stdout.write;
  try {
    return { code: await run(), text };
  } finally {
    process.stdout.write = write;
  }
}

async function load(namespace: string, rps: number): Promise<void> {
  expect(
    await main([
      'node',
      'kubeloop',
      'sim',
      'load',
      '--kubeconfig',
      kubeconfigFile,
      '--namespace',
      namespace,
      '--service',
      'httpserver',
      '--rps',
      String(rps),
      '--duration',
      '10m',
      '--detach',
    ]),
  ).toBe(0);
}

async function platformWith(
  metricsApi: Record<string, unknown>,
  remediation: Record<string, unknown> = {},
): Promise<Platform> {
  const kc = new KubeConfig();
  kc.loadFromString(t.sim.kubeconfig());
  const dataDir = await mkdtemp(join(dir, 'data-'));
  const config = configSchema.parse({
    metricsApi: { enabled: true, register: true, port: 0, ...metricsApi },
    remediation,
  });
  return startPlatform({ config, kc, cluster: 'sim', dataDir, port: 0 });
}

async function scaleOutAndBack(namespace: string, between?: () => Promise<void>): Promise<void> {
  await load(namespace, 500);
  await eventually(
    'the HPA sees more than 30 req/s per pod',
    async () => ((await currentQps(namespace)) > 30 ? true : undefined),
    60_000,
    500,
  );
  await eventually(
    'scaled out to maxReplicas 10',
    async () => ((await replicas(namespace)) === 10 ? true : undefined),
    60_000,
    500,
  );
  await between?.();
  await load(namespace, 0);
  await eventually(
    'back to 1 replica after the stabilization window',
    async () => ((await replicas(namespace)) === 1 ? true : undefined),
    90_000,
    500,
  );
}

describe("HPA on business metrics through Kubeloop's metrics API (seed 001)", () => {
  it('pull rules: Prometheus rates served per pod; load scales httpserver to 10 and back to 1', async () => {
    await applySeed('pull');
    const started = Date.now();
    const platform = await platformWith({
      prometheusUrl: prom.url,
      rules: { presets: [{ counterRate: { window: '10s' } }] },
      cacheTtl: '1s',
      discoveryInterval: '2s',
    });
    const cache = () => {
      const s = platform.metricsApi?.pull?.cacheStats();
      if (!s) throw new Error('the platform runs no pull source');
      return { ...s, requests: s.hits + s.misses };
    };
    // With refresh ahead (the last quarter of the 1 s TTL), a key in steady use is queried at most
    // once per 750 ms: the most queries one key may cost in `ms`.
    const periods = (ms: number): number => Math.floor(ms / 750) + 1;
    try {
      await scaleOutAndBack('pull', async () => {
        // What the HPA sees, from the CLI through the aggregator: every pod with its rate.
        const out = await captureStdout(() =>
          main([
            'node',
            'kubeloop',
            'metrics',
            'get',
            '--kubeconfig',
            kubeconfigFile,
            '-n',
            'pull',
            '-l',
            'app=httpserver',
            'pods/*/http_requests_qps',
          ]),
        );
        expect(out.code).toBe(0);
        expect(out.text).toMatch(/^OBJECT\s+VALUE\s+TIMESTAMP\s+WINDOW/);
        expect(out.text.match(/^pod\/httpserver-/gm)?.length).toBeGreaterThanOrEqual(1);
        expect(Number(/average ([\d.]+)/.exec(out.text)?.[1])).toBeGreaterThan(30);
        // Not one query per request: a burst of 20 concurrent reads through the aggregator shares
        // the cached (or in-flight) answer.
        const before = cache();
        const burstStart = Date.now();
        const path =
          '/apis/custom.metrics.k8s.io/v1beta2/namespaces/pull/pods/*/http_requests_qps?labelSelector=app%3Dhttpserver';
        const answers = await Promise.all(Array.from({ length: 20 }, () => simRequest(t.sim, 'GET', path)));
        const burstMs = Date.now() - burstStart;
        expect(answers.map((a) => a.status)).toEqual(Array.from({ length: 20 }, () => 200));
        const after = cache();
        expect(after.requests - before.requests).toBeGreaterThanOrEqual(20);
        expect(after.queries - before.queries).toBeLessThanOrEqual(periods(burstMs));
      });
      // One query per namespace and cache period, not one per pod: ten pods, one key.
      const stats = cache();
      expect(stats.entries).toBe(1);
      expect(stats.queries).toBeGreaterThan(0);
      expect(stats.queries).toBeLessThanOrEqual(periods(Date.now() - started));
    } finally {
      await platform.stop();
    }
  }, 240_000);

  it('push fed by a scheduled playbook: the same loop; when pushes stop the values expire and the HPA holds', async () => {
    await applySeed('push');
    const tokenFile = join(dir, 'write-token');
    await writeFile(tokenFile, 'e2e-write-token-0123456789');
    const platform = await platformWith(
      { writeTokenFile: tokenFile, pushInterval: '2s' },
      {
        prometheusUrl: prom.url,
        functionsDir: join(import.meta.dirname, 'functions'),
        playbooks: [
          {
            name: 'push-qps',
            trigger: { schedule: { cron: '*/2 * * * * *' } },
            actions: [
              {
                action: 'run_function',
                function: 'push-qps.mjs',
                timeoutMs: 10_000,
                params: {
                  namespace: 'push',
                  window: '10s',
                  tokenFile,
                  caFile: join(dir, 'ca.crt'),
                  urlFile: join(dir, 'url'),
                },
              },
            ],
          },
        ],
      },
    );
    try {
      // Where the job pushes: the server's address (a free port) and the CA it wrote for local clients.
      expect(platform.metricsApi?.caFile).toBeDefined();
      await writeFile(join(dir, 'ca.crt'), platform.metricsApi?.server.caCert ?? '');
      await writeFile(join(dir, 'url'), platform.metricsApi?.url ?? '');
      await scaleOutAndBack('push', async () => {
        // Suspend the job (and stop the load): after the TTL (3 x 2 s) no value is served.
        await core.createNamespacedConfigMap({
          namespace: 'push',
          body: { metadata: { name: 'metrics-push' }, data: { suspend: 'true' } },
        });
        await load('push', 0);
        const cond = await eventually(
          'ScalingActive False: the metric is unavailable',
          async () => {
            const c = (await hpaStatus('push'))?.conditions?.find((x) => x.type === 'ScalingActive');
            return c?.status === 'False' ? c : undefined;
          },
          30_000,
          500,
        );
        expect(cond.reason).toBe('FailedGetPodsMetric');
        expect(cond.message).toMatch(/could not find the metric http_requests_qps/);
        // It holds: three HPA reads of the metric later (each a sync that found no value), the replicas are unchanged.
        let reads = 0;
        const countRead = (req: IncomingMessage): void => {
          if (req.url?.includes('/namespaces/push/pods/') && req.url.includes('http_requests_qps')) reads++;
        };
        const server = platform.metricsApi?.server.app.server;
        server?.on('request', countRead);
        try {
          await eventually(
            'three more HPA reads of the metric',
            async () => (reads >= 3 ? true : undefined),
            30_000,
            250,
          );
        } finally {
          server?.off('request', countRead);
        }
        expect(await replicas('push')).toBe(10);
        await core.deleteNamespacedConfigMap({ namespace: 'push', name: 'metrics-push' });
      });
      // The schedule ran the job again and again, and no run failed. How often depends on how long a
      // run takes on this machine: the next occurrence is armed only once a run has ended.
      const runs = await platform.store.actions.list({ playbook: 'push-qps' }, { limit: 500 });
      expect(runs.items.filter((a) => a.state === 'failed').map((a) => a.summary)).toEqual([]);
      expect(runs.items.filter((a) => a.state === 'succeeded').length).toBeGreaterThanOrEqual(2);
    } finally {
      await platform.stop();
    }
  }, 300_000);
});
