import { CoreV1Api, PatchStrategy, Watch, setHeaderOptions, ApiException } from '@kubernetes/client-node';
import { createNamespace } from './namespace.ts';
import { pick, type Scenario } from '../scenario.ts';

/** The same operations through @kubernetes/client-node's typed API and Watch, as Kubeloop uses them. */
export const clientNode: Scenario = {
  name: 'client-node',
  async run(t, rec) {
    const ns = t.ns('client-node');
    await createNamespace(t, ns);
    const core = t.kc.makeApiClient(CoreV1Api);
    const created = await core.createNamespacedConfigMap({
      namespace: ns,
      body: { metadata: { name: 'typed', labels: { a: '1' } }, data: { k: 'v' } },
    });
    rec.record('create', pick(created, 'metadata.name', 'metadata.labels', 'data'));
    const patched = await core.patchNamespacedConfigMap(
      { namespace: ns, name: 'typed', body: { data: { k2: 'v2' } } },
      setHeaderOptions('Content-Type', PatchStrategy.StrategicMergePatch),
    );
    rec.record('strategic patch', patched.data);
    const listed = await core.listNamespacedConfigMap({ namespace: ns, labelSelector: 'a=1' });
    rec.record(
      'list',
      listed.items.map((i) => i.metadata?.name),
    );
    const events: string[] = [];
    const watch = new Watch(t.kc);
    const done = new Promise<void>((resolve) => {
      void watch.watch(
        `/api/v1/namespaces/${ns}/configmaps`,
        { resourceVersion: listed.metadata?.resourceVersion, labelSelector: 'a=1' },
        (type, obj: { metadata: { name: string } }) => {
          events.push(`${type} ${obj.metadata.name}`);
          if (type === 'DELETED') resolve();
        },
        () => resolve(),
      );
    });
    await core.deleteNamespacedConfigMap({ namespace: ns, name: 'typed' });
    await done;
    rec.record('watch', events);
    try {
      await core.readNamespacedConfigMap({ namespace: ns, name: 'typed' });
      rec.record('read deleted', 'found');
    } catch (err) {
      rec.record(
        'read deleted',
        err instanceof ApiException ? { code: err.code, body: JSON.parse(String(err.body)) as unknown } : String(err),
      );
    }
  },
};
