import type { KubeObject, ResourceDef } from '../registry.ts';
import { ResourceRegistry, apiVersionOf, storageDef, storageForm } from '../registry.ts';
import { ObjectStore } from '../store/object-store.ts';
import { StoredObject } from '../store/stored.ts';
import {
  ApiError,
  STALE_OBJECT_MESSAGE,
  alreadyExists,
  badRequest,
  conflict,
  invalid,
  notFound,
} from '../../../kube/apimachinery/errors.ts';
import { validateCreate, validateUpdate } from '../validation/index.ts';
import { applyPatch, type PatchType } from '../patch/index.ts';
import { deepEqual, isPlainObject } from '../../../util/deep-equal.ts';
import { formatTime, keepSystemMeta, newUid, randomSuffix, specPart } from './object-meta.ts';
import { finishCreate, prepareForCreate, prepareForUpdate } from './strategy.ts';
import { applyGoShape } from './go-shape.ts';
import { NamespaceGuard } from './namespace-guard.ts';
import { deleteObject, type DeleteResult } from './delete.ts';
import { applyObject, type ApplyOptions } from './apply.ts';
import type { DeleteOptions, Target, WriteOptions } from './types.ts';
import { CONTROLLER_MANAGER, creatorView, managedFieldsAfter, snapshotForCreate } from '../fieldmanager/index.ts';

export interface ResourceServiceOptions {
  now?: () => Date;
}

/**
 * The API's write semantics over the object store, shared by the HTTP handlers and the sim's
 * own controllers: defaults, validation, optimistic concurrency, generation, status separation,
 * finalizers and graceful deletion.
 */
export class ResourceService {
  readonly now: () => Date;
  private readonly namespaces: NamespaceGuard;

  constructor(
    readonly store: ObjectStore,
    readonly registry: ResourceRegistry,
    opts: ResourceServiceOptions = {},
  ) {
    this.now = opts.now ?? (() => new Date());
    this.namespaces = new NamespaceGuard(store, registry);
  }

  get(t: Target): StoredObject {
    const so = this.store.get(t.def, scopeNs(t), t.name);
    if (!so) throw notFound(t.def, t.name);
    return so;
  }

  /**
   * The current object in its storage form: for a resource stored as another (autoscaling/v1
   * HPAs, events.k8s.io/v1 Events) the other resource's object, which writes work on.
   */
  getStored(t: Target): StoredObject {
    const so = this.store.get(storageDef(t.def), scopeNs(t), t.name);
    if (!so) throw notFound(t.def, t.name);
    return so;
  }

  /** A deep copy of the current object, safe to modify. */
  getCopy(t: Target): KubeObject {
    return structuredClone(this.get(t).obj);
  }

  /**
   * A write through a resource stored as another is converted to the storage form once, right
   * after decoding (kube-apiserver converts to the internal version there): defaults, strategy,
   * validation and storage all work on that form, and only the answer is converted back.
   */
  create(def: ResourceDef, namespace: string | undefined, body: unknown, opts: WriteOptions = {}): StoredObject {
    const decoded = this.decode(def, body);
    this.checkNamespace(def, namespace, decoded);
    if (!decoded.metadata.name && decoded.metadata.generateName)
      decoded.metadata.name = `${decoded.metadata.generateName}${randomSuffix()}`;
    if (def.namespaced && namespace)
      this.namespaces.assertCanCreateIn(namespace, def.resource, decoded.metadata.name ?? '');
    const sdef = storageDef(def);
    const obj = storageForm(def, decoded);
    const meta = obj.metadata;
    const incoming = meta.managedFields;
    delete meta.managedFields;
    const snapshot = snapshotForCreate(sdef.kind, obj);
    prepareForCreate(sdef, obj);
    // The field manager sees the defaulted object before admission and the strategy change it.
    const managed =
      opts.managedFields !== undefined
        ? opts.managedFields
        : managedFieldsAfter({
            kind: sdef.kind,
            apiVersion: apiVersionOf(def),
            manager: opts.fieldManager ?? CONTROLLER_MANAGER,
            incoming,
            live: undefined,
            next: creatorView(sdef.kind, obj, snapshot),
            time: formatTime(this.now()),
            convert: this.versionViews(sdef),
          });
    meta.uid = newUid();
    meta.creationTimestamp = formatTime(this.now());
    delete meta.deletionTimestamp;
    delete meta.deletionGracePeriodSeconds;
    delete meta.resourceVersion;
    delete meta.selfLink;
    if (managed) meta.managedFields = managed;
    if (sdef.tracksGeneration) meta.generation = 1;
    else delete meta.generation;
    finishCreate(sdef, obj);
    applyGoShape(sdef, obj);
    const errs = validateCreate(def, obj);
    // Invalid names the internal kind (the storage's), whichever version the request used.
    if (errs.length > 0) throw invalid(sdef, meta.name ?? '', errs);
    if (this.store.get(sdef, scopeNs({ def, namespace }), meta.name ?? '')) throw alreadyExists(def, meta.name ?? '');
    if (opts.dryRun) return new StoredObject('', presented(def, obj), this.store.currentRevision());
    return this.store.commitStored(def, 'ADDED', obj);
  }

