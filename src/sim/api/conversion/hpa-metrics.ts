import { isPlainObject } from '../../../util/deep-equal.ts';
import { shape } from './go-struct.ts';
import { REF, V1_METRIC_SPEC, V1_METRIC_STATUS, V2_METRIC_SPEC, V2_METRIC_STATUS } from './hpa-types.ts';

/**
 * One metric (spec or status) between autoscaling/v2 and the autoscaling/v1 MetricSpec /
 * MetricStatus that the v1 round-trip annotations hold: the hand-written converters of
 * pkg/apis/autoscaling/v1/conversion.go (v2 and the internal type share one shape). A v1 quantity
 * that is not a pointer (targetValue, currentValue, ...) reads "0" when v2 has none, and comes
 * back as a set "0": the same (lossy) mapping kube-apiserver applies.
 */

type Obj = Record<string, unknown>;

const o = (v: unknown): Obj => (isPlainObject(v) ? v : {});
const present = (v: unknown): Obj | undefined => (isPlainObject(v) ? v : undefined);
const set = (v: unknown): boolean => v !== undefined && v !== null;
const cpuUtilization = (value: unknown): Obj => ({
  name: 'cpu',
  target: { type: 'Utilization', averageUtilization: value },
});

/** Each metric source present in `m`, converted by its function (absent sources stay absent). */
function eachSource(m: Obj, by: Record<string, (src: Obj) => Obj>): Obj {
  const out: Obj = { type: m['type'] };
  for (const [key, convert] of Object.entries(by)) {
    const src = present(m[key]);
    if (src) out[key] = convert(src);
  }
  return out;
}

const ref = (v: unknown): Obj => shape(REF, o(v));

// --- spec: v2 -> v1 (Convert_autoscaling_*MetricSource_To_v1_*) ---

const specToV1: Record<string, (s: Obj) => Obj> = {
  object: (s) => ({
    target: ref(s['describedObject']),
    metricName: o(s['metric'])['name'],
    targetValue: o(s['target'])['value'],
    selector: o(s['metric'])['selector'],
    averageValue: o(s['target'])['averageValue'],
  }),
  pods: (s) => ({
    metricName: o(s['metric'])['name'],
    targetAverageValue: o(s['target'])['averageValue'],
    selector: o(s['metric'])['selector'],
  }),
  resource: (s) => ({
    name: s['name'],
    targetAverageUtilization: o(s['target'])['averageUtilization'],
    targetAverageValue: o(s['target'])['averageValue'],
  }),
  containerResource: (s) => ({
    name: s['name'],
    targetAverageUtilization: o(s['target'])['averageUtilization'],
    targetAverageValue: o(s['target'])['averageValue'],
    container: s['container'],
  }),
  external: (s) => ({
    metricName: o(s['metric'])['name'],
    metricSelector: o(s['metric'])['selector'],
    targetValue: o(s['target'])['value'],
    targetAverageValue: o(s['target'])['averageValue'],
  }),
};

// --- spec: v1 -> v2 (Convert_v1_*MetricSource_To_autoscaling_*) ---

const specToV2: Record<string, (s: Obj) => Obj> = {
  object: (s) => ({
    describedObject: ref(s['target']),
    target: {
      type: set(s['averageValue']) ? 'AverageValue' : 'Value',
      value: s['targetValue'] ?? '0',
      averageValue: s['averageValue'],
    },
    metric: { name: s['metricName'], selector: s['selector'] },
  }),
  pods: (s) => ({
    metric: { name: s['metricName'], selector: s['selector'] },
    target: { type: 'AverageValue', averageValue: s['targetAverageValue'] ?? '0' },
  }),
  resource: (s) => ({ name: s['name'], target: resourceTarget(s) }),
  containerResource: (s) => ({ name: s['name'], target: resourceTarget(s), container: s['container'] }),
  external: (s) => ({
    metric: { name: s['metricName'], selector: s['metricSelector'] },
    target: {
      type: set(s['targetValue']) ? 'Value' : 'AverageValue',
      value: s['targetValue'],
      averageValue: s['targetAverageValue'],
    },
  }),
};

function resourceTarget(s: Obj): Obj {
  const utilization = s['targetAverageUtilization'];
  return {
    type: set(utilization) ? 'Utilization' : 'AverageValue',
    averageValue: s['targetAverageValue'],
    averageUtilization: utilization,
  };
}

