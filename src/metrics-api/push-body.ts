import { z } from 'zod';
import { parseQuantity } from '../util/quantity.ts';
import { validateLabelKey } from '../kube/apimachinery/label-requirement.ts';
import { isValidLabelValue } from '../kube/apimachinery/names.ts';
import { badRequest } from './status.ts';
import { MAX_METRIC_VALUE } from './quantity.ts';

/**
 * The body of a push, as the seed sends it and a little more: a JSON number (12.5), a JSON string
 * of a number or quantity ("12.50", "1500m"), a bare number as text, or an object
 * {value, labels?, windowSeconds?, timestamp?}. Labels, windowSeconds and ttlSeconds may also come
 * in the query. Every reason for refusal is named in the 400 Status.
 */

export interface PushedValue {
  value: number;
  labels: Record<string, string>;
  windowSeconds?: number;
  timestampMs?: number;
  ttlMs?: number;
}

export interface PushLimits {
  allowNegative: boolean;
  maxTtlMs: number;
  /** How far in the future a given timestamp may be (clock skew). */
  maxFutureSkewMs: number;
  now: number;
}

const numberText = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const MAX_LABELS = 32;

const valueSchema = z.union([z.number(), z.string()]);
const objectSchema = z
  .object({
    value: valueSchema,
    labels: z.record(z.string(), z.string()).optional(),
    windowSeconds: z.number().int().positive().max(86_400).optional(),
    timestamp: z.string().optional(),
  })
  .strict();

function toNumber(raw: number | string, limits: PushLimits): number {
  let v: number | undefined;
  if (typeof raw === 'number') v = raw;
  else {
    const t = raw.trim();
    if (/^[+-]?(nan|inf|infinity)$/i.test(t))
      throw badRequest(`metric value ${JSON.stringify(raw)} is not a finite number`);
    v = numberText.test(t) ? Number(t) : parseQuantity(t);
    if (v === undefined)
      throw badRequest(`metric value ${JSON.stringify(raw)} is not a number (expected e.g. 12.5, "12.50" or "1500m")`);
  }
  if (!Number.isFinite(v)) throw badRequest(`metric value ${JSON.stringify(raw)} is not a finite number`);
  if (Math.abs(v) > MAX_METRIC_VALUE)
    throw badRequest(
      `metric value ${JSON.stringify(raw)} is too large: the HPA reads values as int64 milli-units, so |value| must be at most ${MAX_METRIC_VALUE}`,
    );
  if (v < 0 && !limits.allowNegative)
    throw badRequest(
      `metric value ${JSON.stringify(raw)} is negative: HPA targets are positive quantities, so a negative reading is refused (usually a counter reset; the server can be started with negative values allowed)`,
    );
  return v === 0 ? 0 : v;
}

function checkLabels(labels: Record<string, string>): Record<string, string> {
  const entries = Object.entries(labels);
  if (entries.length > MAX_LABELS)
    throw badRequest(`too many metric labels: ${entries.length} (at most ${MAX_LABELS})`);
  for (const [k, v] of entries) {
    try {
      validateLabelKey(k);
    } catch (err) {
      throw badRequest((err as Error).message);
    }
    const errs = isValidLabelValue(v);
    if (errs.length > 0)
      throw badRequest(`invalid label value ${JSON.stringify(v)} for key ${JSON.stringify(k)}: ${errs.join('; ')}`);
  }
  return Object.fromEntries(entries);
}

/** "k=v,k2=v2" from the `labels` query parameter. */
function labelsFromQuery(raw: string | null): Record<string, string> {
  if (raw === null || raw.trim() === '') return {};
  const out: Record<string, string> = {};
  for (const part of raw.split(',')) {
    const i = part.indexOf('=');
    if (i <= 0) throw badRequest(`labels: ${JSON.stringify(part)} is not key=value`);
    const k = part.slice(0, i).trim();
    if (Object.hasOwn(out, k)) throw badRequest(`labels: duplicate key ${JSON.stringify(k)}`);
    out[k] = part.slice(i + 1).trim();
  }
  return out;
}

function positiveInt(query: URLSearchParams, name: string, max: number): number | undefined {
  const raw = query.get(name);
  if (raw === null || raw === '') return undefined;
  if (!/^\d+$/.test(raw) || Number(raw) < 1 || Number(raw) > max)
    throw badRequest(`${name}: ${JSON.stringify(raw)} must be an integer from 1 to ${max}`);
  return Number(raw);
}

function bodyValue(text: string): unknown {
  const t = text.trim();
  if (t === '') throw badRequest('empty body: send the metric value, e.g. 12.5 or "12.50"');
  try {
    return JSON.parse(t) as unknown;
  } catch {
    // Not JSON: a bare value as text/plain ("12.5", or "NaN" which toNumber names).
    return t;
  }
}

export function parsePush(body: Buffer | undefined, query: URLSearchParams, limits: PushLimits): PushedValue {
  const decoded = bodyValue(body ? body.toString('utf8') : '');
  let raw: number | string;
  let fromBody: z.infer<typeof objectSchema> | undefined;
  if (typeof decoded === 'number' || typeof decoded === 'string') raw = decoded;
  else {
    const parsed = objectSchema.safeParse(decoded);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw badRequest(
        `the body must be a number, a string of a number or {"value": ..., "labels": {...}, "windowSeconds": n, "timestamp": "RFC 3339"}: ${issue ? `${issue.path.join('.') || 'body'}: ${issue.message}` : 'invalid'}`,
      );
    }
    fromBody = parsed.data;
    raw = parsed.data.value;
  }
  const value = toNumber(raw, limits);
  const queryLabels = labelsFromQuery(query.get('labels'));
  const labels = checkLabels({ ...queryLabels, ...(fromBody?.labels ?? {}) });
  const windowSeconds = fromBody?.windowSeconds ?? positiveInt(query, 'windowSeconds', 86_400);
  const ttlSeconds = positiveInt(query, 'ttlSeconds', Math.floor(limits.maxTtlMs / 1000));
  let timestampMs: number | undefined;
  if (fromBody?.timestamp !== undefined) {
    timestampMs = Date.parse(fromBody.timestamp);
    if (Number.isNaN(timestampMs))
      throw badRequest(`timestamp ${JSON.stringify(fromBody.timestamp)} is not an RFC 3339 time`);
    if (timestampMs > limits.now + limits.maxFutureSkewMs)
      throw badRequest(`timestamp ${fromBody.timestamp} is in the future`);
  }
  return { value, labels, windowSeconds, timestampMs, ttlMs: ttlSeconds === undefined ? undefined : ttlSeconds * 1000 };
}
