import {
  isEverything,
  matchesLabels,
  parseLabelSelector,
  type LabelSelector,
  type LabelSelectorObject,
} from '../kube/apimachinery/labels.ts';
import type { LiveSeries, MetricStore } from './store.ts';
import type { ResourceTable } from './resources.ts';
import type { PodsMatching } from './pods.ts';
import type { ObjectTarget } from './paths.ts';
import { badRequest, externalMetricNotFound, metricNotFound, metricNotFoundFor } from './status.ts';
import type { PullSource } from './pull/source.ts';
import type { CustomEntry } from './pull/catalog.ts';
import type { ObjectSample } from './pull/source.ts';
import { EncodedBody } from './encoded-body.ts';
import {
  describedObject,
  externalMetricValueList,
  metricValueList,
  type CustomVersion,
  type ObjectValue,
} from './wire.ts';

/**
 * The read path: the values the HPA asks for. Only live values are served, and a request that
 * matches none is a 404 NotFound, never a 200 with no items (which the HPA would read as "no
 * pods reported" rather than "metric unavailable").
 */

export interface ReadDeps {
  store: MetricStore;
  resources: ResourceTable;
  podsMatching: PodsMatching;
  /** Metrics computed by Prometheus on request; a metric it discovers is served from it, others from the store. */
  pull?: PullSource;
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
      case '=':
      case '==':
        matchLabels[r.key] = r.first;
        break;
      case 'in':
        matchExpressions.push({ key: r.key, operator: 'In', values: [...r.values] });
        break;
      case '!=':
      case 'notin':
        matchExpressions.push({ key: r.key, operator: 'NotIn', values: [...r.values] });
        break;
      case 'exists':
        matchExpressions.push({ key: r.key, operator: 'Exists' });
        break;
      case '!':
        matchExpressions.push({ key: r.key, operator: 'DoesNotExist' });
        break;
      case 'gt':
      case 'lt':
        throw badRequest(`metricLabelSelector: "${r.op}" is not a valid label selector operator`);
    }
  }
  return {
    ...(Object.keys(matchLabels).length > 0 ? { matchLabels } : {}),
    ...(matchExpressions.length > 0 ? { matchExpressions } : {}),
  };
}

/** One value per object: labelled series of the same object (metricLabelSelector) are summed, as adapters sum by object. */
function perObject(series: LiveSeries[]): Map<string, LiveSeries[]> {
  const out = new Map<string, LiveSeries[]>();
  for (const s of series) out.set(s.id.name, [...(out.get(s.id.name) ?? []), s]);
  return out;
}

/** The pull rule serving this metric, if any; an unknown metric triggers a (rate-limited) rediscovery first. */
async function pullCustomEntry(deps: ReadDeps, resource: string, metric: string): Promise<CustomEntry | undefined> {
  if (!deps.pull) return undefined;
  const found = deps.pull.customEntry(resource, metric);
  if (found || deps.store.knows('custom', resource, metric)) return found;
  return (await deps.pull.rediscoverIfDue()) ? deps.pull.customEntry(resource, metric) : undefined;
}

interface Picked {
  name: string;
  value: number;
  timestampMs: number;
  windowSeconds?: number;
}

/** Which object names a request covers: one name, the pods its labelSelector matches, or every object. */
async function requestedNames(
  deps: ReadDeps,
  t: ObjectTarget,
  resource: string,
  labelSel: { sel: LabelSelector; raw: string },
): Promise<Iterable<string> | 'all'> {
  if (t.name !== '*') return [t.name];
  if (resource === 'pods') return deps.podsMatching(t.namespace, labelSel.sel, labelSel.raw);
  if (isEverything(labelSel.sel)) return 'all';
  // Object labels are known for pods only; serving every object would ignore the caller's selector.
  throw badRequest(`labelSelector is supported for pods only, not for ${resource}`);
}

async function pulledValues(
  deps: ReadDeps & { pull: PullSource },
  entry: CustomEntry,
  t: ObjectTarget,
  metricSel: LabelSelector,
): Promise<Map<string, ObjectSample>> {
  const scope = entry.resource.resource === 'namespaces' ? (t.name === '*' ? '' : t.name) : t.namespace;
  return deps.pull.customValues(entry, scope, metricSel);
}

function pickPulled(values: Map<string, ObjectSample>, names: Iterable<string> | 'all'): Picked[] {
  const out: Picked[] = [];
  if (names === 'all') for (const [name, v] of values) out.push({ name, ...v });
  else
    for (const name of names) {
      const v = values.get(name);
      if (v) out.push({ name, ...v });
    }
  return out;
}

function pickStored(
  deps: ReadDeps,
  t: ObjectTarget,
  resource: string,
  names: Iterable<string> | 'all',
  metricSel: LabelSelector,
): Picked[] {
  const series = (
    names === 'all'
      ? deps.store.live('custom', t.namespace, resource, t.metric)
      : deps.store.liveFor('custom', t.namespace, resource, t.metric, names)
  ).filter((s) => matchesLabels(metricSel, s.id.labels));
  return [...perObject(series)].map(([name, ss]) => ({
    name,
    value: ss.reduce((sum, s) => sum + s.value, 0),
    // The oldest contributing sample dates the sum: never claim fresher data than there is.
    timestampMs: Math.min(...ss.map((s) => s.timestampMs)),
    windowSeconds: ss[0]?.windowSeconds,
  }));
}

