/**
 * Strategic-merge metadata: the `patchStrategy`/`patchMergeKey` struct tags of k8s.io/api,
 * for the fields real clients rely on. A type lists its fields; a field says how its value merges
 * and, for objects and lists of objects, the type of its elements.
 */
export interface FieldMeta {
  /** 'merge' merges lists (by mergeKey for objects, as a set for primitives); default is atomic. */
  strategy?: 'merge' | 'retainKeys' | 'merge,retainKeys';
  mergeKey?: string;
  /** Type of the value (object) or of the list's elements. */
  type?: TypeMeta;
}

export interface TypeMeta {
  fields: Record<string, FieldMeta>;
}

const t = (fields: Record<string, FieldMeta>): TypeMeta => ({ fields });
const byKey = (mergeKey: string, type?: TypeMeta): FieldMeta => ({ strategy: 'merge', mergeKey, type });

const conditions = byKey('type');

export const OBJECT_META = t({
  ownerReferences: byKey('uid'),
  finalizers: { strategy: 'merge' },
});

const CONTAINER = t({
  ports: byKey('containerPort'),
  env: byKey('name'),
  volumeMounts: byKey('mountPath'),
  volumeDevices: byKey('devicePath'),
});

const VOLUME = t({});

export const POD_SPEC = t({
  containers: byKey('name', CONTAINER),
  initContainers: byKey('name', CONTAINER),
  ephemeralContainers: byKey('name', CONTAINER),
  volumes: { strategy: 'merge,retainKeys', mergeKey: 'name', type: VOLUME },
  imagePullSecrets: byKey('name'),
  hostAliases: byKey('ip'),
  topologySpreadConstraints: byKey('topologyKey'),
  resourceClaims: { strategy: 'merge,retainKeys', mergeKey: 'name' },
  schedulingGates: byKey('name'),
});

const POD_TEMPLATE = t({ metadata: { type: OBJECT_META }, spec: { type: POD_SPEC } });

const POD_STATUS = t({
  conditions,
  podIPs: byKey('ip'),
  hostIPs: byKey('ip'),
});

const WITH_CONDITIONS = t({ conditions });

const DEPLOYMENT_SPEC = t({
  template: { type: POD_TEMPLATE },
  strategy: { strategy: 'retainKeys' },
});

const SIMPLE_WORKLOAD_SPEC = t({ template: { type: POD_TEMPLATE } });

const JOB_TEMPLATE = t({ metadata: { type: OBJECT_META }, spec: { type: SIMPLE_WORKLOAD_SPEC } });

function root(spec?: TypeMeta, status?: TypeMeta, extra: Record<string, FieldMeta> = {}): TypeMeta {
  return t({
    metadata: { type: OBJECT_META },
    ...(spec ? { spec: { type: spec } } : {}),
    ...(status ? { status: { type: status } } : {}),
    ...extra,
  });
}

/** Patch metadata by kind (the group/version do not change the tags for the kinds we serve). */
export const KIND_META: Record<string, TypeMeta> = {
  Pod: root(POD_SPEC, POD_STATUS),
  Deployment: root(DEPLOYMENT_SPEC, WITH_CONDITIONS),
  ReplicaSet: root(SIMPLE_WORKLOAD_SPEC, WITH_CONDITIONS),
  StatefulSet: root(t({ template: { type: POD_TEMPLATE }, volumeClaimTemplates: {} }), WITH_CONDITIONS),
  DaemonSet: root(SIMPLE_WORKLOAD_SPEC, WITH_CONDITIONS),
  Job: root(SIMPLE_WORKLOAD_SPEC, WITH_CONDITIONS),
  CronJob: root(t({ jobTemplate: { type: JOB_TEMPLATE } })),
  Service: root(t({ ports: byKey('port') }), WITH_CONDITIONS),
  Node: root(t({ taints: byKey('key'), podCIDRs: { strategy: 'merge' } }), t({ conditions, addresses: byKey('type') })),
  Namespace: root(undefined, WITH_CONDITIONS),
  HorizontalPodAutoscaler: root(undefined, WITH_CONDITIONS),
  PodDisruptionBudget: root(undefined, WITH_CONDITIONS),
  APIService: root(undefined, WITH_CONDITIONS),
  Scale: root(),
};

export const DEFAULT_META: TypeMeta = root();
