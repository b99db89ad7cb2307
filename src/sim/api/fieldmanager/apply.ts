import { deepEqual, isPlainObject } from '../../../util/deep-equal.ts';
import { conflict as conflictError } from './errors.ts';
import { difference, formatPath, intersection, memberPaths, union, type FieldSet } from './fieldset.ts';
import { intern, type ManagedEntry } from './entries.ts';
import {
  appliedSet,
  childPlace,
  compareValues,
  itemKey,
  itemPlace,
  rootPlace,
  trackedView,
  withoutIgnored,
  type Place,
} from './sets.ts';
import { KEY_DEFAULTS, listKind } from './schema.ts';
import { reconcileEntries } from './reconcile.ts';
import { sameGroupEntries } from './update.ts';

type Obj = Record<string, unknown>;

export interface ApplyInput {
  kind: string;
  entries: ManagedEntry[];
  manager: string;
  apiVersion: string;
  /** The live object, or the kind's empty object when apply creates it. */
  live: Obj;
  config: Obj;
  force: boolean;
  time: string;
}

export interface ApplyResult {
  object: Obj;
  entries: ManagedEntry[];
}

/**
 * Server-side apply (structured-merge-diff's Updater.Apply): merge the configuration into the
 * live object, refuse (409) when that changes a field another manager owns unless forced (then
 * the field changes hands), make the manager own exactly what it applied, and remove the fields
 * it applied before and no longer does when nobody else owns them.
 */
export function trackApply(raw: ApplyInput): ApplyResult {
  const input = {
    ...raw,
    entries: reconcileEntries(raw.kind, sameGroupEntries(raw.entries, raw.apiVersion), raw.live),
  };
  const root = rootPlace(input.kind);
  // Merged into a copy: the live object is stored and never changes.
  const merged = mergeValue(structuredClone(input.live), input.config, root) as Obj;
  const changed = withoutIgnored(compareValues(trackedView(input.live), trackedView(merged), root).changed);
  const isSelf = (e: ManagedEntry): boolean => e.manager === input.manager && e.operation === 'Apply';
  const conflicts: { manager: ManagedEntry; set: FieldSet }[] = [];
  for (const e of input.entries) {
    if (isSelf(e)) continue;
    const c = intersection(e.fieldsV1, changed);
    if (c) conflicts.push({ manager: e, set: c });
  }
  if (conflicts.length > 0 && !input.force)
    throw conflictError(
      conflicts.map((c) => ({ manager: describeManager(c.manager), paths: memberPaths(c.set).map(formatPath) })),
    );
  const applied = withoutIgnored(appliedSet(trackedView(input.config), root)) ?? {};
  const previous = input.entries.find(isSelf)?.fieldsV1;
  const entries: ManagedEntry[] = [];
  let others: FieldSet | undefined;
  for (const e of input.entries) {
    if (isSelf(e)) continue;
    const lost = conflicts.find((c) => c.manager === e)?.set;
    const kept = lost ? difference(e.fieldsV1, lost) : e.fieldsV1;
    if (!kept) continue;
    others = union(others, kept);
    entries.push(kept === e.fieldsV1 ? e : { ...e, fieldsV1: intern(kept) });
  }
  const prune = difference(difference(previous, applied), others);
  if (prune) for (const path of memberPaths(prune)) removePath(merged, path);
  const unchanged = previous !== undefined && deepEqual(previous, applied) && deepEqual(merged, input.live);
  const own = input.entries.find(isSelf);
  entries.push({
    manager: input.manager,
    operation: 'Apply',
    apiVersion: input.apiVersion,
    time: unchanged && own?.time ? own.time : input.time,
    fieldsType: 'FieldsV1',
    fieldsV1: intern(applied),
  });
  return { object: merged, entries };
}

/** How a conflict names the other manager: an Update manager with the version it used. */
function describeManager(e: ManagedEntry): string {
  return e.operation === 'Update' ? `${JSON.stringify(e.manager)} using ${e.apiVersion}` : JSON.stringify(e.manager);
}

/** The structured merge of a configuration into a live value. */
function mergeValue(live: unknown, config: unknown, p: Place): unknown {
  if (config === undefined) return structuredClone(live);
  if (p.ft.atomic) return structuredClone(config);
  if (isPlainObject(live) && isPlainObject(config)) {
    const out: Obj = { ...live };
    for (const [k, v] of Object.entries(config)) out[k] = mergeValue(live[k], v, childPlace(p, k));
    return out;
  }
  if (Array.isArray(live) && Array.isArray(config)) {
    const lk = listKind(p.name, p.ft.meta);
    if (lk.kind === 'set') return [...live, ...config.filter((c) => !live.some((l) => deepEqual(l, c)))];
    if (lk.kind === 'associative' && [...live, ...config].every(isPlainObject)) {
      const out = live.map((x) => structuredClone(x) as Obj);
      const item = itemPlace(p);
      for (const c of config as Obj[]) {
        const key = itemKey(c, lk.keys);
        const at = out.findIndex((l) => itemKey(l, lk.keys) === key);
        if (at >= 0) out[at] = mergeValue(out[at], c, item) as Obj;
        else out.push(structuredClone(c));
      }
      return out;
    }
  }
  return structuredClone(config);
}

/** Removes one member path (FieldsV1 elements) from an object, if it is there. */
export function removePath(obj: Obj, path: string[]): void {
  let cur: unknown = obj;
  for (let i = 0; i < path.length; i++) {
    const el = path[i] as string;
    const last = i === path.length - 1;
    const body = el.slice(2);
    if (el.startsWith('f:')) {
      if (!isPlainObject(cur)) return;
      if (last) delete cur[body];
      else cur = cur[body];
      continue;
    }
    if (!Array.isArray(cur)) return;
    const list = cur;
    const at = el.startsWith('k:')
      ? list.findIndex((x) => isPlainObject(x) && matchesKey(x, body))
      : el.startsWith('v:')
        ? list.findIndex((x) => JSON.stringify(x) === body)
        : Number(body);
    if (!Number.isInteger(at) || at < 0 || at >= list.length) return;
    if (last) list.splice(at, 1);
    else cur = list[at];
  }
}

function matchesKey(item: Obj, json: string): boolean {
  const key = JSON.parse(json) as Obj;
  return Object.entries(key).every(([k, v]) => deepEqual(item[k] ?? KEY_DEFAULTS[k], v));
}
