import { createNamespace } from './namespace.ts';
import { call, type Reply, type Target } from '../target.ts';
import type { Scenario } from '../scenario.ts';
import { Kubectl } from '../../support/kubectl.ts';

const APPLY = 'application/apply-patch+yaml';

const cmYaml = (name: string, data: Record<string, string>, labels: Record<string, string> = {}): string =>
  [
    'apiVersion: v1',
    'kind: ConfigMap',
    'metadata:',
    `  name: ${name}`,
    ...(Object.keys(labels).length > 0
      ? ['  labels:', ...Object.entries(labels).map(([k, v]) => `    ${k}: "${v}"`)]
      : []),
    'data:',
    ...Object.entries(data).map(([k, v]) => `  ${k}: "${v}"`),
  ].join('\n') + '\n';

const deployment = (replicas: number, image: string, extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'd1' },
  spec: {
    replicas,
    selector: { matchLabels: { app: 'd1' } },
    template: {
      metadata: { labels: { app: 'd1' } },
      spec: { containers: [{ name: 'c', image, ports: [{ containerPort: 80 }], ...extra }] },
    },
  },
});

function apply(t: Target, path: string, body: string, query: string): Promise<Reply> {
  return call(t, 'PATCH', `${path}${query}`, { rawBody: body, contentType: APPLY });
}

/**
 * The ownership a reply reports, with the object's data when it has some. The deployment
 * controller's own entry is left out: it follows the controller's progress, which the real one
 * makes asynchronously (the workloads scenario compares the controller's writes).
 */
function owners(r: Reply): unknown {
  const b = r.body as {
    kind?: string;
    metadata?: { managedFields?: { manager?: string }[]; labels?: unknown };
    data?: unknown;
    spec?: unknown;
  };
  if (b.kind === 'Status') return r;
  const managedFields = b.metadata?.managedFields?.filter((e) => e.manager !== 'kube-controller-manager');
  return { status: r.status, managedFields, labels: b.metadata?.labels, data: b.data, spec: b.spec };
}

/**
 * Field ownership and server-side apply: managedFields of Update writes by several managers,
 * apply creating and merging, conflicts (409) with Apply and Update managers, force, removal of
 * fields a manager stopped applying, the option checks, and kubectl's --server-side.
 */