  /** PUT of the main resource or of its status subresource. */
  update(t: Target, body: unknown, subresource?: 'status', opts: WriteOptions = {}): StoredObject {
    const next = this.decode(t.def, body);
    this.checkNamespace(t.def, t.namespace, next);
    if (next.metadata.name !== undefined && next.metadata.name !== t.name) {
      throw badRequest(`the name of the object (${next.metadata.name}) does not match the name on the URL (${t.name})`);
    }
    next.metadata.name = t.name;
    const current = this.store.get(storageDef(t.def), scopeNs(t), t.name);
    if (!current) {
      if (t.def.createOnUpdate && subresource === undefined) return this.create(t.def, t.namespace, next, opts);
      throw notFound(t.def, t.name);
    }
    const rv = next.metadata.resourceVersion;
    if (rv !== undefined && rv !== '' && rv !== current.obj.metadata.resourceVersion) {
      throw conflict(t.def, t.name, STALE_OBJECT_MESSAGE);
    }
    return this.commitUpdate(t, current, storageForm(t.def, next), subresource, opts);
  }

  /** PATCH: applies the patch to the current object, then stores it as an update would. */
  patch(t: Target, type: PatchType, patchBody: unknown, subresource?: 'status', opts: WriteOptions = {}): StoredObject {
    const current = this.get(t);
    const original = JSON.parse(current.fullJson(t.def)) as Record<string, unknown>;
    const patched = applyPatch(type, original, patchBody, {
      group: t.def.group,
      version: t.def.version,
      kind: t.def.kind,
    });
    const next = this.decode(t.def, patched);
    if (next.metadata.name !== t.name) {
      throw badRequest(
        `the name of the object (${String(next.metadata.name)}) does not match the name on the URL (${t.name})`,
      );
    }
    const rv = next.metadata.resourceVersion;
    if (rv !== undefined && rv !== '' && rv !== current.obj.metadata.resourceVersion) {
      throw conflict(t.def, t.name, STALE_OBJECT_MESSAGE);
    }
    next.metadata.namespace = current.obj.metadata.namespace;
    return this.commitUpdate(t, this.getStored(t), storageForm(t.def, next), subresource, opts);
  }

  /** Server-side apply of a configuration (PATCH application/apply-patch+yaml). */
  apply(
    t: Target,
    config: unknown,
    subresource: 'status' | undefined,
    opts: ApplyOptions,
  ): { object: StoredObject; created: boolean } {
    return applyObject(this, t, config, subresource, opts);
  }

  delete(t: Target, options: DeleteOptions = {}): DeleteResult {
    return deleteObject(this, t, options);
  }

  /**
   * Stores `next` as the new version of `current`, or deletes it when its last finalizer went.
   * Both are in the storage form (the same as t.def's unless t.def is stored as another); the
   * answer is in t.def's version.
   */
  commitUpdate(
    t: Target,
    current: StoredObject,
    next: KubeObject,
    subresource: 'status' | undefined,
    opts: WriteOptions = {},
  ): StoredObject {
    const sdef = storageDef(t.def);
    const old = current.obj;
    keepSystemMeta(next, old);
    next.metadata.namespace = old.metadata.namespace;
    const incoming = next.metadata.managedFields;
    delete next.metadata.managedFields;
    if (sdef.kind === 'Service') keepClusterIp(next, old);
    const stored = prepareForUpdate(sdef, next, old, subresource);
    applyGoShape(sdef, stored);
    if (sdef.tracksGeneration && !deepEqual(specPart(stored), specPart(old))) {
      stored.metadata.generation = (old.metadata.generation ?? 0) + 1;
    }
    const errs = validateUpdate(t.def, stored, old);
    if (old.metadata.deletionTimestamp) errs.push(...newFinalizerErrors(stored, old));
    if (errs.length > 0) throw invalid(sdef, t.name, errs);
    stored.metadata.resourceVersion = old.metadata.resourceVersion;
    const managed =
      opts.managedFields !== undefined
        ? opts.managedFields
        : managedFieldsAfter({
            kind: sdef.kind,
            apiVersion: apiVersionOf(t.def),
            manager: opts.fieldManager ?? CONTROLLER_MANAGER,
            incoming,
            live: old,
            next: stored,
            time: formatTime(this.now()),
            convert: this.versionViews(sdef),
          });
    if (managed) stored.metadata.managedFields = managed;
    else delete stored.metadata.managedFields;
    // An update that changes nothing writes nothing (etcd's GuaranteedUpdate short-circuit).
    if (deepEqual(stored, old)) return this.store.as(t.def, current);
    if (opts.dryRun) return new StoredObject(current.key, presented(t.def, stored), current.rv);
    if (
      old.metadata.deletionTimestamp &&
      (stored.metadata.finalizers ?? []).length === 0 &&
      !deletionBlocked(sdef, stored)
    ) {
      return this.store.commitStored(t.def, 'DELETED', stored);
    }
    return this.store.commitStored(t.def, 'MODIFIED', stored);
  }

