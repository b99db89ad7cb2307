/**
 * The table of resources the simulated API server serves. Adding a kind is one entry here;
 * storage, discovery, routing and watch are generic over this table.
 */

import { coreEventToEventsV1, eventsV1ToCoreEvent } from './conversion/events.ts';
import { hpaV1ToV2, hpaV2ToV1 } from './conversion/hpa.ts';

export type Subresource = 'status' | 'scale' | 'log' | 'exec' | 'eviction' | 'binding';

export type Verb = 'get' | 'list' | 'watch' | 'create' | 'update' | 'patch' | 'delete' | 'deletecollection';

export interface ResourceDef {
  group: string;
  version: string;
  /** Plural, lower case: the path segment. */
  resource: string;
  singular: string;
  kind: string;
  listKind: string;
  namespaced: boolean;
  shortNames: string[];
  categories: string[];
  subresources: Subresource[];
  verbs: Verb[];
  /** Whether metadata.generation is maintained (bumped on spec changes). */
  tracksGeneration: boolean;
  /** Field labels supported by fieldSelector beyond metadata.name/metadata.namespace. */
  fieldLabels: Record<string, (obj: KubeObject) => string | undefined>;
  /** A DELETE answers with the object (pods, serviceaccounts, namespaces) rather than a Status. */
  returnDeletedObject: boolean;
  /** A PUT of a missing object creates it (endpoints, events, leases), as their REST storage allows. */
  createOnUpdate: boolean;
  /** Not stored: computed on every read (the metrics.k8s.io resources). */
  computed: boolean;
  /**
   * Another version of a resource stored elsewhere (events.k8s.io/v1 Events are core/v1 Events,
   * autoscaling/v1 HorizontalPodAutoscalers are autoscaling/v2 ones): no storage of its own,
   * reads convert from the other resource's objects and writes convert to them, so both see the
   * same objects, names, uids and resourceVersions. Writes are converted once, on decoding:
   * defaults, strategy and validation run on the storage form, as kube-apiserver runs them on the
   * internal one.
   */
  storedAs?: StorageBinding;
}

/** Where a resource's objects live and how they convert (both directions return new objects). */
export interface StorageBinding {
  def: ResourceDef;
  fromStorage(obj: KubeObject): KubeObject;
  toStorage(obj: KubeObject): KubeObject;
}

export interface ObjectMeta {
  name?: string;
  generateName?: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  deletionGracePeriodSeconds?: number;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: OwnerReference[];
  finalizers?: string[];
  managedFields?: unknown[];
  [key: string]: unknown;
}

export interface OwnerReference {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  controller?: boolean;
  blockOwnerDeletion?: boolean;
}

/** Any object the API stores: apiVersion/kind/metadata plus kind-specific fields. */
export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata: ObjectMeta;
  spec?: unknown;
  status?: unknown;
  [key: string]: unknown;
}

const ALL_VERBS: Verb[] = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

type Entry = Partial<ResourceDef> & Pick<ResourceDef, 'group' | 'version' | 'resource' | 'kind'>;

function def(e: Entry): ResourceDef {
  return {
    singular: e.kind.toLowerCase(),
    listKind: `${e.kind}List`,
    namespaced: true,
    shortNames: [],
    categories: [],
    subresources: [],
    verbs: ALL_VERBS,
    tracksGeneration: false,
    fieldLabels: {},
    returnDeletedObject: false,
    createOnUpdate: false,
    computed: false,
    ...e,
  };
}

function path(obj: KubeObject, ...keys: string[]): string | undefined {
  let cur: unknown = obj;
  for (const k of keys) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[k];
  }
  if (cur === undefined || cur === null) return undefined;
  return typeof cur === 'string' ? cur : String(cur);
}

const podFields: ResourceDef['fieldLabels'] = {
  'spec.nodeName': (o) => path(o, 'spec', 'nodeName') ?? '',
  'spec.restartPolicy': (o) => path(o, 'spec', 'restartPolicy') ?? '',
  'spec.schedulerName': (o) => path(o, 'spec', 'schedulerName') ?? '',
  'spec.serviceAccountName': (o) => path(o, 'spec', 'serviceAccountName') ?? '',
  'status.phase': (o) => path(o, 'status', 'phase') ?? '',
  'status.podIP': (o) => path(o, 'status', 'podIP') ?? '',
  'status.nominatedNodeName': (o) => path(o, 'status', 'nominatedNodeName') ?? '',
};

