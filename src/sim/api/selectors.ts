import { badRequest } from './errors.ts';
import type { KubeObject, ResourceDef } from './registry.ts';

/**
 * Label and field selectors with the grammar and errors of k8s.io/apimachinery's labels and
 * fields packages. Parsed once per request, matched per object without allocation.
 */

type Op = 'eq' | 'neq' | 'in' | 'notin' | 'exists' | 'notexists';

interface Requirement {
  key: string;
  op: Op;
  values: readonly string[];
}

export interface LabelSelector {
  readonly requirements: readonly Requirement[];
  /** A nil metav1.LabelSelector matches nothing. */
  readonly matchNothing?: boolean;
}

const EVERYTHING: LabelSelector = { requirements: [] };

const NAME_RE = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const DNS1123_SUBDOMAIN_RE = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

function validateKey(key: string): void {
  const slash = key.indexOf('/');
  const name = slash < 0 ? key : key.slice(slash + 1);
  const prefix = slash < 0 ? undefined : key.slice(0, slash);
  const problems: string[] = [];
  if (prefix !== undefined) {
    if (prefix.length === 0) problems.push('prefix part must be non-empty');
    else if (prefix.length > 253) problems.push('prefix part must be no more than 253 characters');
    else if (!DNS1123_SUBDOMAIN_RE.test(prefix)) {
      problems.push("prefix part a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')");
    }
  }
  if (name.length === 0) problems.push('name part must be non-empty');
  else if (name.length > 63) problems.push('name part must be no more than 63 characters');
  else if (!NAME_RE.test(name)) {
    problems.push("name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')");
  }
  if (problems.length > 0) throw badRequest(`unable to parse requirement: invalid label key "${key}": ${problems.join('; ')}`);
}

function validateValue(v: string): void {
  if (v === '') return;
  if (v.length > 63) throw badRequest(`unable to parse requirement: invalid label value: "${v}": at key: must be no more than 63 characters`);
  if (!NAME_RE.test(v)) {
    throw badRequest(`unable to parse requirement: invalid label value: "${v}": at key: a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')`);
  }
}

type Token = { kind: 'id' | 'op' | 'comma' | 'lparen' | 'rparen' | 'bang' | 'end'; text: string };

function tokenize(s: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < s.length) {
    const c = s[i] as string;
    if (c === ' ' || c === '\t') { i++; continue; }
    if (c === ',') { out.push({ kind: 'comma', text: c }); i++; continue; }
    if (c === '(') { out.push({ kind: 'lparen', text: c }); i++; continue; }
    if (c === ')') { out.push({ kind: 'rparen', text: c }); i++; continue; }
    if (c === '=' || c === '!' || c === '<' || c === '>') {
      const two = s.slice(i, i + 2);
      if (two === '==' || two === '!=') { out.push({ kind: 'op', text: two }); i += 2; continue; }
      if (c === '!') { out.push({ kind: 'bang', text: c }); i++; continue; }
      out.push({ kind: 'op', text: c });
      i++;
      continue;
    }
    let j = i;
    while (j < s.length && !' \t,()=!<>'.includes(s[j] as string)) j++;
    out.push({ kind: 'id', text: s.slice(i, j) });
    i = j;
  }
  out.push({ kind: 'end', text: '' });
  return out;
}

