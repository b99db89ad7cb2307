import { setImmediate } from 'node:timers/promises';
import type { Logger } from 'pino';
import type { LabelSelector } from '../../kube/apimachinery/labels.ts';
import { ApiError } from '../../kube/apimachinery/errors.ts';
import type { KnownMetric, MetricGroup } from '../store.ts';
import { Catalog, type CustomEntry, type ExternalEntry } from './catalog.ts';
import { matcher, selectorMatchers } from './matchers.ts';
import { PrometheusError, type PrometheusClient, type PromSample } from '../../prometheus/client.ts';
import { QueryCache } from './query-cache.ts';
import type { CompiledRule } from './rules.ts';

/**
 * The pull source: metrics computed by Prometheus on request, as prometheus-adapter serves them,
 * with what the adapter lacks: discovery refreshed every `discoveryIntervalMs` (and at once, rate
 * limited, when a request names a metric not yet known), one query per namespace and metric
 * whatever the number of pods, answers shared for `cacheTtlMs`, and no number served that
 * Prometheus did not give as a finite value.
 */

/** Series handled between two yields to the event loop during discovery (~1 ms of work). */
const DISCOVERY_SLICE = 2000;

export interface PullSourceOptions {
  client: PrometheusClient;
  rules: readonly CompiledRule[];
  discoveryIntervalMs?: number;
  /** Series seen within this window are discovered (older ones have gone). */
  discoveryWindowMs?: number;
  /** How long a query's answer is reused. Keep it below the HPA's sync period (15 s). */
  cacheTtlMs?: number;
  maxCacheEntries?: number;
  /** An unknown metric triggers discovery at most this often. */
  minRediscoveryGapMs?: number;
  allowNegativeValues?: boolean;
  logger?: Logger;
  now?: () => number;
}

export interface ObjectSample {
  value: number;
  timestampMs: number;
}

export interface DiscoveryStatus {
  at?: number;
  durationMs?: number;
  error?: string;
  customMetrics: number;
  externalMetrics: number;
}

/** Prometheus could not answer: 503, so the HPA reports the metric unavailable and holds. */
export function prometheusUnavailable(what: string, err: unknown): ApiError {
  return new ApiError({
    message: `unable to fetch ${what} from Prometheus: ${(err as Error).message}`,
    reason: 'ServiceUnavailable',
    code: 503,
  });
}

export class PullSource {
  private catalog = new Catalog();
  private readonly cache: QueryCache<PromSample[]>;
  /** Per cached answer, its values by object: built once per answer, not once per request. */
  private readonly byObject = new WeakMap<PromSample[], Map<string, ObjectSample>>();
  private readonly now: () => number;
  private timer: NodeJS.Timeout | undefined;
  private inFlight: Promise<void> | undefined;
  private lastAttemptMs = Number.NEGATIVE_INFINITY;
  readonly status: DiscoveryStatus = { customMetrics: 0, externalMetrics: 0 };

  constructor(private readonly opts: PullSourceOptions) {
    this.now = opts.now ?? Date.now;
    this.cache = new QueryCache(opts.cacheTtlMs ?? 5_000, opts.maxCacheEntries ?? 10_000, this.now);
  }

  get client(): PrometheusClient {
    return this.opts.client;
  }