const coreEventFields: ResourceDef['fieldLabels'] = {
  'involvedObject.kind': (o) => path(o, 'involvedObject', 'kind') ?? '',
  'involvedObject.namespace': (o) => path(o, 'involvedObject', 'namespace') ?? '',
  'involvedObject.name': (o) => path(o, 'involvedObject', 'name') ?? '',
  'involvedObject.uid': (o) => path(o, 'involvedObject', 'uid') ?? '',
  'involvedObject.apiVersion': (o) => path(o, 'involvedObject', 'apiVersion') ?? '',
  'involvedObject.resourceVersion': (o) => path(o, 'involvedObject', 'resourceVersion') ?? '',
  'involvedObject.fieldPath': (o) => path(o, 'involvedObject', 'fieldPath') ?? '',
  reason: (o) => path(o, 'reason') ?? '',
  reportingComponent: (o) => path(o, 'reportingComponent') ?? '',
  source: (o) => path(o, 'source', 'component') ?? '',
  type: (o) => path(o, 'type') ?? '',
};

const CORE_EVENTS = def({
  group: '',
  version: 'v1',
  resource: 'events',
  kind: 'Event',
  shortNames: ['ev'],
  fieldLabels: coreEventFields,
  createOnUpdate: true,
});

// No metadata.generation for HPAs: kube-apiserver only maintains one from the HPAGeneration feature (2026), not in 1.20 or 1.32.
const HPA = {
  resource: 'horizontalpodautoscalers',
  kind: 'HorizontalPodAutoscaler',
  shortNames: ['hpa'],
  categories: ['all'],
  subresources: ['status'] as Subresource[],
};
const AUTOSCALING_V2_HPA = def({ group: 'autoscaling', version: 'v2', ...HPA });

