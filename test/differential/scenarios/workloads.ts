import { createNamespace } from './namespace.ts';
import { call, type Target } from '../target.ts';
import type { Recorder, Scenario } from '../scenario.ts';

interface Meta {
  name: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: { kind: string; name: string; controller?: boolean; blockOwnerDeletion?: boolean }[];
  deletionTimestamp?: string;
}
interface Item {
  metadata: Meta;
  spec?: {
    replicas?: number;
    selector?: unknown;
    template?: { metadata?: { labels?: Record<string, string> }; spec?: { containers?: { image?: string }[] } };
  };
  status?: Record<string, unknown>;
}

async function list(t: Target, path: string): Promise<Item[]> {
  return ((await call(t, 'GET', path)).body as { items?: Item[] }).items ?? [];
}

async function until(t: Target, what: string, check: () => Promise<boolean>, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${t.name}: timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 150));
  }
}

/** ReplicaSets get aliases by creation order: their names and hashes are random on both sides. */
function aliasReplicaSets(rec: Recorder, sets: Item[]): void {
  const sorted = [...sets].sort(
    (a, b) =>
      Number(a.metadata.annotations?.['deployment.kubernetes.io/revision'] ?? 0) -
      Number(b.metadata.annotations?.['deployment.kubernetes.io/revision'] ?? 0),
  );
  sorted.forEach((rs, i) => {
    const hash = rs.metadata.labels?.['pod-template-hash'];
    if (hash && !rec.aliases.has(hash)) rec.alias(hash, `<hash-${i + 1}>`);
  });
}

function rsView(rs: Item): unknown {
  return {
    name: rs.metadata.name,
    labels: rs.metadata.labels,
    annotations: rs.metadata.annotations,
    owners: rs.metadata.ownerReferences,
    replicas: rs.spec?.replicas,
    selector: rs.spec?.selector,
    templateLabels: rs.spec?.template?.metadata?.labels,
  };
}

function podView(pods: Item[]): unknown {
  return pods
    .filter((p) => !p.metadata.deletionTimestamp)
    .map((p) => ({
      name: p.metadata.name.replace(/-[a-z0-9]{5}$/, '-<suffix>'),
      labels: p.metadata.labels,
      owners: p.metadata.ownerReferences,
    }))
    .sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1));
}

const deployment = (name: string, replicas: number): Record<string, unknown> => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name },
  spec: {
    replicas,
    selector: { matchLabels: { app: name } },
    template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'c', image: 'nginx:1.25' }] } },
  },
});

/** Deployment -> ReplicaSet -> Pods, scaling, a rollout, and garbage collection in all three modes. */
export const workloads: Scenario = {
  name: 'workloads',
  async run(t, rec) {
    const ns = t.ns('workloads');
    await createNamespace(t, ns);
    const deps = `/apis/apps/v1/namespaces/${ns}/deployments`;
    const rss = `/apis/apps/v1/namespaces/${ns}/replicasets`;
    const pods = `/api/v1/namespaces/${ns}/pods`;
    const active = async (selector: string): Promise<Item[]> =>
      (await list(t, `${pods}?labelSelector=${encodeURIComponent(selector)}`)).filter(
        (p) => !p.metadata.deletionTimestamp,
      );
    await call(t, 'POST', deps, { body: deployment('web', 2) });
    await until(t, '2 pods', async () => (await active('app=web')).length === 2);
    let sets = await list(t, rss);
    aliasReplicaSets(rec, sets);
    rec.record('replicaset', sets.map(rsView));
    rec.record('pods', podView(await active('app=web')));
    await call(t, 'PATCH', `${deps}/web/scale`, {
      body: { spec: { replicas: 4 } },
      contentType: 'application/merge-patch+json',
    });
    await until(t, '4 pods', async () => (await active('app=web')).length === 4);
    rec.record(
      'scaled up',
      (await list(t, rss)).map((rs) => rs.spec?.replicas),
    );
    await call(t, 'PATCH', `${deps}/web`, {
      body: { spec: { replicas: 1 } },
      contentType: 'application/merge-patch+json',
    });
    await until(t, '1 pod', async () => (await active('app=web')).length === 1);
    rec.record(
      'scaled down',
      (await list(t, rss)).map((rs) => rs.spec?.replicas),
    );
    await call(t, 'PATCH', `${deps}/web`, {
      body: { spec: { template: { spec: { containers: [{ name: 'c', image: 'nginx:1.26' }] } } } },
      contentType: 'application/strategic-merge-patch+json',
    });
    await until(t, 'a second ReplicaSet', async () => (await list(t, rss)).length === 2);
    await until(t, '2 pods during the rollout', async () => (await active('app=web')).length === 2);
    sets = await list(t, rss);
    aliasReplicaSets(rec, sets);
    rec.record(
      'rollout',
      sets.map(rsView).sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1)),
    );
    const dep = (await call(t, 'GET', `${deps}/web`)).body as Item;
    rec.record('deployment revision', dep.metadata.annotations?.['deployment.kubernetes.io/revision']);
    const reasons = (
      (await call(t, 'GET', `/api/v1/namespaces/${ns}/events`)).body as {
        items: { reason: string; involvedObject: { kind: string } }[];
      }
    ).items;
    rec.record('event reasons', [...new Set(reasons.map((e) => `${e.involvedObject.kind}:${e.reason}`))].sort());

    for (const [name, policy] of [
      ['bg', 'Background'],
      ['fg', 'Foreground'],
      ['orphan', 'Orphan'],
    ] as const) {
      await call(t, 'POST', deps, { body: deployment(name, 1) });
      await until(t, `${name} pod`, async () => (await active(`app=${name}`)).length === 1);
      const del = await call(t, 'DELETE', `${deps}/${name}`, { body: { propagationPolicy: policy } });
      rec.record(`delete ${policy}`, {
        status: del.status,
        finalizers: (del.body as Item).metadata?.['finalizers' as keyof Meta],
      });
      await until(t, `${name} deployment gone`, async () => (await call(t, 'GET', `${deps}/${name}`)).status === 404);
      if (policy === 'Orphan') {
        const left = (await list(t, rss)).filter((rs) => rs.metadata.labels?.['app'] === name);
        rec.record(
          'orphaned replicaset',
          left.map((rs) => ({ owners: rs.metadata.ownerReferences ?? [], replicas: rs.spec?.replicas })),
        );
        rec.record('orphaned pods', (await active(`app=${name}`)).length);
      } else {
        await until(
          t,
          `${name} dependents gone`,
          async () =>
            (await active(`app=${name}`)).length === 0 &&
            (await list(t, rss)).every((rs) => rs.metadata.labels?.['app'] !== name),
        );
        rec.record(`after ${policy}`, 'dependents deleted');
      }
    }
  },
};
