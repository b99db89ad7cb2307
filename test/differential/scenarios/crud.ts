import { createNamespace } from './namespace.ts';
import { call } from '../target.ts';
import type { Scenario } from '../scenario.ts';

const cm = (
  name: string,
  data: Record<string, string>,
  labels: Record<string, string> = {},
): Record<string, unknown> => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, labels },
  data,
});

const pod = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'p1', labels: { app: 'web' }, annotations: { note: 'x' } },
  spec: {
    containers: [
      {
        name: 'web',
        image: 'nginx:1.25',
        ports: [{ containerPort: 80 }],
        env: [{ name: 'A', value: '1' }],
        resources: { limits: { cpu: '500m', memory: '128Mi' } },
      },
      { name: 'side', image: 'busybox', args: ['sleep', '3600'] },
    ],
  },
};

/** create/get/update/patch/delete with all patch types, and the defaults a real server fills. */
export const crud: Scenario = {
  name: 'crud',
  async run(t, rec) {
    const ns = t.ns('crud');
    const base = `/api/v1/namespaces/${ns}/configmaps`;
    await createNamespace(t, ns);
    rec.record('create', await call(t, 'POST', base, { body: cm('c1', { a: '1' }, { tier: 'x' }) }));
    const got = await call(t, 'GET', `${base}/c1`);
    rec.record('get', got);
    const current = got.body as Record<string, unknown>;
    rec.record('update', await call(t, 'PUT', `${base}/c1`, { body: { ...current, data: { a: '2' } } }));
    rec.record('update-stale', await call(t, 'PUT', `${base}/c1`, { body: { ...current, data: { a: '3' } } }));
    rec.record(
      'update-unconditional',
      await call(t, 'PUT', `${base}/c1`, { body: { ...current, metadata: { name: 'c1' }, data: { a: '4' } } }),
    );
    rec.record(
      'update-noop',
      await call(t, 'PUT', `${base}/c1`, {
        body: { metadata: { name: 'c1', labels: { tier: 'x' } }, data: { a: '4' } },
      }),
    );
    rec.record(
      'merge-patch',
      await call(t, 'PATCH', `${base}/c1`, {
        body: { data: { b: '2' }, metadata: { labels: { tier: null, extra: 'y' } } },
        contentType: 'application/merge-patch+json',
      }),
    );
    rec.record(
      'json-patch',
      await call(t, 'PATCH', `${base}/c1`, {
        body: [
          { op: 'add', path: '/data/c', value: '3' },
          { op: 'remove', path: '/data/a' },
        ],
        contentType: 'application/json-patch+json',
      }),
    );
    rec.record(
      'json-patch-test-fails',
      await call(t, 'PATCH', `${base}/c1`, {
        body: [{ op: 'test', path: '/data/b', value: 'nope' }],
        contentType: 'application/json-patch+json',
      }),
    );
    rec.record(
      'json-patch-missing-path',
      await call(t, 'PATCH', `${base}/c1`, {
        body: [{ op: 'remove', path: '/data/zzz' }],
        contentType: 'application/json-patch+json',
      }),
    );
    rec.record(
      'strategic-patch-configmap',
      await call(t, 'PATCH', `${base}/c1`, {
        body: { data: { d: '4' } },
        contentType: 'application/strategic-merge-patch+json',
      }),
    );
    rec.record(
      'generate-name',
      await call(t, 'POST', base, { body: { metadata: { generateName: 'gen-' }, data: {} } }).then((r) => {
        const name = (r.body as { metadata?: { name?: string } }).metadata?.name;
        if (name) rec.alias(name, 'gen-<suffix>');
        return r;
      }),
    );
    rec.record('delete', await call(t, 'DELETE', `${base}/c1`));
    rec.record('get-deleted', await call(t, 'GET', `${base}/c1`));

    const pods = `/api/v1/namespaces/${ns}/pods`;
    rec.record('pod-create', await call(t, 'POST', pods, { body: pod }));
    rec.record(
      'pod-strategic',
      await call(t, 'PATCH', `${pods}/p1`, {
        body: { spec: { containers: [{ name: 'web', image: 'nginx:1.26', env: [{ name: 'B', value: '2' }] }] } },
        contentType: 'application/strategic-merge-patch+json',
      }),
    );
    rec.record(
      'pod-strategic-delete-env',
      await call(t, 'PATCH', `${pods}/p1`, {
        body: { spec: { containers: [{ name: 'web', env: [{ name: 'A', $patch: 'delete' }] }] } },
        contentType: 'application/strategic-merge-patch+json',
      }),
    );
    rec.record(
      'pod-forbidden-update',
      await call(t, 'PATCH', `${pods}/p1`, {
        body: { spec: { restartPolicy: 'Never' } },
        contentType: 'application/merge-patch+json',
      }),
    );
    rec.record(
      'pod-status-patch',
      await call(t, 'PATCH', `${pods}/p1/status`, {
        body: {
          status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'False' }] },
          spec: { restartPolicy: 'Never' },
        },
        contentType: 'application/merge-patch+json',
      }),
    );
    rec.record('pod-delete', await call(t, 'DELETE', `${pods}/p1`));
  },
};
