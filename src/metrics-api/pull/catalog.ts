import type { DescribedResource } from '../resources.ts';
import type { KnownMetric } from '../store.ts';
import type { CompiledRule } from './rules.ts';

/**
 * What the rules make of Prometheus' series: the served metrics, each with the rule and the
 * Prometheus series name that produce it. Only distinct (resource, metric) pairs are kept, never
 * the series themselves, so memory follows the number of served metrics, not of series
 * (prometheus-adapter keeps every series and has been seen at gigabytes on small clusters).
 */

export interface CustomEntry {
  rule: CompiledRule;
  resource: DescribedResource;
  metric: string;
  seriesName: string;
  /** Whether the series carry the namespace label (a namespaced metric). */
  namespaced: boolean;
}

export interface ExternalEntry {
  rule: CompiledRule;
  metric: string;
  seriesName: string;
}

export interface Conflict {
  metric: string;
  resource: string;
  kept: string;
  ignored: string;
}

export class Catalog {
  readonly custom = new Map<string, CustomEntry>();
  readonly external = new Map<string, ExternalEntry>();
  /** Two series names (or rules) producing one served metric: the first wins, the rest are reported. */
  readonly conflicts: Conflict[] = [];

  static key(resource: string, metric: string): string {
    return `${resource}\u0000${metric}`;
  }

  /** Adds the series of one rule's discovery answer. */
  addSeries(rule: CompiledRule, series: readonly Record<string, string>[]): void {
    const seen = new Set<string>();
    for (const labels of series) {
      const name = labels['__name__'];
      if (!name) continue;
      // Series of one name share their label names: each shape is looked at once. Prometheus sends
      // label names sorted, so they are not sorted again; another order only costs a second look.
      const shape = `${name}\u0000${Object.keys(labels).join(',')}`;
      if (seen.has(shape)) continue;
      seen.add(shape);
      if (!rule.accepts(name)) continue;
      const metric = rule.metricName(name);
      if (!metric) continue;
      if (rule.kind === 'external') {
        this.put(this.external, metric, { rule, metric, seriesName: name }, '');
        continue;
      }
      const nsLabelPresent = Object.keys(labels).some((l) => rule.resourceOf(l)?.resource === 'namespaces');
      for (const label of Object.keys(labels)) {
        const d = rule.resourceOf(label);
        if (!d) continue;
        // A namespaced object needs the namespace label, or a request could not be confined to its namespace.
        if (d.namespaced && !nsLabelPresent) continue;
        this.put(
          this.custom,
          Catalog.key(d.resource, metric),
          { rule, resource: d, metric, seriesName: name, namespaced: d.namespaced },
          d.resource,
        );
      }
    }
  }

  private put<E extends { rule: CompiledRule; seriesName: string; metric: string }>(
    map: Map<string, E>,
    key: string,
    entry: E,
    resource: string,
  ): void {
    const existing = map.get(key);
    if (!existing) {
      map.set(key, entry);
      return;
    }
    if (existing.seriesName === entry.seriesName && existing.rule === entry.rule) return;
    if (this.conflicts.length < 100)
      this.conflicts.push({
        metric: entry.metric,
        resource,
        kept: `${existing.seriesName} (${existing.rule.where})`,
        ignored: `${entry.seriesName} (${entry.rule.where})`,
      });
  }

  knownMetrics(group: 'custom' | 'external'): KnownMetric[] {
    if (group === 'external')
      return [...this.external.values()].map((e) => ({ group, resource: '', metric: e.metric, namespaced: true }));
    return [...this.custom.values()].map((e) => ({
      group,
      resource: e.resource.resource,
      metric: e.metric,
      namespaced: e.namespaced,
    }));
  }
}
