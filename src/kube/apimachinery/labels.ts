import { badRequest } from './errors.ts';
import { newRequirement, parseInt64, validateLabelKey, type Op, type Requirement } from './label-requirement.ts';

/**
 * Label selectors as Kubernetes 1.20 parses them (apimachinery labels/selector.go), with the same
 * error texts: shared by the simulated API server and the modules that answer selectors themselves
 * (the metrics API). Parsed once per request; matching does not allocate.
 */

export interface LabelSelector {
  readonly requirements: readonly Requirement[];
  /** labels.Nothing(): a nil metav1.LabelSelector. */
  readonly matchNothing: boolean;
}

export interface LabelSelectorObject {
  matchLabels?: Record<string, string>;
  matchExpressions?: { key: string; operator: string; values?: string[] }[];
}

const EVERYTHING: LabelSelector = { requirements: [], matchNothing: false };
const NOTHING: LabelSelector = { requirements: [], matchNothing: true };
type Tok = 'end' | 'id' | '(' | ')' | ',' | '!' | '=' | '==' | '!=' | '>' | '<' | 'in' | 'notin';
interface Item {
  tok: Tok;
  lit: string;
}
const TOKENS = new Map<string, Tok>([
  ['(', '('],
  [')', ')'],
  [',', ','],
  ['!', '!'],
  ['=', '='],
  ['==', '=='],
  ['!=', '!='],
  ['>', '>'],
  ['<', '<'],
  ['in', 'in'],
  ['notin', 'notin'],
]);
const isSpace = (c: string): boolean => c === ' ' || c === '\t' || c === '\r' || c === '\n';
const isSpecial = (c: string): boolean =>
  c === '=' || c === '!' || c === '(' || c === ')' || c === ',' || c === '>' || c === '<';

/** The Lexer: specials take the longest token ("!=" over "!"); NUL ends the input as in Go. */
function lex(s: string): Item[] {
  const items: Item[] = [];
  let i = 0;
  for (;;) {
    while (i < s.length && isSpace(s[i] as string)) i++;
    if (i >= s.length || s[i] === '\0') break;
    if (isSpecial(s[i] as string)) {
      let buf = s[i] as string;
      i++;
      while (i < s.length && isSpecial(s[i] as string) && TOKENS.has(buf + (s[i] as string))) buf += s[i++] as string;
      items.push({ tok: TOKENS.get(buf) as Tok, lit: buf });
      if (s[i] === '\0') i++;
      continue;
    }
    let j = i;
    while (j < s.length && !isSpecial(s[j] as string) && !isSpace(s[j] as string) && s[j] !== '\0') j++;
    const lit = s.slice(i, j);
    items.push({ tok: TOKENS.get(lit) ?? 'id', lit });
    i = s[j] === '\0' ? j + 1 : j;
  }
  items.push({ tok: 'end', lit: '' });
  return items;
}

/** The recursive-descent Parser; `values` context reads the in/notin keywords as identifiers. */
function parseRequirements(s: string): Requirement[] {
  const items = lex(s);
  let pos = 0;
  const look = (values: boolean): Item => adjust(items[pos] as Item, values);
  const consume = (values: boolean): Item => adjust(items[pos++] as Item, values);
  const reqs: Requirement[] = [];

  const parseExact = (): string[] => {
    const t = look(true).tok;
    if (t === 'end' || t === ',') return [''];
    const { tok, lit } = consume(true);
    if (tok === 'id') return [lit];
    throw new Error(`found '${lit}', expected: identifier`);
  };
  const parseList = (): Set<string> => {
    const set = new Set<string>();
    for (;;) {
      const { tok, lit } = consume(true);
      if (tok === 'id') {
        set.add(lit);
        const next = look(true);
        if (next.tok === ',') continue;
        if (next.tok === ')') return set;
        throw new Error(`found '${next.lit}', expected: ',' or ')'`);
      } else if (tok === ',') {
        if (set.size === 0) set.add('');
        const t2 = look(true).tok;
        if (t2 === ')') return set.add('');
        if (t2 === ',') {
          consume(true);
          set.add('');
        }
      } else {
        throw new Error(`found '${lit}', expected: ',', or identifier`);
      }
    }
  };
  const parseValues = (): Set<string> => {
    const open = consume(true);
    if (open.tok !== '(') throw new Error(`found '${open.lit}' expected: '('`);
    const { tok, lit } = look(true);
    if (tok === 'id' || tok === ',') {
      const set = parseList();
      if (consume(true).tok !== ')') throw new Error(`found '${lit}', expected: ')'`);
      return set;
    }
    if (tok === ')') {
      consume(true);
      return new Set(['']);
    }
    throw new Error(`found '${lit}', expected: ',', ')' or identifier`);
  };
  const parseRequirement = (): Requirement => {
    let { tok, lit } = consume(true);
    const negated = tok === '!';
    if (negated) ({ tok, lit } = consume(true));
    if (tok !== 'id') throw new Error(`found '${lit}', expected: identifier`);
    validateLabelKey(lit);
    const after = look(true).tok;
    if (negated || after === 'end' || after === ',') return newRequirement(lit, negated ? '!' : 'exists', []);
    const opItem = consume(false);
    const op = OPERATORS.get(opItem.tok);
    if (!op) throw new Error(`found '${opItem.lit}', expected: '=', '!=', '==', 'in', notin'`);
    const values = op === 'in' || op === 'notin' ? [...parseValues()] : parseExact();
    // sets.String.List(): sorted, without duplicates.
    return newRequirement(lit, op, [...new Set(values)].sort());
  };

  for (;;) {
    const { tok, lit } = look(true);
    if (tok === 'end') return reqs;
    if (tok !== 'id' && tok !== '!') throw new Error(`found '${lit}', expected: !, identifier, or 'end of string'`);
    try {
      reqs.push(parseRequirement());
    } catch (err) {
      throw new Error(`unable to parse requirement: ${(err as Error).message}`);
    }
    const sep = consume(true);
    if (sep.tok === 'end') return reqs;
    if (sep.tok !== ',') throw new Error(`found '${sep.lit}', expected: ',' or 'end of string'`);
    const next = look(true);
    if (next.tok !== 'id' && next.tok !== '!') throw new Error(`found '${next.lit}', expected: identifier after ','`);
  }
}

