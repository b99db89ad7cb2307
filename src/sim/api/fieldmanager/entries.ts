import { deepEqual, isPlainObject } from '../../../util/deep-equal.ts';
import { canonical, type FieldSet } from './fieldset.ts';

/** One `metadata.managedFields` entry (meta/v1 ManagedFieldsEntry as 1.20 serves it). */
export interface ManagedEntry {
  manager: string;
  operation: 'Apply' | 'Update';
  apiVersion: string;
  time?: string;
  fieldsType: 'FieldsV1';
  fieldsV1: FieldSet;
}

function isFieldSet(v: unknown, depth = 0): v is FieldSet {
  if (!isPlainObject(v) || depth > 64) return false;
  // Interned sets (every stored one) were checked when they were made.
  if (Object.isFrozen(v)) return true;
  return Object.entries(v).every(([k, c]) => isElement(k) && isFieldSet(c, depth + 1));
}

/** A FieldsV1 key: ".", a field, an index, or a key/value that is JSON (a client may send anything). */
function isElement(k: string): boolean {
  if (k === '.') return true;
  const body = k.slice(2);
  if (k.startsWith('f:')) return true;
  if (k.startsWith('i:')) return /^\d+$/.test(body);
  if (!k.startsWith('k:') && !k.startsWith('v:')) return false;
  try {
    const parsed: unknown = JSON.parse(body);
    return k.startsWith('v:') || isPlainObject(parsed);
  } catch {
    return false; // not JSON: the entry is unusable, and the live object's entries are kept instead
  }
}

/**
 * The entries an object carries, or undefined when there are none usable: like kube-apiserver,
 * a client that sends no or undecodable managedFields keeps the live object's instead.
 */
export function decodeEntries(raw: unknown): ManagedEntry[] | undefined {
  if (!Array.isArray(raw) || raw.length === 0) return undefined;
  // Stored entries (frozen by encodeEntries) were decoded when they were made.
  if (Object.isFrozen(raw)) return raw as ManagedEntry[];
  const out: ManagedEntry[] = [];
  for (const e of raw) {
    if (!isPlainObject(e)) return undefined;
    const { manager, operation, apiVersion, time, fieldsType, fieldsV1 } = e;
    if (operation !== 'Apply' && operation !== 'Update') return undefined;
    if (fieldsType !== 'FieldsV1' || !isFieldSet(fieldsV1)) return undefined;
    if (typeof manager !== 'string' || typeof apiVersion !== 'string') return undefined;
    // Sets that came from a client are interned like computed ones (stored sets already are).
    const fields = Object.isFrozen(fieldsV1) ? fieldsV1 : intern(fieldsV1);
    out.push({
      manager,
      operation,
      apiVersion,
      ...(typeof time === 'string' ? { time } : {}),
      fieldsType,
      fieldsV1: fields,
    });
  }
  return out;
}

/** Stored entries: frozen, so a later read takes them as they are. */
export function freezeEntries(entries: ManagedEntry[]): ManagedEntry[] {
  for (const e of entries) Object.freeze(e);
  return Object.freeze(entries) as ManagedEntry[];
}

/**
 * Whether entries a writer sent are the live ones unchanged (a writer that copied the object it
 * read): the common case, answered without decoding them.
 */
export function sameAsLive(raw: unknown, live: ManagedEntry[]): boolean {
  if (raw === live) return true;
  if (!Array.isArray(raw) || raw.length !== live.length) return false;
  return raw.every((e, i) => {
    const l = live[i] as ManagedEntry;
    return (
      isPlainObject(e) &&
      e['manager'] === l.manager &&
      e['operation'] === l.operation &&
      e['apiVersion'] === l.apiVersion &&
      e['time'] === l.time &&
      e['fieldsType'] === l.fieldsType &&
      deepEqual(e['fieldsV1'], l.fieldsV1)
    );
  });
}

/** `managedFields: [{}]` is how a client asks to drop all ownership (fieldmanager's reset). */
export function isReset(raw: unknown): boolean {
  return Array.isArray(raw) && raw.length === 1 && isPlainObject(raw[0]) && Object.keys(raw[0]).length === 0;
}

/** Entry order of kube-apiserver: Apply before Update, then by time, manager, apiVersion. */
export function sortEntries(entries: ManagedEntry[]): ManagedEntry[] {
  return [...entries].sort((p, q) => {
    if (p.operation !== q.operation) return p.operation < q.operation ? -1 : 1;
    const pt = p.time ?? '';
    const qt = q.time ?? '';
    if (pt !== qt) return pt < qt ? -1 : 1;
    if (p.manager !== q.manager) return p.manager < q.manager ? -1 : 1;
    return p.apiVersion < q.apiVersion ? -1 : p.apiVersion > q.apiVersion ? 1 : 0;
  });
}

/**
 * Identical field sets are stored once: the pods of one ReplicaSet (and most objects a controller
 * stamps out) own the same fields, and stored objects are never mutated, so sharing is safe.
 * The cache is bounded; a set that fell out of it is simply stored on its own.
 */
const INTERN_MAX = 4096;
const interned = new Map<string, FieldSet>();

export function intern(set: FieldSet): FieldSet {
  if (Object.isFrozen(set)) return set;
  // Sets built the same way have the same key order: looked up as built first, which saves
  // sorting the common case (a set some other object already has).
  const raw = JSON.stringify(set);
  const seen = interned.get(raw);
  if (seen) return seen;
  const c = canonical(set);
  const key = JSON.stringify(c);
  const hit = interned.get(key) ?? c;
  if (interned.size >= INTERN_MAX) interned.clear();
  if (hit === c) deepFreeze(c);
  interned.set(key, hit);
  interned.set(raw, hit);
  return hit;
}

function deepFreeze(s: FieldSet): void {
  for (const v of Object.values(s)) deepFreeze(v);
  Object.freeze(s);
}
