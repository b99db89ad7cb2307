import { createNamespace } from './namespace.ts';
import { call } from '../target.ts';
import type { Scenario } from '../scenario.ts';
import { Kubectl, kubectl120Path } from '../../support/kubectl.ts';

/** kubectl's own output, ages and random suffixes masked, must read the same on both. */
function mask(text: string): string[] {
  return (
    text
      .split('\n')
      // Column widths follow the longest cell (an IP, an age): compared with single spaces.
      .map((l) =>
        l
          .replace(/ {2,}/g, '  ')
          .replace(/\b\d+(s|m|h|d)(\d+(s|m|h))?\b/g, '<age>')
          .replace(/-[bcdfghjklmnpqrstvwxz2456789]{5}\b/g, '-<suffix>')
          .replace(/\s+$/, ''),
      )
      .filter((l) => l !== '')
  );
}

/** The same kubectl session with the machine's kubectl and with kubectl 1.20; 1.20 also validates manifests from /openapi/v2. */
function kubectlSession(name: string, nsBase: string, bin: () => Promise<string | undefined>): Scenario {
  return {
    name,
    async run(t, rec) {
      const ns = t.ns(nsBase);
      await createNamespace(t, ns);
      const path = await bin();
      const k = await Kubectl.forKubeconfig(kubeconfigOf(t), path);
      await k.ok(['create', 'configmap', 'settings', '-n', ns, '--from-literal=a=1', '--from-literal=b=2']);
      await k.ok(['create', 'service', 'clusterip', 'web', '-n', ns, '--tcp=80:8080']);
      await call(t, 'POST', `/api/v1/namespaces/${ns}/pods`, {
        body: {
          metadata: { name: 'p', labels: { app: 'web' } },
          spec: { containers: [{ name: 'c', image: 'nginx:1.25' }] },
        },
      });
      rec.record(
        'get configmaps',
        mask(await k.ok(['get', 'configmaps', '-n', ns, '--field-selector=metadata.name=settings'])),
      );
      rec.record('get pods wide', mask(await k.ok(['get', 'pods', '-n', ns, '-o', 'wide'])));
      rec.record(
        'get service',
        mask(await k.ok(['get', 'svc', 'web', '-n', ns])).map((l) => l.replace(/10\.\d+\.\d+\.\d+/, '<ip>')),
      );
      // describe walks the data map in Go's random map order: compared as a sorted set of lines.
      rec.record('describe configmap', mask(await k.ok(['describe', 'configmap', 'settings', '-n', ns])).sort());
      rec.record('label and annotate', [
        await k.ok(['label', 'cm', 'settings', '-n', ns, 'tier=x']),
        await k.ok(['annotate', 'cm', 'settings', '-n', ns, 'note=y']),
      ]);
      rec.record('get missing', (await k.run(['get', 'configmap', 'nope', '-n', ns])).stderr.trim());
      rec.record('delete', await k.ok(['delete', 'configmap', 'settings', '-n', ns]));
      if (path === undefined) return;
      // kubectl 1.20 reads /openapi/v2 for apply's validation and patches and for explain.
      const deployment =
        `apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web, namespace: ${ns}}\nspec:\n  selector: {matchLabels: {app: web}}\n` +
        '  template:\n    metadata: {labels: {app: web}}\n    spec:\n      containers: [{name: web, image: nginx:1.25}]\n';
      rec.record('apply', await k.run(['apply', '-f', '-'], { stdin: deployment }));
      rec.record('apply again', await k.run(['apply', '-f', '-'], { stdin: deployment }));
      rec.record(
        'apply changed',
        await k.run(['apply', '-f', '-'], { stdin: deployment.replace('nginx:1.25', 'nginx:1.26') }),
      );
      rec.record(
        'apply unknown field',
        await k.run(['apply', '-f', '-'], {
          stdin: `apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: typo, namespace: ${ns}}\nspec: {replicaz: 1}\n`,
        }),
      );
      rec.record(
        'apply wrong type',
        await k.run(['apply', '-f', '-'], {
          stdin: `apiVersion: v1\nkind: Service\nmetadata: {name: bad, namespace: ${ns}}\nspec: {ports: [{port: "eighty"}]}\n`,
        }),
      );
      rec.record('explain', await k.run(['explain', 'deployment.spec.strategy']));
      rec.record('explain recursive', await k.run(['explain', 'pod.spec.containers.resources', '--recursive']));
    },
  };
}

export const kubectlScenario = kubectlSession('kubectl', 'kubectl', async () => undefined);
export const kubectl120Scenario = kubectlSession('kubectl 1.20', 'kubectl120', kubectl120Path);

function kubeconfigOf(t: Parameters<Scenario['run']>[0]): string {
  return `apiVersion: v1
kind: Config
clusters: [{name: c, cluster: {server: "${t.server}", certificate-authority-data: "${Buffer.from(t.ca).toString('base64')}"}}]
users: [{name: u, user: {token: "${t.token}"}}]
contexts: [{name: c, context: {cluster: c, user: u}}]
current-context: c
`;
}
