import { deepEqual, isPlainObject } from '../../../util/deep-equal.ts';
import { SELF, difference, type FieldSet } from './fieldset.ts';
import { KEY_DEFAULTS, MAP_ENTRY, fieldType, listKind, rootType, type FieldType } from './schema.ts';

type Obj = Record<string, unknown>;

/** Where a value sits: the object's kind, the field's type and name, and its depth under the root. */
export interface Place {
  kind: string;
  ft: FieldType;
  name: string;
  depth: number;
}

type Child = { el: string; value: unknown; place: Place; listItem: boolean };

/** The place of a list's items: the list's element type. */
export function itemPlace(p: Place): Place {
  return { ...p, ft: { meta: {}, type: p.ft.type, mapOfValues: false, atomic: false } };
}

/** The place of field `name` of the map at `p`. */
export function childPlace(p: Place, name: string): Place {
  return {
    kind: p.kind,
    ft: p.ft.mapOfValues ? MAP_ENTRY : fieldType(p.kind, p.ft.type, name, p.depth + 1),
    name,
    depth: p.depth + 1,
  };
}

/** The path element of a keyed list item: `k:{"name":"web"}`, key fields in name order. */
export function itemKey(item: Obj, keys: string[]): string {
  const fields: Obj = {};
  for (const k of [...keys].sort()) {
    const v = item[k] ?? KEY_DEFAULTS[k];
    if (v !== undefined) fields[k] = v;
  }
  return `k:${JSON.stringify(fields)}`;
}

export function rootPlace(kind: string): Place {
  return {
    kind,
    ft: { meta: { type: rootType(kind) }, type: rootType(kind), mapOfValues: false, atomic: false },
    name: '',
    depth: 0,
  };
}

/** The children of a value as structured-merge-diff walks them, or undefined for a leaf. */
function childrenOf(v: unknown, p: Place): Child[] | undefined {
  if (p.ft.atomic) return undefined;
  if (isPlainObject(v)) {
    const keys = Object.keys(v);
    if (keys.length === 0) return undefined;
    return keys.map((k) => ({
      el: `f:${k}`,
      value: v[k],
      place: childPlace(p, k),
      listItem: false,
    }));
  }
  if (!Array.isArray(v) || v.length === 0) return undefined;
  const lk = listKind(p.name, p.ft.meta);
  if (lk.kind === 'atomic') return undefined;
  if (lk.kind === 'set')
    return v.map((x) => ({ el: `v:${JSON.stringify(x)}`, value: x, place: itemPlace(p), listItem: true }));
  if (!v.every(isPlainObject)) return undefined;
  return v.map((x) => ({ el: itemKey(x as Obj, lk.keys), value: x, place: itemPlace(p), listItem: true }));
}

function node(member: boolean, children: [string, FieldSet][]): FieldSet | undefined {
  if (children.length === 0) return member ? {} : undefined;
  const out: FieldSet = member ? { [SELF]: {} } : {};
  for (const [k, s] of children) out[k] = s;
  return out;
}

/** Every path of a value that did not exist before: the value itself and all it holds. */
export function addedSet(v: unknown, p: Place): FieldSet {
  const kids = childrenOf(v, p);
  if (!kids) return {};
  return (
    node(
      true,
      kids.map((c) => [c.el, addedSet(c.value, c.place)]),
    ) ?? {}
  );
}

/**
 * The set an applied configuration claims (TypedValue.ToFieldSet): leaves, list items, empty or
 * null maps and the entries of maps of arbitrary keys; a struct with fields claims only those.
 */
export function appliedSet(v: unknown, p: Place, member = false): FieldSet | undefined {
  const kids = childrenOf(v, p);
  if (!kids) return {};
  const children: [string, FieldSet][] = [];
  for (const c of kids) {
    const cv = c.value;
    const claimsSelf =
      c.listItem || cv === null || (isPlainObject(cv) && Object.keys(cv).length === 0) || p.ft.mapOfValues;
    const s = appliedSet(cv, c.place, claimsSelf);
    if (s) children.push([c.el, s]);
  }
  return node(member, children);
}

