import type { KubeObject, ResourceDef } from '../registry.ts';

/**
 * Field label conversion as kube-apiserver 1.20 does it before a list or watch
 * (Scheme.ConvertFieldLabel): each kind accepts its own labels and refuses the rest in its own
 * words; kinds without a conversion func accept only metadata.name and metadata.namespace.
 */

export type FieldReader = (obj: KubeObject) => string | undefined;
type Reader = FieldReader;

/** A kind's FieldLabelConversionFunc: accepted labels (-> field) and the refusal text. */
interface FieldRules {
  readonly labels: Readonly<Record<string, string>>;
  readonly unsupported: (label: string) => string;
  /** Readers for fields whose meaning the registry's fieldLabels do not capture. */
  readonly readers?: Readonly<Record<string, Reader>>;
}

const same = (...labels: string[]): Record<string, string> => Object.fromEntries(labels.map((l) => [l, l]));
const notSupported = (label: string): string => `field label not supported: ${label}`;
const str = (v: unknown): string => (typeof v === 'string' ? v : '');
const member = (o: KubeObject, a: string, b?: string): string => {
  const x = o[a];
  return b === undefined ? str(x) : x !== null && typeof x === 'object' ? str((x as Record<string, unknown>)[b]) : '';
};

const DEFAULT_RULES: FieldRules = {
  labels: same('metadata.name', 'metadata.namespace'),
  unsupported: (l) => `${JSON.stringify(l)} is not a known field selector: only "metadata.name", "metadata.namespace"`,
};

/** The conversion funcs registered in 1.20 (pkg/apis/<group>/<version>/conversion.go). */
const FIELD_RULES: Readonly<Record<string, FieldRules>> = {
  'v1/Pod': {
    labels: {
      ...same(
        'metadata.name',
        'metadata.namespace',
        'spec.nodeName',
        'spec.restartPolicy',
        'spec.schedulerName',
        'spec.serviceAccountName',
        'status.phase',
        'status.podIP',
        'status.podIPs',
        'status.nominatedNodeName',
      ),
      'spec.host': 'spec.nodeName',
    },
    unsupported: notSupported,
  },
  'v1/Node': { labels: same('metadata.name', 'spec.unschedulable'), unsupported: notSupported },
  'v1/ReplicationController': {
    labels: same('metadata.name', 'metadata.namespace', 'status.replicas'),
    unsupported: notSupported,
  },
  'v1/Namespace': { labels: same('status.phase', 'metadata.name'), unsupported: notSupported },
  'v1/Secret': { labels: same('type', 'metadata.namespace', 'metadata.name'), unsupported: notSupported },
  'v1/Event': {
    labels: same(
      'involvedObject.kind',
      'involvedObject.namespace',
      'involvedObject.name',
      'involvedObject.uid',
      'involvedObject.apiVersion',
      'involvedObject.resourceVersion',
      'involvedObject.fieldPath',
      'reason',
      'reportingComponent',
      'source',
      'type',
      'metadata.namespace',
      'metadata.name',
    ),
    unsupported: notSupported,
    // The event field set falls back to the reporting controller when source.component is empty.
    readers: { source: (o) => member(o, 'source', 'component') || member(o, 'reportingComponent') },
  },
  'events.k8s.io/v1/Event': {
    labels: {
      reason: 'reason',
      'regarding.kind': 'involvedObject.kind',
      'regarding.namespace': 'involvedObject.namespace',
      'regarding.name': 'involvedObject.name',
      'regarding.uid': 'involvedObject.uid',
      'regarding.apiVersion': 'involvedObject.apiVersion',
      'regarding.resourceVersion': 'involvedObject.resourceVersion',
      'regarding.fieldPath': 'involvedObject.fieldPath',
      reportingController: 'reportingComponent',
      type: 'type',
      'metadata.namespace': 'metadata.namespace',
      'metadata.name': 'metadata.name',
    },
    unsupported: notSupported,
    readers: {
      'regarding.apiVersion': (o) => member(o, 'regarding', 'apiVersion'),
      'regarding.resourceVersion': (o) => member(o, 'regarding', 'resourceVersion'),
      'regarding.fieldPath': (o) => member(o, 'regarding', 'fieldPath'),
      reportingController: (o) => member(o, 'reportingController'),
    },
  },
  'batch/v1/Job': {
    labels: same('metadata.name', 'metadata.namespace', 'status.successful'),
    unsupported: (l) => `field label ${JSON.stringify(l)} not supported for batchv1.Job`,
  },
  // 1.20 serves CronJob as batch/v1beta1 only; its rule stands in for the sim's batch/v1.
  'batch/v1/CronJob': {
    labels: same('metadata.name', 'metadata.namespace', 'status.successful'),
    unsupported: (l) => `field label ${JSON.stringify(l)} not supported for "CronJob"`,
  },
  // apps/v1 registers no conversion, so status.replicas is refused despite being in the field set.
  'apps/v1/ReplicaSet': DEFAULT_RULES,
};

/** Kinds 1.20 does not know: metadata fields plus the registry's fieldLabels. */
function fieldRules(def: ResourceDef): FieldRules {
  const key = `${def.group === '' ? '' : `${def.group}/`}${def.version}/${def.kind}`;
  if (Object.hasOwn(FIELD_RULES, key)) return FIELD_RULES[key] as FieldRules;
  const extra = Object.keys(def.fieldLabels);
  return extra.length === 0
    ? DEFAULT_RULES
    : { labels: { ...DEFAULT_RULES.labels, ...same(...extra) }, unsupported: notSupported };
}

const NAME: Reader = (o) => o.metadata.name ?? '';
const NAMESPACE: Reader = (o) => o.metadata.namespace ?? '';
const EMPTY: Reader = () => '';

function fieldReader(def: ResourceDef, rules: FieldRules, label: string, field: string): Reader {
  if (field === 'metadata.name') return NAME;
  // Cluster-scoped field sets have no metadata.namespace: it reads as ''.
  if (field === 'metadata.namespace') return def.namespaced ? NAMESPACE : EMPTY;
  const own = (m: Readonly<Record<string, Reader>> | undefined, k: string): Reader | undefined =>
    m && Object.hasOwn(m, k) ? m[k] : undefined;
  return own(rules.readers, label) ?? own(def.fieldLabels, label) ?? own(def.fieldLabels, field) ?? EMPTY;
}

/** The field a label selects (after conversion, e.g. spec.host -> spec.nodeName) and its reader; or the 400 message. */
export function convertFieldLabel(
  def: ResourceDef,
  label: string,
): { field: string; read: FieldReader } | { error: string } {
  const rules = fieldRules(def);
  if (!Object.hasOwn(rules.labels, label)) return { error: rules.unsupported(label) };
  const field = rules.labels[label] as string;
  return { field, read: fieldReader(def, rules, label, field) };
}
