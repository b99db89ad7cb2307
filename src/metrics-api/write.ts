import type { MetricStore, SeriesId } from './store.ts';
import { SeriesLimitError } from './store.ts';
import type { ResourceTable } from './resources.ts';
import type { ObjectTarget } from './paths.ts';
import { parsePush } from './push-body.ts';
import { badRequest, seriesLimit } from './status.ts';

/**
 * The push path (POST /write-metrics/...): validates the target and the value, then stores it
 * with its TTL. The TTL runs from the sample's own timestamp when one is given, so a late push of
 * an old value cannot be served as fresh.
 */

export interface WriteDeps {
  store: MetricStore;
  resources: ResourceTable;
  ttlMs: number;
  maxTtlMs: number;
  allowNegative: boolean;
  now: () => number;
}

const NAME = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;
const METRIC = /^[A-Za-z_:][A-Za-z0-9_:.-]*$/;

function checkName(what: string, v: string): void {
  if (v.length > 253 || !NAME.test(v))
    throw badRequest(
      `${what} ${JSON.stringify(v)} is not a valid Kubernetes name (lowercase alphanumerics, '-' and '.')`,
    );
}

function checkMetric(v: string): void {
  if (v.length > 200 || !METRIC.test(v))
    throw badRequest(
      `metric name ${JSON.stringify(v)} is invalid: use letters, digits, '_', ':', '.', '-' (not starting with a digit)`,
    );
}

export interface WriteResult {
  expiresAt: string;
  series: number;
}

function store(deps: WriteDeps, id: SeriesId, body: Buffer | undefined, query: URLSearchParams): WriteResult {
  const now = deps.now();
  const push = parsePush(body, query, {
    allowNegative: deps.allowNegative,
    maxTtlMs: deps.maxTtlMs,
    maxFutureSkewMs: 60_000,
    now,
  });
  const ttlMs = push.ttlMs ?? deps.ttlMs;
  const timestampMs = push.timestampMs ?? now;
  const remaining = Math.min(ttlMs, timestampMs + ttlMs - now);
  if (remaining <= 0)
    throw badRequest(
      `timestamp ${new Date(timestampMs).toISOString()} is older than the TTL (${ttlMs / 1000}s): the value would never be served`,
    );
  try {
    const s = deps.store.put(
      { ...id, labels: push.labels },
      { value: push.value, timestampMs, windowSeconds: push.windowSeconds },
      remaining,
    );
    return { expiresAt: new Date(s.expiresAtMs).toISOString(), series: deps.store.size };
  } catch (err) {
    if (err instanceof SeriesLimitError) throw seriesLimit(err.message);
    throw err;
  }
}

export function writeCustom(
  deps: WriteDeps,
  t: ObjectTarget,
  body: Buffer | undefined,
  query: URLSearchParams,
): WriteResult {
  const d = deps.resources.find(t.resource);
  if (!d)
    throw badRequest(
      `unknown resource ${JSON.stringify(t.resource)}: known resources are ${deps.resources.names().join(', ')}`,
    );
  if (t.name === '*') throw badRequest('a value is pushed for one object: "*" is not an object name');
  if (d.namespaced && t.namespace === '')
    throw badRequest(
      `${d.resource} are namespaced: push to /write-metrics/namespaces/<namespace>/${d.resource}/<name>/<metric>`,
    );
  if (!d.namespaced && t.namespace !== '')
    throw badRequest(`${d.resource} are not namespaced: push to /write-metrics/${d.resource}/<name>/<metric>`);
  if (t.namespace) checkName('namespace', t.namespace);
  checkName('name', t.name);
  checkMetric(t.metric);
  return store(
    deps,
    { group: 'custom', namespace: t.namespace, resource: d.resource, name: t.name, metric: t.metric, labels: {} },
    body,
    query,
  );
}

export function writeExternal(
  deps: WriteDeps,
  namespace: string,
  metric: string,
  body: Buffer | undefined,
  query: URLSearchParams,
): WriteResult {
  checkName('namespace', namespace);
  checkMetric(metric);
  return store(deps, { group: 'external', namespace, resource: '', name: '', metric, labels: {} }, body, query);
}
