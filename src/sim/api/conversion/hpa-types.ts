import { omit, opt, ptr, req, type Struct } from './go-struct.ts';

/**
 * The HorizontalPodAutoscaler structs the autoscaling/v1 <-> v2 conversion writes and reads, in
 * Go field order: k8s.io/api/autoscaling/v1 (the objects and the annotation payloads),
 * k8s.io/api/autoscaling/v2 (the storage form) and the internal behavior type the behavior
 * annotation carries (pkg/apis/autoscaling: no json tags, so Go's field names are the keys).
 */

export const REF: Struct = [req('kind', 'string'), req('name', 'string'), omit('apiVersion', 'string')];

const REQUIREMENT: Struct = [req('key', 'string'), req('operator', 'string'), omit('values', { list: 'string' })];
export const SELECTOR: Struct = [omit('matchLabels', 'stringMap'), omit('matchExpressions', { list: REQUIREMENT })];

// --- autoscaling/v1 ---

const V1_OBJECT_SOURCE: Struct = [
  req('target', REF),
  req('metricName', 'string'),
  req('targetValue', 'quantity'),
  opt('selector', SELECTOR),
  opt('averageValue', 'quantity'),
];
const V1_PODS_SOURCE: Struct = [
  req('metricName', 'string'),
  req('targetAverageValue', 'quantity'),
  opt('selector', SELECTOR),
];
const V1_RESOURCE_SOURCE: Struct = [
  req('name', 'string'),
  opt('targetAverageUtilization', 'int'),
  opt('targetAverageValue', 'quantity'),
];
const V1_CONTAINER_RESOURCE_SOURCE: Struct = [...V1_RESOURCE_SOURCE, req('container', 'string')];
const V1_EXTERNAL_SOURCE: Struct = [
  req('metricName', 'string'),
  opt('metricSelector', SELECTOR),
  opt('targetValue', 'quantity'),
  opt('targetAverageValue', 'quantity'),
];

export const V1_METRIC_SPEC: Struct = [
  req('type', 'string'),
  opt('object', V1_OBJECT_SOURCE),
  opt('pods', V1_PODS_SOURCE),
  opt('resource', V1_RESOURCE_SOURCE),
  opt('containerResource', V1_CONTAINER_RESOURCE_SOURCE),
  opt('external', V1_EXTERNAL_SOURCE),
];

const V1_OBJECT_STATUS: Struct = [
  req('target', REF),
  req('metricName', 'string'),
  req('currentValue', 'quantity'),
  opt('selector', SELECTOR),
  opt('averageValue', 'quantity'),
];
const V1_PODS_STATUS: Struct = [
  req('metricName', 'string'),
  req('currentAverageValue', 'quantity'),
  opt('selector', SELECTOR),
];
const V1_RESOURCE_STATUS: Struct = [
  req('name', 'string'),
  opt('currentAverageUtilization', 'int'),
  req('currentAverageValue', 'quantity'),
];
const V1_CONTAINER_RESOURCE_STATUS: Struct = [...V1_RESOURCE_STATUS, req('container', 'string')];
const V1_EXTERNAL_STATUS: Struct = [
  req('metricName', 'string'),
  opt('metricSelector', SELECTOR),
  req('currentValue', 'quantity'),
  opt('currentAverageValue', 'quantity'),
];

export const V1_METRIC_STATUS: Struct = [
  req('type', 'string'),
  opt('object', V1_OBJECT_STATUS),
  opt('pods', V1_PODS_STATUS),
  opt('resource', V1_RESOURCE_STATUS),
  opt('containerResource', V1_CONTAINER_RESOURCE_STATUS),
  opt('external', V1_EXTERNAL_STATUS),
];

/** HorizontalPodAutoscalerCondition (the same struct in v1 and v2): a zero lastTransitionTime is null. */
export const CONDITION: Struct = [
  req('type', 'string'),
  req('status', 'string'),
  omit('lastTransitionTime', 'time'),
  omit('reason', 'string'),
  omit('message', 'string'),
];

export const V1_SPEC: Struct = [
  req('scaleTargetRef', REF),
  opt('minReplicas', 'int'),
  req('maxReplicas', 'int'),
  opt('targetCPUUtilizationPercentage', 'int'),
];
export const V1_STATUS: Struct = [
  opt('observedGeneration', 'int'),
  opt('lastScaleTime', 'time'),
  req('currentReplicas', 'int'),
  req('desiredReplicas', 'int'),
  opt('currentCPUUtilizationPercentage', 'int'),
];

// --- autoscaling/v2 ---

const IDENTIFIER: Struct = [req('name', 'string'), opt('selector', SELECTOR)];
const TARGET: Struct = [
  req('type', 'string'),
  opt('value', 'quantity'),
  opt('averageValue', 'quantity'),
  opt('averageUtilization', 'int'),
];
const VALUE_STATUS: Struct = [
  opt('value', 'quantity'),
  opt('averageValue', 'quantity'),
  opt('averageUtilization', 'int'),
];

export const V2_METRIC_SPEC: Struct = [
  req('type', 'string'),
  opt('object', [req('describedObject', REF), req('target', TARGET), req('metric', IDENTIFIER)]),
  opt('pods', [req('metric', IDENTIFIER), req('target', TARGET)]),
  opt('resource', [req('name', 'string'), req('target', TARGET)]),
  opt('containerResource', [req('name', 'string'), req('target', TARGET), req('container', 'string')]),
  opt('external', [req('metric', IDENTIFIER), req('target', TARGET)]),
];

export const V2_METRIC_STATUS: Struct = [
  req('type', 'string'),
  opt('object', [req('metric', IDENTIFIER), req('current', VALUE_STATUS), req('describedObject', REF)]),
  opt('pods', [req('metric', IDENTIFIER), req('current', VALUE_STATUS)]),
  opt('resource', [req('name', 'string'), req('current', VALUE_STATUS)]),
  opt('containerResource', [req('name', 'string'), req('current', VALUE_STATUS), req('container', 'string')]),
  opt('external', [req('metric', IDENTIFIER), req('current', VALUE_STATUS)]),
];

const V2_RULES: Struct = [
  opt('stabilizationWindowSeconds', 'int'),
  opt('selectPolicy', 'string'),
  omit('policies', { list: [req('type', 'string'), req('value', 'int'), req('periodSeconds', 'int')] }),
];
const V2_BEHAVIOR: Struct = [opt('scaleUp', V2_RULES), opt('scaleDown', V2_RULES)];

export const V2_SPEC: Struct = [
  req('scaleTargetRef', REF),
  opt('minReplicas', 'int'),
  req('maxReplicas', 'int'),
  omit('metrics', { list: V2_METRIC_SPEC }),
  opt('behavior', V2_BEHAVIOR),
];
export const V2_STATUS: Struct = [
  opt('observedGeneration', 'int'),
  opt('lastScaleTime', 'time'),
  omit('currentReplicas', 'int'),
  req('desiredReplicas', 'int'),
  omit('currentMetrics', { list: V2_METRIC_STATUS }),
  omit('conditions', { list: CONDITION }),
];

// --- internal (the behavior annotation) ---

const INTERNAL_RULES: Struct = [
  ptr('StabilizationWindowSeconds', 'int'),
  ptr('SelectPolicy', 'string'),
  req('Policies', { list: [req('Type', 'string'), req('Value', 'int'), req('PeriodSeconds', 'int')] }),
];
export const INTERNAL_BEHAVIOR: Struct = [ptr('ScaleUp', INTERNAL_RULES), ptr('ScaleDown', INTERNAL_RULES)];