const OPERATORS = new Map<Tok, Op>([
  ['in', 'in'],
  ['=', '='],
  ['==', '=='],
  ['>', 'gt'],
  ['<', 'lt'],
  ['notin', 'notin'],
  ['!=', '!='],
]);
const adjust = (item: Item, values: boolean): Item =>
  values && (item.tok === 'in' || item.tok === 'notin') ? { tok: 'id', lit: item.lit } : item;
const byKey = (a: Requirement, b: Requirement): number => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);

/** labels.Parse: '' selects everything; a malformed selector is a 400 with the parser's message. */
export function parseLabelSelector(raw: string): LabelSelector {
  try {
    const reqs = parseRequirements(raw);
    return reqs.length === 0 ? EVERYTHING : { requirements: reqs.sort(byKey), matchNothing: false };
  } catch (err) {
    throw badRequest((err as Error).message);
  }
}

export function isEverything(sel: LabelSelector): boolean {
  return !sel.matchNothing && sel.requirements.length === 0;
}

function hasValue(r: Requirement, v: string): boolean {
  if (r.values.length === 1) return r.first === v;
  for (const x of r.values) if (x === v) return true;
  return false;
}

export function matchesLabels(sel: LabelSelector, labels: Record<string, string> | undefined): boolean {
  if (sel.matchNothing) return false;
  for (const r of sel.requirements) {
    const v: unknown = labels === undefined || labels === null ? undefined : labels[r.key];
    // Inherited members (`constructor`, `__proto__`) are never strings, so this is an own-key test.
    const has = typeof v === 'string';
    switch (r.op) {
      case '=':
      case '==':
      case 'in':
        if (!has || !hasValue(r, v)) return false;
        break;
      case '!=':
      case 'notin':
        if (has && hasValue(r, v)) return false;
        break;
      case 'exists':
        if (!has) return false;
        break;
      case '!':
        if (has) return false;
        break;
      case 'gt':
      case 'lt': {
        const n = has ? parseInt64(v) : undefined;
        if (n === undefined || (r.op === 'gt' ? n <= r.bound : n >= r.bound)) return false;
        break;
      }
    }
  }
  return true;
}

const EXPRESSION_OPS: Readonly<Record<string, Op>> = { In: 'in', NotIn: 'notin', Exists: 'exists', DoesNotExist: '!' };

/**
 * metav1.LabelSelectorAsSelector. A nil selector matches nothing; an empty one ({}) matches
 * everything. Returns the conversion error (invalid key, value or operator) as an Error.
 */
export function tryLabelSelectorFromObject(sel: LabelSelectorObject | undefined | null): LabelSelector | Error {
  if (sel === undefined || sel === null) return NOTHING;
  const labels = sel.matchLabels ?? {};
  const exprs = sel.matchExpressions ?? [];
  if (Object.keys(labels).length + exprs.length === 0) return EVERYTHING;
  try {
    const reqs = Object.entries(labels).map(([k, v]) => newRequirement(k, '=', [String(v)]));
    for (const e of exprs) {
      const operator = String(e.operator ?? '');
      const op = Object.hasOwn(EXPRESSION_OPS, operator) ? EXPRESSION_OPS[operator] : undefined;
      if (!op) throw new Error(`${JSON.stringify(operator)} is not a valid pod selector operator`);
      reqs.push(newRequirement(String(e.key ?? ''), op, (e.values ?? []).map(String)));
    }
    return { requirements: reqs.sort(byKey), matchNothing: false };
  } catch (err) {
    return err as Error;
  }
}

/** As tryLabelSelectorFromObject, throwing a 400 for a selector that does not convert. */
export function labelSelectorFromObject(sel: LabelSelectorObject | undefined | null): LabelSelector {
  const res = tryLabelSelectorFromObject(sel);
  if (res instanceof Error) throw badRequest(res.message);
  return res;
}

const OP_TEXT: Record<Op, string> = {
  '=': '=',
  '==': '==',
  '!=': '!=',
  in: ' in ',
  notin: ' notin ',
  gt: '>',
  lt: '<',
  exists: '',
  '!': '',
};

/** labels.Selector.String(): `a=b,c in (d,e),!f` (value sets sorted; Nothing prints as ''). */
export function formatLabelSelector(sel: LabelSelector): string {
  return sel.requirements
    .map((r) => {
      if (r.op === 'exists') return r.key;
      if (r.op === '!') return `!${r.key}`;
      const values = r.values.length === 1 ? r.first : [...r.values].sort().join(',');
      return r.op === 'in' || r.op === 'notin'
        ? `${r.key}${OP_TEXT[r.op]}(${values})`
        : `${r.key}${OP_TEXT[r.op]}${values}`;
    })
    .join(',');
}
