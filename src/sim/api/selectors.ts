import { badRequest } from '../../kube/apimachinery/errors.ts';
import type { KubeObject, ResourceDef } from './registry.ts';
import { convertFieldLabel, type FieldReader } from './validation/field-labels.ts';

/**
 * Field selectors as Kubernetes 1.20 parses them (apimachinery fields/selector.go) and as the
 * apiserver converts field labels per kind, with the same error texts. Label selectors live in
 * src/kube/apimachinery/labels.ts (the metrics API parses them too) and are re-exported here so
 * the sim reads both kinds of selector from one module.
 */

export * from '../../kube/apimachinery/labels.ts';

interface FieldTerm {
  /** The field after the kind's label conversion (spec.host -> spec.nodeName). */
  readonly field: string;
  readonly value: string;
  readonly negate: boolean;
  readonly read: FieldReader;
}

export interface FieldSelector {
  readonly terms: readonly FieldTerm[];
}

/** fields.splitTerms: commas not escaped by a backslash separate terms. */
function splitTerms(s: string): string[] {
  if (s === '') return [];
  const terms: string[] = [];
  let start = 0;
  let inSlash = false;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (inSlash) inSlash = false;
    else if (c === '\\') inSlash = true;
    else if (c === ',') {
      terms.push(s.slice(start, i));
      start = i + 1;
    }
  }
  terms.push(s.slice(start));
  return terms;
}

/** fields.UnescapeValue. */
function unescapeValue(s: string): string {
  if (!/[\\,=]/.test(s)) return s;
  let out = '';
  let inSlash = false;
  for (const c of s) {
    if (inSlash) {
      if (c !== '\\' && c !== ',' && c !== '=')
        throw badRequest(`invalid field selector: invalid escape sequence: \\${c}`);
      out += c;
      inSlash = false;
    } else if (c === '\\') inSlash = true;
    else if (c === ',' || c === '=')
      throw badRequest(`invalid field selector: unescaped character in value: ${c.codePointAt(0) ?? 0}`);
    else out += c;
  }
  if (inSlash) throw badRequest('invalid field selector: invalid escape sequence: \\');
  return out;
}

/**
 * fields.ParseSelector, then the kind's field label conversion, as ListResource does: terms are
 * sorted, parse errors come first, and an unknown label is a 400 in the kind's own wording.
 */
export function parseFieldSelector(raw: string, def: ResourceDef): FieldSelector {
  const parsed: { label: string; value: string; negate: boolean }[] = [];
  for (const part of splitTerms(raw).sort()) {
    if (part === '') continue;
    // The first operator occurrence splits the term; the left side has no escaping.
    const m = /^(.*?)(!=|==|=)(.*)$/s.exec(part);
    if (!m) throw badRequest(`invalid selector: '${raw}'; can't understand '${part}'`);
    const value = unescapeValue(m[3] as string);
    // An empty term (`=`) transforms to Everything and drops out.
    if (m[1] === '' && value === '') continue;
    parsed.push({ label: m[1] as string, value, negate: m[2] === '!=' });
  }
  const terms = parsed.map(({ label, value, negate }): FieldTerm => {
    const conv = convertFieldLabel(def, label);
    if ('error' in conv) throw badRequest(conv.error);
    return { field: conv.field, value, negate, read: conv.read };
  });
  return { terms };
}

export function matchesFields(sel: FieldSelector, obj: KubeObject, _def: ResourceDef): boolean {
  for (const t of sel.terms) {
    if (((t.read(obj) ?? '') === t.value) === t.negate) return false;
  }
  return true;
}

/** fields.Selector.RequiresExactMatch: the value a `field=value` term pins (for fast paths). */
export function exactFieldValue(sel: FieldSelector, field: string): string | undefined {
  for (const t of sel.terms) if (!t.negate && t.field === field) return t.value;
  return undefined;
}

/** fields.Selector.String(): terms in sorted order, values escaped. */
export function formatFieldSelector(sel: FieldSelector): string {
  return sel.terms
    .map((t) => `${t.field}${t.negate ? '!=' : '='}${t.value.replace(/[\\,=]/g, (c) => `\\${c}`)}`)
    .join(',');
}
