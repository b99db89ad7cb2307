import type { KubeObject, ResourceDef } from '../registry.ts';
import { apiVersionOf } from '../registry.ts';

/**
 * An object as stored: immutable once committed (writers replace, never mutate), with its JSON
 * cached so that lists and watch fan-out serialize each version once, not once per reader.
 */
export class StoredObject {
  private itemJsonCache: string | undefined;

  constructor(
    readonly key: string,
    readonly obj: KubeObject,
    readonly rv: number,
  ) {}

  /** The object without kind/apiVersion: how kube-apiserver writes items inside a list. */
  itemJson(): string {
    if (this.itemJsonCache === undefined) {
      const { kind: _k, apiVersion: _a, ...rest } = this.obj;
      this.itemJsonCache = JSON.stringify(rest);
    }
    return this.itemJsonCache;
  }

  /** The full object, kind and apiVersion first, as in a GET or a watch event. */
  fullJson(def: ResourceDef): string {
    const body = this.itemJson();
    const head = `{"kind":${JSON.stringify(def.kind)},"apiVersion":${JSON.stringify(apiVersionOf(def))}`;
    return body === '{}' ? `${head}}` : `${head},${body.slice(1)}`;
  }
}

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

/** One committed change; `prev` lets readers reconstruct the state before it (snapshot reads). */
export interface StoreEvent {
  type: WatchEventType;
  rv: number;
  key: string;
  namespace: string | undefined;
  object: StoredObject;
  prev: StoredObject | undefined;
}

export function objectKey(namespace: string | undefined, name: string): string {
  return namespace ? `${namespace}/${name}` : name;
}
