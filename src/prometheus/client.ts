import { setImmediate } from 'node:timers/promises';
import { z } from 'zod';

/**
 * Prometheus' HTTP API as Kubeloop uses it: /api/v1/series (the metrics API's discovery) and
 * /api/v1/query (its values, and remediation functions' ctx.query). Both are POSTed as forms, so a query's size never meets a URL length
 * limit. Every failure (unreachable, timeout, HTTP error, not JSON, wrong shape, status "error")
 * becomes a PrometheusError whose message says which and why; responses are validated by zod.
 */

export class PrometheusError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'PrometheusError';
  }
}

export interface PromSample {
  labels: Record<string, string>;
  value: number;
  timestampMs: number;
}

const sampleSchema = z.tuple([z.number(), z.string()]);
const errorSchema = z.object({
  status: z.literal('error'),
  errorType: z.string().optional(),
  error: z.string().optional(),
});
const queryAnswer = z.discriminatedUnion('status', [
  z.object({
    status: z.literal('success'),
    data: z.discriminatedUnion('resultType', [
      // The elements (a thousand pods' worth) are checked by vectorSamples(): zod costs ~4 ms per 1,000.
      z.object({ resultType: z.literal('vector'), result: z.array(z.unknown()) }),
      z.object({ resultType: z.literal('scalar'), result: sampleSchema }),
      z.object({ resultType: z.enum(['matrix', 'string']) }),
    ]),
  }),
  errorSchema,
]);
const seriesAnswer = z.discriminatedUnion('status', [
  z.object({ status: z.literal('success'), data: z.array(z.unknown()) }),
  errorSchema,
]);

/** A label set: an object whose values are all strings; else the reason. */
function labelSet(v: unknown): Record<string, string> | string {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return 'expected an object of labels';
  for (const [k, x] of Object.entries(v)) if (typeof x !== 'string') return `${k}: expected string, got ${typeof x}`;
  return v as Record<string, string>;
}

/**
 * The bulk of an answer, checked by hand: discovery returns ten thousand label sets and a query a
 * thousand samples, where zod took tens of milliseconds of the event loop. Same strictness, same
 * kind of message (the path of the first bad element).
 */
function vectorSamples(result: readonly unknown[], what: string): PromSample[] {
  const out: PromSample[] = [];
  for (let i = 0; i < result.length; i++) {
    const r = result[i] as { metric?: unknown; value?: unknown } | null;
    const bad = (why: string): PrometheusError =>
      new PrometheusError(`${what}: unexpected answer from Prometheus: data.result.${i}.${why}`);
    if (typeof r !== 'object' || r === null) throw bad('expected an object');
    const labels = labelSet(r.metric);
    if (typeof labels === 'string') throw bad(`metric: ${labels}`);
    const v = r.value;
    if (!Array.isArray(v) || v.length !== 2) throw bad('value: expected [timestamp, "value"]');
    if (typeof v[0] !== 'number') throw bad(`value.0: expected number, got ${typeof v[0]}`);
    if (typeof v[1] !== 'string') throw bad(`value.1: expected string, got ${typeof v[1]}`);
    out.push({ labels, value: sampleValue(v[1]), timestampMs: Math.round(v[0] * 1000) });
  }
  return out;
}

/** Checked in slices, yielding between them: a discovery answer can hold tens of thousands of series. */
async function seriesLabelSets(data: readonly unknown[], what: string): Promise<Record<string, string>[]> {
  const out: Record<string, string>[] = [];
  for (let i = 0; i < data.length; i++) {
    if (i > 0 && i % 2000 === 0) await setImmediate();
    const labels = labelSet(data[i]);
    if (typeof labels === 'string')
      throw new PrometheusError(`${what}: unexpected answer from Prometheus: data.${i}: ${labels}`);
    out.push(labels);
  }
  return out;
}

function sampleValue(s: string): number {
  if (s === '+Inf') return Infinity;
  if (s === '-Inf') return -Infinity;
  return Number(s);
}

