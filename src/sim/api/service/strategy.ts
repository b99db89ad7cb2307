import type { KubeObject, ResourceDef } from '../registry.ts';
import { isPlainObject } from '../../../util/deep-equal.ts';
import { applyDefaults } from '../defaults/index.ts';

/**
 * Per-kind create/update rules of the REST strategies (pkg/registry/.../strategy.go): what a
 * create resets, which part of an object each endpoint may change.
 */

/** The status a freshly created object starts with, for kinds whose status is a subresource. */
function initialStatus(def: ResourceDef, obj: KubeObject): unknown {
  switch (def.kind) {
    case 'Pod':
      return { phase: 'Pending', qosClass: podQosClass(obj) };
    case 'Namespace':
      return { phase: 'Active' };
    case 'Service':
      return { loadBalancer: {} };
    case 'Node':
      // The kubelet registers nodes with their status; it is kept.
      return obj.status ?? {};
    case 'HorizontalPodAutoscaler':
      return { desiredReplicas: 0 };
    default:
      return {};
  }
}

export function prepareForCreate(def: ResourceDef, obj: KubeObject): void {
  applyDefaults(def, obj);
  if (def.subresources.includes('status')) obj.status = initialStatus(def, obj);
  if (def.kind === 'Namespace') {
    const spec = isPlainObject(obj.spec) ? obj.spec : {};
    obj.spec = { ...spec, finalizers: ['kubernetes'] };
  }
}

/**
 * Builds the object a PUT stores. The main resource keeps the old status; the status
 * subresource keeps everything but status (and, for the apps kinds, labels).
 */
export function prepareForUpdate(
  def: ResourceDef,
  next: KubeObject,
  old: KubeObject,
  subresource: 'status' | undefined,
): KubeObject {
  if (!def.subresources.includes('status')) {
    applyDefaults(def, next);
    return next;
  }
  if (subresource === 'status') {
    const merged: KubeObject = { ...old, metadata: next.metadata, status: next.status };
    if (def.group === 'apps') merged.metadata = { ...merged.metadata, labels: old.metadata.labels };
    if (def.kind === 'Pod') merged.metadata = { ...merged.metadata, ownerReferences: old.metadata.ownerReferences };
    return merged;
  }
  applyDefaults(def, next);
  next.status = old.status;
  if (def.kind === 'Namespace') {
    next.spec = old.spec;
  }
  return next;
}

function podQosClass(pod: KubeObject): string {
  const spec = isPlainObject(pod.spec) ? pod.spec : {};
  const containers = [...asArray(spec['containers']), ...asArray(spec['initContainers'])];
  let anySet = false;
  let guaranteed = containers.length > 0;
  for (const c of containers) {
    const res = isPlainObject(c) && isPlainObject(c['resources']) ? c['resources'] : {};
    const req = isPlainObject(res['requests']) ? res['requests'] : {};
    const lim = isPlainObject(res['limits']) ? res['limits'] : {};
    if (Object.keys(req).length > 0 || Object.keys(lim).length > 0) anySet = true;
    for (const r of ['cpu', 'memory']) {
      if (lim[r] === undefined) guaranteed = false;
      else if (req[r] !== undefined && String(req[r]) !== String(lim[r])) guaranteed = false;
    }
  }
  if (!anySet) return 'BestEffort';
  return guaranteed ? 'Guaranteed' : 'Burstable';
}

function asArray(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

/** Create-time steps that need the uid: the Job strategy's generated selector. */
export function finishCreate(def: ResourceDef, obj: KubeObject): void {
  if (def.kind !== 'Job' || !isPlainObject(obj.spec)) return;
  const spec = obj.spec;
  if (spec['manualSelector'] === true || spec['selector'] !== undefined) return;
  const uid = obj.metadata.uid ?? '';
  spec['selector'] = { matchLabels: { 'controller-uid': uid } };
  const template = isPlainObject(spec['template']) ? spec['template'] : {};
  const meta = isPlainObject(template['metadata']) ? template['metadata'] : {};
  const labels = isPlainObject(meta['labels']) ? meta['labels'] : {};
  spec['template'] = {
    ...template,
    metadata: { ...meta, labels: { ...labels, 'controller-uid': uid, 'job-name': obj.metadata.name ?? '' } },
  };
}
