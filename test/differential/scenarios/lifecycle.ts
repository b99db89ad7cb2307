import { createNamespace } from './namespace.ts';
import { call } from '../target.ts';
import { pick, type Scenario } from '../scenario.ts';

const deployment = (replicas: number, image: string): Record<string, unknown> => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'd1', labels: { app: 'd1' } },
  spec: {
    replicas,
    paused: true,
    selector: { matchLabels: { app: 'd1' } },
    template: { metadata: { labels: { app: 'd1' } }, spec: { containers: [{ name: 'c', image }] } },
  },
});

/** Waits until the namespace controller has marked the held object for deletion. */
async function waitTerminatingContent(t: Parameters<Scenario['run']>[0], path: string): Promise<void> {
  for (let i = 0; i < 150; i++) {
    const r = await call(t, 'GET', path);
    if ((r.body as { metadata?: { deletionTimestamp?: string } }).metadata?.deletionTimestamp) return;
    await new Promise((res) => setTimeout(res, 200));
  }
}

async function waitGone(t: Parameters<Scenario['run']>[0], path: string): Promise<number> {
  for (let i = 0; i < 150; i++) {
    const r = await call(t, 'GET', path);
    if (r.status === 404) return 404;
    await new Promise((res) => setTimeout(res, 200));
  }
  return 200;
}

