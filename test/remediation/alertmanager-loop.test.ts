import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppsV1Api, CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { startSimCluster, type SimCluster } from '../../src/sim/cluster.ts';
import { startAlertmanager, type RunningAlertmanager } from '../support/alertmanager.ts';
import { eventually } from '../support/eventually.ts';
import { startPrometheus, type RunningPrometheus } from '../support/prometheus.ts';
import { actionsOf, startHarness, type ActionView, type Harness } from './support.ts';

/**
 * The whole alert-driven loop with the real parts: Debian's Prometheus scrapes the sim's
 * kube-state-metrics series, a rule fires while shop/checkout runs fewer than 2 replicas, Debian's
 * Alertmanager posts the webhook to a Kubeloop link, the playbook scales the Deployment out, the
 * rule stops firing, and Alertmanager's resolved notice reaches Kubeloop and runs its own playbook.
 */
let sim: SimCluster;
let h: Harness;
let am: RunningAlertmanager;
let prom: RunningPrometheus;
let apps: AppsV1Api;

const NS = 'shop';
const ANNOTATION = 'kubeloop.test/resolved-alert';

interface AlertItem {
  id: number;
  alertId: string;
  status: string;
  state: string;
  labels: Record<string, string>;
}

const alerts = async (): Promise<AlertItem[]> => {
  const res = await fetch(`${h.platform.url}/api/v1/alerts?source=alertmanager&limit=500`);
  return ((await res.json()) as { items: AlertItem[] }).items.filter(
    (a) => a.labels.alertname === 'CheckoutUnderProvisioned',
  );
};

beforeAll(async () => {
  sim = await startSimCluster({ port: 0, scenario: 'empty' });
  const kc = new KubeConfig();
  kc.loadFromString(sim.kubeconfig());
  apps = kc.makeApiClient(AppsV1Api);
  await kc.makeApiClient(CoreV1Api).createNamespace({ body: { metadata: { name: NS } } });
  await apps.createNamespacedDeployment({
    namespace: NS,
    body: {
      metadata: { name: 'checkout' },
      spec: {
        replicas: 1,
        selector: { matchLabels: { app: 'checkout' } },
        template: {
          metadata: { labels: { app: 'checkout' } },
          spec: { containers: [{ name: 'checkout', image: 'checkout:v1' }] },
        },
      },
    },
  });
  h = await startHarness(sim.kubeconfig(), {
    playbooks: [
      {
        name: 'scale-checkout',
        cooldown: '0s',
        trigger: {
          alert: { source: 'alertmanager', status: 'firing', labels: { alertname: 'CheckoutUnderProvisioned' } },
        },
        actions: [{ action: 'scale_out', max: 2 }],
      },
      {
        name: 'mark-resolved',
        cooldown: '0s',
        trigger: {
          alert: { source: 'alertmanager', status: 'resolved', labels: { alertname: 'CheckoutUnderProvisioned' } },
        },
        actions: [{ action: 'annotate', annotations: { [ANNOTATION]: '{{alert.id}}' } }],
      },
    ],
  });
  const link = await h.link('alertmanager', 'alertmanager-e2e');
  // Short waits so the loop takes seconds; send_resolved is on by default for webhooks, said anyway.
  am = await startAlertmanager(`
route:
  receiver: kubeloop
  group_by: [alertname, namespace, deployment]
  group_wait: 1s
  group_interval: 1s
  repeat_interval: 1h
receivers:
  - name: kubeloop
    webhook_configs:
      - url: ${h.platform.url}${link}
        send_resolved: true
`);
  const host = new URL(sim.url).host;
  prom = await startPrometheus(
    (dir) => `
global:
  scrape_interval: 1s
  evaluation_interval: 1s
rule_files: [${dir}/rules.yml]
alerting:
  alertmanagers:
    - static_configs: [{ targets: ['${am.address}'] }]
scrape_configs:
  - job_name: kube-state-metrics
    scheme: https
    metrics_path: /metrics/kube-state
    tls_config: { ca_file: ${dir}/ca.crt }
    static_configs: [{ targets: ['${host}'] }]
`,
    {
      'ca.crt': sim.caCert ?? '',
      'rules.yml': `
groups:
  - name: capacity
    rules:
      - alert: CheckoutUnderProvisioned
        expr: kube_deployment_spec_replicas{namespace="${NS}",deployment="checkout"} < 2
        labels: { severity: critical }
        annotations: { summary: "checkout runs fewer than 2 replicas" }
`,
    },
  );
}, 120_000);

afterAll(async () => {
  await prom?.stop();
  await am?.stop();
  await h?.stop();
  await sim?.stop();
});

describe('Prometheus rule -> Alertmanager -> Kubeloop link -> playbook, and back', () => {
  it('scales the Deployment out on the firing notice, once', async () => {
    const replicas = await eventually(
      'checkout scaled to 2 replicas',
      async () => {
        const r = (await apps.readNamespacedDeployment({ name: 'checkout', namespace: NS })).spec?.replicas;
        return r === 2 ? r : undefined;
      },
      90_000,
      250,
    ).catch((err: Error) => {
      throw new Error(`${err.message}\nalertmanager log:\n${am.log()}`);
    });
    expect(replicas).toBe(2);
    await h.platform.remediation.settle();
    const firing = (await alerts()).filter((a) => a.status === 'firing');
    expect(firing).toHaveLength(1);
    expect(firing[0]).toMatchObject({
      state: 'done',
      labels: { namespace: NS, deployment: 'checkout', severity: 'critical' },
    });
    const actions = await actionsOf(h.platform, firing[0]?.id ?? 0);
    expect(actions).toMatchObject([
      {
        playbook: 'scale-checkout',
        action: 'scale_out',
        state: 'succeeded',
        before: { replicas: 1 },
        after: { replicas: 2 },
      },
    ]);
  }, 120_000);

  it('receives the resolved notice once the rule stops firing, and runs the resolved playbook', async () => {
    const resolved = await eventually(
      'a resolved notice processed',
      async () => {
        const r = (await alerts()).find((a) => a.status === 'resolved');
        return r?.state === 'done' ? r : undefined;
      },
      90_000,
      250,
    );
    const firing = (await alerts()).find((a) => a.status === 'firing');
    // The same occurrence: Alertmanager's fingerprint and startsAt, marked resolved.
    expect(resolved.alertId).toBe(`${firing?.alertId ?? ''}/resolved`);
    const actions: ActionView[] = await actionsOf(h.platform, resolved.id);
    expect(actions).toMatchObject([{ playbook: 'mark-resolved', action: 'annotate', state: 'succeeded' }]);
    const dep = await apps.readNamespacedDeployment({ name: 'checkout', namespace: NS });
    expect(dep.metadata?.annotations?.[ANNOTATION]).toBe(resolved.alertId);
    // Still scaled once: no second firing notice was processed as a new alert.
    expect(dep.spec?.replicas).toBe(2);
    expect((await alerts()).filter((a) => a.status === 'firing')).toHaveLength(1);
  }, 120_000);
});
