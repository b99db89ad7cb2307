import type { KubeObject, ResourceRegistry } from '../../api/registry.ts';
import type { Aggregator } from '../../api/aggregator/aggregator.ts';
import { asObject } from '../../../util/deep-equal.ts';
import { parseQuantity } from '../../../util/quantity.ts';
import type { ContainerUsage } from '../../workloads/usage.ts';
import { CalculationError, type PodMetrics } from './replica-calculator.ts';

/**
 * Where the HPA reads metrics, as kube-controller-manager's REST metrics client does: resource
 * metrics from metrics.k8s.io (here: the same usage model that serves it), Pods/Object metrics from
 * custom.metrics.k8s.io and External metrics from external.metrics.k8s.io through the aggregator.
 */

const CUSTOM = 'custom.metrics.k8s.io';
const EXTERNAL = 'external.metrics.k8s.io';
/** Versions this client speaks, most preferred first (client-go's custom metrics client). */
const CUSTOM_VERSIONS = ['v1beta2', 'v1beta1'];
const DEFAULT_WINDOW_MS = 30_000;

/** Quantity -> milli-units, rounding up like resource.Quantity.MilliValue(). */
export function milliValue(q: unknown): number | undefined {
  const v = parseQuantity(q);
  return v === undefined ? undefined : Math.ceil(v * 1000 - 1e-9);
}

export interface MetricsClientDeps {
  registry: ResourceRegistry;
  aggregator: Aggregator | undefined;
  usage: (pod: KubeObject, now: Date) => ContainerUsage[];
  now: () => Date;
}

function apiError(status: number, body: unknown): string {
  const b = asObject(body);
  return typeof b['message'] === 'string' ? b['message'] : `HTTP ${status}`;
}

export class MetricsClient {
  constructor(private readonly deps: MetricsClientDeps) {}

  /** Per-pod usage of cpu or memory in milli-units, summed over containers (or one container). */
  resource(
    pods: KubeObject[],
    resource: string,
    container: string | undefined,
  ): { metrics: PodMetrics; timestamp: Date } {
    const now = this.deps.now();
    const metrics: PodMetrics = new Map();
    for (const pod of pods) {
      const usage = this.deps.usage(pod, now);
      if (usage.length === 0) continue;
      let sum = 0;
      let found = false;
      for (const c of usage) {
        if (container !== undefined && c.name !== container) continue;
        found = true;
        sum += resource === 'cpu' ? c.cpuMillis : resource === 'memory' ? c.memoryBytes * 1000 : NaN;
      }
      if (!found || Number.isNaN(sum)) continue;
      metrics.set(pod.metadata.name ?? '', { value: sum, timestamp: now, windowMs: DEFAULT_WINDOW_MS });
    }
    if (metrics.size === 0)
      throw new CalculationError(
        'unable to get metrics for resource ' + resource + ': no metrics returned from resource metrics API',
      );
    return { metrics, timestamp: now };
  }

  private customVersion(): string {
    const aggregator = this.requireAggregator(CUSTOM);
    const available = aggregator.services.versionsOf(CUSTOM).map((r) => r.version);
    const v = available.find((x) => CUSTOM_VERSIONS.includes(x));
    if (!v)
      throw new CalculationError(
        `no supported version of ${CUSTOM} is registered (have: ${available.join(', ') || 'none'})`,
      );
    return v;
  }

  private requireAggregator(group: string): Aggregator {
    if (!this.deps.aggregator)
      throw new CalculationError(`the server could not find the requested resource (get ${group})`);
    return this.deps.aggregator;
  }

  private async getList(
    group: string,
    version: string,
    path: string,
    what: string,
  ): Promise<Record<string, unknown>[]> {
    const res = await this.requireAggregator(group)
      .getJson(group, version, path)
      .catch((err: unknown) => {
        throw new CalculationError(`unable to fetch metrics from ${what} API: ${(err as Error).message}`);
      });
    if (res.status !== 200)
      throw new CalculationError(`unable to fetch metrics from ${what} API: ${apiError(res.status, res.body)}`);
    const items = asObject(res.body)['items'];
    if (!Array.isArray(items) || items.length === 0) throw new CalculationError(`no metrics returned from ${what} API`);
    return items.map(asObject);
  }

