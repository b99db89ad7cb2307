import { describe, expect, it } from 'vitest';
import { formatFieldError } from '../../../kube/apimachinery/errors.ts';
import { validateHpaSpec } from './hpa.ts';

/** HPA metric validation; every expected line was observed against a real kube-apiserver 1.20. */

const lines = (metric: unknown): string[] =>
  validateHpaSpec({ scaleTargetRef: { kind: 'D', name: 'web' }, maxReplicas: 2, metrics: [metric] }, 1).map(
    formatFieldError,
  );
const SUPPORTED = 'supported values: "ContainerResource", "External", "Object", "Pods", "Resource"';

describe('HorizontalPodAutoscaler metric validation', () => {
  it('checks the metric type and that exactly the matching source is set', () => {
    expect(lines({})).toEqual([
      'spec.metrics[0].type: Required value: must specify a metric source type',
      `spec.metrics[0].type: Unsupported value: "": ${SUPPORTED}`,
      `spec.metrics[0].type: Unsupported value: "": ${SUPPORTED}`,
    ]);
    expect(lines({ type: 'Bogus' })).toEqual([
      `spec.metrics[0].type: Unsupported value: "Bogus": ${SUPPORTED}`,
      `spec.metrics[0].type: Unsupported value: "Bogus": ${SUPPORTED}`,
    ]);
    expect(lines({ type: 'Resource' })).toEqual([
      'spec.metrics[0].resource: Required value: must populate information for the given metric source',
    ]);
    expect(
      lines({
        type: 'Pods',
        pods: { metric: { name: '' }, target: { type: 'AverageValue', averageValue: '1' } },
        resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 5 } },
      }),
    ).toEqual([
      'spec.metrics[0].pods.metric.name: Required value: must specify a metric name',
      'spec.metrics[0].resource: Forbidden: must populate the given metric source only',
    ]);
  });

  it('checks resource targets', () => {
    expect(lines({ type: 'Resource', resource: { name: '', target: {} } })).toEqual([
      'spec.metrics[0].resource.name: Required value: must specify a resource name',
      'spec.metrics[0].resource.target.type: Required value: must specify a metric target type',
      'spec.metrics[0].resource.target.type: Invalid value: "": must be either Utilization, Value, or AverageValue',
      'spec.metrics[0].resource.target.averageUtilization: Required value: must set either a target raw value or a target utilization',
    ]);
    expect(
      lines({
        type: 'Resource',
        resource: { name: 'cpu', target: { type: 'X', averageUtilization: 0, averageValue: '1' } },
      }),
    ).toEqual([
      'spec.metrics[0].resource.target.type: Invalid value: "X": must be either Utilization, Value, or AverageValue',
      'spec.metrics[0].resource.target.averageUtilization: Invalid value: 0: must be greater than 0',
      'spec.metrics[0].resource.target.averageValue: Forbidden: may not set both a target raw value and a target utilization',
    ]);
  });

  it('checks pods, object and external targets', () => {
    expect(lines({ type: 'Pods', pods: { metric: { name: 'a' }, target: { type: 'Value', value: '1' } } })).toEqual([
      'spec.metrics[0].pods.target.averageValue: Required value: must specify a positive target averageValue',
    ]);
    expect(
      lines({
        type: 'Object',
        object: {
          describedObject: { kind: '', name: '' },
          metric: { name: 'a' },
          target: { type: 'Utilization', averageUtilization: 5 },
        },
      }),
    ).toEqual([
      'spec.metrics[0].object.describedObject.kind: Required value',
      'spec.metrics[0].object.describedObject.name: Required value',
      'spec.metrics[0].object.target.averageValue: Required value: must set either a target value or averageValue',
    ]);
    expect(
      lines({
        type: 'External',
        external: { metric: { name: 'a' }, target: { type: 'Utilization', averageUtilization: 5 } },
      }),
    ).toEqual([
      'spec.metrics[0].external.target.averageValue: Required value: must set either a target value for metric or a per-pod target',
    ]);
  });
});
