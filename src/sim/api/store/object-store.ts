import type { KubeObject, ResourceDef } from '../registry.ts';
import { gvrKey, storageDef } from '../registry.ts';
import { EventRing } from './event-ring.ts';
import { objectKey, StoredObject, type StoreEvent, type WatchEventType } from './stored.ts';
import { StorageViews } from './views.ts';

/** Receives every committed event of one resource; must not block (queue and return). */
export interface StoreSubscriber {
  deliver(event: StoreEvent): void;
}

/** All objects of one resource plus its recent history. */
class ResourceTable {
  readonly objects = new Map<string, StoredObject>();
  readonly byNamespace = new Map<string, Map<string, StoredObject>>();
  readonly subscribers = new Set<StoreSubscriber>();
  readonly events: EventRing;
  private sortedKeys: string[] | null = null;

  constructor(windowSize: number) {
    this.events = new EventRing(windowSize);
  }

  /** Keys in etcd order (lexicographic on namespace/name), cached until a key is added or removed. */
  keysInOrder(): string[] {
    if (!this.sortedKeys) this.sortedKeys = [...this.objects.keys()].sort(compareKeys);
    return this.sortedKeys;
  }

  put(ns: string | undefined, so: StoredObject): void {
    if (!this.objects.has(so.key)) this.sortedKeys = null;
    this.objects.set(so.key, so);
    const nsKey = ns ?? '';
    let inNs = this.byNamespace.get(nsKey);
    if (!inNs) {
      inNs = new Map();
      this.byNamespace.set(nsKey, inNs);
    }
    inNs.set(so.key, so);
  }

  remove(ns: string | undefined, key: string): void {
    if (this.objects.delete(key)) this.sortedKeys = null;
    this.byNamespace.get(ns ?? '')?.delete(key);
  }
}

