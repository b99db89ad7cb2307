import { apiVersionOf, storageDef, storageForm } from '../registry.ts';
import { badRequest, conflict, notFound, STALE_OBJECT_MESSAGE } from '../../../kube/apimachinery/errors.ts';
import { decodeEntries, encodeEntries, trackApply } from '../fieldmanager/index.ts';
import type { StoredObject } from '../store/stored.ts';
import { formatTime } from './object-meta.ts';
import type { KubeObject, ResourceDef } from '../registry.ts';
import type { ObjectStore } from '../store/object-store.ts';
import type { Target, WriteOptions } from './types.ts';

/** What apply needs of the resource service (kept to an interface so the two modules do not import each other). */
export interface ApplyHost {
  readonly store: ObjectStore;
  now(): Date;
  decode(def: ResourceDef, body: unknown): KubeObject;
  create(def: ResourceDef, namespace: string | undefined, body: unknown, opts: WriteOptions): StoredObject;
  commitUpdate(
    t: Target,
    current: StoredObject,
    next: KubeObject,
    subresource: 'status' | undefined,
    opts: WriteOptions,
  ): StoredObject;
}

export interface ApplyOptions extends WriteOptions {
  fieldManager: string;
  force: boolean;
}

/**
 * Server-side apply (PATCH application/apply-patch+yaml): the configuration is merged into the
 * live object by field ownership, or becomes the object when there is none yet; the result is
 * stored through the ordinary create/update path with the managedFields the apply computed.
 */
export function applyObject(
  svc: ApplyHost,
  t: Target,
  body: unknown,
  subresource: 'status' | undefined,
  opts: ApplyOptions,
): { object: StoredObject; created: boolean } {
  const config = svc.decode(t.def, body);
  const meta = config.metadata;
  if (meta.name !== undefined && meta.name !== t.name) {
    throw badRequest(`the name of the object (${String(meta.name)}) does not match the name on the URL (${t.name})`);
  }
  if (t.def.namespaced && meta.namespace !== undefined && meta.namespace !== t.namespace) {
    throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
  }
  const current = svc.store.get(storageDef(t.def), t.def.namespaced ? t.namespace : undefined, t.name);
  const rv = meta.resourceVersion;
  if (current && rv !== undefined && rv !== '' && rv !== current.obj.metadata.resourceVersion) {
    throw conflict(t.def, t.name, STALE_OBJECT_MESSAGE);
  }
  const name = { name: t.name, ...(t.def.namespaced ? { namespace: t.namespace } : {}) };
  const live = current
    ? (JSON.parse(svc.store.as(t.def, current).fullJson(t.def)) as Record<string, unknown>)
    : { apiVersion: apiVersionOf(t.def), kind: t.def.kind, metadata: name };
  const result = trackApply({
    kind: storageDef(t.def).kind,
    entries: current ? (decodeEntries(current.obj.metadata.managedFields) ?? []) : [],
    manager: opts.fieldManager,
    apiVersion: apiVersionOf(t.def),
    live,
    config: { ...config, metadata: { ...meta, ...name } },
    force: opts.force,
    time: formatTime(svc.now()),
  });
  const writeOpts: WriteOptions = {
    dryRun: opts.dryRun,
    fieldManager: opts.fieldManager,
    managedFields: encodeEntries(result.entries) ?? null,
  };
  if (!current) {
    // Only the main resource is created by an apply; a subresource needs its object.
    if (subresource !== undefined) throw notFound(t.def, t.name);
    return { object: svc.create(t.def, t.namespace, result.object, writeOpts), created: true };
  }
  const next = svc.decode(t.def, result.object);
  next.metadata.namespace = current.obj.metadata.namespace;
  return { object: svc.commitUpdate(t, current, storageForm(t.def, next), subresource, writeOpts), created: false };
}
