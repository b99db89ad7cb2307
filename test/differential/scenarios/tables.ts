import { createNamespace } from './namespace.ts';
import { call } from '../target.ts';
import type { Scenario } from '../scenario.ts';

const TABLE =
  'application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json';

function columns(body: unknown): unknown {
  const b = body as {
    columnDefinitions?: { name: string; type: string; format: string; priority: number }[];
    rows?: { cells: unknown[]; object?: { kind?: string } }[];
  };
  return {
    columns: (b.columnDefinitions ?? []).map((c) => `${c.name}:${c.type}:${c.format}:${c.priority}`),
    rows: (b.rows ?? []).map((r) => ({
      cells: r.cells.map((c) => (typeof c === 'string' && /^\d+(s|m|h|d)/.test(c) ? '<age>' : c)),
      objectKind: r.object?.kind,
    })),
  };
}

/** The Table kubectl get receives, for the kinds both serve with the same columns. */
export const tables: Scenario = {
  name: 'tables',
  async run(t, rec) {
    const ns = t.ns('tables');
    await createNamespace(t, ns);
    await call(t, 'POST', `/api/v1/namespaces/${ns}/configmaps`, {
      body: { metadata: { name: 'c' }, data: { a: '1', b: '2' } },
    });
    await call(t, 'POST', `/api/v1/namespaces/${ns}/pods`, {
      body: {
        metadata: { name: 'p' },
        spec: {
          containers: [
            { name: 'c', image: 'i' },
            { name: 'd', image: 'i' },
          ],
        },
      },
    });
    await call(t, 'POST', `/api/v1/namespaces/${ns}/services`, {
      body: { metadata: { name: 's' }, spec: { selector: { app: 'x' }, ports: [{ port: 80, targetPort: 8080 }] } },
    });
    await call(t, 'POST', `/api/v1/namespaces/${ns}/secrets`, {
      body: { metadata: { name: 'sec' }, type: 'Opaque', data: { k: 'dg==' } },
    });
    // Token Secrets exist only on 1.20 (1.24+ stopped creating them): left out of the comparison.
    for (const [label, path] of [
      ['configmaps', 'configmaps'],
      ['pods', 'pods'],
      ['services', 'services'],
      ['secrets', 'secrets?fieldSelector=type%21%3Dkubernetes.io%2Fservice-account-token'],
    ] as const) {
      rec.record(label, columns((await call(t, 'GET', `/api/v1/namespaces/${ns}/${path}`, { accept: TABLE })).body));
    }
    rec.record(
      'single pod',
      columns((await call(t, 'GET', `/api/v1/namespaces/${ns}/pods/p`, { accept: TABLE })).body),
    );
    rec.record(
      'namespaces',
      columns((await call(t, 'GET', `/api/v1/namespaces?fieldSelector=metadata.name%3D${ns}`, { accept: TABLE })).body),
    );
  },
};
