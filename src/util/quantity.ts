/**
 * Kubernetes resource quantities ("100m", "1.5", "64Mi", "1G", "12e6") as numbers: CPU in
 * millicores, everything else in base units. Invalid text yields undefined, never a throw.
 */
const SUFFIX: Record<string, number> = {
  '': 1,
  n: 1e-9,
  u: 1e-6,
  m: 1e-3,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
  Ki: 1024,
  Mi: 1024 ** 2,
  Gi: 1024 ** 3,
  Ti: 1024 ** 4,
  Pi: 1024 ** 5,
  Ei: 1024 ** 6,
};

export function parseQuantity(q: unknown): number | undefined {
  if (typeof q === 'number') return Number.isFinite(q) ? q : undefined;
  if (typeof q !== 'string') return undefined;
  const m = /^([+-]?(?:\d+\.?\d*|\.\d+))(?:([eE][+-]?\d+)|(n|u|m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei))?$/.exec(q.trim());
  if (!m) return undefined;
  const base = Number(m[1]);
  if (m[2]) return base * 10 ** Number(m[2].slice(1));
  return base * (SUFFIX[m[3] ?? ''] ?? 1);
}

export function cpuMillis(q: unknown): number | undefined {
  const v = parseQuantity(q);
  return v === undefined ? undefined : Math.round(v * 1000);
}

/** A canonical quantity string, as Kubernetes prints it ("1500m", "30", "2k", "64Mi"). */
export function formatQuantity(value: number, binary = false): string {
  if (binary && value !== 0 && Number.isInteger(value)) {
    for (const [s, f] of [
      ['Ei', 1024 ** 6],
      ['Pi', 1024 ** 5],
      ['Ti', 1024 ** 4],
      ['Gi', 1024 ** 3],
      ['Mi', 1024 ** 2],
      ['Ki', 1024],
    ] as const) {
      if (value % f === 0) return `${value / f}${s}`;
    }
    return String(value);
  }
  if (Number.isInteger(value)) {
    for (const [s, f] of [
      ['E', 1e18],
      ['P', 1e15],
      ['T', 1e12],
      ['G', 1e9],
      ['M', 1e6],
      ['k', 1e3],
    ] as const) {
      if (value !== 0 && value % f === 0) return `${value / f}${s}`;
    }
    return String(value);
  }
  const milli = value * 1000;
  if (Number.isInteger(Math.round(milli * 1e6) / 1e6)) return `${Math.round(milli)}m`;
  const micro = Math.round(value * 1e6);
  return `${micro}u`;
}
