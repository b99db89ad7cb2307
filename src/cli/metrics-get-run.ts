import { z } from 'zod';
import { t, type Lang } from '../i18n/index.ts';
import { kubeJson, KubeApiError } from '../kube/http.ts';
import { parseQuantity } from '../util/quantity.ts';
import { cliKubeConfig } from './cluster-kubeconfig.ts';
import { UsageError } from './errors.ts';
import type { MetricsGetFlags } from './metrics.ts';

const ROOT_SCOPED = new Set(['nodes', 'namespaces', 'persistentvolumes']);
const NAME = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;

/** The API path for a target such as pods/*\/http_requests_qps, or a UsageError saying what is wrong. */
export function metricsPath(
  target: string,
  flags: Pick<MetricsGetFlags, 'namespace' | 'apiVersion' | 'selector' | 'metricSelector'>,
): string {
  const parts = target.split('/');
  const query = new URLSearchParams();
  if (parts[0] === 'external') {
    if (parts.length !== 2 || !parts[1])
      throw new UsageError(`target ${JSON.stringify(target)}: expected external/<metric>`);
    if (flags.metricSelector) query.set('labelSelector', flags.metricSelector);
    const q = query.toString();
    return `/apis/external.metrics.k8s.io/v1beta1/namespaces/${encodeURIComponent(flags.namespace)}/${encodeURIComponent(parts[1])}${q ? `?${q}` : ''}`;
  }
  if (parts.length !== 3 || parts.some((p) => p === ''))
    throw new UsageError(
      `target ${JSON.stringify(target)}: expected <resource>/<name or *>/<metric>, e.g. pods/*/http_requests_qps`,
    );
  const [resource, name, metric] = parts as [string, string, string];
  if (name !== '*' && !NAME.test(name))
    throw new UsageError(`target ${JSON.stringify(target)}: ${JSON.stringify(name)} is not an object name`);
  if (flags.selector) {
    if (name !== '*') throw new UsageError('--selector applies to <resource>/*/<metric> only');
    query.set('labelSelector', flags.selector);
  }
  if (flags.metricSelector) {
    if (flags.apiVersion !== 'v1beta2') throw new UsageError('--metric-selector needs --api-version v1beta2');
    query.set('metricLabelSelector', flags.metricSelector);
  }
  const base = `/apis/custom.metrics.k8s.io/${flags.apiVersion}`;
  const enc = encodeURIComponent;
  let path: string;
  if (resource === 'namespaces') path = `${base}/namespaces/${enc(name)}/metrics/${enc(metric)}`;
  else if (ROOT_SCOPED.has(resource))
    path = `${base}/${enc(resource)}/${name === '*' ? '*' : enc(name)}/${enc(metric)}`;
  else
    path = `${base}/namespaces/${enc(flags.namespace)}/${enc(resource)}/${name === '*' ? '*' : enc(name)}/${enc(metric)}`;
  const q = query.toString();
  return q ? `${path}?${q}` : path;
}

const customList = z.object({
  items: z.array(
    z.object({
      describedObject: z.object({ kind: z.string().optional(), name: z.string(), namespace: z.string().optional() }),
      timestamp: z.string(),
      value: z.string(),
      window: z.number().optional(),
      windowSeconds: z.number().optional(),
    }),
  ),
});
const externalList = z.object({
  items: z.array(
    z.object({
      metricName: z.string(),
      metricLabels: z.record(z.string(), z.string()).optional(),
      timestamp: z.string(),
      value: z.string(),
      window: z.number().optional(),
    }),
  ),
});

interface Row {
  object: string;
  value: string;
  timestamp: string;
  window: string;
  numeric: number;
}

function table(rows: Row[], header: string): string {
  const lines = [header.split('\t'), ...rows.map((r) => [r.object, r.value, r.timestamp, r.window])];
  const widths = lines[0]?.map((_, i) => Math.max(...lines.map((l) => (l[i] ?? '').length))) ?? [];
  return lines
    .map((l) =>
      l
        .map((c, i) => c.padEnd(widths[i] ?? 0))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

export async function runMetricsGet(target: string, flags: MetricsGetFlags, lang: Lang): Promise<void> {
  const path = metricsPath(target, flags);
  const kc = cliKubeConfig(flags);
  let body: unknown;
  try {
    body = await kubeJson(kc, { method: 'GET', path });
  } catch (err) {
    // The API's own words ("the server could not find the metric ..."), as the HPA would log them.
    if (err instanceof KubeApiError)
      throw new Error(t(lang, 'metrics.unavailable', { code: err.code, reason: err.reason, detail: err.detail }), {
        cause: err,
      });
    throw err;
  }
  if (flags.output === 'json') {
    process.stdout.write(`${JSON.stringify(body, null, 2)}\n`);
    return;
  }
  const external = target.startsWith('external/');
  const rows: Row[] = [];
  if (external) {
    for (const i of externalList.parse(body).items) {
      const labels = Object.entries(i.metricLabels ?? {})
        .map(([k, v]) => `${k}=${v}`)
        .join(',');
      rows.push({
        object: `${i.metricName}${labels ? `{${labels}}` : ''}`,
        value: i.value,
        timestamp: i.timestamp,
        window: i.window === undefined ? '-' : `${i.window}s`,
        numeric: parseQuantity(i.value) ?? Number.NaN,
      });
    }
  } else {
    for (const i of customList.parse(body).items) {
      const w = i.windowSeconds ?? i.window;
      rows.push({
        object: `${i.describedObject.kind ? `${i.describedObject.kind.toLowerCase()}/` : ''}${i.describedObject.name}`,
        value: i.value,
        timestamp: i.timestamp,
        window: w === undefined ? '-' : `${w}s`,
        numeric: parseQuantity(i.value) ?? Number.NaN,
      });
    }
  }
  process.stdout.write(`${table(rows, t(lang, 'metrics.header'))}\n`);
  const total = rows.reduce((s, r) => s + r.numeric, 0);
  // What an HPA compares with its target: the average for Pods/AverageValue, the sum for External totals.
  process.stdout.write(
    `${t(lang, external ? 'metrics.summaryExternal' : 'metrics.summary', { count: rows.length, average: +(total / Math.max(1, rows.length)).toFixed(3), total: +total.toFixed(3) })}\n`,
  );
}