// --- status: v2 -> v1 ---

const statusToV1: Record<string, (s: Obj) => Obj> = {
  object: (s) => ({
    target: ref(s['describedObject']),
    metricName: o(s['metric'])['name'],
    currentValue: o(s['current'])['value'],
    selector: o(s['metric'])['selector'],
    averageValue: o(s['current'])['averageValue'],
  }),
  pods: (s) => ({
    metricName: o(s['metric'])['name'],
    currentAverageValue: o(s['current'])['averageValue'],
    selector: o(s['metric'])['selector'],
  }),
  resource: (s) => ({
    name: s['name'],
    currentAverageUtilization: o(s['current'])['averageUtilization'],
    currentAverageValue: o(s['current'])['averageValue'],
  }),
  containerResource: (s) => ({
    name: s['name'],
    currentAverageUtilization: o(s['current'])['averageUtilization'],
    currentAverageValue: o(s['current'])['averageValue'],
    container: s['container'],
  }),
  external: (s) => ({
    metricName: o(s['metric'])['name'],
    metricSelector: o(s['metric'])['selector'],
    currentValue: o(s['current'])['value'],
    currentAverageValue: o(s['current'])['averageValue'],
  }),
};

// --- status: v1 -> v2 ---

const statusToV2: Record<string, (s: Obj) => Obj> = {
  object: (s) => ({
    metric: { name: s['metricName'], selector: s['selector'] },
    current: { value: s['currentValue'] ?? '0', averageValue: s['averageValue'] },
    describedObject: ref(s['target']),
  }),
  pods: (s) => ({
    metric: { name: s['metricName'], selector: s['selector'] },
    current: { averageValue: s['currentAverageValue'] ?? '0' },
  }),
  resource: (s) => ({ name: s['name'], current: resourceCurrent(s) }),
  containerResource: (s) => ({ name: s['name'], current: resourceCurrent(s), container: s['container'] }),
  external: (s) => ({
    metric: { name: s['metricName'], selector: s['metricSelector'] },
    current: { value: s['currentValue'] ?? '0', averageValue: s['currentAverageValue'] },
  }),
};

function resourceCurrent(s: Obj): Obj {
  return { averageValue: s['currentAverageValue'] ?? '0', averageUtilization: s['currentAverageUtilization'] };
}

export const metricSpecToV1 = (m: unknown): Obj => shape(V1_METRIC_SPEC, eachSource(o(m), specToV1));
export const metricSpecToV2 = (m: unknown): Obj => shape(V2_METRIC_SPEC, eachSource(o(m), specToV2));
export const metricStatusToV1 = (m: unknown): Obj => shape(V1_METRIC_STATUS, eachSource(o(m), statusToV1));
export const metricStatusToV2 = (m: unknown): Obj => shape(V2_METRIC_STATUS, eachSource(o(m), statusToV2));

/** The v2 metric targetCPUUtilizationPercentage stands for. */
export const cpuUtilizationMetric = (percent: unknown): Obj =>
  shape(V2_METRIC_SPEC, { type: 'Resource', resource: cpuUtilization(percent) });

/** The v2 current metric currentCPUUtilizationPercentage stands for. */
export const cpuUtilizationStatus = (percent: unknown): Obj =>
  shape(V2_METRIC_STATUS, { type: 'Resource', resource: { name: 'cpu', current: { averageUtilization: percent } } });

/** A Resource cpu metric with a utilization target: the one targetCPUUtilizationPercentage carries. */
export function isCpuUtilization(m: unknown): boolean {
  const resource = present(o(m)['resource']);
  return (
    o(m)['type'] === 'Resource' &&
    resource !== undefined &&
    resource['name'] === 'cpu' &&
    set(o(resource['target'])['averageUtilization'])
  );
}

/** A Resource cpu current metric with a utilization (read into currentCPUUtilizationPercentage). */
export function cpuCurrentUtilization(m: unknown): unknown {
  const resource = present(o(m)['resource']);
  if (o(m)['type'] !== 'Resource' || !resource || resource['name'] !== 'cpu') return undefined;
  return o(resource['current'])['averageUtilization'] ?? undefined;
}
