import type { KubeObject, ObjectMeta } from '../registry.ts';
import { isPlainObject } from '../../../util/deep-equal.ts';
import { decode, goJson, shape, type Struct } from './go-struct.ts';
import {
  CONDITION,
  INTERNAL_BEHAVIOR,
  V1_METRIC_SPEC,
  V1_METRIC_STATUS,
  V1_SPEC,
  V1_STATUS,
  V2_SPEC,
  V2_STATUS,
} from './hpa-types.ts';
import {
  cpuCurrentUtilization,
  cpuUtilizationMetric,
  cpuUtilizationStatus,
  isCpuUtilization,
  metricSpecToV1,
  metricSpecToV2,
  metricStatusToV1,
  metricStatusToV2,
} from './hpa-metrics.ts';

/**
 * autoscaling/v2 HorizontalPodAutoscaler <-> autoscaling/v1, as kube-apiserver converts them
 * (pkg/apis/autoscaling/v1/conversion.go; v2 maps one to one onto the internal type the real
 * conversion goes through). autoscaling/v1 has room for one metric, a CPU utilization target:
 *
 *   the first Resource cpu metric with averageUtilization <-> spec.targetCPUUtilizationPercentage
 *   every other metric       <-> annotation autoscaling.alpha.kubernetes.io/metrics (v1 MetricSpecs)
 *   spec.behavior            <-> annotation .../behavior (the internal struct: Go field names as keys)
 *   status.currentMetrics    <-> annotation .../current-metrics (v1 MetricStatuses, all of them)
 *   status.conditions        <-> annotation .../conditions
 *   the cpu current metric's averageUtilization  -> status.currentCPUUtilizationPercentage
 *
 * Reading v1 puts the annotated metrics first and the CPU target last, and when no metric is
 * left at all applies autoscaling/v1's implicit default, CPU at 80 %. The round-trip annotations
 * never reach storage: both directions drop any a client sent before writing their own. The
 * results are shaped as Go serializes the structs (field order, omitempty, map keys sorted).
 */

type Obj = Record<string, unknown>;

export const METRICS_ANNOTATION = 'autoscaling.alpha.kubernetes.io/metrics';
export const CURRENT_METRICS_ANNOTATION = 'autoscaling.alpha.kubernetes.io/current-metrics';
export const CONDITIONS_ANNOTATION = 'autoscaling.alpha.kubernetes.io/conditions';
export const BEHAVIOR_ANNOTATION = 'autoscaling.alpha.kubernetes.io/behavior';
const ROUND_TRIP = [METRICS_ANNOTATION, BEHAVIOR_ANNOTATION, CURRENT_METRICS_ANNOTATION, CONDITIONS_ANNOTATION];

/** autoscaling.DefaultCPUUtilization. */
export const DEFAULT_CPU_UTILIZATION = 80;

const o = (v: unknown): Obj => (isPlainObject(v) ? v : {});
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const set = (v: unknown): boolean => v !== undefined && v !== null;

/** DropRoundTripHorizontalPodAutoscalerAnnotations, on a copy of the metadata. */
export function withoutRoundTripAnnotations(meta: unknown): ObjectMeta {
  const out = structuredClone(o(meta)) as ObjectMeta;
  if (!out.annotations) return out;
  const annotations = { ...out.annotations };
  for (const k of ROUND_TRIP) delete annotations[k];
  if (Object.keys(annotations).length === 0) delete out.annotations;
  else out.annotations = annotations;
  return out;
}

/** The internal behavior's JSON (ScaleUp/ScaleDown, StabilizationWindowSeconds, ...) from v2's. */
function behaviorToInternal(b: Obj): Obj {
  const rules = (r: unknown): Obj | undefined => {
    if (!isPlainObject(r)) return undefined;
    const policies = Array.isArray(r['policies'])
      ? r['policies'].map((p) => ({ Type: o(p)['type'], Value: o(p)['value'], PeriodSeconds: o(p)['periodSeconds'] }))
      : undefined;
    return {
      StabilizationWindowSeconds: r['stabilizationWindowSeconds'],
      SelectPolicy: r['selectPolicy'],
      Policies: policies,
    };
  };
  return shape(INTERNAL_BEHAVIOR, { ScaleUp: rules(b['scaleUp']), ScaleDown: rules(b['scaleDown']) });
}

function behaviorFromInternal(b: Obj): Obj | undefined {
  const rules = (r: unknown): Obj | undefined => {
    if (!isPlainObject(r)) return undefined;
    const policies = Array.isArray(r['Policies'])
      ? r['Policies'].map((p) => ({ type: o(p)['Type'], value: o(p)['Value'], periodSeconds: o(p)['PeriodSeconds'] }))
      : undefined;
    return { stabilizationWindowSeconds: r['StabilizationWindowSeconds'], selectPolicy: r['SelectPolicy'], policies };
  };
  const scaleUp = rules(b['ScaleUp']);
  const scaleDown = rules(b['ScaleDown']);
  // An annotation that decodes to the zero behavior (both directions nil) sets none.
  return scaleUp || scaleDown ? { scaleUp, scaleDown } : undefined;
}

