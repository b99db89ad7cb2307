/**
 * A strict reader of the Prometheus text format (0.0.4), for checking what the sim exposes where
 * promtool is not at hand. It throws on what Prometheus's text parser rejects (bad names, label
 * syntax and escapes, values, timestamps, a second HELP/TYPE for a name, TYPE after samples,
 * duplicate label names) and on what `promtool check metrics` and a scrape flag (the same series
 * twice, a family split in two, a counter not ending in _total).
 */

export interface ParsedSample {
  name: string;
  labels: Record<string, string>;
  value: number;
  timestampMs?: number;
}

export interface ParsedFamily {
  name: string;
  help?: string;
  type?: string;
  samples: ParsedSample[];
}

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*/;
const TYPES = new Set(['counter', 'gauge', 'histogram', 'summary', 'untyped']);
const VALUE = /^[+-]?(?:(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?|Inf|inf|NaN)$/;

function unescape(raw: string, allowQuote: boolean, where: string): string {
  let out = '';
  for (let i = 0; i < raw.length; i++) {
    const ch = raw[i] as string;
    if (ch !== '\\') {
      out += ch;
      continue;
    }
    const next = raw[++i];
    if (next === '\\') out += '\\';
    else if (next === 'n') out += '\n';
    else if (next === '"' && allowQuote) out += '"';
    else throw new Error(`${where}: invalid escape sequence \\${next ?? ''}`);
  }
  return out;
}

function parseLabels(s: string, where: string): { labels: Record<string, string>; rest: string } {
  const labels: Record<string, string> = {};
  let rest = s.slice(1);
  for (;;) {
    rest = rest.replace(/^[ \t]+/, '');
    if (rest.startsWith('}')) return { labels, rest: rest.slice(1) };
    const m = LABEL_NAME.exec(rest);
    if (!m) throw new Error(`${where}: invalid label name at "${rest.slice(0, 20)}"`);
    const name = m[0];
    rest = rest.slice(name.length).replace(/^[ \t]+/, '');
    if (!rest.startsWith('="')) throw new Error(`${where}: expected ="after label ${name}`);
    rest = rest.slice(2);
    let end = 0;
    while (end < rest.length && rest[end] !== '"') end += rest[end] === '\\' ? 2 : 1;
    if (end >= rest.length) throw new Error(`${where}: unterminated value of label ${name}`);
    if (name in labels) throw new Error(`${where}: duplicate label name ${name}`);
    labels[name] = unescape(rest.slice(0, end), true, where);
    rest = rest.slice(end + 1).replace(/^[ \t]+/, '');
    if (rest.startsWith(',')) rest = rest.slice(1);
    else if (!rest.startsWith('}')) throw new Error(`${where}: expected , or } after label ${name}`);
  }
}

function familyName(name: string, families: Map<string, ParsedFamily>): string {
  for (const suffix of ['_bucket', '_sum', '_count']) {
    const base = name.slice(0, -suffix.length);
    const f = name.endsWith(suffix) ? families.get(base) : undefined;
    if (f && (f.type === 'histogram' || f.type === 'summary')) return base;
  }
  return name;
}

export function parseExposition(text: string): ParsedFamily[] {
  if (text !== '' && !text.endsWith('\n')) throw new Error('the text must end with a line feed');
  const families = new Map<string, ParsedFamily>();
  const closed = new Set<string>();
  const seen = new Set<string>();
  let current: string | undefined;
  const enter = (name: string): ParsedFamily => {
    if (current !== name) {
      if (closed.has(name)) throw new Error(`family ${name} is split: its lines are not together`);
      if (current !== undefined) closed.add(current);
      current = name;
    }
    let f = families.get(name);
    if (!f) {
      f = { name, samples: [] };
      families.set(name, f);
    }
    return f;
  };
  const lines = text.split('\n').slice(0, -1);
  lines.forEach((line, i) => {
    const where = `line ${i + 1}`;
    if (line.trim() === '') return;
    if (line.startsWith('#')) {
      const m = /^#[ \t]+(HELP|TYPE)[ \t]+(\S+)(?:[ \t]+(.*))?$/.exec(line);
      if (!m) return; // an ordinary comment
      const [, kw, name = '', rest = ''] = m;
      if (METRIC_NAME.exec(name)?.[0] !== name) throw new Error(`${where}: invalid metric name ${name}`);
      const f = enter(name);
      if (kw === 'HELP') {
        if (f.help !== undefined) throw new Error(`${where}: second HELP line for ${name}`);
        f.help = unescape(rest, false, where);
      } else {
        if (f.type !== undefined) throw new Error(`${where}: second TYPE line for ${name}`);
        if (f.samples.length > 0) throw new Error(`${where}: TYPE line for ${name} after its samples`);
        if (!TYPES.has(rest.trim())) throw new Error(`${where}: unknown type ${rest}`);
        f.type = rest.trim();
      }
      return;
    }
    const nm = METRIC_NAME.exec(line);
    if (!nm) throw new Error(`${where}: invalid metric name`);
    const name = nm[0];
    let rest = line.slice(name.length);
    let labels: Record<string, string> = {};
    if (rest.startsWith('{')) ({ labels, rest } = parseLabels(rest, where));
    if (!/^[ \t]/.test(rest)) throw new Error(`${where}: expected a space before the value`);
    const fields = rest.trim().split(/[ \t]+/);
    if (fields.length < 1 || fields.length > 2) throw new Error(`${where}: expected a value and an optional timestamp`);
    const [valueText = '', tsText] = fields;
    if (!VALUE.test(valueText)) throw new Error(`${where}: invalid value ${valueText}`);
    if (tsText !== undefined && !/^-?\d+$/.test(tsText)) throw new Error(`${where}: invalid timestamp ${tsText}`);
    const f = enter(familyName(name, families));
    const key = `${name}{${Object.entries(labels)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
      .join(',')}}`;
    if (seen.has(key)) throw new Error(`${where}: duplicate series ${key}`);
    seen.add(key);
    const value = /^[+-]?inf$/i.test(valueText)
      ? valueText.startsWith('-')
        ? -Infinity
        : Infinity
      : Number(valueText);
    f.samples.push({ name, labels, value, ...(tsText !== undefined ? { timestampMs: Number(tsText) } : {}) });
  });
  for (const f of families.values()) {
    if (f.type === 'counter' && !f.name.endsWith('_total'))
      throw new Error(`counter ${f.name} should have a _total suffix`);
  }
  return [...families.values()];
}

/** The samples of one metric name whose labels include all of `match`. */
export function findSamples(
  families: readonly ParsedFamily[],
  name: string,
  match: Record<string, string> = {},
): ParsedSample[] {
  return families
    .flatMap((f) => f.samples)
    .filter((s) => s.name === name && Object.entries(match).every(([k, v]) => s.labels[k] === v));
}
