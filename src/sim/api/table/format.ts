import { isPlainObject } from '../../../util/deep-equal.ts';

export type Obj = Record<string, unknown>;

export function obj(v: unknown): Obj {
  return isPlainObject(v) ? v : {};
}

export function arr(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

export function num(v: unknown): number {
  return typeof v === 'number' ? v : 0;
}

export function str(v: unknown, dflt = ''): string {
  return typeof v === 'string' ? v : v === undefined || v === null ? dflt : String(v);
}

/** duration.HumanDuration: "45s", "3m20s", "4h5m", "3d2h", "2y". */
export function humanDuration(ms: number): string {
  const seconds = Math.floor(ms / 1000);
  if (seconds < -1) return '<invalid>';
  if (seconds < 0) return '0s';
  if (seconds < 120) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 10) {
    const s = seconds % 60;
    return s === 0 ? `${minutes}m` : `${minutes}m${s}s`;
  }
  if (minutes < 180) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  if (hours < 8) {
    const m = minutes % 60;
    return m === 0 ? `${hours}h` : `${hours}h${m}m`;
  }
  if (hours < 48) return `${hours}h`;
  if (hours < 24 * 8) {
    const h = hours % 24;
    return h === 0 ? `${Math.floor(hours / 24)}d` : `${Math.floor(hours / 24)}d${h}h`;
  }
  if (hours < 24 * 365 * 2) return `${Math.floor(hours / 24)}d`;
  if (hours < 24 * 365 * 8) {
    const dy = Math.floor(hours / 24) % 365;
    return dy === 0 ? `${Math.floor(hours / 24 / 365)}y` : `${Math.floor(hours / 24 / 365)}y${dy}d`;
  }
  return `${Math.floor(hours / 24 / 365)}y`;
}

/** translateTimestampSince: "<unknown>" for a missing time. */
export function since(ts: unknown, now: Date): string {
  if (typeof ts !== 'string' || ts === '') return '<unknown>';
  const t = Date.parse(ts);
  return Number.isNaN(t) ? '<unknown>' : humanDuration(now.getTime() - t);
}

export function containersAndImages(podSpec: unknown): [string, string] {
  const cs = arr(obj(podSpec)['containers']).map(obj);
  return [cs.map((c) => str(c['name'])).join(','), cs.map((c) => str(c['image'])).join(',')];
}

/** metav1.FormatLabelSelector for a LabelSelector object. */
export function formatSelector(sel: unknown): string {
  if (!isPlainObject(sel)) return '<none>';
  const parts: string[] = [];
  for (const [k, v] of Object.entries(obj(sel['matchLabels'])).sort(([a], [b]) => (a < b ? -1 : 1)))
    parts.push(`${k}=${str(v)}`);
  for (const e of arr(sel['matchExpressions']).map(obj)) {
    const values = arr(e['values']).map((x) => str(x));
    switch (e['operator']) {
      case 'In':
        parts.push(`${str(e['key'])} in (${values.join(',')})`);
        break;
      case 'NotIn':
        parts.push(`${str(e['key'])} notin (${values.join(',')})`);
        break;
      case 'Exists':
        parts.push(str(e['key']));
        break;
      case 'DoesNotExist':
        parts.push(`!${str(e['key'])}`);
        break;
      default:
        break;
    }
  }
  const out = parts.join(',');
  return out === '' ? '<none>' : out;
}

/** A map selector (Service, DaemonSet node selector): "a=b,c=d" or "<none>". */
export function formatMap(m: unknown): string {
  const entries = Object.entries(obj(m)).sort(([a], [b]) => (a < b ? -1 : 1));
  return entries.length === 0 ? '<none>' : entries.map(([k, v]) => `${k}=${str(v)}`).join(',');
}