export interface PrometheusClientOptions {
  url: string;
  timeoutMs?: number;
  /** Extra request headers (e.g. Authorization for a Prometheus behind a proxy). */
  headers?: Record<string, string>;
  fetch?: typeof fetch;
}

export class PrometheusClient {
  readonly baseUrl: string;
  private readonly timeoutMs: number;
  private readonly fetchFn: typeof fetch;
  /** Requests sent, for tests and the bench (one query per cache miss). */
  queries = 0;

  constructor(private readonly opts: PrometheusClientOptions) {
    let u: URL;
    try {
      u = new URL(opts.url);
    } catch {
      throw new PrometheusError(`prometheus url ${JSON.stringify(opts.url)} is not a URL`);
    }
    if (u.protocol !== 'http:' && u.protocol !== 'https:')
      throw new PrometheusError(`prometheus url ${JSON.stringify(opts.url)}: only http and https are supported`);
    this.baseUrl = opts.url.replace(/\/+$/, '');
    this.timeoutMs = opts.timeoutMs ?? 10_000;
    this.fetchFn = opts.fetch ?? fetch;
  }

  /** An instant query; a scalar comes back as one sample without labels. */
  async query(promql: string, time?: number): Promise<PromSample[]> {
    this.queries++;
    const form = new URLSearchParams({ query: promql });
    if (time !== undefined) form.set('time', String(time / 1000));
    const answer = await this.post('/api/v1/query', form, queryAnswer, `query ${promql}`);
    if (answer.status === 'error') throw this.refused(`query ${promql}`, answer);
    const data = answer.data;
    const toSample = (labels: Record<string, string>, [ts, v]: [number, string]): PromSample => ({
      labels,
      value: sampleValue(v),
      timestampMs: Math.round(ts * 1000),
    });
    switch (data.resultType) {
      case 'vector':
        return vectorSamples(data.result, `query ${promql}`);
      case 'scalar':
        return [toSample({}, data.result)];
      default:
        throw new PrometheusError(
          `query ${promql}: returned a ${data.resultType}; metrics queries must return an instant vector`,
        );
    }
  }

  /** Label sets of the series matching `match` seen since `startMs`. */
  async series(match: string, startMs: number, endMs: number): Promise<Record<string, string>[]> {
    const form = new URLSearchParams({ 'match[]': match, start: String(startMs / 1000), end: String(endMs / 1000) });
    const answer = await this.post('/api/v1/series', form, seriesAnswer, `series ${match}`);
    if (answer.status === 'error') throw this.refused(`series ${match}`, answer);
    return await seriesLabelSets(answer.data, `series ${match}`);
  }

  private refused(what: string, a: z.infer<typeof errorSchema>): PrometheusError {
    return new PrometheusError(
      `${what}: Prometheus refused it (${a.errorType ?? 'error'}): ${a.error ?? 'no message'}`,
    );
  }

  private async post<T extends z.ZodType>(
    path: string,
    form: URLSearchParams,
    schema: T,
    what: string,
  ): Promise<z.infer<T>> {
    const url = `${this.baseUrl}${path}`;
    let res: Response;
    let text: string;
    try {
      res = await this.fetchFn(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          accept: 'application/json',
          ...this.opts.headers,
        },
        body: form.toString(),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      text = await res.text();
    } catch (err) {
      const cause = (err as { cause?: { code?: string; message?: string } }).cause;
      const why =
        (err as Error).name === 'TimeoutError'
          ? `no answer within ${this.timeoutMs} ms`
          : (cause?.code ?? cause?.message ?? (err as Error).message);
      throw new PrometheusError(`${what}: cannot reach Prometheus at ${this.baseUrl}: ${why}`, { cause: err });
    }
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      throw new PrometheusError(
        `${what}: Prometheus answered HTTP ${res.status} with a body that is not JSON: ${JSON.stringify(text.slice(0, 120))}`,
      );
    }
    const parsed = schema.safeParse(body);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new PrometheusError(
        `${what}: unexpected answer from Prometheus (HTTP ${res.status}): ${issue ? `${issue.path.join('.') || '(root)'}: ${issue.message}` : 'invalid'}`,
      );
    }
    return parsed.data as z.infer<T>;
  }
}
