import type { KubeObject } from '../registry.ts';
import { ApiError } from '../../../kube/apimachinery/errors.ts';
import type { StoredObject } from '../store/stored.ts';
import { isPlainObject } from '../../../util/deep-equal.ts';
import { formatTime } from './object-meta.ts';
import type { ResourceService } from './resource-service.ts';
import type { DeleteOptions, Target } from './types.ts';

export interface DeleteResult {
  object: StoredObject;
  /** True when the object is gone; false when it is terminating (finalizers or grace period). */
  deleted: boolean;
}

const ORPHAN = 'orphan';
const FOREGROUND = 'foregroundDeletion';

/**
 * DELETE as the generic registry store does it: preconditions, graceful deletion for pods,
 * garbage-collection finalizers for orphan/foreground propagation, immediate removal otherwise.
 */
export function deleteObject(svc: ResourceService, t: Target, options: DeleteOptions): DeleteResult {
  // Worked on in the storage form (a view's object is its storage's); answered in t.def's version.
  const current = svc.getStored(t);
  checkPreconditions(t.def.kind, current.obj, options);
  const obj = structuredClone(current.obj);
  const meta = obj.metadata;
  const finalizers = withPropagationFinalizers(meta.finalizers ?? [], options);
  const grace = gracePeriod(t.def.kind, obj, options);

  if (meta.deletionTimestamp) {
    // Already terminating: a shorter grace period may be requested; nothing else changes.
    if (grace === 0 && finalizers.length === 0 && t.def.kind === 'Pod') {
      meta.deletionGracePeriodSeconds = 0;
      return remove(svc, t, obj, options);
    }
    if (grace !== undefined && grace < (meta.deletionGracePeriodSeconds ?? Infinity)) {
      meta.deletionGracePeriodSeconds = grace;
      return commitTerminating(svc, t, obj, options);
    }
    return { object: svc.store.as(t.def, current), deleted: false };
  }

  // A namespace waits for its content to go: the namespace controller clears spec.finalizers.
  const namespaceFinalizing = t.def.kind === 'Namespace' && specFinalizers(obj).length > 0;
  if (finalizers.length === 0 && !grace && !namespaceFinalizing) {
    if (t.def.kind === 'Pod') {
      // The pod strategy is graceful: even an immediate delete stamps the object it returns.
      meta.deletionTimestamp = formatTime(svc.now());
      meta.deletionGracePeriodSeconds = 0;
    }
    return remove(svc, t, obj, options);
  }
  if (t.def.kind === 'Namespace')
    obj.status = { ...(isPlainObject(obj.status) ? obj.status : {}), phase: 'Terminating' };

  meta.finalizers = finalizers.length > 0 ? finalizers : undefined;
  if (meta.finalizers === undefined) delete meta.finalizers;
  const when = new Date(svc.now().getTime() + (grace ?? 0) * 1000);
  meta.deletionTimestamp = formatTime(when);
  meta.deletionGracePeriodSeconds = grace ?? 0;
  if (t.def.tracksGeneration && (meta.generation ?? 0) > 0) meta.generation = (meta.generation ?? 0) + 1;
  return commitTerminating(svc, t, obj, options);
}

function specFinalizers(obj: KubeObject): unknown[] {
  const spec = isPlainObject(obj.spec) ? obj.spec : {};
  return Array.isArray(spec['finalizers']) ? spec['finalizers'] : [];
}

function remove(svc: ResourceService, t: Target, obj: KubeObject, options: DeleteOptions): DeleteResult {
  if (options.dryRun) return { object: svc.get(t), deleted: true };
  return { object: svc.store.commitStored(t.def, 'DELETED', obj), deleted: true };
}

function commitTerminating(svc: ResourceService, t: Target, obj: KubeObject, options: DeleteOptions): DeleteResult {
  if (options.dryRun) return { object: svc.get(t), deleted: false };
  return { object: svc.store.commitStored(t.def, 'MODIFIED', obj), deleted: false };
}

function checkPreconditions(kind: string, obj: KubeObject, options: DeleteOptions): void {
  const p = options.preconditions;
  if (!p) return;
  const name = obj.metadata.name ?? '';
  if (p.uid !== undefined && p.uid !== obj.metadata.uid) {
    throw preconditionFailed(
      kind,
      name,
      `the UID in the precondition (${p.uid}) does not match the UID in record (${obj.metadata.uid ?? ''}). The object might have been deleted and then recreated`,
    );
  }
  if (p.resourceVersion !== undefined && p.resourceVersion !== obj.metadata.resourceVersion) {
    throw preconditionFailed(
      kind,
      name,
      `the ResourceVersion in the precondition (${p.resourceVersion}) does not match the ResourceVersion in record (${obj.metadata.resourceVersion ?? ''}). The object might have been modified`,
    );
  }
}

/** A failed delete precondition: a Conflict naming the Kind (not the resource), as the store words it. */
function preconditionFailed(kind: string, name: string, why: string): ApiError {
  return new ApiError({
    message: `Operation cannot be fulfilled on ${kind} "${name}": ${why}`,
    reason: 'Conflict',
    details: { name, kind },
    code: 409,
  });
}

function withPropagationFinalizers(existing: string[], options: DeleteOptions): string[] {
  const policy = options.propagationPolicy ?? (options.orphanDependents === true ? 'Orphan' : undefined);
  if (policy === undefined) return [...existing];
  const out = existing.filter((f) => f !== ORPHAN && f !== FOREGROUND);
  if (policy === 'Orphan' && !out.includes(ORPHAN)) out.push(ORPHAN);
  if (policy === 'Foreground' && !out.includes(FOREGROUND)) out.push(FOREGROUND);
  return out;
}

/**
 * Only pods are deleted gracefully: bound, non-terminal pods wait for the kubelet; unbound or
 * finished pods go at once, as the pod strategy's CheckGracefulDelete decides.
 */
function gracePeriod(kind: string, obj: KubeObject, options: DeleteOptions): number | undefined {
  if (kind !== 'Pod') return undefined;
  const spec = isPlainObject(obj.spec) ? obj.spec : {};
  const status = isPlainObject(obj.status) ? obj.status : {};
  if (!spec['nodeName']) return 0;
  if (status['phase'] === 'Succeeded' || status['phase'] === 'Failed') return 0;
  const requested = options.gracePeriodSeconds;
  if (requested !== undefined) return Math.max(0, requested);
  const fromSpec = spec['terminationGracePeriodSeconds'];
  return typeof fromSpec === 'number' ? fromSpec : 30;
}
