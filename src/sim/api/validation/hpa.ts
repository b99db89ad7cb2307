import type { FieldError } from '../../../kube/apimachinery/errors.ts';
import { isPlainObject } from '../../../util/deep-equal.ts';
import { arr, eachInvalid, forbidden, invalid, notSupported, num, obj, required, str, type Obj } from './field.ts';
import { validatePathSegmentName } from '../../../kube/apimachinery/names.ts';

/**
 * pkg/apis/autoscaling/validation for the HorizontalPodAutoscaler spec, on the internal form
 * (autoscaling/v2 here; autoscaling/v1 writes are converted first, so a bad
 * targetCPUUtilizationPercentage is reported on the metric it became, as kube-apiserver does).
 * Quantities are not checked for sign: their message is a dump of Go's resource.Quantity.
 */

const METRIC_TYPES = ['ContainerResource', 'External', 'Object', 'Pods', 'Resource'];
const SOURCE_OF: Record<string, string> = {
  Object: 'object',
  Pods: 'pods',
  Resource: 'resource',
  ContainerResource: 'containerResource',
  External: 'external',
};
const set = (v: unknown): boolean => v !== undefined && v !== null;

/** ValidateCrossVersionObjectReference. */
function crossVersionRef(value: unknown, path: string): FieldError[] {
  const ref = obj(value);
  const errs: FieldError[] = [];
  for (const key of ['kind', 'name']) {
    const v = str(ref[key]);
    if (v === '') errs.push(required(`${path}.${key}`));
    else errs.push(...eachInvalid(`${path}.${key}`, v, validatePathSegmentName(v, false)));
  }
  return errs;
}

function metricIdentifier(value: unknown, path: string): FieldError[] {
  const name = str(obj(value)['name']);
  if (name === '') return [required(`${path}.name`, 'must specify a metric name')];
  return eachInvalid(`${path}.name`, name, validatePathSegmentName(name, false));
}

function metricTarget(t: Obj, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const type = str(t['type']);
  if (type === '') errs.push(required(`${path}.type`, 'must specify a metric target type'));
  if (!['Utilization', 'Value', 'AverageValue'].includes(type))
    errs.push(invalid(`${path}.type`, type, 'must be either Utilization, Value, or AverageValue'));
  const utilization = t['averageUtilization'];
  if (typeof utilization === 'number' && utilization < 1)
    errs.push(invalid(`${path}.averageUtilization`, utilization, 'must be greater than 0'));
  return errs;
}

/** The checks of the Resource and ContainerResource sources on their target. */
function resourceTarget(t: Obj, path: string): FieldError[] {
  const errs = metricTarget(t, path);
  if (!set(t['averageUtilization']) && !set(t['averageValue']))
    errs.push(required(`${path}.averageUtilization`, 'must set either a target raw value or a target utilization'));
  if (set(t['averageUtilization']) && set(t['averageValue']))
    errs.push(forbidden(`${path}.averageValue`, 'may not set both a target raw value and a target utilization'));
  return errs;
}

type SourceCheck = (src: Obj, path: string) => FieldError[];

/** Per source, in the order validateMetricSpec looks at them (only the first one present is checked). */
const SOURCES: [string, SourceCheck][] = [
  [
    'object',
    (s, p) => {
      const t = obj(s['target']);
      const errs = [
        ...crossVersionRef(s['describedObject'], `${p}.describedObject`),
        ...metricIdentifier(s['metric'], `${p}.metric`),
        ...metricTarget(t, `${p}.target`),
      ];
      if (!set(t['value']) && !set(t['averageValue']))
        errs.push(required(`${p}.target.averageValue`, 'must set either a target value or averageValue'));
      return errs;
    },
  ],
  [
    'external',
    (s, p) => {
      const t = obj(s['target']);
      const errs = [...metricIdentifier(s['metric'], `${p}.metric`), ...metricTarget(t, `${p}.target`)];
      if (!set(t['value']) && !set(t['averageValue']))
        errs.push(
          required(`${p}.target.averageValue`, 'must set either a target value for metric or a per-pod target'),
        );
      if (set(t['value']) && set(t['averageValue']))
        errs.push(forbidden(`${p}.target.value`, 'may not set both a target value for metric and a per-pod target'));
      return errs;
    },
  ],
  [
    'pods',
    (s, p) => {
      const t = obj(s['target']);
      const errs = [...metricIdentifier(s['metric'], `${p}.metric`), ...metricTarget(t, `${p}.target`)];
      if (!set(t['averageValue']))
        errs.push(required(`${p}.target.averageValue`, 'must specify a positive target averageValue'));
      return errs;
    },
  ],
  [
    'resource',
    (s, p) => [
      ...(str(s['name']) === '' ? [required(`${p}.name`, 'must specify a resource name')] : []),
      ...resourceTarget(obj(s['target']), `${p}.target`),
    ],
  ],
  [
    'containerResource',
    (s, p) => [
      ...(str(s['name']) === '' ? [required(`${p}.name`, 'must specify a resource name')] : []),
      ...(str(s['container']) === '' ? [required(`${p}.container`, 'must specify a container')] : []),
      ...resourceTarget(obj(s['target']), `${p}.target`),
    ],
  ],
];

function metricSpec(m: Obj, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const type = str(m['type']);
  if (type === '') errs.push(required(`${path}.type`, 'must specify a metric source type'));
  if (!METRIC_TYPES.includes(type)) errs.push(notSupported(`${path}.type`, type, METRIC_TYPES));
  const present: string[] = [];
  for (const [key, check] of SOURCES) {
    const src = m[key];
    if (!isPlainObject(src)) continue;
    present.push(key);
    if (present.length === 1) errs.push(...check(src, `${path}.${key}`));
  }
  const expected = SOURCE_OF[type];
  if (expected === undefined) errs.push(notSupported(`${path}.type`, type, METRIC_TYPES));
  else if (!present.includes(expected))
    errs.push(required(`${path}.${expected}`, 'must populate information for the given metric source'));
  if (present.length !== 1) {
    for (const key of present)
      if (key !== expected) errs.push(forbidden(`${path}.${key}`, 'must populate the given metric source only'));
  }
  return errs;
}

/** The HorizontalPodAutoscaler spec (minReplicas may be 0 on update when it already was). */
export function validateHpaSpec(specValue: unknown, minLowerBound: number): FieldError[] {
  const spec = obj(specValue);
  const errs: FieldError[] = [];
  const min = typeof spec['minReplicas'] === 'number' ? spec['minReplicas'] : undefined;
  const max = num(spec['maxReplicas']);
  if (min !== undefined && min < minLowerBound)
    errs.push(invalid('spec.minReplicas', min, `must be greater than or equal to ${minLowerBound}`));
  if (max < 1) errs.push(invalid('spec.maxReplicas', max, 'must be greater than 0'));
  if (min !== undefined && max < min)
    errs.push(invalid('spec.maxReplicas', max, 'must be greater than or equal to `minReplicas`'));
  errs.push(...crossVersionRef(spec['scaleTargetRef'], 'spec.scaleTargetRef'));
  const metrics = arr(spec['metrics']).map(obj);
  metrics.forEach((m, i) => errs.push(...metricSpec(m, `spec.metrics[${i}]`)));
  // Scaling to zero needs a metric that does not come from the (then absent) pods.
  const types = metrics.map((m) => str(m['type']));
  if (min === 0 && !types.includes('Object') && !types.includes('External')) {
    errs.push(
      forbidden(
        'spec.metrics',
        'must specify at least one Object or External metric to support scaling to zero replicas',
      ),
    );
  }
  return errs;
}
