import type { KnownMetric, MetricGroup } from './store.ts';
import type { ResourceTable } from './resources.ts';
import { apiGroup, apiResourceList, CUSTOM_GROUP, EXTERNAL_GROUP, SERVED_GROUPS, type ApiResource } from './wire.ts';

/**
 * Discovery documents. The resource lists name every metric the server knows (pushed, live or
 * recently expired, plus the ones configured as advertised) the way custom-metrics-apiserver does
 * ("pods/http_requests_qps", kind MetricValueList, verbs ["get"]). They are never empty: client-go
 * and kubectl warn on an empty group/version ("Got empty response for ..."), so before any metric
 * is known a single placeholder is listed (custommetrics / externalmetrics, as KEDA lists
 * "externalmetrics"), which answers 404 like any unknown metric.
 */

export interface Advertised {
  custom?: { resource: string; metric: string }[];
  external?: string[];
}

export const CUSTOM_PLACEHOLDER: ApiResource = {
  name: 'custommetrics',
  singularName: '',
  namespaced: true,
  kind: 'MetricValueList',
  verbs: ['get'],
};
export const EXTERNAL_PLACEHOLDER: ApiResource = {
  name: 'externalmetrics',
  singularName: '',
  namespaced: true,
  kind: 'ExternalMetricValueList',
  verbs: ['get'],
};

/** Metrics known to the sources (the push store, the pull rules' discovery). */
export type KnownMetrics = (group: MetricGroup) => KnownMetric[];

export function customResources(known: KnownMetrics, table: ResourceTable, advertised: Advertised): ApiResource[] {
  const byName = new Map<string, ApiResource>();
  const add = (resource: string, metric: string, fallbackNamespaced: boolean): void => {
    const d = table.find(resource);
    const name = `${d?.resource ?? resource}/${metric}`;
    if (!byName.has(name))
      byName.set(name, {
        name,
        singularName: '',
        namespaced: d ? d.namespaced : fallbackNamespaced,
        kind: 'MetricValueList',
        verbs: ['get'],
      });
  };
  for (const a of advertised.custom ?? []) add(a.resource, a.metric, true);
  for (const k of known('custom')) add(k.resource, k.metric, k.namespaced);
  const out = [...byName.values()].sort((a, b) => (a.name < b.name ? -1 : 1));
  return out.length > 0 ? out : [CUSTOM_PLACEHOLDER];
}

export function externalResources(known: KnownMetrics, advertised: Advertised): ApiResource[] {
  const names = new Set([...(advertised.external ?? []), ...known('external').map((k) => k.metric)]);
  const out = [...names].sort().map((name): ApiResource => ({
    name,
    singularName: '',
    namespaced: true,
    kind: 'ExternalMetricValueList',
    verbs: ['get'],
  }));
  return out.length > 0 ? out : [EXTERNAL_PLACEHOLDER];
}

export function resourceList(
  group: string,
  version: string,
  known: KnownMetrics,
  table: ResourceTable,
  advertised: Advertised,
): Record<string, unknown> {
  const resources =
    group === EXTERNAL_GROUP ? externalResources(known, advertised) : customResources(known, table, advertised);
  return apiResourceList(`${group}/${version}`, resources);
}

export function groupDocument(group: string): Record<string, unknown> {
  const g = SERVED_GROUPS.find((x) => x.name === group);
  if (!g) throw new Error(`not a served group: ${group}`);
  return { kind: 'APIGroup', apiVersion: 'v1', ...apiGroup(g.name, g.versions) };
}

export function groupListDocument(): Record<string, unknown> {
  return { kind: 'APIGroupList', apiVersion: 'v1', groups: SERVED_GROUPS.map((g) => apiGroup(g.name, g.versions)) };
}

export { CUSTOM_GROUP, EXTERNAL_GROUP };