function compareKeys(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export interface ObjectStoreOptions {
  /** Events kept per resource for watch resumption and paged snapshot reads. */
  watchWindow?: number;
  now?: () => Date;
}

/**
 * The sim's storage: one global, monotonic resourceVersion (like etcd's revision), immutable
 * stored versions, and per-resource event windows. No semantics here beyond that: validation,
 * defaults and preconditions live in the resource service above it.
 *
 * A resource stored as another (ResourceDef.storedAs) has no table: every method given such a
 * def works on the other resource's table and converts what goes in and out, so the two share
 * objects, history and resourceVersions while each reads in its own version.
 */
export class ObjectStore {
  private rev = 1;
  private readonly tables = new Map<string, ResourceTable>();
  private readonly windowSize: number;
  private readonly views = new StorageViews();

  constructor(opts: ObjectStoreOptions = {}) {
    this.windowSize = opts.watchWindow ?? 10_000;
  }

  /** The resourceVersion of the latest commit (as a number; it is rendered as a string on the wire). */
  currentRevision(): number {
    return this.rev;
  }

  private table(def: ResourceDef): ResourceTable {
    const d = storageDef(def);
    const k = gvrKey(d.group, d.version, d.resource);
    let t = this.tables.get(k);
    if (!t) {
      t = new ResourceTable(this.windowSize);
      this.tables.set(k, t);
    }
    return t;
  }

  get(def: ResourceDef, namespace: string | undefined, name: string): StoredObject | undefined {
    const so = this.table(def).objects.get(objectKey(namespace, name));
    return so && def.storedAs ? this.views.object(def, so) : so;
  }

  /** Current objects in key order, optionally in one namespace. */
  listCurrent(def: ResourceDef, namespace: string | undefined): StoredObject[] {
    return this.views.objects(def, this.storedCurrent(def, namespace));
  }

  private storedCurrent(def: ResourceDef, namespace: string | undefined): StoredObject[] {
    const t = this.table(def);
    if (namespace !== undefined && def.namespaced) {
      const inNs = t.byNamespace.get(namespace);
      if (!inNs) return [];
      return [...inNs.values()].sort((a, b) => compareKeys(a.key, b.key));
    }
    return t
      .keysInOrder()
      .map((k) => t.objects.get(k))
      .filter((o): o is StoredObject => o !== undefined);
  }

  /** Every current object of a resource, in no particular order (no sort: for full scans). */
  values(def: ResourceDef): IterableIterator<StoredObject> {
    const it = this.table(def).objects.values();
    return def.storedAs ? this.views.iterate(def, it) : it;
  }

  count(def: ResourceDef): number {
    return this.table(def).objects.size;
  }

  /**
   * Objects as they were at revision `rv`, in key order, or undefined when the window no longer
   * reaches back that far (the caller answers 410).
   */
  listAt(def: ResourceDef, namespace: string | undefined, rv: number): StoredObject[] | undefined {
    if (rv >= this.rev) return this.listCurrent(def, namespace);
    const stored = this.storedAt(def, namespace, rv);
    return stored && this.views.objects(def, stored);
  }

  private storedAt(def: ResourceDef, namespace: string | undefined, rv: number): StoredObject[] | undefined {
    const t = this.table(def);
    if (!t.events.covers(rv)) return undefined;
    const state = new Map<string, StoredObject | undefined>();
    // The first event after rv for a key tells what the key held at rv.
    for (const e of t.events.since(rv)) {
      if (!state.has(e.key)) state.set(e.key, e.type === 'ADDED' ? undefined : e.prev);
    }
    const inScope = (so: StoredObject): boolean =>
      namespace === undefined || !def.namespaced || so.obj.metadata.namespace === namespace;
    const out: StoredObject[] = [];
    for (const so of this.storedCurrent(def, namespace)) {
      if (!state.has(so.key)) out.push(so);
    }
    for (const old of state.values()) {
      if (old && inScope(old)) out.push(old);
    }
    return out.sort((a, b) => compareKeys(a.key, b.key));
  }

  /** Events after `rv`, or undefined when they have been compacted away. */
  eventsSince(def: ResourceDef, rv: number): StoreEvent[] | undefined {
    const t = this.table(def);
    if (!t.events.covers(rv)) return undefined;
    const events = t.events.since(rv);
    return def.storedAs ? events.map((e) => this.views.event(def, e)) : events;
  }

  /** Compacts history up to `rv` for every resource: older watches and snapshot lists get 410. */
  compact(rv: number): void {
    for (const t of this.tables.values()) t.events.compactThrough(rv);
  }

  oldestResumable(def: ResourceDef): number {
    return this.table(def).events.oldestResumable();
  }

  /**
   * Commits a new version (or a deletion) and fans the event out. The object is stamped with
   * the new resourceVersion and must not be mutated afterwards.
   */
  commit(def: ResourceDef, type: WatchEventType, obj: KubeObject): StoredObject {
    const binding = def.storedAs;
    if (binding) return this.views.object(def, this.commit(binding.def, type, binding.toStorage(obj)));
    const t = this.table(def);
    const ns = def.namespaced ? obj.metadata.namespace : undefined;
    const key = objectKey(ns, obj.metadata.name ?? '');
    const prev = t.objects.get(key);
    const rv = ++this.rev;
    obj.metadata.resourceVersion = String(rv);
    const so = new StoredObject(key, obj, rv);
    if (type === 'DELETED') t.remove(ns, key);
    else t.put(ns, so);
    const event: StoreEvent = { type, rv, key, namespace: ns, object: so, prev };
    t.events.push(event);
    for (const s of t.subscribers) s.deliver(event);
    return so;
  }

  /** Commits an object already in `def`'s storage form; the answer is in `def`'s version. */
  commitStored(def: ResourceDef, type: WatchEventType, obj: KubeObject): StoredObject {
    return this.as(def, this.commit(storageDef(def), type, obj));
  }

  /** A stored version (of `def`'s storage) as `def` presents it: itself unless `def` is a view. */
  as(def: ResourceDef, so: StoredObject): StoredObject {
    return def.storedAs ? this.views.object(def, so) : so;
  }

  subscribe(def: ResourceDef, s: StoreSubscriber): () => void {
    const t = this.table(def);
    const sub: StoreSubscriber = def.storedAs ? { deliver: (e) => s.deliver(this.views.event(def, e)) } : s;
    t.subscribers.add(sub);
    return () => t.subscribers.delete(sub);
  }
}