/** Convert_autoscaling_HorizontalPodAutoscaler_To_v1_HorizontalPodAutoscaler. The input is not modified. */
export function hpaV2ToV1(hpa: KubeObject): KubeObject {
  const spec = o(hpa.spec);
  const status = o(hpa.status);
  const metrics = list(spec['metrics']);
  const cpu = metrics.find(isCpuUtilization);
  const others = metrics.filter((m) => !isCpuUtilization(m)).map(metricSpecToV1);
  const current = list(status['currentMetrics']);
  let currentCpu: unknown;
  for (const m of current) currentCpu = cpuCurrentUtilization(m) ?? currentCpu;
  const conditions = list(status['conditions']).map((c) => shape(CONDITION, o(c)));

  const meta = withoutRoundTripAnnotations(hpa.metadata);
  const annotations: Record<string, string> = { ...meta.annotations };
  if (others.length > 0) annotations[METRICS_ANNOTATION] = goJson(others);
  if (current.length > 0) annotations[CURRENT_METRICS_ANNOTATION] = goJson(current.map(metricStatusToV1));
  if (isPlainObject(spec['behavior'])) annotations[BEHAVIOR_ANNOTATION] = goJson(behaviorToInternal(spec['behavior']));
  if (conditions.length > 0) annotations[CONDITIONS_ANNOTATION] = goJson(conditions);
  if (Object.keys(annotations).length > 0)
    meta.annotations = Object.fromEntries(
      Object.keys(annotations)
        .sort()
        .map((k) => [k, annotations[k] ?? '']),
    );

  return {
    apiVersion: 'autoscaling/v1',
    kind: 'HorizontalPodAutoscaler',
    metadata: meta,
    spec: shape(V1_SPEC, {
      scaleTargetRef: spec['scaleTargetRef'],
      minReplicas: spec['minReplicas'],
      maxReplicas: spec['maxReplicas'],
      targetCPUUtilizationPercentage: o(o(o(cpu)['resource'])['target'])['averageUtilization'],
    }),
    status: shape(V1_STATUS, {
      observedGeneration: status['observedGeneration'],
      lastScaleTime: status['lastScaleTime'],
      currentReplicas: status['currentReplicas'],
      desiredReplicas: status['desiredReplicas'],
      currentCPUUtilizationPercentage: currentCpu,
    }),
  };
}

/** An annotation's payload decoded as Go would, or undefined when absent or undecodable (ignored, as 1.22+ do). */
function annotated(annotations: Record<string, string>, key: string, s: Struct): Obj[] | undefined {
  const text = annotations[key];
  return text === undefined ? undefined : decode(s, text, true);
}

/** Convert_v1_HorizontalPodAutoscaler_To_autoscaling_HorizontalPodAutoscaler. The input is not modified. */
export function hpaV1ToV2(hpa: KubeObject): KubeObject {
  const spec = o(hpa.spec);
  const status = o(hpa.status);
  const annotations: Record<string, string> = {
    ...(o(hpa.metadata)['annotations'] as Record<string, string> | undefined),
  };

  const cpu = set(spec['targetCPUUtilizationPercentage'])
    ? [cpuUtilizationMetric(spec['targetCPUUtilizationPercentage'])]
    : [];
  const others = annotated(annotations, METRICS_ANNOTATION, V1_METRIC_SPEC);
  let metrics: Obj[] = others ? [...others.map(metricSpecToV2), ...cpu] : cpu;
  // autoscaling/v1's implicit default, applied here where every metric is known.
  if (metrics.length === 0) metrics = [cpuUtilizationMetric(DEFAULT_CPU_UTILIZATION)];
  const behaviorText = annotations[BEHAVIOR_ANNOTATION];
  const behavior =
    behaviorText === undefined ? undefined : behaviorFromInternal(decode(INTERNAL_BEHAVIOR, behaviorText) ?? {});

  const currentCpu = status['currentCPUUtilizationPercentage'];
  const annotatedCurrent = annotated(annotations, CURRENT_METRICS_ANNOTATION, V1_METRIC_STATUS);
  const currentMetrics = annotatedCurrent
    ? annotatedCurrent.map(metricStatusToV2)
    : set(currentCpu)
      ? [cpuUtilizationStatus(currentCpu)]
      : undefined;
  const conditions = annotated(annotations, CONDITIONS_ANNOTATION, CONDITION);

  return {
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    metadata: withoutRoundTripAnnotations(hpa.metadata),
    spec: shape(V2_SPEC, {
      scaleTargetRef: spec['scaleTargetRef'],
      minReplicas: spec['minReplicas'],
      maxReplicas: spec['maxReplicas'],
      metrics,
      behavior,
    }),
    status: shape(V2_STATUS, {
      observedGeneration: status['observedGeneration'],
      lastScaleTime: status['lastScaleTime'],
      currentReplicas: status['currentReplicas'],
      desiredReplicas: status['desiredReplicas'],
      currentMetrics,
      conditions,
    }),
  };
}
