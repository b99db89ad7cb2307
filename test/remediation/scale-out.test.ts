import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppsV1Api, AutoscalingV2Api, CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { startSimCluster, type SimCluster } from '../../src/sim/cluster.ts';
import { eventually } from '../support/eventually.ts';
import { backends } from '../../src/store/test-backends.ts';
import { actionsOf, guanceAlert, startHarness, type Harness } from './support.ts';

/**
 * Seed 000 end to end on the sim: a Guance alert naming a ruoyi-system pod scales its Deployment
 * out 1 -> 2 ... 5, the next alert records "limit reached" with an Event and a notification, a
 * duplicate df_event_id does nothing, an HPA-managed Deployment gets minReplicas raised, and
 * concurrent alerts within a cooldown scale once.
 */
afterAll(async () => {
  for (const b of backends) await b.cleanup();
});

describe.each(backends)("seed 000 on a $name store: scale the alerting pod's Deployment out, up to 5", (backend) => {
  let sim: SimCluster;
  let h: Harness;
  let apps: AppsV1Api;
  let core: CoreV1Api;
  let link: string;

  const replicas = async (name: string): Promise<number> =>
    (await apps.readNamespacedDeployment({ name, namespace: 'gc-dev' })).spec?.replicas ?? 0;
  const podOf = async (app: string): Promise<string> =>
    eventually(
      `a ${app} pod`,
      async () =>
        (await core.listNamespacedPod({ namespace: 'gc-dev', labelSelector: `app=${app}` })).items[0]?.metadata?.name,
      20_000,
    );

  beforeAll(async () => {
    sim = await startSimCluster({ port: 0, scenario: 'demo' });
    const kc = new KubeConfig();
    kc.loadFromString(sim.kubeconfig());
    apps = kc.makeApiClient(AppsV1Api);
    core = kc.makeApiClient(CoreV1Api);
    // The platform's store on this backend: PostgreSQL by its URL, SQLite in the harness's temp dir.
    const db = backend.name === 'postgres' ? (await backend.fresh()).database : undefined;
    h = await startHarness(
      sim.kubeconfig(),
      {
        playbooks: [
          // Seed 000: no cooldown here so that five alerts in a row scale five times.
          {
            name: 'seed-scale-out',
            cooldown: '0s',
            trigger: { alert: { source: 'guance', labels: { df_monitor_name: '弹性扩容demo操作' } } },
            actions: [{ action: 'scale_out', max: 5 }],
          },
          {
            name: 'guarded-scale-out',
            cooldown: '5m',
            trigger: { alert: { source: 'generic', labels: { alertname: 'HighLoad' } } },
            actions: [{ action: 'scale_out', max: 5 }],
          },
        ],
      },
      db ? { config: { database: db } } : {},
    );
    expect(h.platform.store.dialect).toBe(backend.name);
    link = await h.link('guance', 'guance-prod');
  }, 120_000);

  afterAll(async () => {
    await h?.stop();
    await sim?.stop();
  });

  async function alert(eventId: string, pod: string): Promise<number> {
    const r = await h.post(link, guanceAlert(eventId, 'gc-dev', pod));
    expect(r.status).toBe(202);
    const accepted = r.json.accepted as { id: number }[];
    expect(accepted).toHaveLength(1);
    await h.platform.remediation.settle();
    return accepted[0]?.id ?? 0;
  }

  it('scales 1 -> 2 -> ... -> 5, then records the limit, emits an Event and notifies', async () => {
    expect(await replicas('ruoyi-system')).toBe(1);
    for (let i = 1; i <= 4; i++) {
      const id = await alert(`event-scale-${i}`, await podOf('ruoyi-system'));
      const [a] = await actionsOf(h.platform, id);
      expect(a).toMatchObject({
        playbook: 'seed-scale-out',
        action: 'scale_out',
        state: 'succeeded',
        before: { replicas: i },
        after: { replicas: i + 1 },
      });
      expect(await replicas('ruoyi-system')).toBe(i + 1);
    }
    const id = await alert('event-scale-5', await podOf('ruoyi-system'));
    const [limit] = await actionsOf(h.platform, id);
    expect(limit?.state).toBe('skipped');
    expect(limit?.summary).toMatch(
      /limit reached: Deployment gc-dev\/ruoyi-system replicas 5 >= soft limit 5; not scaled, manual handling needed/,
    );
    expect(await replicas('ruoyi-system')).toBe(5);
    const events = await core.listNamespacedEvent({
      namespace: 'gc-dev',
      fieldSelector: 'involvedObject.kind=Deployment,involvedObject.name=ruoyi-system',
    });
    expect(
      events.items.some(
        (e) => e.reason === 'ScaleOutLimitReached' && e.type === 'Warning' && e.source?.component === 'kubeloop',
      ),
    ).toBe(true);
    const notice = await eventually(
      'the limit notification',
      async () => h.receiver.accepted.find((m) => m.body.notification.kind === 'action'),
      10_000,
    );
    expect(notice.body.notification.title).toContain('ruoyi-system');
  });

  it('acknowledges a duplicate df_event_id and does nothing', async () => {
    const before = await replicas('ruoyi-system');
    const r = await h.post(link, guanceAlert('event-scale-1', 'gc-dev', await podOf('ruoyi-system')));
    expect(r.status).toBe(202);
    expect(r.json.accepted).toEqual([]);
    expect((r.json.duplicates as unknown[]).length).toBe(1);
    await h.platform.remediation.settle();
    expect(await replicas('ruoyi-system')).toBe(before);
    const all = (await (await fetch(`${h.platform.url}/api/v1/actions?playbook=seed-scale-out`)).json()) as {
      total: number;
    };
    expect(all.total).toBe(5);
  });

  it("raises the HPA's minReplicas when an HPA manages the Deployment", async () => {
    const kc = new KubeConfig();
    kc.loadFromString(sim.kubeconfig());
    const hpa = kc.makeApiClient(AutoscalingV2Api);
    await hpa.createNamespacedHorizontalPodAutoscaler({
      namespace: 'gc-dev',
      body: {
        metadata: { name: 'ruoyi-gateway' },
        spec: {
          scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'ruoyi-gateway' },
          minReplicas: 1,
          maxReplicas: 8,
          metrics: [
            { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } } },
          ],
        },
      },
    });
    const id = await alert('event-hpa-1', await podOf('ruoyi-gateway'));
    const [a] = await actionsOf(h.platform, id);
    expect(a?.state).toBe('succeeded');
    expect(a?.summary).toContain('HPA ruoyi-gateway manages Deployment ruoyi-gateway');
    expect(a).toMatchObject({ before: { minReplicas: 1 }, after: { minReplicas: 2 } });
    const read = await hpa.readNamespacedHorizontalPodAutoscaler({ name: 'ruoyi-gateway', namespace: 'gc-dev' });
    expect(read.spec?.minReplicas).toBe(2);
  });

  it('serializes concurrent alerts for one Deployment: within the cooldown it scales once', async () => {
    const generic = await h.link('generic', 'generic-load');
    const before = await replicas('ruoyi-auth');
    const results = await Promise.all(
      [1, 2, 3].map((i) =>
        h.post(generic, {
          id: `load-${i}`,
          labels: { alertname: 'HighLoad', namespace: 'gc-dev', deployment: 'ruoyi-auth' },
        }),
      ),
    );
    expect(results.map((r) => r.status)).toEqual([202, 202, 202]);
    await h.platform.remediation.settle();
    expect(await replicas('ruoyi-auth')).toBe(before + 1);
    const list = (await (await fetch(`${h.platform.url}/api/v1/actions?playbook=guarded-scale-out`)).json()) as {
      items: { state: string; summary: string }[];
    };
    expect(list.items.filter((a) => a.state === 'succeeded')).toHaveLength(1);
    const skipped = list.items.filter((a) => a.state === 'skipped');
    expect(skipped).toHaveLength(2);
    for (const s of skipped)
      expect(s.summary).toMatch(/^cooldown: Deployment gc-dev\/ruoyi-auth was changed by action #\d+/);
  });

  it('never touches kube-system, and says why', async () => {
    const generic = await h.link('generic', 'generic-system');
    const r = await h.post(generic, {
      id: 'sys-1',
      labels: { alertname: 'HighLoad', namespace: 'kube-system', deployment: 'coredns' },
    });
    expect(r.status).toBe(202);
    await h.platform.remediation.settle();
    const [a] = await actionsOf(h.platform, (r.json.accepted as { id: number }[])[0]?.id ?? 0);
    expect(a).toMatchObject({
      state: 'skipped',
      summary: 'namespace kube-system is denied (remediation.namespaces.deny)',
    });
  });
});
