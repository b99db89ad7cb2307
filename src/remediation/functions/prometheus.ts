import { z } from 'zod';
import type { PromSample, PromVector } from './api.ts';

/** One query must not use the whole function timeout without saying why. */
const QUERY_TIMEOUT_MS = 30_000;

// Prometheus writes sample values as strings so that NaN and ±Inf survive JSON.
const sampleSchema = z.tuple([z.number(), z.string()]);
const answerSchema = z.discriminatedUnion('status', [
  z.object({
    status: z.literal('success'),
    data: z.discriminatedUnion('resultType', [
      z.object({ resultType: z.literal('vector'), result: z.array(z.object({ metric: z.record(z.string(), z.string()), value: sampleSchema })) }),
      z.object({ resultType: z.literal('scalar'), result: sampleSchema }),
      z.object({ resultType: z.enum(['matrix', 'string']) }),
    ]),
  }),
  z.object({ status: z.literal('error'), errorType: z.string().optional(), error: z.string().optional() }),
]);

function sampleValue(s: string): number {
  if (s === '+Inf') return Infinity;
  if (s === '-Inf') return -Infinity;
  return Number(s);
}

function toSample(metric: Record<string, string>, [ts, value]: [number, string]): PromSample {
  return { metric, value: sampleValue(value), timestamp: Math.round(ts * 1000) };
}

/** `ctx.query`: an instant query; every failure becomes an Error whose message says which one. */
export async function promQuery(baseUrl: string | undefined, promql: string, time?: Date): Promise<PromVector> {
  if (!baseUrl) throw new Error('ctx.query: no Prometheus is configured (set remediation.prometheusUrl)');
  const url = new URL(`${baseUrl.replace(/\/+$/, '')}/api/v1/query`);
  url.searchParams.set('query', promql);
  if (time) url.searchParams.set('time', String(time.getTime() / 1000));
  let res: Response;
  let text: string;
  try {
    res = await fetch(url, { headers: { accept: 'application/json' }, signal: AbortSignal.timeout(QUERY_TIMEOUT_MS) });
    text = await res.text();
  } catch (err) {
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    const why = cause?.code ?? cause?.message ?? (err as Error).message;
    throw new Error(`ctx.query: cannot reach Prometheus at ${url.origin}: ${why}`, { cause: err });
  }
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new Error(`ctx.query: Prometheus answered HTTP ${res.status} with invalid JSON: ${text.slice(0, 200)}`);
  }
  const parsed = answerSchema.safeParse(body);
  if (!parsed.success) {
    const why = res.ok ? z.prettifyError(parsed.error).replace(/\n/g, '; ') : text.slice(0, 200);
    throw new Error(`ctx.query: unexpected answer from Prometheus (HTTP ${res.status}): ${why}`);
  }
  const answer = parsed.data;
  if (answer.status === 'error') {
    throw new Error(`ctx.query: Prometheus refused the query (${answer.errorType ?? `HTTP ${res.status}`}): ${answer.error ?? 'no message'}`);
  }
  const data = answer.data;
  switch (data.resultType) {
    case 'vector': return data.result.map((r) => toSample(r.metric, r.value));
    case 'scalar': return [toSample({}, data.result)];
    default: throw new Error(`ctx.query: the query returned a ${data.resultType}; ctx.query handles instant vectors and scalars`);
  }
}
