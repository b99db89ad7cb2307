/**
 * Pushed metric values, held in memory with a TTL each. An expired value is never returned (a
 * stale number must not steer the HPA); expired series linger for `retainExpiredMs` only so that
 * discovery does not flap between two late pushes, then go. The number of series is capped: past
 * `maxSeries`, new series are refused rather than growing memory without bound.
 */

export type MetricGroup = 'custom' | 'external';

export interface SeriesId {
  group: MetricGroup;
  /** '' for root-scoped objects (nodes, namespaces). */
  namespace: string;
  /** Normalised GroupResource ("pods", "deployments.apps"); "" for external metrics. */
  resource: string;
  /** The described object's name; "" for external metrics. */
  name: string;
  metric: string;
  /** Metric labels: external series, and custom ones for v1beta2's metricLabelSelector. */
  labels: Readonly<Record<string, string>>;
}

export interface Sample {
  value: number;
  /** When the value was produced (ms since the epoch). */
  timestampMs: number;
  windowSeconds?: number;
}

export interface LiveSeries extends Sample {
  id: SeriesId;
  expiresAtMs: number;
}

export interface KnownMetric {
  group: MetricGroup;
  resource: string;
  metric: string;
  /** Whether any series of it is namespaced (drives `namespaced` in discovery). */
  namespaced: boolean;
}

export class SeriesLimitError extends Error {
  constructor(
    readonly maxSeries: number,
    id: SeriesId,
  ) {
    super(
      `series limit reached: ${maxSeries} series are stored; refusing the new series ${describe(id)} until others expire (raise maxSeries to store more)`,
    );
    this.name = 'SeriesLimitError';
  }
}

export interface MetricStoreOptions {
  maxSeries?: number;
  retainExpiredMs?: number;
  now?: () => number;
}

interface Entry extends LiveSeries {
  familyKey: string;
  labelsKey: string;
}

function describe(id: SeriesId): string {
  const labels = Object.entries(id.labels)
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
  const where =
    id.group === 'external' ? `external metric ${id.metric}` : `${id.resource}/${id.name} metric ${id.metric}`;
  return `${where}${id.namespace ? ` in namespace ${id.namespace}` : ''}${labels ? ` {${labels}}` : ''}`;
}

