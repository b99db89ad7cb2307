/**
 * Removes what legitimately differs between two clusters (identities, times, versions, addresses)
 * so that what remains must match: structure, codes, reasons, messages, defaults.
 */
const VOLATILE_KEYS = new Set([
  'uid',
  'resourceVersion',
  'creationTimestamp',
  'deletionTimestamp',
  'lastTransitionTime',
  'lastProbeTime',
  'lastUpdateTime',
  'startTime',
  'completionTime',
  'firstTimestamp',
  'lastTimestamp',
  'eventTime',
  'renewTime',
  'acquireTime',
  'clusterIP',
  'continue',
  'startedAt',
  'finishedAt',
  'lastObservedTime',
  'lastScheduleTime',
  'lastSuccessfulTime',
  'ca.crt',
]);
const DROPPED_KEYS = new Set(['selfLink', 'storageVersionHash']);

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;
const TIME = /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z/g;
const RV_IN_MESSAGE = /(resource ?[vV]ersion(?: in (?:precondition|object meta))?:?) \d+(?: \(\d+\))?/g;
const RV_IN_PARENS = /(ResourceVersion in (?:the precondition|record)) \(\d+\)/g;
const CLUSTER_IP = /^10\.\d+\.\d+\.\d+$/;

export interface NormalizeOptions {
  /** Actual generated names -> stable aliases. */
  aliases?: Map<string, string>;
  /** Further rewrites of every string, after the built-in ones (a suite's own volatile values). */
  replace?: [RegExp, string][];
}

export function normalize(v: unknown, opts: NormalizeOptions = {}, key?: string): unknown {
  if (typeof v === 'string') return normalizeString(v, opts, key);
  if (Array.isArray(v)) {
    if (key === 'clusterIPs') return v.map(() => '<ip>');
    if (key === 'managedFields') return sortEntries(v.map((e) => normalize(e, opts)));
    return v.map((e) => normalize(e, opts));
  }
  if (v === null || typeof v !== 'object') return v;
  const out: Record<string, unknown> = {};
  // managedFields are compared whole; their times are normalized like every time value, and the
  // keys of their field sets (k:{"uid":"..."}) like every string.
  if (key === 'fieldsV1') return normalizeFieldSet(v as Record<string, unknown>, opts);
  for (const [k, val] of Object.entries(v as Record<string, unknown>)) {
    if (DROPPED_KEYS.has(k)) continue;
    if (VOLATILE_KEYS.has(k) && val !== null && val !== undefined && val !== '') {
      out[k] = `<${k}>`;
      continue;
    }
    out[k] = normalize(val, opts, k);
  }
  return out;
}

/**
 * kube-apiserver orders entries by operation, then time, then manager: entries written within
 * the same second on one cluster and not on the other would swap, so the order compared is the
 * one without the time.
 */
function sortEntries(entries: unknown[]): unknown[] {
  const key = (e: unknown): string => {
    const m = (e ?? {}) as Record<string, unknown>;
    return `${String(m['operation'])}\u0000${String(m['manager'])}\u0000${String(m['apiVersion'])}`;
  };
  return [...entries].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}

function normalizeFieldSet(set: Record<string, unknown>, opts: NormalizeOptions): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, val] of Object.entries(set)) {
    out[normalizeString(k, opts)] =
      val !== null && typeof val === 'object' ? normalizeFieldSet(val as Record<string, unknown>, opts) : val;
  }
  return out;
}

function normalizeString(s: string, opts: NormalizeOptions, key?: string): string {
  let out = s;
  for (const [actual, alias] of opts.aliases ?? []) out = out.split(actual).join(alias);
  if (key === 'podIP' || CLUSTER_IP.test(out)) return '<ip>';
  out = out
    .replace(UUID, '<uuid>')
    .replace(TIME, '<time>')
    .replace(RV_IN_MESSAGE, '$1 <rv>')
    .replace(RV_IN_PARENS, '$1 (<rv>)');
  for (const [re, to] of opts.replace ?? []) out = out.replace(re, to);
  return out;
}
