import { DEFAULT_META, KIND_META, type FieldMeta, type TypeMeta } from '../patch/patch-meta.ts';

/**
 * What structured-merge-diff needs to know of a field beyond its value: how a list's items are
 * identified and whether a map is a struct (fixed fields) or a map of arbitrary keys. Taken from
 * the strategic-merge tags the sim already has (k8s.io/api's patchStrategy/patchMergeKey become
 * x-kubernetes-list-type in the OpenAPI that kube-apiserver's type converter reads), plus the
 * `+listMapKey` tags that name more than one key and the `+structType=atomic` LabelSelector.
 */
export type ListKind = { kind: 'associative'; keys: string[] } | { kind: 'set' } | { kind: 'atomic' };

export interface FieldType {
  meta: FieldMeta;
  /** The type of a map's fields (or of a list's items). */
  type: TypeMeta;
  /** Set when the value is a map of arbitrary keys (labels, data), not a struct. */
  mapOfValues: boolean;
  atomic: boolean;
}

const EMPTY: TypeMeta = { fields: {} };

/** Lists whose items are keyed by more than their patch merge key (+listMapKey). */
const LIST_MAP_KEYS: Record<string, string[]> = {
  'ports/containerPort': ['containerPort', 'protocol'],
  'ports/port': ['port', 'protocol'],
  'topologySpreadConstraints/topologyKey': ['topologyKey', 'whenUnsatisfiable'],
};

/** Key fields a list item may omit because defaulting fills them (ports' protocol). */
export const KEY_DEFAULTS: Record<string, unknown> = { protocol: 'TCP' };

/** Fields whose value is a Go map (arbitrary keys), by name. */
const MAP_FIELDS = new Set([
  'labels',
  'annotations',
  'data',
  'binaryData',
  'stringData',
  'nodeSelector',
  'limits',
  'requests',
  'capacity',
  'allocatable',
  'matchLabels',
  'parameters',
  'hard',
  'used',
]);

export function rootType(kind: string): TypeMeta {
  return KIND_META[kind] ?? DEFAULT_META;
}

/** The type of field `name` of a struct of type `parent`, in an object of `kind`, at `depth`. */
const FIELD_TYPES = new WeakMap<TypeMeta, Map<string, FieldType>>();

export function fieldType(kind: string, parent: TypeMeta, name: string, depth: number): FieldType {
  // A Service's selector (depth 1) is the one field whose type depends on more than its parent's type.
  if (kind === 'Service' && depth === 1) return computeFieldType(kind, parent, name, depth);
  let byName = FIELD_TYPES.get(parent);
  if (!byName) FIELD_TYPES.set(parent, (byName = new Map()));
  let ft = byName.get(name);
  if (!ft) byName.set(name, (ft = computeFieldType(kind, parent, name, depth)));
  return ft;
}

function computeFieldType(kind: string, parent: TypeMeta, name: string, depth: number): FieldType {
  const meta = parent.fields[name] ?? {};
  const mapOfValues = MAP_FIELDS.has(name) || (kind === 'Service' && name === 'selector' && depth === 1);
  // LabelSelector is +structType=atomic; a Service's selector is a plain map.
  const atomic = name === 'selector' && !mapOfValues;
  return { meta, type: meta.type ?? EMPTY, mapOfValues, atomic };
}

/** The type of an entry of a map of arbitrary keys: leaves, or maps of values. */
export const MAP_ENTRY: FieldType = { meta: {}, type: EMPTY, mapOfValues: false, atomic: false };

export function listKind(name: string, meta: FieldMeta): ListKind {
  if (!meta.strategy?.includes('merge') || meta.strategy === 'retainKeys') return { kind: 'atomic' };
  if (!meta.mergeKey) return { kind: 'set' };
  return { kind: 'associative', keys: LIST_MAP_KEYS[`${name}/${meta.mergeKey}`] ?? [meta.mergeKey] };
}

type Obj = Record<string, unknown>;

const TEMPLATE = (): Obj => ({ metadata: { creationTimestamp: null }, spec: { containers: null } });

/**
 * The object of a kind as a Go zero value serializes: the struct-typed (non-pointer) fields are
 * there, empty, and non-omitempty slices are null. A create is compared with this, so the
 * creator owns the maps and lists it added (with ".") but not the structs that always exist.
 */
export function zeroObject(kind: string): Obj {
  const spec: Obj = {};
  switch (kind) {
    case 'Pod':
      spec['containers'] = null;
      break;
    case 'Deployment':
      Object.assign(spec, { selector: null, template: TEMPLATE(), strategy: {} });
      break;
    case 'ReplicaSet':
      Object.assign(spec, { selector: null, template: TEMPLATE() });
      break;
    case 'StatefulSet':
      Object.assign(spec, { selector: null, template: TEMPLATE(), updateStrategy: {}, serviceName: '' });
      break;
    case 'DaemonSet':
      Object.assign(spec, { selector: null, template: TEMPLATE(), updateStrategy: {} });
      break;
    case 'Job':
      spec['template'] = TEMPLATE();
      break;
    case 'CronJob':
      Object.assign(spec, {
        schedule: '',
        jobTemplate: { metadata: { creationTimestamp: null }, spec: { template: TEMPLATE() } },
      });
      break;
    case 'PodTemplate':
      return { metadata: {}, template: TEMPLATE() };
    case 'HorizontalPodAutoscaler':
      spec['scaleTargetRef'] = {};
      break;
    // Both Event versions' struct fields (core/v1 and events.k8s.io/v1): a field only one has is
    // absent from the other's objects, so it changes nothing there.
    case 'Event':
      return {
        metadata: {},
        involvedObject: {},
        source: {},
        regarding: {},
        deprecatedSource: {},
        firstTimestamp: null,
        lastTimestamp: null,
        eventTime: null,
        deprecatedFirstTimestamp: null,
        deprecatedLastTimestamp: null,
      };
    default:
      break;
  }
  return { metadata: {}, spec, status: {} };
}
