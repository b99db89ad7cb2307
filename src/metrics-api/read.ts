import { isEverything, matchesLabels, parseLabelSelector, type LabelSelector, type LabelSelectorObject } from '../sim/api/selectors.ts';
import type { LiveSeries, MetricStore } from './store.ts';
import type { ResourceTable } from './resources.ts';
import type { PodsMatching } from './pods.ts';
import type { ObjectTarget } from './paths.ts';
import { badRequest, externalMetricNotFound, metricNotFound, metricNotFoundFor } from './status.ts';
import { describedObject, externalMetricValueList, metricValueList, type CustomVersion, type ObjectValue } from './wire.ts';

/**
 * The read path: the values the HPA asks for. Only live values are served, and a request that
 * matches none is a 404 NotFound, never a 200 with no items (which the HPA would read as "no
 * pods reported" rather than "metric unavailable").
 */

export interface ReadDeps {
  store: MetricStore;
  resources: ResourceTable;
  podsMatching: PodsMatching;
}

function selectorParam(query: URLSearchParams, name: string): { sel: LabelSelector; raw: string } {
  const raw = query.get(name) ?? '';
  try {
    return { sel: parseLabelSelector(raw), raw };
  } catch (err) {
    throw badRequest(`unable to parse ${name} ${JSON.stringify(raw)}: ${(err as Error).message}`);
  }
}

/**
 * metav1.ParseToLabelSelector's result for the metric selector echoed in MetricValue.selector; Gt
 * and Lt cannot be expressed in a LabelSelector, so they are refused as that function refuses them.
 */
function selectorObject(sel: LabelSelector): LabelSelectorObject | null {
  if (isEverything(sel)) return null;
  const matchLabels: Record<string, string> = {};
  const matchExpressions: NonNullable<LabelSelectorObject['matchExpressions']> = [];
  for (const r of sel.requirements) {
    switch (r.op) {
      case '=': case '==': matchLabels[r.key] = r.first; break;
      case 'in': matchExpressions.push({ key: r.key, operator: 'In', values: [...r.values] }); break;
      case '!=': case 'notin': matchExpressions.push({ key: r.key, operator: 'NotIn', values: [...r.values] }); break;
      case 'exists': matchExpressions.push({ key: r.key, operator: 'Exists' }); break;
      case '!': matchExpressions.push({ key: r.key, operator: 'DoesNotExist' }); break;
      case 'gt': case 'lt': throw badRequest(`metricLabelSelector: "${r.op}" is not a valid label selector operator`);
    }
  }
  return { ...(Object.keys(matchLabels).length > 0 ? { matchLabels } : {}), ...(matchExpressions.length > 0 ? { matchExpressions } : {}) };
}

/** One value per object: labelled series of the same object (metricLabelSelector) are summed, as adapters sum by object. */
function perObject(series: LiveSeries[]): Map<string, LiveSeries[]> {
  const out = new Map<string, LiveSeries[]>();
  for (const s of series) out.set(s.id.name, [...(out.get(s.id.name) ?? []), s]);
  return out;
}

export async function readCustom(deps: ReadDeps, version: CustomVersion, t: ObjectTarget, query: URLSearchParams): Promise<Record<string, unknown>> {
  const labelSel = selectorParam(query, 'labelSelector');
  const metricSel = selectorParam(query, 'metricLabelSelector');
  const echoed = selectorObject(metricSel.sel);
  const d = deps.resources.find(t.resource);
  if (!d) throw metricNotFound(t.resource, t.metric);
  if (d.namespaced !== (t.namespace !== '')) throw metricNotFound(d.resource, t.metric);
  let series: LiveSeries[];
  if (t.name !== '*') {
    series = deps.store.live('custom', t.namespace, d.resource, t.metric, t.name);
  } else if (d.resource === 'pods') {
    const names = await deps.podsMatching(t.namespace, labelSel.sel, labelSel.raw);
    series = deps.store.liveFor('custom', t.namespace, d.resource, t.metric, names);
  } else if (isEverything(labelSel.sel)) {
    series = deps.store.live('custom', t.namespace, d.resource, t.metric);
  } else {
    // Object labels are known for pods only; serving every object would ignore the caller's selector.
    throw badRequest(`labelSelector is supported for pods only, not for ${d.resource}`);
  }
  series = series.filter((s) => matchesLabels(metricSel.sel, s.id.labels));
  if (series.length === 0) {
    if (t.name === '*') throw metricNotFound(d.resource, t.metric);
    throw metricNotFoundFor(d.resource, t.metric, t.name, metricSel.raw);
  }
  const values: ObjectValue[] = [];
  for (const [name, ss] of [...perObject(series)].sort(([a], [b]) => (a < b ? -1 : 1))) {
    values.push({
      object: describedObject(d, t.namespace, name),
      metric: t.metric,
      value: ss.reduce((sum, s) => sum + s.value, 0),
      // The oldest contributing sample dates the sum: never claim fresher data than there is.
      timestampMs: Math.min(...ss.map((s) => s.timestampMs)),
      windowSeconds: ss[0]?.windowSeconds,
      selector: echoed,
    });
  }
  return metricValueList(version, values);
}

export function readExternal(deps: ReadDeps, namespace: string, metric: string, query: URLSearchParams): Record<string, unknown> {
  const { sel, raw } = selectorParam(query, 'labelSelector');
  const series = deps.store.live('external', namespace, '', metric).filter((s) => matchesLabels(sel, s.id.labels));
  if (series.length === 0) throw externalMetricNotFound(metric, namespace, raw);
  series.sort((a, b) => (JSON.stringify(a.id.labels) < JSON.stringify(b.id.labels) ? -1 : 1));
  return externalMetricValueList(series);
}
