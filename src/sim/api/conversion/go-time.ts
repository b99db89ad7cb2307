/**
 * How metav1.Time and metav1.MicroTime come back out of a Go struct: a zero time is null, a set
 * one is rendered in UTC, to the second (Time) or to the microsecond (MicroTime). Strings that
 * are not RFC 3339 are left as they are (kube-apiserver would have refused them on decoding).
 */

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(?:Z|([+-])(\d{2}):(\d{2}))$/i;

interface Parsed {
  /** "YYYY-MM-DDTHH:MM:SS" in UTC. */
  seconds: string;
  /** The fraction's digits as written (possibly ""). */
  fraction: string;
}

function parse(s: string): Parsed | undefined {
  const m = RFC3339.exec(s);
  if (!m) return undefined;
  const n = (i: number): number => Number(m[i] ?? '0');
  let ms = Date.UTC(n(1), n(2) - 1, n(3), n(4), n(5), n(6));
  if (m[8] !== undefined) ms -= (m[8] === '-' ? -1 : 1) * (n(9) * 60 + n(10)) * 60_000;
  if (!Number.isFinite(ms)) return undefined;
  return { seconds: new Date(ms).toISOString().slice(0, 19), fraction: m[7] ?? '' };
}

const isZero = (v: unknown): boolean => v === undefined || v === null || v === '';

/** metav1.Time: RFC 3339 in UTC without fraction, or null. */
export function goTime(v: unknown): unknown {
  if (isZero(v)) return null;
  if (typeof v !== 'string') return v;
  const p = parse(v);
  return p ? `${p.seconds}Z` : v;
}

/** metav1.MicroTime: RFC 3339 in UTC with exactly six fraction digits (Go truncates), or null. */
export function goMicroTime(v: unknown): unknown {
  if (isZero(v)) return null;
  if (typeof v !== 'string') return v;
  const p = parse(v);
  return p ? `${p.seconds}.${`${p.fraction}000000`.slice(0, 6)}Z` : v;
}

/** A zero metav1.Time / MicroTime (time.Time{} after decoding). */
export function isZeroTime(v: unknown): boolean {
  return isZero(v);
}