/** Parses `a=b,c!=d,e in (f,g),!h,i` into requirements; errors are 400s with the parser's wording. */
export function parseLabelSelector(raw: string): LabelSelector {
  if (raw.trim() === '') return EVERYTHING;
  const toks = tokenize(raw);
  let pos = 0;
  const peek = (): Token => toks[pos] as Token;
  const next = (): Token => toks[pos++] as Token;
  const reqs: Requirement[] = [];
  for (;;) {
    let negate = false;
    if (peek().kind === 'bang') { next(); negate = true; }
    const keyTok = next();
    if (keyTok.kind !== 'id') throw badRequest(`unable to parse requirement: found '${keyTok.text}', expected: identifier`);
    validateKey(keyTok.text);
    const after = peek();
    if (negate) {
      if (after.kind !== 'comma' && after.kind !== 'end') throw badRequest(`unable to parse requirement: found '${after.text}', expected: ',' or 'end of string'`);
      reqs.push({ key: keyTok.text, op: 'notexists', values: [] });
    } else if (after.kind === 'comma' || after.kind === 'end') {
      reqs.push({ key: keyTok.text, op: 'exists', values: [] });
    } else if (after.kind === 'op') {
      next();
      if (after.text !== '=' && after.text !== '==' && after.text !== '!=') {
        throw badRequest(`unable to parse requirement: found '${after.text}', expected: ${"'=', '!=', '==', 'in', notin'"}`);
      }
      const v = peek();
      let value = '';
      if (v.kind === 'id') { next(); value = v.text; }
      else if (v.kind !== 'comma' && v.kind !== 'end') throw badRequest(`unable to parse requirement: found '${v.text}', expected: identifier`);
      validateValue(value);
      reqs.push({ key: keyTok.text, op: after.text === '!=' ? 'neq' : 'eq', values: [value] });
    } else if (after.kind === 'id' && (after.text === 'in' || after.text === 'notin')) {
      next();
      if (next().kind !== 'lparen') throw badRequest("unable to parse requirement: found '" + peek().text + "', expected: '('");
      const values: string[] = [];
      for (;;) {
        const v = next();
        if (v.kind === 'id') { validateValue(v.text); values.push(v.text); }
        else if (v.kind === 'rparen' && values.length === 0) break;
        else throw badRequest(`unable to parse requirement: found '${v.text}', expected: ',', ')' or identifier`);
        const sep = next();
        if (sep.kind === 'rparen') break;
        if (sep.kind !== 'comma') throw badRequest(`unable to parse requirement: found '${sep.text}', expected: ',' or ')'`);
      }
      if (values.length === 0) throw badRequest(`unable to parse requirement: for 'in', 'notin' operators, values set can't be empty`);
      reqs.push({ key: keyTok.text, op: after.text === 'in' ? 'in' : 'notin', values });
    } else {
      throw badRequest(`unable to parse requirement: found '${after.text}', expected: ${"'=', '!=', '==', 'in', notin'"}`);
    }
    const sep = next();
    if (sep.kind === 'end') break;
    if (sep.kind !== 'comma') throw badRequest(`found '${sep.text}', expected: ',' or 'end of string'`);
  }
  return { requirements: reqs };
}

export function isEverything(sel: LabelSelector): boolean {
  return !sel.matchNothing && sel.requirements.length === 0;
}

export function matchesLabels(sel: LabelSelector, labels: Record<string, string> | undefined): boolean {
  if (sel.matchNothing) return false;
  for (const r of sel.requirements) {
    const has = labels !== undefined && Object.prototype.hasOwnProperty.call(labels, r.key);
    const v = has ? (labels as Record<string, string>)[r.key] : undefined;
    switch (r.op) {
      case 'eq': if (!has || v !== r.values[0]) return false; break;
      case 'neq': if (has && v === r.values[0]) return false; break;
      case 'in': if (!has || !r.values.includes(v as string)) return false; break;
      case 'notin': if (has && r.values.includes(v as string)) return false; break;
      case 'exists': if (!has) return false; break;
      case 'notexists': if (has) return false; break;
    }
  }
  return true;
}

export interface LabelSelectorObject {
  matchLabels?: Record<string, string>;
  matchExpressions?: { key: string; operator: string; values?: string[] }[];
}

