/**
 * Go's `%#v` rendering of the values kube-apiserver puts in field errors. errors.ts prints a
 * non-string FieldError.value with String(), so these are wrapped in GoValue.
 */

import { isPlainObject } from '../../../util/deep-equal.ts';

export class GoValue {
  constructor(private readonly text: string) {}
  toString(): string {
    return this.text;
  }
}

/**
 * field.Error prints a nil pointer as the *string* "null", which then gets quoted: `Invalid value: "null"`.
 */
export const GO_NIL = 'null';

/** strconv.Quote: Go escapes control and non-printable characters, keeps printable Unicode. */
export function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const cp = ch.codePointAt(0) ?? 0;
    switch (ch) {
      case '"':
        out += '\\"';
        continue;
      case '\\':
        out += '\\\\';
        continue;
      case '\x07':
        out += '\\a';
        continue;
      case '\b':
        out += '\\b';
        continue;
      case '\f':
        out += '\\f';
        continue;
      case '\n':
        out += '\\n';
        continue;
      case '\r':
        out += '\\r';
        continue;
      case '\t':
        out += '\\t';
        continue;
      case '\v':
        out += '\\v';
        continue;
      default:
        break;
    }
    if (cp < 0x20 || cp === 0x7f) out += `\\x${cp.toString(16).padStart(2, '0')}`;
    else if (ch !== ' ' && /[^\p{L}\p{M}\p{N}\p{P}\p{S}]/u.test(ch)) {
      out += cp > 0xffff ? `\\U${cp.toString(16).padStart(8, '0')}` : `\\u${cp.toString(16).padStart(4, '0')}`;
    } else out += ch;
  }
  return `${out}"`;
}

/** Go orders map keys and strings bytewise; for the ASCII keys Kubernetes allows, code units agree. */
const byKey = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** `map[string]string{"a":"b", "c":"d"}`; a missing map is nil. */
export function goStringMapText(m: unknown): string {
  if (!isPlainObject(m)) return 'map[string]string(nil)';
  const body = Object.keys(m)
    .sort(byKey)
    .map((k) => `${goQuote(k)}:${goQuote(String(m[k]))}`)
    .join(', ');
  return `map[string]string{${body}}`;
}

export function goStringMap(m: unknown): GoValue {
  return new GoValue(goStringMapText(m));
}

/** `[]string{"a", "b"}`; a missing slice is nil. */
export function goStringSliceText(list: unknown): string {
  if (!Array.isArray(list)) return '[]string(nil)';
  return `[]string{${list.map((v) => goQuote(String(v))).join(', ')}}`;
}

/** A *metav1.LabelSelector as ValidateImmutableField shows it (dereferenced, `%#v`). */
export function goLabelSelector(sel: unknown): GoValue | string {
  if (!isPlainObject(sel)) return GO_NIL;
  const exprs = sel['matchExpressions'];
  const exprText = Array.isArray(exprs)
    ? `[]v1.LabelSelectorRequirement{${exprs
        .map((e) => {
          const r = isPlainObject(e) ? e : {};
          return `v1.LabelSelectorRequirement{Key:${goQuote(String(r['key'] ?? ''))}, Operator:${goQuote(String(r['operator'] ?? ''))}, Values:${goStringSliceText(r['values'])}}`;
        })
        .join(', ')}}`
    : '[]v1.LabelSelectorRequirement(nil)';
  return new GoValue(
    `v1.LabelSelector{MatchLabels:${goStringMapText(sel['matchLabels'])}, MatchExpressions:${exprText}}`,
  );
}

/** intstr.IntOrString (Type 0 = Int, 1 = String). */
export function goIntOrString(v: unknown): GoValue {
  if (typeof v === 'string') return new GoValue(`intstr.IntOrString{Type:1, IntVal:0, StrVal:${goQuote(v)}}`);
  return new GoValue(`intstr.IntOrString{Type:0, IntVal:${typeof v === 'number' ? v : 0}, StrVal:""}`);
}

/**
 * A set pointer field: Go prints its address, which differs on every run anyway; a fixed
 * address keeps the shape (`(*bool)(0xc000000000)`).
 */
export function goPointer(type: string, present: boolean): string {
  return present ? `(*${type})(0xc000000000)` : `(*${type})(nil)`;
}

export function goOwnerReference(ref: unknown): string {
  const r = isPlainObject(ref) ? ref : {};
  const str = (k: string): string => goQuote(typeof r[k] === 'string' ? (r[k] as string) : '');
  return (
    `v1.OwnerReference{APIVersion:${str('apiVersion')}, Kind:${str('kind')}, Name:${str('name')}, UID:${str('uid')}, ` +
    `Controller:${goPointer('bool', r['controller'] !== undefined && r['controller'] !== null)}, ` +
    `BlockOwnerDeletion:${goPointer('bool', r['blockOwnerDeletion'] !== undefined && r['blockOwnerDeletion'] !== null)}}`
  );
}
