import type { FieldError } from '../../../kube/apimachinery/errors.ts';
import { isPlainObject } from '../../../util/deep-equal.ts';
import { GoValue, goQuote } from './go-format.ts';

/** field.Required/Invalid/... constructors, and lenient readers for the decoded JSON they check. */

export type Obj = Record<string, unknown>;

/**
 * errors.ts shows string values JSON-quoted; where Go's %q differs (control and non-printable
 * characters) the value is passed pre-quoted instead.
 */
const shown = (v: unknown): unknown =>
  typeof v === 'string' && goQuote(v) !== JSON.stringify(v) ? new GoValue(goQuote(v)) : v;

export const required = (field: string, detail = ''): FieldError => ({ type: 'FieldValueRequired', field, detail });
export const invalid = (field: string, value: unknown, detail: string): FieldError => ({
  type: 'FieldValueInvalid',
  field,
  value: shown(value),
  detail,
});
export const forbidden = (field: string, detail: string): FieldError => ({
  type: 'FieldValueForbidden',
  field,
  detail,
});
export const duplicate = (field: string, value: unknown): FieldError => ({
  type: 'FieldValueDuplicate',
  field,
  value: shown(value),
});
export const tooLong = (field: string, max: number): FieldError => ({
  type: 'FieldValueTooLong',
  field,
  detail: `must have at most ${max} bytes`,
});

/** field.NotSupported: `supported values: "a", "b"` in the order given (often a sorted set). */
export function notSupported(field: string, value: unknown, valid: readonly string[]): FieldError {
  return {
    type: 'FieldValueNotSupported',
    field,
    value: shown(value),
    detail: valid.length > 0 ? `supported values: ${valid.map(goQuote).join(', ')}` : '',
  };
}

/** One Invalid error per message, as the `for _, msg := range IsX(v)` loops produce. */
export function eachInvalid(field: string, value: unknown, msgs: readonly string[]): FieldError[] {
  return msgs.map((m) => invalid(field, value, m));
}

export const obj = (v: unknown): Obj => (isPlainObject(v) ? v : {});
export const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
/** A Go string field: absent, null and non-strings read as "". */
export const str = (v: unknown): string => (typeof v === 'string' ? v : '');
/** A Go integer field: absent or null is 0. */
export const num = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0);
/** A Go pointer-to-integer field: undefined when nil. */
export const optNum = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

/** ValidateNonnegativeField (IsNegativeErrorMsg). */
export function nonNegative(value: number, field: string): FieldError[] {
  return value < 0 ? [invalid(field, value, 'must be greater than or equal to 0')] : [];
}

/**
 * Go's semantic DeepEqual on decoded JSON: nil and empty slices and maps are equal, absent is nil.
 * JSON cannot tell a map from a struct, so an empty object also counts as nil.
 */
export function semanticEqual(a: unknown, b: unknown): boolean {
  const empty = (v: unknown): boolean =>
    v === undefined || v === null || (typeof v === 'object' && Object.keys(v).length === 0);
  if (empty(a) && empty(b)) return true;
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return a === b;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => semanticEqual(x, b[i]));
  const ao = a as Obj;
  const bo = b as Obj;
  return [...new Set([...Object.keys(ao), ...Object.keys(bo)])].every((k) => semanticEqual(ao[k], bo[k]));
}
