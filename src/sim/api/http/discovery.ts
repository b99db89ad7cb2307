import type { ResourceDef, ResourceRegistry, Subresource } from '../registry.ts';
import type { RemoteVersion } from '../aggregator/api-services.ts';

/** Group/versions served by extension API servers, preferred version first. */
type RemoteGroups = Map<string, RemoteVersion[]>;

/** The version the sim reports: recent enough for autoscaling/v2, policy/v1 and batch/v1 CronJobs. */
export const SIM_VERSION = {
  major: '1',
  minor: '32',
  gitVersion: 'v1.32.0+kubeloop-sim',
  gitCommit: '0000000000000000000000000000000000000000',
  gitTreeState: 'clean',
  buildDate: '2026-01-01T00:00:00Z',
  goVersion: 'go1.23.0',
  compiler: 'gc',
  platform: 'linux/amd64',
};

interface SubresourceEntry {
  kind: string;
  verbs: string[];
  group?: string;
  version?: string;
}

const SUBRESOURCES: Record<Subresource, (def: ResourceDef) => SubresourceEntry> = {
  status: (def) => ({ kind: def.kind, verbs: ['get', 'patch', 'update'] }),
  scale: () => ({ kind: 'Scale', verbs: ['get', 'patch', 'update'], group: 'autoscaling', version: 'v1' }),
  log: () => ({ kind: 'Pod', verbs: ['get'] }),
  exec: () => ({ kind: 'PodExecOptions', verbs: ['create', 'get'] }),
  eviction: () => ({ kind: 'Eviction', verbs: ['create'], group: 'policy', version: 'v1' }),
  binding: () => ({ kind: 'Binding', verbs: ['create'] }),
};

export function apiVersions(serverAddress: string): Record<string, unknown> {
  return {
    kind: 'APIVersions',
    versions: ['v1'],
    serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }],
  };
}

function groupEntry(name: string, versions: string[]): Record<string, unknown> {
  const list = versions.map((v) => ({ groupVersion: `${name}/${v}`, version: v }));
  return { name, versions: list, preferredVersion: list[0] };
}

/**
 * The order kube-apiserver lists its built-in groups in (the APIService group priorities of
 * pkg/controlplane); clients resolve an ambiguous resource name (events) by it. Other groups follow in
 * registration order, as APIServices with a lower priority (metrics-server's) do.
 */
const GROUP_ORDER = [
  'apiregistration.k8s.io',
  'apps',
  'events.k8s.io',
  'authentication.k8s.io',
  'authorization.k8s.io',
  'autoscaling',
  'batch',
  'certificates.k8s.io',
  'networking.k8s.io',
  'policy',
  'rbac.authorization.k8s.io',
  'storage.k8s.io',
  'admissionregistration.k8s.io',
  'apiextensions.k8s.io',
  'scheduling.k8s.io',
  'coordination.k8s.io',
  'node.k8s.io',
  'discovery.k8s.io',
  'flowcontrol.apiserver.k8s.io',
];

function rank(group: string): number {
  const i = GROUP_ORDER.indexOf(group);
  return i < 0 ? GROUP_ORDER.length : i;
}

export function apiGroupList(registry: ResourceRegistry, remote: RemoteGroups = new Map()): Record<string, unknown> {
  const local = registry.groups();
  const names = [...local.keys()].filter((g) => g !== '');
  for (const g of remote.keys()) if (!local.has(g)) names.push(g);
  // A stable sort: groups of equal rank keep their registration order.
  const ordered = names
    .map((g, i) => ({ g, i }))
    .sort((a, b) => rank(a.g) - rank(b.g) || a.i - b.i)
    .map((e) => e.g);
  const groups = ordered.map((g) => groupEntry(g, local.get(g) ?? remote.get(g)?.map((r) => r.version) ?? []));
  return { kind: 'APIGroupList', apiVersion: 'v1', groups };
}

export function apiGroup(
  registry: ResourceRegistry,
  group: string,
  remote: RemoteGroups = new Map(),
): Record<string, unknown> | undefined {
  const versions = registry.groups().get(group) ?? remote.get(group)?.map((r) => r.version);
  if (!versions || group === '') return undefined;
  return { kind: 'APIGroup', apiVersion: 'v1', ...groupEntry(group, versions) };
}

export function apiResourceList(
  registry: ResourceRegistry,
  group: string,
  version: string,
): Record<string, unknown> | undefined {
  const defs = registry.inGroupVersion(group, version);
  if (defs.length === 0) return undefined;
  const resources: Record<string, unknown>[] = [];
  for (const def of defs) {
    resources.push(
      stripEmpty({
        name: def.resource,
        singularName: def.singular,
        namespaced: def.namespaced,
        kind: def.kind,
        verbs: [...def.verbs].sort(),
        shortNames: def.shortNames.length > 0 ? def.shortNames : undefined,
        categories: def.categories.length > 0 ? def.categories : undefined,
      }),
    );
    for (const sub of def.subresources) {
      const e = SUBRESOURCES[sub](def);
      resources.push(
        stripEmpty({
          name: `${def.resource}/${sub}`,
          singularName: '',
          namespaced: def.namespaced,
          group: e.group,
          version: e.version,
          kind: e.kind,
          verbs: e.verbs,
        }),
      );
    }
  }
  // kube-apiserver lists resources and their subresources sorted by name.
  resources.sort((a, b) => (String(a['name']) < String(b['name']) ? -1 : 1));
  const groupVersion = group === '' ? version : `${group}/${version}`;
  // The core group's list carries no apiVersion, as kube-apiserver writes it.
  return group === ''
    ? { kind: 'APIResourceList', groupVersion, resources }
    : { kind: 'APIResourceList', apiVersion: 'v1', groupVersion, resources };
}

function stripEmpty(o: Record<string, unknown>): Record<string, unknown> {
  for (const k of Object.keys(o)) if (o[k] === undefined) delete o[k];
  return o;
}
