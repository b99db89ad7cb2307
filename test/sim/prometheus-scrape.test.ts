import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppsV1Api, CoreV1Api } from '@kubernetes/client-node';
import { startTestSim, type TestSim } from '../support/sim.ts';
import { eventually } from '../support/eventually.ts';
import { simPodsScrapeJob, startPrometheus, type RunningPrometheus } from '../support/prometheus.ts';
import { addNode } from '../../src/sim/scenarios/index.ts';
import { main } from '../../src/cli/main.ts';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

let t: TestSim;
let prom: RunningPrometheus;
let core: CoreV1Api;

beforeAll(async () => {
  t = await startTestSim({ controllers: {}, kubelet: { startDelayMs: 10, stopDelayMs: 10 } });
  addNode(t.sim.service, 'node-1', 0);
  core = t.kc.makeApiClient(CoreV1Api);
  const apps = t.kc.makeApiClient(AppsV1Api);
  await core.createNamespace({ body: { metadata: { name: 'web' } } });
  await apps.createNamespacedDeployment({
    namespace: 'web',
    body: {
      metadata: { name: 'httpserver' },
      spec: {
        replicas: 3,
        selector: { matchLabels: { app: 'httpserver' } },
        template: {
          metadata: { labels: { app: 'httpserver' } },
          spec: { containers: [{ name: 'httpserver', image: 'httpserver:v1', ports: [{ containerPort: 8080 }] }] },
        },
      },
    },
  });
  await core.createNamespacedService({
    namespace: 'web',
    body: {
      metadata: { name: 'httpserver' },
      spec: { selector: { app: 'httpserver' }, ports: [{ port: 80, targetPort: 8080 }] },
    },
  });
  await eventually('3 ready endpoints', async () => {
    const ep = await core.readNamespacedEndpoints({ namespace: 'web', name: 'httpserver' }).catch(() => undefined);
    return ep?.subsets?.[0]?.addresses?.length === 3 ? true : undefined;
  });
  const host = new URL(t.sim.url).host;
  prom = await startPrometheus(
    (dir) => `
global:
  scrape_interval: 1s
  evaluation_interval: 1s
scrape_configs:${simPodsScrapeJob(host, dir)}
  - job_name: kube-state-metrics
    scheme: https
    metrics_path: /metrics/kube-state
    tls_config: { ca_file: ${dir}/ca.crt }
    static_configs: [{ targets: ['${host}'] }]
  - job_name: cadvisor
    scheme: https
    metrics_path: /metrics/cadvisor
    tls_config: { ca_file: ${dir}/ca.crt }
    static_configs: [{ targets: ['${host}'] }]
`,
    { 'ca.crt': t.sim.caCert ?? '' },
  );
}, 60_000);

afterAll(async () => {
  await prom?.stop();
  await t?.sim.stop();
});

describe('a real Prometheus scraping the simulated cluster', () => {
  it("sees the load generator's rate per pod within 10 %, and cAdvisor/kube-state-metrics series", async () => {
    const dir = await mkdtemp(join(tmpdir(), 'kubeloop-load-'));
    const kubeconfig = join(dir, 'kubeconfig');
    await writeFile(kubeconfig, t.sim.kubeconfig());
    const code = await main([
      'node',
      'kubeloop',
      'sim',
      'load',
      '--kubeconfig',
      kubeconfig,
      '--namespace',
      'web',
      '--service',
      'httpserver',
      '--rps',
      '300',
      '--duration',
      '5m',
      '--detach',
    ]);
    expect(code).toBe(0);
    // 300 req/s over 3 ready endpoints: 100/s each. rate() divides by the whole 1m range, so the
    // figure is only right once a full minute of samples under load exists.
    const rates = await eventually(
      'per-pod rates near 100/s',
      async () => {
        const r = await prom.query('sum(rate(http_requests_total{namespace="web"}[1m])) by (pod)');
        if (r.length !== 3) return undefined;
        const values = r.map((s) => Number(s.value[1]));
        return values.every((v) => Math.abs(v - 100) <= 10) ? values : undefined;
      },
      100_000,
      1000,
    );
    expect(rates).toHaveLength(3);
    const total = await prom.query('sum(rate(http_requests_total{namespace="web"}[1m]))');
    expect(Math.abs(Number(total[0]?.value[1]) - 300)).toBeLessThanOrEqual(30);
    const phases = await prom.query('sum(kube_pod_status_phase{namespace="web",phase="Running"})');
    expect(Number(phases[0]?.value[1])).toBe(3);
    const available = await prom.query(
      'kube_deployment_status_replicas_available{namespace="web",deployment="httpserver"}',
    );
    expect(Number(available[0]?.value[1])).toBe(3);
    const cpu = await prom.query(
      'sum(rate(container_cpu_usage_seconds_total{namespace="web",container="httpserver"}[1m])) by (pod)',
    );
    expect(cpu).toHaveLength(3);
    // Each pod's CPU grows with the 100 req/s it serves (2 millicores per req/s by default).
    for (const s of cpu) expect(Number(s.value[1])).toBeGreaterThan(0.15);

    expect(
      await main([
        'node',
        'kubeloop',
        'sim',
        'load',
        '--kubeconfig',
        kubeconfig,
        '--namespace',
        'web',
        '--service',
        'httpserver',
        '--rps',
        '0',
      ]),
    ).toBe(0);
    const svc = await core.readNamespacedService({ namespace: 'web', name: 'httpserver' });
    expect(svc.metadata?.annotations?.['sim.kubeloop.dev/load-rps']).toBeUndefined();
  }, 150_000);

  it('rejects bad load flags and an unknown Service with exit code 2', async () => {
    expect(await main(['node', 'kubeloop', 'sim', 'load', '--service', 'x', '--rps', 'fast'])).toBe(2);
    expect(
      await main(['node', 'kubeloop', 'sim', 'load', '--service', 'x', '--rps', '5', '--duration', 'forever']),
    ).toBe(2);
    const dir = await mkdtemp(join(tmpdir(), 'kubeloop-load-'));
    await writeFile(join(dir, 'kubeconfig'), t.sim.kubeconfig());
    expect(
      await main([
        'node',
        'kubeloop',
        'sim',
        'load',
        '--kubeconfig',
        join(dir, 'kubeconfig'),
        '--namespace',
        'web',
        '--service',
        'nope',
        '--rps',
        '5',
      ]),
    ).toBe(2);
  });
});