  /**
   * A storage-form object as each API version of its kind presents it: field sets are kept in
   * the version of the manager that wrote them. Undefined for kinds served in one form only.
   */
  private versionViews(
    sdef: ResourceDef,
  ): ((apiVersion: string, obj: Record<string, unknown>) => Record<string, unknown> | undefined) | undefined {
    const views = this.registry.viewsOf(sdef);
    if (views.length === 0) return undefined;
    return (apiVersion, obj) => {
      if (apiVersion === apiVersionOf(sdef)) return obj;
      const view = views.find((v) => apiVersionOf(v) === apiVersion);
      return view?.storedAs ? view.storedAs.fromStorage(obj as KubeObject) : undefined;
    };
  }

  /** Parses a request body into an object of this resource's kind, or a 400 naming why not. */
  decode(def: ResourceDef, body: unknown): KubeObject {
    if (!isPlainObject(body)) {
      throw badRequest(`the object provided is unrecognized (must be of type ${def.kind})`);
    }
    const expected = apiVersionOf(def);
    const apiVersion = body['apiVersion'] ?? expected;
    const kind = body['kind'] ?? def.kind;
    if (kind !== def.kind || apiVersion !== expected) throw this.decodeError(def, String(apiVersion), String(kind));
    const metadata = body['metadata'] ?? {};
    if (!isPlainObject(metadata))
      throw badRequest(
        `${def.kind} in version "${def.version}" cannot be handled as a ${def.kind}: metadata must be an object`,
      );
    return {
      ...structuredClone(body),
      apiVersion: expected,
      kind: def.kind,
      metadata: structuredClone(metadata),
    } as KubeObject;
  }

  /** The decoder's words for a body of another kind or version (apimachinery's scheme errors). */
  private decodeError(def: ResourceDef, apiVersion: string, kind: string): ApiError {
    const known = this.registry.findKind(apiVersion, kind);
    if (!known) {
      return badRequest(
        `${def.kind} in version "${def.version}" cannot be handled as a ${def.kind}: no kind "${kind}" is registered for version "${apiVersion}" in scheme "k8s.io/kubernetes/pkg/api/legacyscheme/scheme.go:30"`,
      );
    }
    const internal = (group: string): string =>
      group === '' || group === 'events.k8s.io' ? 'core' : (group.split('.')[0] ?? group);
    return badRequest(
      `${kind} in version "${known.version}" cannot be handled as a ${def.kind}: converting (${known.version}.${kind}) to (${internal(def.group)}.${def.kind}): unknown conversion`,
    );
  }

  private checkNamespace(def: ResourceDef, namespace: string | undefined, obj: KubeObject): void {
    if (!def.namespaced) {
      delete obj.metadata.namespace;
      return;
    }
    const own = obj.metadata.namespace;
    if (own !== undefined && own !== '' && own !== namespace) {
      throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
    }
    obj.metadata.namespace = namespace;
  }
}

/** An object in storage form as `def` presents it (a dry run's answer: never stored, so never cached). */
function presented(def: ResourceDef, obj: KubeObject): KubeObject {
  return def.storedAs ? def.storedAs.fromStorage(obj) : obj;
}

export function scopeNs(t: { def: ResourceDef; namespace: string | undefined }): string | undefined {
  return t.def.namespaced ? t.namespace : undefined;
}

/**
 * What keeps a terminating object once its finalizers are gone: a pod's graceful deletion until
 * the kubelet confirms (grace 0), a namespace's spec.finalizers until its content is deleted.
 */
function deletionBlocked(def: ResourceDef, obj: KubeObject): boolean {
  if (def.kind === 'Pod') return (obj.metadata.deletionGracePeriodSeconds ?? 0) > 0;
  if (def.kind === 'Namespace') {
    const spec = isPlainObject(obj.spec) ? obj.spec : {};
    return Array.isArray(spec['finalizers']) && spec['finalizers'].length > 0;
  }
  return false;
}

function newFinalizerErrors(next: KubeObject, old: KubeObject): Parameters<typeof invalid>[2] {
  const before = new Set(old.metadata.finalizers ?? []);
  const added = (next.metadata.finalizers ?? []).filter((f) => !before.has(f));
  if (added.length === 0) return [];
  const err = {
    type: 'FieldValueForbidden' as const,
    field: 'metadata.finalizers',
    detail: `no new finalizers can be added if the object is being deleted, found new finalizers []string{${added.map((f) => JSON.stringify(f)).join(', ')}}`,
  };
  // kube-apiserver reports this cause twice (object-meta update validation and the store both check).
  return [err, { ...err }];
}

function keepClusterIp(next: KubeObject, old: KubeObject): void {
  if (!isPlainObject(next.spec) || !isPlainObject(old.spec)) return;
  if (next.spec['clusterIP'] === undefined && old.spec['clusterIP'] !== undefined) {
    next.spec['clusterIP'] = old.spec['clusterIP'];
    next.spec['clusterIPs'] = old.spec['clusterIPs'];
  }
}

export { ApiError };
