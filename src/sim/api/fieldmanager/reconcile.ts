import { isPlainObject } from '../../../util/deep-equal.ts';
import { SELF, type FieldSet } from './fieldset.ts';
import { intern, type ManagedEntry } from './entries.ts';
import { appliedSet, childPlace, itemKey, itemPlace, rootPlace, type Place } from './sets.ts';
import { listKind } from './schema.ts';

type Obj = Record<string, unknown>;

/**
 * structured-merge-diff reconciles every manager's set with the schema before each write
 * (reconcileManagedFieldsWithSchemaChanges): a map or list owned as a bare member, with none of
 * its fields — which is how FieldsV1 reads a node whose fields all went to other managers — is
 * taken for a value that used to be atomic, and becomes the node plus every field the live
 * object has under it. kube-apiserver 1.20 does this on every write, so the sim does too.
 */
export function reconcileEntries(kind: string, entries: ManagedEntry[], live: Obj | undefined): ManagedEntry[] {
  if (!live) return entries;
  let changed = false;
  const out = entries.map((e) => {
    const next = reconcileSet(e.fieldsV1, live, rootPlace(kind), true);
    if (next === e.fieldsV1) return e;
    changed = true;
    return { ...e, fieldsV1: intern(next) };
  });
  return changed ? out : entries;
}

function reconcileSet(set: FieldSet, value: unknown, p: Place, root: boolean): FieldSet {
  const keys = Object.keys(set);
  if (keys.length === 0) {
    if (root || p.ft.atomic) return set;
    return expand(value, p) ?? set;
  }
  let out: FieldSet | undefined;
  for (const k of keys) {
    if (k === SELF) continue;
    const child = childValue(value, p, k);
    if (!child) continue;
    const next = reconcileSet(set[k] as FieldSet, child.value, child.place, false);
    if (next === set[k]) continue;
    out ??= { ...set };
    out[k] = next;
  }
  return out ?? set;
}

/** A granular value's node with everything under it, or undefined when there is nothing under it. */
function expand(value: unknown, p: Place): FieldSet | undefined {
  const granularMap = isPlainObject(value) && Object.keys(value).length > 0;
  const granularList = Array.isArray(value) && value.length > 0 && listKind(p.name, p.ft.meta).kind !== 'atomic';
  if (!granularMap && !granularList) return undefined;
  const s = appliedSet(value, p, true);
  return s && Object.keys(s).length > 0 ? { [SELF]: {}, ...s } : undefined;
}

function childValue(value: unknown, p: Place, el: string): { value: unknown; place: Place } | undefined {
  const body = el.slice(2);
  if (el.startsWith('f:'))
    return isPlainObject(value) && body in value ? { value: value[body], place: childPlace(p, body) } : undefined;
  if (!Array.isArray(value) || !el.startsWith('k:')) return undefined;
  const lk = listKind(p.name, p.ft.meta);
  if (lk.kind !== 'associative') return undefined;
  const item = value.find((x) => isPlainObject(x) && itemKey(x, lk.keys) === el);
  return item === undefined ? undefined : { value: item, place: itemPlace(p) };
}
