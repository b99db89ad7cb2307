import { z } from 'zod';
import type { JsonValue } from '../../store/index.ts';
import { AlertParseError, type AlertSeverity, type AlertStatus } from '../alert.ts';
import { describeValue } from './zod-path.ts';

/** Value schemas and small mappings the source parsers share. */

/** A scalar as label text; undefined for anything else (null, objects, arrays, NaN). */
export function scalarText(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (typeof v === 'boolean') return String(v);
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  return undefined;
}

/**
 * A label value: strings as sent, numbers and booleans turned into strings (hand-written bodies and
 * some vendors send `replicas: 3`), because triggers and matchers compare text.
 */
export const labelValue = z.unknown().transform((v, ctx) => {
  const text = scalarText(v);
  if (text !== undefined) return text;
  ctx.addIssue({ code: 'custom', message: `expected a string, number or boolean, got ${describeValue(v)}` });
  return z.NEVER;
});

export const labelMap = z.record(z.string(), labelValue);
export const textMap = z.record(z.string(), z.string());

// RFC 3339 as Go's time.Time marshals it: any number of fraction digits (Alertmanager sends
// nanoseconds), Z or a numeric offset.
const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(?:([Zz])|([+-])(\d{2}):(\d{2}))$/;

/**
 * Epoch ms of an RFC 3339 time; undefined for "unset" (Go's zero time 0001-01-01T00:00:00Z, which
 * Alertmanager and Grafana send for an alert that has not ended: any year before 1970); null when
 * the text is not a valid time. Computed by hand because Date.parse rolls Feb 30 over to March.
 */
export function rfc3339Ms(text: string): number | undefined | null {
  const m = RFC3339.exec(text);
  if (!m) return null;
  const [y, mo, d, h, mi, s] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  if (mo < 1 || mo > 12 || d < 1 || d > daysIn(y, mo) || h > 23 || mi > 59 || s > 60) return null;
  if (y < 1970) return undefined;
  const offsetMin = m[8] ? 0 : (m[9] === '-' ? -1 : 1) * (Number(m[10]) * 60 + Number(m[11]));
  const fractionMs = Math.floor(Number(`0.${m[7] ?? '0'}`) * 1000);
  // A leap second (:60) counts as the last millisecond of the minute.
  const secMs = s === 60 ? 59_999 : s * 1000 + fractionMs;
  return Date.UTC(y, mo - 1, d, h, mi, 0) + secMs - offsetMin * 60_000;
}

/**
 * The last millisecond of year 9999, the latest time RFC 3339 can write: a larger epoch number is a
 * unit mistake or garbage, and would not fit the store's 64-bit time columns either.
 */
export const MAX_EPOCH_MS = 253_402_300_799_999;

const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function daysIn(year: number, month: number): number {
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  return month === 2 && leap ? 29 : (MONTH_DAYS[month - 1] ?? 0);
}

/** An RFC 3339 string as epoch ms (undefined when unset, see rfc3339Ms). */
export const rfc3339 = z.string().transform((text, ctx) => {
  const ms = rfc3339Ms(text);
  if (ms !== null) return ms;
  ctx.addIssue({
    code: 'custom',
    message: `expected an RFC 3339 time such as "2024-05-01T12:00:00Z", got ${describeValue(text)}`,
  });
  return z.NEVER;
});

/** labels.severity as Prometheus rules write it; `page` is the PagerDuty-era spelling of critical. */
export function labelSeverity(value: string | undefined): AlertSeverity {
  switch (value?.trim().toLowerCase()) {
    case 'critical':
    case 'page':
      return 'critical';
    case 'error':
      return 'error';
    case 'info':
      return 'info';
    default:
      // Rules without a severity label (or with a house word such as "minor") still deserve attention.
      return 'warning';
  }
}

/**
 * The identity of one alert occurrence. A resolved notice shares the firing notice's fingerprint and
 * startsAt, and the store drops any (source, id) it has seen before, so without the suffix every
 * resolved notice would be counted as a duplicate of its firing one and never reach a playbook.
 */
export function occurrenceId(base: string, status: AlertStatus): string {
  return status === 'resolved' ? `${base}/resolved` : base;
}

/**
 * A deep JSON copy for Alert.raw: the stored copy must not share objects with the request, and
 * JSON.stringify drops what JSON cannot carry (undefined) so the result really is a JsonValue.
 */
export function toJson(value: unknown): JsonValue {
  try {
    return JSON.parse(JSON.stringify(value ?? null)) as JsonValue;
  } catch (err) {
    // Only reachable from an in-process caller (a BigInt or a cycle); an HTTP body is JSON already.
    throw new AlertParseError('', `body is not JSON-serialisable: ${(err as Error).message}`);
  }
}
