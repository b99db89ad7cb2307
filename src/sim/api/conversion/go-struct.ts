import { isPlainObject } from '../../../util/deep-equal.ts';
import { parseQuantity } from '../../../util/quantity.ts';
import { goTime } from './go-time.ts';

/**
 * Go structs described as data, for the conversions that must reproduce encoding/json exactly:
 * `shape` writes a value the way json.Marshal writes the struct (field order, omitempty, zero
 * values, map keys sorted), `decode` reads JSON the way json.Unmarshal fills it (keys matched
 * case-insensitively, unknown keys dropped, a type mismatch failing the whole document).
 */

type Obj = Record<string, unknown>;

export type Scalar = 'string' | 'int' | 'quantity' | 'time';
export type Kind = Scalar | 'stringMap' | Struct | { list: Kind };

export interface Field {
  /** The JSON key (the Go field name for untagged internal types). */
  json: string;
  kind: Kind;
  /** A Go pointer (nil is written as null, 0 and "" are kept). */
  ptr?: boolean;
  /** `omitempty` in the tag. */
  omitempty?: boolean;
}

export type Struct = readonly Field[];

const f = (json: string, kind: Kind, opts: { ptr?: boolean; omitempty?: boolean } = {}): Field => ({
  json,
  kind,
  ...opts,
});
/** A field without omitempty. */
export const req = (json: string, kind: Kind): Field => f(json, kind);
/** A pointer with omitempty: left out only when nil. */
export const opt = (json: string, kind: Kind): Field => f(json, kind, { ptr: true, omitempty: true });
/** A value (not pointer) with omitempty: left out when it is the zero value. */
export const omit = (json: string, kind: Kind): Field => f(json, kind, { omitempty: true });
/** A pointer without omitempty (untagged internal types): nil is written as null. */
export const ptr = (json: string, kind: Kind): Field => f(json, kind, { ptr: true });

const absent = (v: unknown): boolean => v === undefined || v === null;

function isZero(kind: Kind, v: unknown): boolean {
  if (kind === 'string') return v === '';
  if (kind === 'int') return v === 0;
  if (kind === 'stringMap') return isPlainObject(v) && Object.keys(v).length === 0;
  if (typeof kind === 'object' && 'list' in kind) return Array.isArray(v) && v.length === 0;
  return false; // structs, quantities and times are never omitted by omitempty
}

/** Struct-typed values (times, quantities, structs): omitempty never leaves them out. */
const neverEmpty = (kind: Kind): boolean => kind === 'time' || kind === 'quantity' || Array.isArray(kind);

function zeroOf(kind: Kind): unknown {
  if (kind === 'string') return '';
  if (kind === 'int') return 0;
  if (kind === 'quantity') return '0';
  if (Array.isArray(kind)) return shape(kind, {});
  return null; // time.Time{}, nil slices and maps
}

/** A field's value as json.Marshal writes it. */
function shapeValue(kind: Kind, v: unknown): unknown {
  if (kind === 'string') return typeof v === 'string' ? v : String(v);
  if (kind === 'int') return typeof v === 'number' ? v : Number(v);
  if (kind === 'quantity') return typeof v === 'number' ? String(v) : v;
  if (kind === 'time') return goTime(v);
  if (kind === 'stringMap') {
    const m = isPlainObject(v) ? v : {};
    return Object.fromEntries(
      Object.keys(m)
        .sort()
        .map((k) => [k, m[k]]),
    );
  }
  if (Array.isArray(kind)) return shape(kind, isPlainObject(v) ? v : {});
  const item = (kind as { list: Kind }).list;
  return (Array.isArray(v) ? v : []).map((e) => (absent(e) ? zeroOf(item) : shapeValue(item, e)));
}

/** The struct `s` as json.Marshal writes it, from a loosely typed value keyed by JSON names. */
export function shape(s: Struct, value: Obj): Obj {
  const out: Obj = {};
  for (const fd of s) {
    const v = value[fd.json];
    if (absent(v)) {
      if (fd.ptr) {
        if (!fd.omitempty) out[fd.json] = null;
      } else if (!fd.omitempty || neverEmpty(fd.kind)) {
        out[fd.json] = zeroOf(fd.kind);
      }
      continue;
    }
    if (fd.omitempty && !fd.ptr && isZero(fd.kind, v)) continue;
    out[fd.json] = shapeValue(fd.kind, v);
  }
  return out;
}

/** json.Marshal's text: JSON with <, >, & and the JS line separators escaped as Go escapes them. */
export function goJson(v: unknown): string {
  return JSON.stringify(v).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

class Undecodable extends Error {}

/** encoding/json's key matching: the exact key, else the first case-insensitive match. */
function lookup(o: Obj, key: string): unknown {
  if (key in o) return o[key];
  const lower = key.toLowerCase();
  const hit = Object.keys(o).find((k) => k.toLowerCase() === lower);
  return hit === undefined ? undefined : o[hit];
}

function decodeValue(kind: Kind, v: unknown): unknown {
  if (kind === 'string') {
    if (typeof v !== 'string') throw new Undecodable();
    return v;
  }
  if (kind === 'int') {
    if (typeof v !== 'number' || !Number.isInteger(v)) throw new Undecodable();
    return v;
  }
  if (kind === 'quantity') {
    const q = typeof v === 'number' ? String(v) : v;
    if (typeof q !== 'string' || parseQuantity(q.trim()) === undefined) throw new Undecodable();
    return q.trim();
  }
  if (kind === 'time') {
    const t = typeof v === 'string' ? goTime(v) : undefined;
    if (typeof t !== 'string' || !t.endsWith('Z')) throw new Undecodable();
    return t;
  }
  if (kind === 'stringMap') {
    if (!isPlainObject(v) || Object.values(v).some((x) => x !== null && typeof x !== 'string')) throw new Undecodable();
    return v;
  }
  if (Array.isArray(kind)) {
    if (!isPlainObject(v)) throw new Undecodable();
    return decodeStruct(kind, v);
  }
  if (!Array.isArray(v)) throw new Undecodable();
  const item = (kind as { list: Kind }).list;
  return v.map((e) => (absent(e) ? (Array.isArray(item) ? {} : zeroOf(item)) : decodeValue(item, e)));
}

function decodeStruct(s: Struct, o: Obj): Obj {
  const out: Obj = {};
  for (const fd of s) {
    const v = lookup(o, fd.json);
    if (!absent(v)) out[fd.json] = decodeValue(fd.kind, v);
  }
  return out;
}

/**
 * json.Unmarshal of `text` into the struct `s` (or, with `list`, into a slice of it): the
 * decoded value keyed by the struct's JSON names, or undefined when Go would return an error.
 * `null` decodes to the zero value: {} for a struct, [] for a slice.
 */
export function decode(s: Struct, text: string, list: true): Obj[] | undefined;
export function decode(s: Struct, text: string, list?: false): Obj | undefined;
export function decode(s: Struct, text: string, list = false): Obj | Obj[] | undefined {
  let raw: unknown;
  try {
    raw = JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
  try {
    if (list) return raw === null ? [] : (decodeValue({ list: s }, raw) as Obj[]);
    return raw === null ? {} : (decodeValue(s, raw) as Obj);
  } catch (err) {
    if (err instanceof Undecodable) return undefined;
    throw err;
  }
}
