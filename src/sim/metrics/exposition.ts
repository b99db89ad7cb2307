/**
 * The Prometheus text exposition format (version 0.0.4), as client_golang's expfmt writes it:
 * `# HELP` and `# TYPE` lines, then one line per sample, `name{label="value",...} value [ms]`.
 */

export type MetricType = 'counter' | 'gauge';

export type Label = readonly [name: string, value: string];

export interface Sample {
  /** In the order they are written (client_golang sorts them by name; kube-state-metrics does not). */
  labels: readonly Label[];
  value: number;
  /** Milliseconds since the epoch, written after the value (cAdvisor stamps its samples). */
  timestampMs?: number;
}

export interface MetricFamily {
  name: string;
  help: string;
  type: MetricType;
  samples: Sample[];
}

export const EXPOSITION_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

/** Label values escape backslash, double quote and line feed. */
export function escapeLabelValue(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

/** HELP text escapes backslash and line feed (a double quote stays as it is). */
export function escapeHelp(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}

/**
 * A sample value as Go's strconv.FormatFloat(v, 'g', -1, 64) writes it (expfmt and
 * kube-state-metrics both do): the shortest round-tripping digits, exponent form when the
 * decimal exponent is below -4 or at least 6 (`2.68435456e+08`, `1e-05`), plain decimals otherwise.
 */
export function formatValue(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  if (v === 0) return '0';
  const [mantissa = '0', expText = '0'] = v.toExponential().split('e');
  const exp = Number(expText);
  if (exp < -4 || exp >= 6) return `${mantissa}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
  return String(v);
}

export function renderSample(name: string, s: Sample): string {
  const labels =
    s.labels.length === 0 ? '' : `{${s.labels.map(([k, v]) => `${k}="${escapeLabelValue(v)}"`).join(',')}}`;
  const ts = s.timestampMs === undefined ? '' : ` ${Math.trunc(s.timestampMs)}`;
  return `${name}${labels} ${formatValue(s.value)}${ts}`;
}

/**
 * Families in the given order. client_golang leaves out families without samples; kube-state-metrics
 * writes their HELP and TYPE lines anyway (`emitEmpty`).
 */
export function renderFamilies(families: readonly MetricFamily[], opts: { emitEmpty?: boolean } = {}): string {
  const out: string[] = [];
  for (const f of families) {
    if (f.samples.length === 0 && !opts.emitEmpty) continue;
    out.push(`# HELP ${f.name} ${escapeHelp(f.help)}`, `# TYPE ${f.name} ${f.type}`);
    for (const s of f.samples) out.push(renderSample(f.name, s));
  }
  return out.length === 0 ? '' : `${out.join('\n')}\n`;
}

/** client_golang's order: labels by name, then samples by their label values. */
export function sortLikeClientGolang(f: MetricFamily): MetricFamily {
  const samples = f.samples.map((s) => ({ ...s, labels: [...s.labels].sort((a, b) => cmp(a[0], b[0])) }));
  samples.sort((a, b) => {
    const n = Math.min(a.labels.length, b.labels.length);
    for (let i = 0; i < n; i++) {
      const c = cmp(a.labels[i]?.[1] ?? '', b.labels[i]?.[1] ?? '');
      if (c !== 0) return c;
    }
    return a.labels.length - b.labels.length;
  });
  return { ...f, samples };
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