export const RESOURCES: readonly ResourceDef[] = [
  // core/v1
  def({
    group: '',
    version: 'v1',
    resource: 'namespaces',
    kind: 'Namespace',
    namespaced: false,
    shortNames: ['ns'],
    subresources: ['status'],
    verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'],
    returnDeletedObject: true,
    fieldLabels: { 'status.phase': (o) => path(o, 'status', 'phase') ?? '' },
  }),
  def({
    group: '',
    version: 'v1',
    resource: 'pods',
    kind: 'Pod',
    shortNames: ['po'],
    categories: ['all'],
    subresources: ['status', 'log', 'exec', 'eviction', 'binding'],
    fieldLabels: podFields,
    returnDeletedObject: true,
  }),
  def({
    group: '',
    version: 'v1',
    resource: 'services',
    kind: 'Service',
    shortNames: ['svc'],
    categories: ['all'],
    subresources: ['status'],
    verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'],
  }),
  def({
    group: '',
    version: 'v1',
    resource: 'endpoints',
    kind: 'Endpoints',
    singular: 'endpoints',
    listKind: 'EndpointsList',
    shortNames: ['ep'],
    createOnUpdate: true,
  }),
  CORE_EVENTS,
  def({
    group: '',
    version: 'v1',
    resource: 'nodes',
    kind: 'Node',
    namespaced: false,
    shortNames: ['no'],
    subresources: ['status'],
    fieldLabels: { 'spec.unschedulable': (o) => path(o, 'spec', 'unschedulable') ?? 'false' },
  }),
  def({ group: '', version: 'v1', resource: 'configmaps', kind: 'ConfigMap', shortNames: ['cm'] }),
  def({
    group: '',
    version: 'v1',
    resource: 'secrets',
    kind: 'Secret',
    fieldLabels: { type: (o) => path(o, 'type') ?? '' },
  }),
  def({
    group: '',
    version: 'v1',
    resource: 'serviceaccounts',
    kind: 'ServiceAccount',
    shortNames: ['sa'],
    returnDeletedObject: true,
  }),
  // apps/v1
  def({
    group: 'apps',
    version: 'v1',
    resource: 'deployments',
    kind: 'Deployment',
    shortNames: ['deploy'],
    categories: ['all'],
    subresources: ['status', 'scale'],
    tracksGeneration: true,
  }),
  def({
    group: 'apps',
    version: 'v1',
    resource: 'replicasets',
    kind: 'ReplicaSet',
    shortNames: ['rs'],
    categories: ['all'],
    subresources: ['status', 'scale'],
    tracksGeneration: true,
    fieldLabels: { 'status.replicas': (o) => path(o, 'status', 'replicas') ?? '0' },
  }),
  def({
    group: 'apps',
    version: 'v1',
    resource: 'statefulsets',
    kind: 'StatefulSet',
    shortNames: ['sts'],
    categories: ['all'],
    subresources: ['status', 'scale'],
    tracksGeneration: true,
  }),
  def({
    group: 'apps',
    version: 'v1',
    resource: 'daemonsets',
    kind: 'DaemonSet',
    shortNames: ['ds'],
    categories: ['all'],
    subresources: ['status'],
    tracksGeneration: true,
  }),
  // batch/v1
  def({
    group: 'batch',
    version: 'v1',
    resource: 'jobs',
    kind: 'Job',
    categories: ['all'],
    subresources: ['status'],
    tracksGeneration: true,
    fieldLabels: { 'status.successful': (o) => path(o, 'status', 'succeeded') ?? '0' },
  }),
  def({
    group: 'batch',
    version: 'v1',
    resource: 'cronjobs',
    kind: 'CronJob',
    shortNames: ['cj'],
    categories: ['all'],
    subresources: ['status'],
    tracksGeneration: true,
  }),
  // autoscaling: v2 first (the preferred version, as kube-apiserver 1.32 lists it), v1 stored as v2
  AUTOSCALING_V2_HPA,
  def({
    group: 'autoscaling',
    version: 'v1',
    ...HPA,
    storedAs: { def: AUTOSCALING_V2_HPA, fromStorage: hpaV2ToV1, toStorage: hpaV1ToV2 },
  }),
  // discovery.k8s.io/v1
  def({ group: 'discovery.k8s.io', version: 'v1', resource: 'endpointslices', kind: 'EndpointSlice' }),
  // events.k8s.io/v1
  def({
    group: 'events.k8s.io',
    version: 'v1',
    resource: 'events',
    kind: 'Event',
    shortNames: ['ev'],
    createOnUpdate: true,
    storedAs: { def: CORE_EVENTS, fromStorage: coreEventToEventsV1, toStorage: eventsV1ToCoreEvent },
    fieldLabels: {
      'regarding.kind': (o) => path(o, 'regarding', 'kind') ?? '',
      'regarding.namespace': (o) => path(o, 'regarding', 'namespace') ?? '',
      'regarding.name': (o) => path(o, 'regarding', 'name') ?? '',
      'regarding.uid': (o) => path(o, 'regarding', 'uid') ?? '',
      reason: (o) => path(o, 'reason') ?? '',
      type: (o) => path(o, 'type') ?? '',
    },
  }),
  // coordination.k8s.io/v1
  def({ group: 'coordination.k8s.io', version: 'v1', resource: 'leases', kind: 'Lease', createOnUpdate: true }),
  // policy/v1
  def({
    group: 'policy',
    version: 'v1',
    resource: 'poddisruptionbudgets',
    kind: 'PodDisruptionBudget',
    shortNames: ['pdb'],
    subresources: ['status'],
    tracksGeneration: true,
  }),
  // metrics.k8s.io/v1beta1: computed from the workload models (kubectl top)
  def({
    group: 'metrics.k8s.io',
    version: 'v1beta1',
    resource: 'pods',
    kind: 'PodMetrics',
    singular: '',
    verbs: ['get', 'list'],
    computed: true,
  }),
  def({
    group: 'metrics.k8s.io',
    version: 'v1beta1',
    resource: 'nodes',
    kind: 'NodeMetrics',
    singular: '',
    namespaced: false,
    verbs: ['get', 'list'],
    computed: true,
  }),
  // apiregistration.k8s.io/v1
  def({
    group: 'apiregistration.k8s.io',
    version: 'v1',
    resource: 'apiservices',
    kind: 'APIService',
    namespaced: false,
    categories: ['api-extensions'],
    subresources: ['status'],
  }),
  // rbac.authorization.k8s.io/v1: stored; the sim's authorizer evaluates them (service/authorizer.ts)
  def({
    group: 'rbac.authorization.k8s.io',
    version: 'v1',
    resource: 'clusterrolebindings',
    kind: 'ClusterRoleBinding',
    namespaced: false,
  }),
  def({
    group: 'rbac.authorization.k8s.io',
    version: 'v1',
    resource: 'clusterroles',
    kind: 'ClusterRole',
    namespaced: false,
  }),
  def({ group: 'rbac.authorization.k8s.io', version: 'v1', resource: 'rolebindings', kind: 'RoleBinding' }),
  def({ group: 'rbac.authorization.k8s.io', version: 'v1', resource: 'roles', kind: 'Role' }),
  // Create-only reviews, answered and never stored (service/reviews.ts); discovery as 1.20 lists them
  def({
    group: 'authentication.k8s.io',
    version: 'v1',
    resource: 'tokenreviews',
    kind: 'TokenReview',
    singular: '',
    namespaced: false,
    verbs: ['create'],
    computed: true,
  }),
  def({
    group: 'authorization.k8s.io',
    version: 'v1',
    resource: 'subjectaccessreviews',
    kind: 'SubjectAccessReview',
    singular: '',
    namespaced: false,
    verbs: ['create'],
    computed: true,
  }),
  def({
    group: 'authorization.k8s.io',
    version: 'v1',
    resource: 'selfsubjectaccessreviews',
    kind: 'SelfSubjectAccessReview',
    singular: '',
    namespaced: false,
    verbs: ['create'],
    computed: true,
  }),
  def({
    group: 'authorization.k8s.io',
    version: 'v1',
    resource: 'selfsubjectrulesreviews',
    kind: 'SelfSubjectRulesReview',
    singular: '',
    namespaced: false,
    verbs: ['create'],
    computed: true,
  }),
];