export const ssa: Scenario = {
  name: 'ssa',
  async run(t, rec) {
    const ns = t.ns('ssa');
    await createNamespace(t, ns);
    const cms = `/api/v1/namespaces/${ns}/configmaps`;
    rec.record(
      'create with fieldManager',
      owners(
        await call(t, 'POST', `${cms}?fieldManager=creator`, {
          body: { metadata: { name: 'c1', labels: { a: 'b' } }, data: { a: '1' } },
        }),
      ),
    );
    rec.record(
      'update by another manager',
      owners(
        await call(t, 'PUT', `${cms}/c1?fieldManager=editor`, {
          body: { metadata: { name: 'c1', labels: { a: 'b', c: 'd' } }, data: { a: '2', b: '1' } },
        }),
      ),
    );
    rec.record(
      'merge patch removes a label',
      owners(
        await call(t, 'PATCH', `${cms}/c1?fieldManager=patcher`, {
          body: { metadata: { labels: { a: null } }, data: { z: '9' } },
          contentType: 'application/merge-patch+json',
        }),
      ),
    );
    rec.record(
      'update that changes nothing',
      owners(
        await call(t, 'PUT', `${cms}/c1?fieldManager=nobody`, {
          body: { metadata: { name: 'c1', labels: { c: 'd' } }, data: { a: '2', b: '1', z: '9' } },
        }),
      ),
    );
    rec.record('apply without fieldManager', await apply(t, `${cms}/a1`, cmYaml('a1', { k: 'v' }), ''));
    rec.record(
      'force on a merge patch',
      await call(t, 'PATCH', `${cms}/c1?force=true`, { body: {}, contentType: 'application/merge-patch+json' }),
    );
    rec.record(
      'apply creates',
      owners(await apply(t, `${cms}/a1`, cmYaml('a1', { k: 'v', k2: 'v2' }, { x: '1' }), '?fieldManager=m1')),
    );
    rec.record(
      'apply again, same config',
      owners(await apply(t, `${cms}/a1`, cmYaml('a1', { k: 'v', k2: 'v2' }, { x: '1' }), '?fieldManager=m1')),
    );
    rec.record(
      'apply conflicts twice',
      await apply(t, `${cms}/a1`, cmYaml('a1', { k: 'other', k2: 'other' }), '?fieldManager=m2'),
    );
    rec.record(
      'apply conflicts once',
      await apply(t, `${cms}/a1`, cmYaml('a1', { k: 'v', k2: 'other' }), '?fieldManager=m2'),
    );
    rec.record(
      'apply shares a field',
      owners(await apply(t, `${cms}/a1`, cmYaml('a1', { k: 'v', n: 'new' }), '?fieldManager=m2')),
    );
    rec.record(
      'apply forced',
      owners(await apply(t, `${cms}/a1`, cmYaml('a1', { k: 'v', k2: 'forced' }), '?fieldManager=m2&force=true')),
    );
    rec.record('apply drops fields', owners(await apply(t, `${cms}/a1`, cmYaml('a1', { k: 'v' }), '?fieldManager=m1')));
    rec.record(
      'update takes a field',
      owners(
        await call(t, 'PATCH', `${cms}/a1?fieldManager=editor`, {
          body: { data: { k: 'edited' } },
          contentType: 'application/merge-patch+json',
        }),
      ),
    );
    rec.record(
      'apply conflicts with an update manager',
      await apply(t, `${cms}/a1`, cmYaml('a1', { k: 'v' }), '?fieldManager=m1'),
    );
    rec.record(
      'apply dry run',
      owners(await apply(t, `${cms}/a1`, cmYaml('a1', { k: 'dry' }), '?fieldManager=m1&force=true&dryRun=All')),
    );
    rec.record(
      'apply wrong name',
      await apply(t, `${cms}/a1`, cmYaml('other', { k: 'v' }), '?fieldManager=m1&force=true'),
    );
    rec.record(
      'reset managedFields',
      owners(
        await call(t, 'PATCH', `${cms}/a1`, {
          body: { metadata: { managedFields: [{}] } },
          contentType: 'application/merge-patch+json',
        }),
      ),
    );
    rec.record(
      'list',
      (
        (await call(t, 'GET', cms)).body as { items: { metadata: { name: string; managedFields?: unknown } }[] }
      ).items.map((i) => [i.metadata.name, i.metadata.managedFields]),
    );

    const deps = `/apis/apps/v1/namespaces/${ns}/deployments`;
    rec.record(
      'apply creates a deployment',
      owners(await apply(t, `${deps}/d1`, JSON.stringify(deployment(2, 'nginx:1.25')), '?fieldManager=m1')),
    );
    rec.record(
      'deployment conflicts',
      await apply(t, `${deps}/d1`, JSON.stringify(deployment(3, 'nginx:1.26')), '?fieldManager=m2'),
    );
    rec.record(
      'deployment forced',
      owners(
        await apply(
          t,
          `${deps}/d1`,
          JSON.stringify(deployment(3, 'nginx:1.26', { env: [{ name: 'A', value: '1' }] })),
          '?fieldManager=m2&force=true',
        ),
      ),
    );
    rec.record(
      'scale by update',
      owners(
        await call(t, 'PATCH', `${deps}/d1?fieldManager=scaler`, {
          body: { spec: { replicas: 5 } },
          contentType: 'application/strategic-merge-patch+json',
        }),
      ),
    );

    // kubectl's own server-side apply, conflict and --force-conflicts.
    const k = await Kubectl.forKubeconfig(kubeconfigOf(t));
    const manifest = cmYaml('k1', { a: '1' });
    rec.record(
      'kubectl apply --server-side',
      (await k.run(['apply', '--server-side', '-n', ns, '-f', '-'], { stdin: manifest })).stdout.trim(),
    );
    await k.ok(['patch', 'cm', 'k1', '-n', ns, '--type=merge', '-p', '{"data":{"a":"2"}}']);
    const clash = await k.run(['apply', '--server-side', '-n', ns, '-f', '-'], { stdin: manifest });
    rec.record('kubectl apply conflict', {
      code: clash.code,
      stderr: clash.stderr.trim().replace(/ at \d{4}-\d\d-\d\dT[\d:]+Z/g, ' at <time>'),
    });
    rec.record(
      'kubectl --force-conflicts',
      (
        await k.run(['apply', '--server-side', '--force-conflicts', '-n', ns, '-f', '-'], { stdin: manifest })
      ).stdout.trim(),
    );
    const shown = await k.ok(['get', 'cm', 'k1', '-n', ns, '-o', 'yaml', '--show-managed-fields']);
    rec.record(
      'kubectl --show-managed-fields',
      shown
        .split('\n')
        .filter((l) => /manager:|operation:|f:/.test(l))
        .map((l) => l.trimEnd()),
    );
    const hidden = await k.ok(['get', 'cm', 'k1', '-n', ns, '-o', 'yaml']);
    rec.record('kubectl hides managedFields', hidden.includes('managedFields'));
  },
};

function kubeconfigOf(t: Target): string {
  return `apiVersion: v1
kind: Config
clusters: [{name: c, cluster: {server: "${t.server}", certificate-authority-data: "${Buffer.from(t.ca).toString('base64')}"}}]
users: [{name: u, user: {token: "${t.token}"}}]
contexts: [{name: c, context: {cluster: c, user: u}}]
current-context: c
`;
}