export interface Comparison {
  /** Paths added or whose value changed. */
  changed: FieldSet | undefined;
  /** Paths that existed and are gone. */
  removed: FieldSet | undefined;
}

/**
 * What a write changed (typed.Compare): a field absent before is added with everything in it;
 * a field present on both sides (even as null) is compared inside; leaves and atomic values are
 * modified when they differ.
 */
export function compareValues(old: unknown, next: unknown, p: Place): Comparison {
  // Stored objects are never mutated: a part shared by both versions (the spec kept by a status write) is unchanged.
  if (old === next) return { changed: undefined, removed: undefined };
  const kids = comparableChildren(old, next, p);
  if (!kids)
    return deepEqual(old, next) ? { changed: undefined, removed: undefined } : { changed: {}, removed: undefined };
  const before = new Map(kids.old.map((c) => [c.el, c]));
  const changed: [string, FieldSet][] = [];
  const removed: [string, FieldSet][] = [];
  const seen = new Set<string>();
  for (const c of kids.next) {
    seen.add(c.el);
    const prev = before.get(c.el);
    if (!prev || prev.value === undefined) {
      if (c.value !== undefined) changed.push([c.el, addedSet(c.value, c.place)]);
      continue;
    }
    const sub = compareValues(prev.value, c.value, c.place);
    if (sub.changed) changed.push([c.el, sub.changed]);
    if (sub.removed) removed.push([c.el, sub.removed]);
  }
  for (const [el, c] of before)
    if (!seen.has(el) && c.value !== undefined) removed.push([el, addedSet(c.value, c.place)]);
  return { changed: node(false, changed), removed: node(false, removed) };
}

/**
 * The children of both sides when they are compared inside (two maps, or two granular lists; a
 * null before counts as empty), or undefined when the values are compared as leaves.
 */
function comparableChildren(old: unknown, next: unknown, p: Place): { old: Child[]; next: Child[] } | undefined {
  const before = old === null || old === undefined ? (Array.isArray(next) ? [] : isPlainObject(next) ? {} : old) : old;
  const nk = childrenOf(next, p);
  const ok = childrenOf(before, p);
  if (isPlainObject(next) && isPlainObject(before)) return p.ft.atomic ? undefined : { old: ok ?? [], next: nk ?? [] };
  if (!Array.isArray(next) || !Array.isArray(before)) return undefined;
  const granular = (nk !== undefined || next.length === 0) && (ok !== undefined || before.length === 0);
  return granular ? { old: ok ?? [], next: nk ?? [] } : undefined;
}

/** Fields the field manager never tracks (fieldmanager's stripMeta), as a set to subtract. */
const IGNORED: FieldSet = {
  'f:apiVersion': {},
  'f:kind': {},
  'f:metadata': Object.fromEntries(
    [
      'name',
      'namespace',
      'creationTimestamp',
      'selfLink',
      'uid',
      'clusterName',
      'generation',
      'managedFields',
      'resourceVersion',
      'deletionTimestamp',
      'deletionGracePeriodSeconds',
    ].map((f) => [`f:${f}`, {}]),
  ),
};

/** Removes the untracked fields from a computed set (copying only the levels it changes). */
export function withoutIgnored(set: FieldSet | undefined): FieldSet | undefined {
  if (!set) return undefined;
  const meta = set['f:metadata'];
  const metaHit =
    meta !== undefined && Object.keys(IGNORED['f:metadata'] as FieldSet).some((k) => meta[k] !== undefined);
  if (!metaHit && set['f:apiVersion'] === undefined && set['f:kind'] === undefined) return set;
  return difference(set, IGNORED);
}

/**
 * An object without its managedFields: they are never part of the sets (and comparing them would
 * cost a walk of every entry on every write).
 */
export function trackedView(obj: Obj): Obj {
  const metadata = obj['metadata'];
  if (!isPlainObject(metadata) || metadata['managedFields'] === undefined) return obj;
  const { managedFields: _m, ...meta } = metadata;
  return { ...obj, metadata: meta };
}