/** Lookup by group/version/resource; built once at start. */
export class ResourceRegistry {
  private readonly byGvr = new Map<string, ResourceDef>();
  /** The resources that have storage of their own: each object once (no storedAs views). */
  readonly stored: readonly ResourceDef[];

  constructor(readonly resources: readonly ResourceDef[] = RESOURCES) {
    for (const r of resources) this.byGvr.set(gvrKey(r.group, r.version, r.resource), r);
    this.stored = resources.filter((r) => r.storedAs === undefined);
  }

  find(group: string, version: string, resource: string): ResourceDef | undefined {
    return this.byGvr.get(gvrKey(group, version, resource));
  }

  /** The definition for a kind in an apiVersion ("apps/v1", "v1"). */
  /** The resources served as views of `storage` (autoscaling/v1 HPAs of v2, events.k8s.io Events of core). */
  viewsOf(storage: ResourceDef): ResourceDef[] {
    return this.resources.filter((r) => r.storedAs?.def === storage);
  }

  findKind(apiVersion: string, kind: string): ResourceDef | undefined {
    const { group, version } = parseApiVersion(apiVersion);
    return this.resources.find((r) => r.group === group && r.version === version && r.kind === kind);
  }

  /** Group -> versions, in registration order. */
  groups(): Map<string, string[]> {
    const out = new Map<string, string[]>();
    for (const r of this.resources) {
      const versions = out.get(r.group) ?? [];
      if (!versions.includes(r.version)) versions.push(r.version);
      out.set(r.group, versions);
    }
    return out;
  }

  inGroupVersion(group: string, version: string): ResourceDef[] {
    return this.resources.filter((r) => r.group === group && r.version === version);
  }
}

export function gvrKey(group: string, version: string, resource: string): string {
  return `${group}/${version}/${resource}`;
}

/** The resource whose storage holds this resource's objects (itself unless it is a view). */
export function storageDef(def: ResourceDef): ResourceDef {
  return def.storedAs?.def ?? def;
}

/** An object of `def` in its storage form (the internal form validation and printing read). */
export function storageForm(def: ResourceDef, obj: KubeObject): KubeObject {
  return def.storedAs ? def.storedAs.toStorage(obj) : obj;
}

export function apiVersionOf(r: Pick<ResourceDef, 'group' | 'version'>): string {
  return r.group === '' ? r.version : `${r.group}/${r.version}`;
}

export function parseApiVersion(apiVersion: string): { group: string; version: string } {
  const slash = apiVersion.indexOf('/');
  return slash < 0
    ? { group: '', version: apiVersion }
    : { group: apiVersion.slice(0, slash), version: apiVersion.slice(slash + 1) };
}
