import type { KubeObject, ResourceDef } from '../registry.ts';
import { StoredObject, type StoreEvent } from './stored.ts';

/** View object -> the stored object it was converted from (for readers that need the storage form). */
const sources = new WeakMap<KubeObject, KubeObject>();

/**
 * The stored object a view's object was converted from, so that nothing needs converting it back
 * (autoscaling/v1 -> v2 is lossy: it moves the CPU metric last). Undefined for anything else.
 */
export function storedSourceOf(viewObject: KubeObject): KubeObject | undefined {
  return sources.get(viewObject);
}

/**
 * Reads through a resource stored as another (ResourceDef.storedAs): each stored version is
 * converted once, on its first read through the view, and the converted version (with its own
 * JSON cache) lives exactly as long as the stored one. Resources without a view never get here.
 */
export class StorageViews {
  private readonly cache = new Map<ResourceDef, WeakMap<StoredObject, StoredObject>>();

  /** The stored version `so` as `def` (a view) presents it. */
  object(def: ResourceDef, so: StoredObject): StoredObject {
    const binding = def.storedAs;
    if (!binding) return so;
    let seen = this.cache.get(def);
    if (!seen) {
      seen = new WeakMap();
      this.cache.set(def, seen);
    }
    let view = seen.get(so);
    if (!view) {
      view = new StoredObject(so.key, binding.fromStorage(so.obj), so.rv);
      sources.set(view.obj, so.obj);
      seen.set(so, view);
    }
    return view;
  }

  objects(def: ResourceDef, list: StoredObject[]): StoredObject[] {
    return def.storedAs ? list.map((so) => this.object(def, so)) : list;
  }

  *iterate(def: ResourceDef, it: IterableIterator<StoredObject>): IterableIterator<StoredObject> {
    for (const so of it) yield this.object(def, so);
  }

  event(def: ResourceDef, e: StoreEvent): StoreEvent {
    return {
      ...e,
      object: this.object(def, e.object),
      prev: e.prev === undefined ? undefined : this.object(def, e.prev),
    };
  }
}
