import type { KubeObject, ResourceDef } from '../registry.ts';
import { isPlainObject } from '../../../util/deep-equal.ts';
import { shapeCoreEvent } from '../conversion/events.ts';
import { withoutRoundTripAnnotations } from '../conversion/hpa.ts';

type Obj = Record<string, unknown>;

/**
 * What a round trip through Go's typed structs does to JSON: `omitempty` maps vanish when empty,
 * zero metav1.Time fields serialize as null, a template's ObjectMeta always carries
 * `creationTimestamp: null`. Applied to every stored object so reads look like kube-apiserver's.
 */
export function applyGoShape(def: ResourceDef, obj: KubeObject): void {
  dropEmpty(obj.metadata, 'labels', 'annotations', 'finalizers', 'ownerReferences');
  // Objects are shaped in their storage form (a view's writes are converted before this); Events
  // are shaped whole (every field of theirs is known).
  if (def.group === '' && def.kind === 'Event') return replaceContents(obj, shapeCoreEvent(obj));
  // autoscaling/v2 drops the annotations autoscaling/v1 round-trips its fields in (Convert_v2_HorizontalPodAutoscaler_To_autoscaling_...).
  if (def.kind === 'HorizontalPodAutoscaler') obj.metadata = withoutRoundTripAnnotations(obj.metadata);
  dropEmpty(obj, 'data', 'binaryData');
  const spec = isPlainObject(obj.spec) ? obj.spec : undefined;
  if (spec) {
    shapeTemplate(spec['template']);
    const jobTemplate = spec['jobTemplate'];
    if (isPlainObject(jobTemplate)) {
      shapeTemplate(jobTemplate);
      if (isPlainObject(jobTemplate['spec'])) shapeTemplate(jobTemplate['spec']['template']);
    }
  }
  const status = isPlainObject(obj.status) ? obj.status : undefined;
  if (status && Array.isArray(status['conditions'])) {
    const times = CONDITION_TIMES[def.kind] ?? ['lastTransitionTime'];
    for (const c of status['conditions']) {
      if (!isPlainObject(c)) continue;
      for (const t of times) if (c[t] === undefined) c[t] = null;
    }
  }
}

/** metav1.Time fields of each kind's condition type (all serialize null when unset). */
const CONDITION_TIMES: Record<string, string[]> = {
  Pod: ['lastProbeTime', 'lastTransitionTime'],
  Node: ['lastHeartbeatTime', 'lastTransitionTime'],
  Deployment: ['lastUpdateTime', 'lastTransitionTime'],
  Job: ['lastProbeTime', 'lastTransitionTime'],
};

function replaceContents(obj: KubeObject, next: KubeObject): void {
  for (const k of Object.keys(obj)) delete obj[k];
  Object.assign(obj, next);
}

function shapeTemplate(t: unknown): void {
  if (!isPlainObject(t)) return;
  const meta: Obj = isPlainObject(t['metadata']) ? t['metadata'] : {};
  if (meta['creationTimestamp'] === undefined) meta['creationTimestamp'] = null;
  t['metadata'] = meta;
}

function dropEmpty(o: Obj, ...keys: string[]): void {
  for (const k of keys) {
    const v = o[k];
    if ((isPlainObject(v) && Object.keys(v).length === 0) || (Array.isArray(v) && v.length === 0) || v === null)
      delete o[k];
  }
}
