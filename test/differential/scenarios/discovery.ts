import { call } from '../target.ts';
import type { Scenario } from '../scenario.ts';

interface ResourceEntry {
  name: string;
  [k: string]: unknown;
}
interface GroupEntry {
  name: string;
  versions: { version: string }[];
  preferredVersion?: { version: string };
}

/** Groups the sim and kube-apiserver 1.20 both serve. */
const BOTH = [
  'apiregistration.k8s.io',
  'apps',
  'events.k8s.io',
  'authentication.k8s.io',
  'authorization.k8s.io',
  'autoscaling',
  'batch',
  'policy',
  'rbac.authorization.k8s.io',
  'coordination.k8s.io',
  'discovery.k8s.io',
];

/**
 * The complete discovery documents: every group either side lists, every version, every resource. Entries
 * are keyed by name (group, version, resource) so that what one side does not serve is one difference
 * that names it, which the allowlist explains entry by entry.
 */
export const discovery: Scenario = {
  name: 'discovery',
  async run(t, rec) {
    const api = (await call(t, 'GET', '/api')).body as { serverAddressByClientCIDRs?: unknown[] };
    rec.record('api', { ...api, serverAddressByClientCIDRs: api.serverAddressByClientCIDRs?.length });
    const list = (await call(t, 'GET', '/apis')).body as { kind?: string; apiVersion?: string; groups?: GroupEntry[] };
    const groups: Record<string, unknown> = {};
    const all: GroupEntry[] = [
      { name: 'core', versions: [{ version: 'v1' }], preferredVersion: { version: 'v1' } },
      ...(list.groups ?? []),
    ];
    for (const g of all) {
      const resources: Record<string, unknown> = {};
      for (const { version } of g.versions) {
        const path = g.name === 'core' ? `/api/${version}` : `/apis/${g.name}/${version}`;
        const r = await call(t, 'GET', path);
        const body = r.body as { resources?: ResourceEntry[]; [k: string]: unknown };
        const byName: Record<string, unknown> = {};
        for (const e of body.resources ?? []) byName[e.name] = e;
        const names = (body.resources ?? []).map((e) => e.name);
        // kube-apiserver lists resources sorted by name.
        resources[version] = {
          status: r.status,
          kind: body['kind'],
          apiVersion: body['apiVersion'],
          groupVersion: body['groupVersion'],
          sortedByName: names.join() === [...names].sort().join(),
          resources: byName,
        };
      }
      groups[g.name] = {
        versions: g.versions.map((v) => v.version).join(','),
        preferredVersion: g.preferredVersion?.version,
        resources,
      };
    }
    // Group order decides which group an ambiguous name (events) resolves to: compared over the groups both serve.
    const order = (list.groups ?? [])
      .map((g) => g.name)
      .filter((g) => BOTH.includes(g))
      .join(',');
    rec.record('apis', { kind: list.kind, apiVersion: list.apiVersion, order, groups });
    for (const g of ['apps', 'batch']) rec.record(`group ${g}`, await call(t, 'GET', `/apis/${g}`));
    rec.record('version keys', Object.keys((await call(t, 'GET', '/version')).body as object).sort());
  },
};