/** metav1.LabelSelectorAsSelector: nil matches nothing, {} matches everything. */
export function labelSelectorFromObject(sel: LabelSelectorObject | undefined | null): LabelSelector {
  if (sel === undefined || sel === null) return { requirements: [], matchNothing: true };
  const reqs: Requirement[] = [];
  for (const [key, value] of Object.entries(sel.matchLabels ?? {})) reqs.push({ key, op: 'eq', values: [value] });
  for (const e of sel.matchExpressions ?? []) {
    const ops: Record<string, Op> = { In: 'in', NotIn: 'notin', Exists: 'exists', DoesNotExist: 'notexists' };
    const op = ops[e.operator];
    if (!op) throw badRequest(`"${e.operator}" is not a valid pod selector operator`);
    reqs.push({ key: e.key, op, values: [...(e.values ?? [])].sort() });
  }
  reqs.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return { requirements: reqs };
}

/** labels.Selector.String(): `a=b,c in (d,e),!f`. */
export function formatLabelSelector(sel: LabelSelector): string {
  return sel.requirements
    .map((r) => {
      switch (r.op) {
        case 'eq': return `${r.key}=${r.values[0] ?? ''}`;
        case 'neq': return `${r.key}!=${r.values[0] ?? ''}`;
        case 'in': return `${r.key} in (${r.values.join(',')})`;
        case 'notin': return `${r.key} notin (${r.values.join(',')})`;
        case 'exists': return r.key;
        case 'notexists': return `!${r.key}`;
      }
      return '';
    })
    .join(',');
}

interface FieldTerm {
  key: string;
  value: string;
  negate: boolean;
  read: (obj: KubeObject) => string | undefined;
}

export interface FieldSelector {
  readonly terms: readonly FieldTerm[];
}

function unescapeFieldValue(v: string): string {
  return v.replace(/\\(.)/g, (_m, c: string) => {
    if (c === '\\' || c === ',' || c === '=') return c;
    throw badRequest(`invalid field selector: invalid escape sequence: \\${c}`);
  });
}

/** Splits on unescaped commas. */
function splitTerms(raw: string): string[] {
  const out: string[] = [];
  let cur = '';
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i] as string;
    if (c === '\\' && i + 1 < raw.length) { cur += c + (raw[i + 1] as string); i++; continue; }
    if (c === ',') { out.push(cur); cur = ''; continue; }
    cur += c;
  }
  out.push(cur);
  return out;
}

/** Parses `metadata.name=x,status.phase!=Running`; unsupported field labels are 400s, as the apiserver says. */
export function parseFieldSelector(raw: string, def: ResourceDef): FieldSelector {
  if (raw.trim() === '') return { terms: [] };
  const terms: FieldTerm[] = [];
  for (const part of splitTerms(raw)) {
    const m = /^([^=!]+?)(!=|==|=)(.*)$/s.exec(part.trim());
    if (!m) throw badRequest(`invalid selector: '${raw}'; can't understand '${part}'`);
    const key = (m[1] as string).trim();
    const value = unescapeFieldValue(m[3] as string);
    const read = fieldReader(key, def);
    if (!read) {
      // Kinds with their own field label conversion say "not supported"; the rest use the generic one.
      throw badRequest(Object.keys(def.fieldLabels).length > 0
        ? `field label not supported: ${key}`
        : `"${key}" is not a known field selector: only "metadata.name", "metadata.namespace"`);
    }
    terms.push({ key, value, negate: m[2] === '!=', read });
  }
  return { terms };
}

function fieldReader(key: string, def: ResourceDef): ((obj: KubeObject) => string | undefined) | undefined {
  if (key === 'metadata.name') return (o) => o.metadata.name ?? '';
  if (key === 'metadata.namespace') return (o) => o.metadata.namespace ?? '';
  return def.fieldLabels[key];
}

export function matchesFields(sel: FieldSelector, obj: KubeObject, _def: ResourceDef): boolean {
  for (const t of sel.terms) {
    const v = t.read(obj) ?? '';
    if (t.negate ? v === t.value : v !== t.value) return false;
  }
  return true;
}

/** The value an exact `key=value` term requires, for fast paths (e.g. a single name). */
export function exactFieldValue(sel: FieldSelector, key: string): string | undefined {
  return sel.terms.find((t) => t.key === key && !t.negate)?.value;
}
