import { createNamespace } from './namespace.ts';
import { call, type Target } from '../target.ts';
import type { Scenario } from '../scenario.ts';

interface Address {
  ip: string;
  nodeName?: string;
  targetRef?: { kind: string; name: string };
}
interface Subset {
  addresses?: Address[];
  notReadyAddresses?: Address[];
  ports?: unknown[];
}

async function endpoints(t: Target, path: string, want: (s: Subset[]) => boolean): Promise<Subset[]> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const r = await call(t, 'GET', path);
    const subsets = (r.body as { subsets?: Subset[] }).subsets ?? [];
    if (r.status === 200 && want(subsets)) return subsets;
    if (Date.now() > deadline) return subsets;
    await new Promise((res) => setTimeout(res, 150));
  }
}

const view = (s: Subset[]): unknown =>
  s.map((x) => ({
    ready: (x.addresses ?? []).map(
      (a) => `${a.ip} ${a.nodeName ?? ''} ${a.targetRef?.kind ?? ''}/${a.targetRef?.name ?? ''}`,
    ),
    notReady: (x.notReadyAddresses ?? []).map((a) => `${a.ip} ${a.targetRef?.name ?? ''}`),
    // Real Endpoints order ports by an internal hash: meaningless, so compared sorted.
    ports: [...(x.ports ?? [])].sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1)),
  }));

/** Endpoints follow a Service's selector and pod readiness; the harness plays scheduler and kubelet. */
export const endpointsScenario: Scenario = {
  name: 'endpoints',
  async run(t, rec) {
    const ns = t.ns('endpoints');
    await createNamespace(t, ns);
    const pods = `/api/v1/namespaces/${ns}/pods`;
    await call(t, 'POST', `/api/v1/namespaces/${ns}/services`, {
      body: {
        metadata: { name: 'web' },
        spec: {
          selector: { app: 'web' },
          ports: [
            { name: 'http', port: 80, targetPort: 'http' },
            { name: 'metrics', port: 9090 },
          ],
        },
      },
    });
    for (const [i, ready] of [
      [1, 'True'],
      [2, 'False'],
    ] as const) {
      const name = `web-${i}`;
      await call(t, 'POST', pods, {
        body: {
          metadata: { name, labels: { app: 'web' } },
          spec: { containers: [{ name: 'c', image: 'i', ports: [{ name: 'http', containerPort: 8080 }] }] },
        },
      });
      await call(t, 'POST', `${pods}/${name}/binding`, {
        body: { apiVersion: 'v1', kind: 'Binding', metadata: { name }, target: { kind: 'Node', name: 'node-a' } },
      });
      await call(t, 'PATCH', `${pods}/${name}/status`, {
        body: {
          status: {
            phase: 'Running',
            podIP: `192.0.2.${i}`,
            podIPs: [{ ip: `192.0.2.${i}` }],
            conditions: [{ type: 'Ready', status: ready }],
          },
        },
        contentType: 'application/strategic-merge-patch+json',
      });
    }
    const path = `/api/v1/namespaces/${ns}/endpoints/web`;
    rec.record(
      'one ready, one not',
      view(
        await endpoints(
          t,
          path,
          (s) => (s[0]?.addresses?.length ?? 0) === 1 && (s[0]?.notReadyAddresses?.length ?? 0) === 1,
        ),
      ),
    );
    await call(t, 'PATCH', `${pods}/web-2/status`, {
      body: { status: { conditions: [{ type: 'Ready', status: 'True' }] } },
      contentType: 'application/strategic-merge-patch+json',
    });
    rec.record('both ready', view(await endpoints(t, path, (s) => (s[0]?.addresses?.length ?? 0) === 2)));
    await call(t, 'DELETE', `${pods}/web-1?gracePeriodSeconds=0`);
    rec.record(
      'one deleted',
      view(await endpoints(t, path, (s) => (s[0]?.addresses?.length ?? 0) === 1 && !s[0]?.notReadyAddresses)),
    );
    await call(t, 'PATCH', `/api/v1/namespaces/${ns}/services/web`, {
      body: { spec: { selector: { app: 'none' } } },
      contentType: 'application/merge-patch+json',
    });
    rec.record('selector matches nothing', view(await endpoints(t, path, (s) => s.length === 0)));
  },
};