  /** Pods metric: one value per pod matching the selector. */
  async pods(
    namespace: string,
    selector: string,
    metric: string,
    metricSelector: string | undefined,
  ): Promise<{ metrics: PodMetrics; timestamp: Date }> {
    const version = this.customVersion();
    const q = new URLSearchParams({ labelSelector: selector });
    if (metricSelector) q.set('metricLabelSelector', metricSelector);
    const items = await this.getList(
      CUSTOM,
      version,
      `/namespaces/${namespace}/pods/*/${encodeURIComponent(metric)}?${q}`,
      'custom metrics',
    );
    const metrics: PodMetrics = new Map();
    for (const item of items) {
      const value = milliValue(item['value']);
      const name = asObject(item['describedObject'])['name'];
      if (value === undefined || typeof name !== 'string')
        throw new CalculationError(
          `unable to fetch metrics from custom metrics API: an item has no value or describedObject.name`,
        );
      metrics.set(name, { value, timestamp: timestampOf(item), windowMs: windowOf(item) });
    }
    return { metrics, timestamp: timestampOf(items[0] as Record<string, unknown>) };
  }

  /** Object metric: exactly one value for the described object. */
  async object(
    namespace: string,
    described: { apiVersion?: string; kind: string; name: string },
    metric: string,
    metricSelector: string | undefined,
  ): Promise<{ value: number; timestamp: Date }> {
    const version = this.customVersion();
    const def = this.deps.registry.findKind(described.apiVersion ?? 'v1', described.kind);
    if (!def) throw new CalculationError(`unable to map kind ${described.kind} to a resource`);
    const resource = def.group === '' ? def.resource : `${def.resource}.${def.group}`;
    const q = metricSelector ? `?${new URLSearchParams({ metricLabelSelector: metricSelector })}` : '';
    const path =
      def.kind === 'Namespace'
        ? `/namespaces/${described.name}/metrics/${encodeURIComponent(metric)}${q}`
        : `/namespaces/${namespace}/${resource}/${described.name}/${encodeURIComponent(metric)}${q}`;
    const items = await this.getList(CUSTOM, version, path, 'custom metrics');
    if (items.length !== 1)
      throw new CalculationError(
        `the custom metrics API server returned ${items.length} results when we asked for exactly one`,
      );
    const value = milliValue((items[0] as Record<string, unknown>)['value']);
    if (value === undefined)
      throw new CalculationError('unable to fetch metrics from custom metrics API: the item has no value');
    return { value, timestamp: timestampOf(items[0] as Record<string, unknown>) };
  }

  /** External metric: every matching series (the HPA sums them). */
  async external(
    namespace: string,
    metric: string,
    metricSelector: string | undefined,
  ): Promise<{ values: number[]; timestamp: Date }> {
    const q = metricSelector ? `?${new URLSearchParams({ labelSelector: metricSelector })}` : '';
    const items = await this.getList(
      EXTERNAL,
      'v1beta1',
      `/namespaces/${namespace}/${encodeURIComponent(metric)}${q}`,
      'external metrics',
    );
    const values = items.map((i) => milliValue(i['value']));
    if (values.some((v) => v === undefined))
      throw new CalculationError('unable to fetch metrics from external metrics API: an item has no value');
    return { values: values as number[], timestamp: timestampOf(items[0] as Record<string, unknown>) };
  }
}

function timestampOf(item: Record<string, unknown>): Date {
  const t = typeof item['timestamp'] === 'string' ? Date.parse(item['timestamp']) : NaN;
  return Number.isNaN(t) ? new Date() : new Date(t);
}

function windowOf(item: Record<string, unknown>): number {
  if (typeof item['windowSeconds'] === 'number') return item['windowSeconds'] * 1000;
  return DEFAULT_WINDOW_MS;
}
