import { isPlainObject } from '../../../util/deep-equal.ts';

type Obj = Record<string, unknown>;

/** Pod fields the default admission plugins set after the field manager ran (priority, service account, tolerations). */
const POD_ADMISSION_FIELDS = [
  'priority',
  'preemptionPolicy',
  'serviceAccountName',
  'serviceAccount',
  'tolerations',
  'volumes',
];

/**
 * What a create body held, before the sim's defaulting, of the fields kube-apiserver fills only
 * after the field manager ran (admission, ClusterIP allocation, the strategy's status): the
 * creator does not own what those add.
 */
export interface CreateSnapshot {
  spec: Obj;
  containerMounts: unknown[];
}

export function snapshotForCreate(kind: string, obj: Obj): CreateSnapshot | undefined {
  const spec = isPlainObject(obj['spec']) ? obj['spec'] : undefined;
  if (kind === 'Pod' && spec) {
    const kept: Obj = {};
    for (const f of POD_ADMISSION_FIELDS) if (spec[f] !== undefined) kept[f] = structuredClone(spec[f]);
    const containers = Array.isArray(spec['containers']) ? spec['containers'] : [];
    return {
      spec: kept,
      containerMounts: containers.map((c) =>
        isPlainObject(c) && c['volumeMounts'] !== undefined ? structuredClone(c['volumeMounts']) : undefined,
      ),
    };
  }
  if (kind === 'Service' && spec) {
    const kept: Obj = {};
    for (const f of ['clusterIP', 'clusterIPs']) if (spec[f] !== undefined) kept[f] = structuredClone(spec[f]);
    return { spec: kept, containerMounts: [] };
  }
  return undefined;
}

/**
 * The created object as the field manager saw it: defaulted, but without what admission and
 * the REST strategy add afterwards (a Namespace's phase is a real default and stays).
 */
export function creatorView(kind: string, obj: Obj, snap: CreateSnapshot | undefined): Obj {
  const view: Obj = { ...obj };
  // Go's omitempty drops empty metadata maps and lists before the field manager sees them.
  if (isPlainObject(obj['metadata'])) {
    const meta: Obj = { ...obj['metadata'] };
    for (const k of ['labels', 'annotations', 'finalizers', 'ownerReferences']) if (isEmpty(meta[k])) delete meta[k];
    view['metadata'] = meta;
  }
  for (const k of ['data', 'binaryData']) if (isEmpty(view[k])) delete view[k];
  if (kind === 'Namespace') {
    const status = isPlainObject(obj['status']) ? obj['status'] : {};
    view['status'] = { phase: status['phase'] ?? 'Active' };
  } else if (kind !== 'Node') {
    delete view['status'];
  }
  if (!snap || !isPlainObject(obj['spec'])) return view;
  const spec: Obj = { ...obj['spec'] };
  const fields = kind === 'Pod' ? POD_ADMISSION_FIELDS : ['clusterIP', 'clusterIPs'];
  for (const f of fields) {
    if (snap.spec[f] === undefined) delete spec[f];
    else spec[f] = snap.spec[f];
  }
  if (kind === 'Pod' && Array.isArray(spec['containers'])) {
    spec['containers'] = spec['containers'].map((c, i) => {
      if (!isPlainObject(c)) return c;
      const copy: Obj = { ...c };
      const before = snap.containerMounts[i];
      if (before === undefined) delete copy['volumeMounts'];
      else copy['volumeMounts'] = before;
      return copy;
    });
  }
  view['spec'] = spec;
  return view;
}

function isEmpty(v: unknown): boolean {
  return v === null || (Array.isArray(v) && v.length === 0) || (isPlainObject(v) && Object.keys(v).length === 0);
}