function labelsKeyOf(labels: Readonly<Record<string, string>>): string {
  return JSON.stringify(Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

const familyKeyOf = (group: MetricGroup, namespace: string, resource: string, metric: string): string =>
  `${group}\u0000${namespace}\u0000${resource}\u0000${metric}`;
const knownKeyOf = (group: MetricGroup, resource: string, metric: string): string =>
  `${group}\u0000${resource}\u0000${metric}`;

export class MetricStore {
  readonly maxSeries: number;
  private readonly retainExpiredMs: number;
  private readonly now: () => number;
  /** family (group, namespace, resource, metric) -> object name -> labels -> entry. */
  private readonly families = new Map<string, Map<string, Map<string, Entry>>>();
  /** (group, resource, metric) -> how many series, and how many of them namespaced. */
  private readonly known = new Map<string, { metric: KnownMetric; count: number; namespacedCount: number }>();
  private count = 0;

  constructor(opts: MetricStoreOptions = {}) {
    this.maxSeries = opts.maxSeries ?? 100_000;
    this.retainExpiredMs = opts.retainExpiredMs ?? 5 * 60_000;
    this.now = opts.now ?? Date.now;
    if (!Number.isInteger(this.maxSeries) || this.maxSeries < 1)
      throw new RangeError(`maxSeries must be a positive integer, got ${this.maxSeries}`);
  }

  get size(): number {
    return this.count;
  }

  /** Stores a value for `ttlMs` from now. Throws SeriesLimitError for a new series past maxSeries. */
  put(id: SeriesId, sample: Sample, ttlMs: number): LiveSeries {
    if (!(ttlMs > 0)) throw new RangeError(`ttlMs must be positive, got ${ttlMs}`);
    const familyKey = familyKeyOf(id.group, id.namespace, id.resource, id.metric);
    const labelsKey = labelsKeyOf(id.labels);
    const existing = this.families.get(familyKey)?.get(id.name)?.get(labelsKey);
    const expiresAtMs = this.now() + ttlMs;
    if (existing) {
      Object.assign(existing, {
        value: sample.value,
        timestampMs: sample.timestampMs,
        windowSeconds: sample.windowSeconds,
        expiresAtMs,
      });
      return existing;
    }
    // Make room from expired series before refusing: a full store of dead values must not block live ones.
    if (this.count >= this.maxSeries) this.sweep(0);
    if (this.count >= this.maxSeries) throw new SeriesLimitError(this.maxSeries, id);
    const entry: Entry = { id: { ...id, labels: { ...id.labels } }, ...sample, expiresAtMs, familyKey, labelsKey };
    let objects = this.families.get(familyKey);
    if (!objects) this.families.set(familyKey, (objects = new Map()));
    let byLabels = objects.get(id.name);
    if (!byLabels) objects.set(id.name, (byLabels = new Map()));
    byLabels.set(labelsKey, entry);
    this.count++;
    const kk = knownKeyOf(id.group, id.resource, id.metric);
    const k = this.known.get(kk) ?? {
      metric: { group: id.group, resource: id.resource, metric: id.metric, namespaced: false },
      count: 0,
      namespacedCount: 0,
    };
    k.count++;
    if (id.namespace !== '') k.namespacedCount++;
    this.known.set(kk, k);
    return entry;
  }

  /** Live series of one object (every label set), or of every object of the family when `name` is undefined. */
  live(group: MetricGroup, namespace: string, resource: string, metric: string, name?: string): LiveSeries[] {
    const objects = this.families.get(familyKeyOf(group, namespace, resource, metric));
    if (!objects) return [];
    const now = this.now();
    const out: LiveSeries[] = [];
    const pick = (byLabels: Map<string, Entry> | undefined): void => {
      if (byLabels) for (const e of byLabels.values()) if (e.expiresAtMs > now) out.push(e);
    };
    if (name !== undefined) pick(objects.get(name));
    else for (const byLabels of objects.values()) pick(byLabels);
    return out;
  }

  /** Live series of the named objects only: a lookup per name, whatever the family's size. */
  liveFor(
    group: MetricGroup,
    namespace: string,
    resource: string,
    metric: string,
    names: Iterable<string>,
  ): LiveSeries[] {
    const objects = this.families.get(familyKeyOf(group, namespace, resource, metric));
    if (!objects) return [];
    const now = this.now();
    const out: LiveSeries[] = [];
    for (const n of names) {
      const byLabels = objects.get(n);
      if (byLabels) for (const e of byLabels.values()) if (e.expiresAtMs > now) out.push(e);
    }
    return out;
  }

  /** Whether the metric exists at all for the resource (live or recently expired), for discovery and error texts. */
  knows(group: MetricGroup, resource: string, metric: string): boolean {
    return this.known.has(knownKeyOf(group, resource, metric));
  }

  /** Metrics with at least one stored series, sorted by resource then name. */
  knownMetrics(group: MetricGroup): KnownMetric[] {
    const out: KnownMetric[] = [];
    for (const k of this.known.values())
      if (k.metric.group === group) out.push({ ...k.metric, namespaced: k.namespacedCount > 0 });
    return out.sort((a, b) =>
      a.resource === b.resource ? (a.metric < b.metric ? -1 : 1) : a.resource < b.resource ? -1 : 1,
    );
  }

  /** Drops series expired for longer than `retainMs` (default: retainExpiredMs). Returns how many went. */
  sweep(retainMs = this.retainExpiredMs): number {
    const cutoff = this.now() - retainMs;
    let removed = 0;
    for (const [fk, objects] of this.families) {
      for (const [name, byLabels] of objects) {
        for (const [lk, e] of byLabels) {
          if (e.expiresAtMs > cutoff) continue;
          byLabels.delete(lk);
          this.forget(e.id);
          removed++;
        }
        if (byLabels.size === 0) objects.delete(name);
      }
      if (objects.size === 0) this.families.delete(fk);
    }
    return removed;
  }

  private forget(id: SeriesId): void {
    this.count--;
    const kk = knownKeyOf(id.group, id.resource, id.metric);
    const k = this.known.get(kk);
    if (!k) return;
    k.count--;
    if (id.namespace !== '') k.namespacedCount--;
    if (k.count === 0) this.known.delete(kk);
  }
}
