import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { V1Deployment } from '@kubernetes/client-node';
import { BUSYBOX_IMAGE } from '../support/real-node/real-node.ts';
import { eventually } from '../support/eventually.ts';
import { actionsOf, guanceAlert, startHarness, type Harness } from '../remediation/support.ts';
import { createKlNamespace, deleteKlNamespace, isReady, nodeClients, podsOf } from './kl-namespace.ts';

/**
 * Seed 000's loop on a real node: a Guance alert names a pod that really runs; Kubeloop finds its
 * Deployment through the real ReplicaSet, scales it, and the new pods are scheduled, started by the
 * kubelet and turn Ready (an httpd answering the readiness probe). At the soft limit nothing more
 * is scaled and a person is told: a Warning Event on the Deployment and a chat notification.
 */
const { core, apps } = nodeClients();
const APP = 'ruoyi-system';
const LIMIT = 3;
let ns: string;
let h: Harness;
let link: string;

function httpd(): V1Deployment {
  const labels = { app: APP };
  return {
    metadata: { name: APP, labels },
    spec: {
      replicas: 1,
      selector: { matchLabels: labels },
      template: {
        metadata: { labels },
        spec: {
          terminationGracePeriodSeconds: 1,
          containers: [
            {
              name: 'app',
              image: BUSYBOX_IMAGE,
              command: ['sh', '-c', 'mkdir -p /www && echo ok > /www/index.html && exec httpd -f -p 8080 -h /www'],
              ports: [{ containerPort: 8080 }],
              readinessProbe: { httpGet: { path: '/', port: 8080 }, periodSeconds: 1 },
            },
          ],
        },
      },
    },
  };
}

const readyPods = async (): Promise<string[]> =>
  (await podsOf(core, ns, `app=${APP}`)).filter(isReady).map((p) => p.metadata?.name ?? '');

beforeAll(async () => {
  ns = await createKlNamespace(core, 'remediation');
  await apps.createNamespacedDeployment({ namespace: ns, body: httpd() });
  h = await startHarness(
    inject('realNode').kubeconfig,
    {
      // Seed 000's playbook, with no cooldown so that consecutive alerts each scale.
      playbooks: [
        {
          name: 'seed-scale-out',
          cooldown: '0s',
          trigger: { alert: { source: 'guance', labels: { df_monitor_name: '弹性扩容demo操作' } } },
          actions: [{ action: 'scale_out', max: LIMIT }],
        },
      ],
    },
    { config: { monitor: { namespaces: [ns] } } },
  );
  link = await h.link('guance', 'guance-real-node');
}, 60_000);

afterAll(async () => {
  await h?.stop();
  await deleteKlNamespace(core, ns);
});

async function alert(eventId: string, pod: string): Promise<number> {
  const r = await h.post(link, guanceAlert(eventId, ns, pod));
  expect(r.status).toBe(202);
  await h.platform.remediation.settle();
  return (r.json.accepted as { id: number }[])[0]?.id ?? 0;
}

describe('seed 000 on a real node: an alert on a running pod scales its Deployment, up to the soft limit', () => {
  it('scales 1 -> 2 -> 3 with pods that really start and turn Ready, then stops at the limit and tells a person', async () => {
    let ready = await eventually(
      'the first pod Ready',
      async () => ((await readyPods()).length === 1 ? readyPods() : undefined),
      60_000,
      250,
    );
    for (let n = 1; n < LIMIT; n++) {
      // The alert names the newest running pod: any replica leads to the same Deployment.
      const [a] = await actionsOf(h.platform, await alert(`real-node-${n}`, ready[ready.length - 1] ?? ''));
      expect(a, a?.summary).toMatchObject({
        playbook: 'seed-scale-out',
        action: 'scale_out',
        state: 'succeeded',
        before: { replicas: n },
        after: { replicas: n + 1 },
      });
      ready = await eventually(
        `${n + 1} pods Ready`,
        async () => {
          const names = await readyPods();
          return names.length === n + 1 ? names : undefined;
        },
        60_000,
        250,
      );
      // The Deployment's status follows its pods' once the deployment controller has synced them.
      await eventually(
        `the Deployment to report ${n + 1} ready and available replicas`,
        async () => {
          const d = await apps.readNamespacedDeployment({ name: APP, namespace: ns });
          const s = d.status;
          return s?.replicas === n + 1 && s.readyReplicas === n + 1 && s.availableReplicas === n + 1 ? true : undefined;
        },
        30_000,
        250,
      );
    }
    const pods = await podsOf(core, ns, `app=${APP}`);
    for (const p of pods) expect(p.status?.podIP, p.metadata?.name).toMatch(/^198\.18\./);

    const [limit] = await actionsOf(h.platform, await alert('real-node-limit', ready[0] ?? ''));
    expect(limit?.state).toBe('skipped');
    expect(limit?.summary).toMatch(
      new RegExp(
        `limit reached: Deployment ${ns}/${APP} replicas ${LIMIT} >= soft limit ${LIMIT}; not scaled, manual handling needed`,
      ),
    );
    const events = await core.listNamespacedEvent({
      namespace: ns,
      fieldSelector: `involvedObject.kind=Deployment,involvedObject.name=${APP}`,
    });
    expect(
      events.items.some(
        (e) => e.reason === 'ScaleOutLimitReached' && e.type === 'Warning' && e.source?.component === 'kubeloop',
      ),
    ).toBe(true);
    const notice = await eventually(
      'the limit notification',
      async () => h.receiver.accepted.find((m) => m.body.notification.kind === 'action'),
      15_000,
      100,
    );
    expect(notice.body.notification.title).toContain(APP);
    // Nothing more was scaled: the Deployment and its running pods stay at the limit.
    expect((await apps.readNamespacedDeployment({ name: APP, namespace: ns })).spec?.replicas).toBe(LIMIT);
    expect((await podsOf(core, ns, `app=${APP}`)).length).toBe(LIMIT);
  }, 150_000);
});
