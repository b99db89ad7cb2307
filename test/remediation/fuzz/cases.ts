import { alertSources, type AlertSource } from '../../../src/remediation/alert.ts';
import { int, pick, rng, validPayload, type Rng } from './valid.ts';

/**
 * One fuzz case: a request body for one source's link, and what the ingress must answer.
 * accept: 202 and `alerts` new alerts; reject: 400; tooLarge: 413; either: any 4xx or 202 (a random
 * mutation the test cannot judge), but whatever the answer, the invariants hold (no 5xx, nothing
 * acted on unless accepted, accepted alerts processed exactly once).
 */
export interface Case {
  n: number;
  source: AlertSource;
  kind: string;
  body: string | Buffer;
  contentType?: string;
  expect: 'accept' | 'reject' | 'tooLarge' | 'either';
  alerts?: number;
}

type Json = Record<string, unknown>;

/** Sets the value at a path inside a copy-free JSON tree (the caller owns `root`). */
function setAt(root: Json, path: readonly (string | number)[], value: unknown): void {
  let node: unknown = root;
  for (const key of path.slice(0, -1)) node = (node as Record<string | number, unknown>)[key];
  (node as Record<string | number, unknown>)[path[path.length - 1] as string | number] = value;
}

/** JSON text nested `depth` levels deep, written as text (JSON.stringify itself overflows the stack). */
const deepText = (depth: number, asObject: boolean): string =>
  asObject ? `${'{"a":'.repeat(depth)}"leaf"${'}'.repeat(depth)}` : `${'['.repeat(depth)}"leaf"${']'.repeat(depth)}`;

const DEEP_MARK = 'FUZZ_DEEP_VALUE';
const withDeep = (body: Json, depth: number, asObject: boolean): string =>
  json(body).replace(`"${DEEP_MARK}"`, deepText(depth, asObject));

/** Values each source must refuse at these fields (wrong type, empty, impossible). */
const GROUPED_BAD: [readonly (string | number)[], unknown[]][] = [
  [['alerts'], [{}, 'x', [], null, 5]],
  [
    ['alerts', 0],
    ['x', 5, null, []],
  ],
  [
    ['alerts', 0, 'status'],
    ['active', 1, null, true],
  ],
  [
    ['alerts', 0, 'labels'],
    ['x', null, 5, { a: {} }, { a: [] }, { a: null }],
  ],
  [
    ['alerts', 0, 'startsAt'],
    ['yesterday', 1234, null, '2026-02-30T00:00:00Z', '2026-01-01'],
  ],
  [
    ['alerts', 0, 'fingerprint'],
    ['', 5, null, {}],
  ],
  [
    ['alerts', 0, 'annotations'],
    [{ a: 5 }, 'x', 7],
  ],
  [
    ['alerts', 0, 'endsAt'],
    ['later', 5, {}],
  ],
];

const BAD: Record<AlertSource, [readonly (string | number)[], unknown[]][]> = {
  alertmanager: [[['version'], [4, '3', null, '']], ...GROUPED_BAD],
  grafana: [
    [
      ['alerts', 0, 'values'],
      ['x', { B: 'x' }, [1]],
    ],
    [['version'], [1, {}]],
    ...GROUPED_BAD,
  ],
  guance: [
    [['df_event_id'], ['', 5, null, []]],
    [['df_status'], ['bogus', 1, null, 'OK']],
    [['df_dimension_tags'], ['not json', '[1]', '{"a":{}}', 5, '"x"']],
    [['df_issue_start_time'], [-1, 'abc', {}, '1e5x']],
    [['df_title'], [5, {}, []]],
  ],
  generic: [
    [['labels'], [{}, 'x', [], null, { '': 'v' }, { a: {} }]],
    [['status'], ['ok', 1]],
    [['severity'], ['fatal', 3]],
    [['startsAt'], [1_700_000_000, 'x', -5, '2026-13-01T00:00:00Z']],
    [['id'], ['', 5]],
    [['annotations'], [{ a: 1 }, 'x']],
    [['title'], [5, {}]],
  ],
};

/** Where a huge string or an odd character goes in a valid payload: a label value every source keeps. */
const LABEL_PATH: Record<AlertSource, readonly (string | number)[]> = {
  alertmanager: ['alerts', 0, 'labels', 'fuzz_text'],
  grafana: ['alerts', 0, 'labels', 'fuzz_text'],
  guance: ['fuzz_text'],
  generic: ['labels', 'fuzz_text'],
};

/** A field that must be text (a label value; guance: df_title, since its top-level dimensions may be anything). */
const TEXT_PATH: Record<AlertSource, readonly (string | number)[]> = { ...LABEL_PATH, guance: ['df_title'] };

const ODD_STRINGS = [
  '\u0000nul',
  '\ud800 lone surrogate',
  '\ufeffbom inside',
  '𝔘𝔫𝔦𝔠𝔬𝔡𝔢 🚀',
  'line\nbreak\ttab',
  '"quoted" \\ back',
  'RTL \u202e text',
  '中文标签值',
  '\u2028\u2029',
];

function randomValue(r: Rng): unknown {
  return pick(r, [
    () => null,
    () => true,
    () => int(r, -1e9, 1e9),
    () => r() * 1e300,
    () => '',
    () => 'x'.repeat(int(r, 1, 5000)),
    () => [],
    () => ({}),
    () => [1, 'a', null],
    () => ({ k: { v: [1] } }),
    () => pick(r, ODD_STRINGS),
  ])();
}