  /** First discovery (a failure is logged and retried on the interval, not thrown), then the refresh loop. */
  async start(): Promise<void> {
    await this.refresh();
    this.timer = setInterval(() => void this.refresh(), this.opts.discoveryIntervalMs ?? 30_000);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Re-runs discovery; concurrent callers share one run. A failed run keeps the previous catalog. */
  refresh(): Promise<void> {
    this.inFlight ??= this.discover().finally(() => (this.inFlight = undefined));
    return this.inFlight;
  }

  private async discover(): Promise<void> {
    const started = this.now();
    this.lastAttemptMs = started;
    const next = new Catalog();
    // Rules sharing a seriesQuery share one series call, as the adapter does.
    const byQuery = new Map<string, CompiledRule[]>();
    for (const r of this.opts.rules) byQuery.set(r.seriesQuery, [...(byQuery.get(r.seriesQuery) ?? []), r]);
    try {
      for (const [query, rules] of byQuery) {
        const series = await this.opts.client.series(
          query,
          started - (this.opts.discoveryWindowMs ?? 600_000),
          started,
        );
        // In slices, yielding between them: tens of thousands of series must not hold up the HPA's reads.
        for (const r of rules) {
          for (let i = 0; i < series.length; i += DISCOVERY_SLICE) {
            next.addSeries(r, series.slice(i, i + DISCOVERY_SLICE));
            await setImmediate();
          }
        }
      }
    } catch (err) {
      this.status.error = (err as Error).message;
      this.opts.logger?.warn(
        { err: (err as Error).message },
        'metrics-api: discovery failed; serving the previous metric list',
      );
      return;
    }
    for (const c of next.conflicts)
      this.opts.logger?.warn(c, 'metrics-api: two series produce one metric; the first is served');
    this.catalog = next;
    Object.assign(this.status, {
      at: started,
      durationMs: this.now() - started,
      error: undefined,
      customMetrics: next.custom.size,
      externalMetrics: next.external.size,
    });
  }

  knownMetrics(group: MetricGroup): KnownMetric[] {
    return this.catalog.knownMetrics(group);
  }

  customEntry(resource: string, metric: string): CustomEntry | undefined {
    return this.catalog.custom.get(Catalog.key(resource, metric));
  }

  externalEntry(metric: string): ExternalEntry | undefined {
    return this.catalog.external.get(metric);
  }

  /** A metric nobody has discovered yet may be new: look again, at most every minRediscoveryGapMs. */
  async rediscoverIfDue(): Promise<boolean> {
    if (this.opts.rules.length === 0) return false;
    if (this.now() - this.lastAttemptMs < (this.opts.minRediscoveryGapMs ?? 10_000) && !this.inFlight) return false;
    await this.refresh();
    return true;
  }

  /**
   * Values of every object of the metric in the namespace (or cluster-wide for root-scoped
   * objects), by object name. `metricSelector` narrows the series in the query itself.
   */
  async customValues(
    entry: CustomEntry,
    namespace: string,
    metricSelector: LabelSelector,
  ): Promise<Map<string, ObjectSample>> {
    const { rule, resource } = entry;
    const objectLabel = rule.labelFor(resource.resource);
    if (!objectLabel) throw new Error(`${rule.where}: no series label stands for ${resource.resource}`);
    const matchers: string[] = [];
    if (resource.resource === 'namespaces') {
      // The namespace is the object here; '' asks for every namespace.
      matchers.push(matcher(objectLabel, namespace ? '=' : '!=', namespace));
    } else {
      const nsLabel = rule.labelFor('namespaces');
      if (resource.namespaced && nsLabel) matchers.push(matcher(nsLabel, '=', namespace));
      matchers.push(matcher(objectLabel, '!=', ''));
    }
    matchers.push(...selectorMatchers(metricSelector, 'metricLabelSelector'));
    const promql = rule.metricsQuery.render({
      Series: entry.seriesName,
      LabelMatchers: matchers.join(','),
      GroupBy: objectLabel,
    });
    const samples = await this.run(promql, `the metric ${entry.metric} for ${resource.resource}`);
    const known = this.byObject.get(samples);
    if (known) return known;
    const out = new Map<string, ObjectSample>();
    for (const s of samples) {
      const name = s.labels[objectLabel];
      if (!name) continue;
      const prev = out.get(name);
      // Series the query did not sum per object are summed here, as the adapter's sum by (...) would.
      out.set(
        name,
        prev
          ? { value: prev.value + s.value, timestampMs: Math.min(prev.timestampMs, s.timestampMs) }
          : { value: s.value, timestampMs: s.timestampMs },
      );
    }
    this.byObject.set(samples, out);
    return out;
  }

  async externalValues(entry: ExternalEntry, namespace: string, selector: LabelSelector): Promise<PromSample[]> {
    const matchers = entry.rule.namespaced
      ? [matcher(entry.rule.labelFor('namespaces') ?? 'namespace', '=', namespace)]
      : [];
    matchers.push(...selectorMatchers(selector, 'labelSelector'));
    const promql = entry.rule.metricsQuery.render({
      Series: entry.seriesName,
      LabelMatchers: matchers.join(','),
      GroupBy: '',
    });
    return this.run(promql, `the external metric ${entry.metric}`);
  }

  /**
   * The query through the cache; only finite (and, unless allowed, non-negative) values come out.
   * The array is the cached one (the same object for every request within the TTL).
   */
  private async run(promql: string, what: string): Promise<PromSample[]> {
    const usable = (s: PromSample): boolean =>
      Number.isFinite(s.value) && (this.opts.allowNegativeValues === true || s.value >= 0);
    try {
      return await this.cache.get(promql, async () => (await this.opts.client.query(promql)).filter(usable));
    } catch (err) {
      if (err instanceof PrometheusError) throw prometheusUnavailable(what, err);
      throw err;
    }
  }

  cacheStats(): { hits: number; misses: number; refreshes: number; entries: number; queries: number } {
    return {
      hits: this.cache.hits,
      misses: this.cache.misses,
      refreshes: this.cache.refreshes,
      entries: this.cache.size,
      queries: this.opts.client.queries,
    };
  }
}