/**
 * Serialized answers of the pull path, per cached Prometheus answer: every HPA (and aggregator
 * replica) polling the same pods within the cache period gets the same bytes without formatting
 * a value per pod again. Keyed weakly by the answer, so they go when it does.
 */
const pulledBodies = new WeakMap<Map<string, ObjectSample>, Map<string, EncodedBody>>();
const MAX_BODIES_PER_ANSWER = 32;

/**
 * The names of a request as part of a cache key, joined once per list: pod indexes hand out the
 * same memoized list while the pods are unchanged, and joining 1,000 names per request showed up.
 */
const joinedNames = new WeakMap<readonly string[], string>();
function namesKey(names: readonly string[] | 'all'): string {
  if (names === 'all') return '*';
  let key = joinedNames.get(names);
  if (key === undefined) joinedNames.set(names, (key = names.join('/')));
  return key;
}

const isList = (names: Iterable<string>): names is readonly string[] => Array.isArray(names);

/** The MetricValueList for a read, serialized to the bytes the server sends (pull answers: shared by every request alike). */
export async function readCustom(
  deps: ReadDeps,
  version: CustomVersion,
  t: ObjectTarget,
  query: URLSearchParams,
): Promise<EncodedBody> {
  const labelSel = selectorParam(query, 'labelSelector');
  const metricSel = selectorParam(query, 'metricLabelSelector');
  const echoed = selectorObject(metricSel.sel);
  const d = deps.resources.find(t.resource);
  if (!d) throw metricNotFound(t.resource, t.metric);
  if (d.namespaced !== (t.namespace !== '')) throw metricNotFound(d.resource, t.metric);
  const names = await requestedNames(deps, t, d.resource, labelSel);
  const entry = await pullCustomEntry(deps, d.resource, t.metric);
  const pulled =
    entry && deps.pull ? await pulledValues({ ...deps, pull: deps.pull }, entry, t, metricSel.sel) : undefined;
  const nameList: readonly string[] | 'all' = names === 'all' ? 'all' : isList(names) ? names : [...names];
  let bodies: Map<string, EncodedBody> | undefined;
  let key = '';
  if (pulled) {
    bodies = pulledBodies.get(pulled);
    if (!bodies) pulledBodies.set(pulled, (bodies = new Map()));
    key = [version, t.namespace, d.resource, t.name, t.metric, metricSel.raw, namesKey(nameList)].join('\u0000');
    const known = bodies.get(key);
    if (known !== undefined) return known;
  }
  const picked = pulled ? pickPulled(pulled, nameList) : pickStored(deps, t, d.resource, nameList, metricSel.sel);
  if (picked.length === 0) {
    if (t.name === '*') throw metricNotFound(d.resource, t.metric);
    throw metricNotFoundFor(d.resource, t.metric, t.name, metricSel.raw);
  }
  const values: ObjectValue[] = picked
    .sort((a, b) => (a.name < b.name ? -1 : 1))
    .map((p) => ({
      object: describedObject(d, t.namespace, p.name),
      metric: t.metric,
      value: p.value,
      timestampMs: p.timestampMs,
      windowSeconds: p.windowSeconds,
      selector: echoed,
    }));
  const body = new EncodedBody(Buffer.from(JSON.stringify(metricValueList(version, values))), bodies !== undefined);
  if (bodies) {
    if (bodies.size >= MAX_BODIES_PER_ANSWER) bodies.clear();
    bodies.set(key, body);
  }
  return body;
}

export async function readExternal(
  deps: ReadDeps,
  namespace: string,
  metric: string,
  query: URLSearchParams,
): Promise<Record<string, unknown>> {
  const { sel, raw } = selectorParam(query, 'labelSelector');
  let entry = deps.pull?.externalEntry(metric);
  if (!entry && deps.pull && !deps.store.knows('external', '', metric) && (await deps.pull.rediscoverIfDue()))
    entry = deps.pull.externalEntry(metric);
  const series: LiveSeries[] =
    entry && deps.pull
      ? (await deps.pull.externalValues(entry, namespace, sel)).map((s) => ({
          id: { group: 'external', namespace, resource: '', name: '', metric, labels: withoutName(s.labels) },
          value: s.value,
          timestampMs: s.timestampMs,
          expiresAtMs: s.timestampMs,
        }))
      : deps.store.live('external', namespace, '', metric).filter((s) => matchesLabels(sel, s.id.labels));
  if (series.length === 0) throw externalMetricNotFound(metric, namespace, raw);
  series.sort((a, b) => (JSON.stringify(a.id.labels) < JSON.stringify(b.id.labels) ? -1 : 1));
  return externalMetricValueList(series);
}

/** Prometheus keeps __name__ on unaggregated series; it is not a metric label of the API. */
function withoutName(labels: Record<string, string>): Record<string, string> {
  const { __name__: _name, ...rest } = labels;
  return rest;
}