/** Every path to an object key or array index in `v` (where a random mutation can land). */
function paths(v: unknown, at: (string | number)[] = [], out: (string | number)[][] = []): (string | number)[][] {
  if (Array.isArray(v))
    v.forEach((x, i) => {
      out.push([...at, i]);
      paths(x, [...at, i], out);
    });
  else if (v && typeof v === 'object')
    for (const [k, x] of Object.entries(v)) {
      out.push([...at, k]);
      paths(x, [...at, k], out);
    }
  return out;
}

const json = (v: unknown): string => JSON.stringify(v);

/** Case n, the same for the same seed; kinds are spread by weight over the n space. */
export function makeCase(seed: number, n: number): Case {
  const r = rng(seed * 1_000_003 + n);
  const source = alertSources[n % alertSources.length] as AlertSource;
  const { body, alerts } = validPayload[source](r, n);
  const roll = r();
  const base = { n, source };
  if (roll < 0.3) return { ...base, kind: 'valid', body: json(body), expect: 'accept', alerts };
  if (roll < 0.44) {
    const text = json(body);
    return { ...base, kind: 'truncated', body: text.slice(0, int(r, 0, text.length - 1)), expect: 'reject' };
  }
  if (roll < 0.62) {
    const [path, values] = pick(r, BAD[source]);
    setAt(body, path, pick(r, values));
    return { ...base, kind: `wrong-type ${path.join('.')}`, body: json(body), expect: 'reject' };
  }
  if (roll < 0.64)
    return {
      ...base,
      kind: 'not an object',
      body: pick(r, ['null', '[]', '123', '"alert"', 'true', '[{"labels":{}}]']),
      expect: 'reject',
    };
  if (roll < 0.68) {
    if (r() < 0.1) {
      setAt(body, LABEL_PATH[source], 'x'.repeat(1024 * 1024 + int(r, 1, 4096)));
      return { ...base, kind: 'huge over 1 MiB', body: json(body), expect: 'tooLarge' };
    }
    setAt(body, LABEL_PATH[source], pick(r, ['x', '界', '🚀']).repeat(int(r, 10_000, 200_000)));
    return { ...base, kind: 'huge string', body: json(body), expect: 'accept', alerts };
  }
  if (roll < 0.72) {
    const depth = pick(r, [100, 1000, 10_000, 100_000]);
    if (r() < 0.5) {
      setAt(body, TEXT_PATH[source], DEEP_MARK);
      return { ...base, kind: `deep label ${depth}`, body: withDeep(body, depth, r() < 0.5), expect: 'reject' };
    }
    // Nesting where the format allows anything (an extra field): accepted or refused, never a crash.
    body.fuzz_extra = DEEP_MARK;
    return { ...base, kind: `deep extra ${depth}`, body: withDeep(body, depth, r() < 0.5), expect: 'either' };
  }
  if (roll < 0.82) return encodingCase(r, base, body, alerts);
  const ops = int(r, 1, 3);
  for (let i = 0; i < ops; i++) {
    const all = paths(body);
    const p = all.length > 0 ? pick(r, all) : undefined;
    if (!p) break;
    if (r() < 0.3) {
      const parent = p.slice(0, -1).reduce<unknown>((node, k) => (node as Record<string | number, unknown>)[k], body);
      if (Array.isArray(parent)) parent.splice(p[p.length - 1] as number, 1);
      else delete (parent as Record<string, unknown>)[p[p.length - 1] as string];
    } else setAt(body, p, randomValue(r));
  }
  return { ...base, kind: 'random mutation', body: json(body), expect: 'either' };
}

function encodingCase(r: Rng, base: { n: number; source: AlertSource }, body: Json, alerts: number): Case {
  const kind = pick(r, ['odd string', 'invalid utf-8', 'utf-16le', 'bom', 'content-type', 'escaped']);
  if (kind === 'odd string') {
    setAt(body, LABEL_PATH[base.source], pick(r, ODD_STRINGS));
    return { ...base, kind: 'odd string', body: json(body), expect: 'accept', alerts };
  }
  if (kind === 'invalid utf-8') {
    // Bytes that are not UTF-8 inside a string value: decoded as U+FFFD, still a valid payload.
    setAt(body, LABEL_PATH[base.source], 'MARK');
    const [before, after] = json(body).split('MARK') as [string, string];
    const bad = Buffer.from(
      pick(r, [[0xff], [0xc3, 0x28], [0xe2, 0x82], [0xf0, 0x28, 0x8c, 0xbc], [0xed, 0xa0, 0x80]]),
    );
    return {
      ...base,
      kind: 'invalid utf-8',
      body: Buffer.concat([Buffer.from(before), bad, Buffer.from(after)]),
      expect: 'accept',
      alerts,
    };
  }
  if (kind === 'utf-16le')
    return {
      ...base,
      kind: 'utf-16le body',
      body: Buffer.from(json(body), 'utf16le'),
      contentType: 'application/json; charset=utf-16',
      expect: 'reject',
    };
  // A byte order mark before the JSON: some senders write one; refusing or accepting is fine, a crash is not.
  if (kind === 'bom') return { ...base, kind: 'bom', body: `\ufeff${json(body)}`, expect: 'either' };
  if (kind === 'content-type') {
    return {
      ...base,
      kind: 'content-type',
      body: json(body),
      contentType: pick(r, [
        'text/plain',
        'application/x-www-form-urlencoded',
        'application/json; charset=latin1',
        'application/octet-stream',
        'multipart/form-data; boundary=x',
      ]),
      expect: 'accept',
      alerts,
    };
  }
  // Every non-ASCII character as a \u escape (what some encoders send): the same payload.
  const escaped = json(body).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return { ...base, kind: 'escaped unicode', body: escaped, expect: 'accept', alerts };
}
