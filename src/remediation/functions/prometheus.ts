import { PrometheusClient, PrometheusError } from '../../prometheus/client.ts';
import type { PromVector } from './api.ts';

/** One query must not use the whole function timeout without saying why. */
const QUERY_TIMEOUT_MS = 30_000;

/** `ctx.query`: an instant query; every failure becomes an Error whose message says which one. */
export async function promQuery(baseUrl: string | undefined, promql: string, time?: Date): Promise<PromVector> {
  if (!baseUrl) throw new Error('ctx.query: no Prometheus is configured (set remediation.prometheusUrl)');
  try {
    const samples = await new PrometheusClient({ url: baseUrl, timeoutMs: QUERY_TIMEOUT_MS }).query(
      promql,
      time?.getTime(),
    );
    return samples.map((s) => ({ metric: s.labels, value: s.value, timestamp: s.timestampMs }));
  } catch (err) {
    if (err instanceof PrometheusError) throw new Error(`ctx.query: ${err.message}`, { cause: err });
    throw err;
  }
}
