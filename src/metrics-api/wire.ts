import type { LiveSeries } from './store.ts';
import { formatMetricQuantity } from './quantity.ts';
import { describedApiVersion, type DescribedResource } from './resources.ts';
import type { LabelSelectorObject } from '../kube/apimachinery/labels.ts';

/**
 * The JSON the metrics APIs put on the wire, field for field and in Go's field order
 * (k8s.io/metrics custom_metrics v1beta1/v1beta2 and external_metrics v1beta1, meta/v1 discovery).
 */

export const CUSTOM_GROUP = 'custom.metrics.k8s.io';
export const EXTERNAL_GROUP = 'external.metrics.k8s.io';
export type CustomVersion = 'v1beta1' | 'v1beta2';
/** Versions in preference order: v1beta2 first, as its APIService has the higher versionPriority. */
export const CUSTOM_VERSIONS: readonly CustomVersion[] = ['v1beta2', 'v1beta1'];

export interface ObjectReference {
  kind: string;
  namespace?: string;
  name: string;
  apiVersion: string;
}

let lastSecond = Number.NaN;
let lastText = '';

/** metav1.Time: RFC 3339 in whole seconds. The items of one answer share a second: the last one is kept. */
export function metaTime(ms: number): string {
  const second = Math.floor(ms / 1000);
  if (second !== lastSecond) {
    lastText = new Date(second * 1000).toISOString().replace('.000Z', 'Z');
    lastSecond = second;
  }
  return lastText;
}

export function describedObject(d: DescribedResource, namespace: string, name: string): ObjectReference {
  return { kind: d.kind, ...(namespace ? { namespace } : {}), name, apiVersion: describedApiVersion(d) };
}

/** One MetricValue; `value` may be a sum of several labelled series of the same object. */
export interface ObjectValue {
  object: ObjectReference;
  metric: string;
  value: number;
  timestampMs: number;
  windowSeconds?: number;
  /** The metricLabelSelector the value was selected with, as a metav1.LabelSelector (null if none). */
  selector: LabelSelectorObject | null;
}

export function metricValueList(version: CustomVersion, values: ObjectValue[]): Record<string, unknown> {
  const items = values.map((v) =>
    version === 'v1beta1'
      ? // v1beta1: metricName, `window` (json name of WindowSeconds) and a top-level selector.
        {
          describedObject: v.object,
          metricName: v.metric,
          timestamp: metaTime(v.timestampMs),
          ...(v.windowSeconds !== undefined ? { window: v.windowSeconds } : {}),
          value: formatMetricQuantity(v.value),
          selector: v.selector,
        }
      : {
          describedObject: v.object,
          metric: { name: v.metric, selector: v.selector },
          timestamp: metaTime(v.timestampMs),
          ...(v.windowSeconds !== undefined ? { windowSeconds: v.windowSeconds } : {}),
          value: formatMetricQuantity(v.value),
        },
  );
  return { kind: 'MetricValueList', apiVersion: `${CUSTOM_GROUP}/${version}`, metadata: {}, items };
}

export function externalMetricValueList(series: LiveSeries[]): Record<string, unknown> {
  const items = series.map((s) => ({
    metricName: s.id.metric,
    metricLabels: s.id.labels,
    timestamp: metaTime(s.timestampMs),
    ...(s.windowSeconds !== undefined ? { window: s.windowSeconds } : {}),
    value: formatMetricQuantity(s.value),
  }));
  return { kind: 'ExternalMetricValueList', apiVersion: `${EXTERNAL_GROUP}/v1beta1`, metadata: {}, items };
}

export interface ApiResource {
  name: string;
  singularName: string;
  namespaced: boolean;
  kind: string;
  verbs: string[];
}

export function apiResourceList(groupVersion: string, resources: ApiResource[]): Record<string, unknown> {
  return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion, resources };
}

interface GroupVersionForDiscovery {
  groupVersion: string;
  version: string;
}

export function apiGroup(
  name: string,
  versions: readonly string[],
): { name: string; versions: GroupVersionForDiscovery[]; preferredVersion: GroupVersionForDiscovery } {
  const gv = versions.map((version) => ({ groupVersion: `${name}/${version}`, version }));
  return { name, versions: gv, preferredVersion: gv[0] as GroupVersionForDiscovery };
}

export const SERVED_GROUPS: readonly { name: string; versions: readonly string[] }[] = [
  { name: CUSTOM_GROUP, versions: CUSTOM_VERSIONS },
  { name: EXTERNAL_GROUP, versions: ['v1beta1'] },
];