/** Generation, status separation, finalizers, graceful pod deletion and namespace deletion. */
export const lifecycle: Scenario = {
  name: 'lifecycle',
  async run(t, rec) {
    const ns = t.ns('life');
    await createNamespace(t, ns);
    const deps = `/apis/apps/v1/namespaces/${ns}/deployments`;
    const created = await call(t, 'POST', deps, { body: deployment(0, 'nginx:1') });
    rec.record('deployment-create', pick(created.body, 'metadata.generation', 'spec', 'status'));
    const labelled = await call(t, 'PATCH', `${deps}/d1`, {
      body: { metadata: { labels: { x: 'y' } } },
      contentType: 'application/merge-patch+json',
    });
    rec.record('label-keeps-generation', pick(labelled.body, 'metadata.generation', 'metadata.labels'));
    const respec = await call(t, 'PATCH', `${deps}/d1`, {
      body: { spec: { template: { spec: { containers: [{ name: 'c', image: 'nginx:2' }] } } } },
      contentType: 'application/strategic-merge-patch+json',
    });
    rec.record('spec-bumps-generation', pick(respec.body, 'metadata.generation', 'spec.template.spec.containers'));
    const statusPut = await call(t, 'PUT', `${deps}/d1/status`, {
      body: { ...deployment(5, 'ignored'), status: { replicas: 0, observedGeneration: 7 } },
    });
    rec.record(
      'status-put-keeps-spec',
      pick(
        statusPut.body,
        'metadata.generation',
        'spec.replicas',
        'spec.template.spec.containers',
        'status.observedGeneration',
      ),
    );
    const mainPut = await call(t, 'PUT', `${deps}/d1`, {
      body: {
        ...deployment(0, 'nginx:2'),
        metadata: { name: 'd1', labels: { app: 'd1' } },
        status: { observedGeneration: 99 },
      },
    });
    // The deployment controller may rewrite status at any time on both sides: check only that the
    // main resource ignored the status in the body.
    const observed = (mainPut.body as { status?: { observedGeneration?: number } }).status?.observedGeneration;
    rec.record('main-put-keeps-status', {
      ...pick(mainPut.body, 'metadata.generation'),
      statusFromBodyIgnored: observed !== 99,
    });
    rec.record(
      'scale-get',
      pick((await call(t, 'GET', `${deps}/d1/scale`)).body, 'kind', 'apiVersion', 'spec', 'status.selector'),
    );
    const scaled = await call(t, 'PATCH', `${deps}/d1/scale`, {
      body: { spec: { replicas: 0 } },
      contentType: 'application/merge-patch+json',
    });
    rec.record('scale-patch', pick(scaled.body, 'kind', 'spec'));

    const cms = `/api/v1/namespaces/${ns}/configmaps`;
    await call(t, 'POST', cms, { body: { metadata: { name: 'held', finalizers: ['example.com/hold'] } } });
    const del = await call(t, 'DELETE', `${cms}/held`);
    rec.record('delete-with-finalizer', {
      status: del.status,
      ...pick(del.body, 'kind', 'metadata.finalizers', 'metadata.deletionGracePeriodSeconds'),
    });
    const held = await call(t, 'GET', `${cms}/held`);
    rec.record('still-there', {
      status: held.status,
      terminating: Boolean((held.body as { metadata?: { deletionTimestamp?: string } }).metadata?.deletionTimestamp),
    });
    rec.record(
      'add-finalizer-while-deleting',
      await call(t, 'PATCH', `${cms}/held`, {
        body: { metadata: { finalizers: ['example.com/hold', 'example.com/more'] } },
        contentType: 'application/merge-patch+json',
      }),
    );
    const release = await call(t, 'PATCH', `${cms}/held`, {
      body: [{ op: 'remove', path: '/metadata/finalizers' }],
      contentType: 'application/json-patch+json',
    });
    rec.record('release-finalizer', { status: release.status, kind: (release.body as { kind?: string }).kind });
    rec.record('gone', (await call(t, 'GET', `${cms}/held`)).status);
    await call(t, 'POST', cms, { body: { metadata: { name: 'pre' } } });
    const current = await call(t, 'GET', `${cms}/pre`);
    const rvNow = (current.body as { metadata: { resourceVersion: string } }).metadata.resourceVersion;
    rec.record(
      'delete-precondition-uid',
      await call(t, 'DELETE', `${cms}/pre`, {
        body: { preconditions: { uid: '00000000-0000-0000-0000-000000000000' } },
      }),
    );
    rec.record(
      'delete-precondition-rv',
      await call(t, 'DELETE', `${cms}/pre`, { body: { preconditions: { resourceVersion: `${rvNow}0` } } }),
    );
    rec.record('delete-configmap', await call(t, 'DELETE', `${cms}/pre`));

    const pods = `/api/v1/namespaces/${ns}/pods`;
    await call(t, 'POST', pods, {
      body: { metadata: { name: 'bound' }, spec: { containers: [{ name: 'c', image: 'i' }] } },
    });
    rec.record(
      'bind',
      await call(t, 'POST', `${pods}/bound/binding`, {
        body: {
          apiVersion: 'v1',
          kind: 'Binding',
          metadata: { name: 'bound' },
          target: { apiVersion: 'v1', kind: 'Node', name: 'node-1' },
        },
      }),
    );
    rec.record(
      'bind-again',
      await call(t, 'POST', `${pods}/bound/binding`, {
        body: {
          apiVersion: 'v1',
          kind: 'Binding',
          metadata: { name: 'bound' },
          target: { apiVersion: 'v1', kind: 'Node', name: 'node-2' },
        },
      }),
    );
    const graceful = await call(t, 'DELETE', `${pods}/bound`);
    rec.record('graceful-delete', {
      status: graceful.status,
      ...pick(graceful.body, 'metadata.deletionGracePeriodSeconds', 'spec.nodeName'),
    });
    const forced = await call(t, 'DELETE', `${pods}/bound?gracePeriodSeconds=0`);
    rec.record('force-delete', { status: forced.status, kind: (forced.body as { kind?: string }).kind });
    rec.record('pod-gone', (await call(t, 'GET', `${pods}/bound`)).status);

    // Content with a finalizer holds the namespace in Terminating on both clusters.
    await call(t, 'POST', cms, { body: { metadata: { name: 'content', finalizers: ['example.com/hold'] } } });
    const nsDel = await call(t, 'DELETE', `/api/v1/namespaces/${ns}`);
    rec.record('namespace-delete', { status: nsDel.status, ...pick(nsDel.body, 'kind', 'spec', 'status.phase') });
    rec.record('create-in-terminating', await call(t, 'POST', cms, { body: { metadata: { name: 'late' } } }));
    await waitTerminatingContent(t, `${cms}/content`);
    await call(t, 'PATCH', `${cms}/content`, {
      body: [{ op: 'remove', path: '/metadata/finalizers' }],
      contentType: 'application/json-patch+json',
    });
    rec.record('namespace-gone', await waitGone(t, `/api/v1/namespaces/${ns}`));
  },
};
