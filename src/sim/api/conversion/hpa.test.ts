import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../registry.ts';
import {
  BEHAVIOR_ANNOTATION,
  CONDITIONS_ANNOTATION,
  CURRENT_METRICS_ANNOTATION,
  METRICS_ANNOTATION,
  hpaV1ToV2,
  hpaV2ToV1,
} from './hpa.ts';

const meta = {
  name: 'web',
  namespace: 'shop',
  uid: 'u-1',
  resourceVersion: '42',
  generation: 3,
  creationTimestamp: '2024-01-01T00:00:00Z',
  annotations: { team: 'x' },
};
const ref = { kind: 'Deployment', name: 'web', apiVersion: 'apps/v1' };
const cpu = (pct: number): Record<string, unknown> => ({
  type: 'Resource',
  resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: pct } },
});
const pods = {
  type: 'Pods',
  pods: {
    metric: { name: 'rps', selector: { matchLabels: { a: 'b' } } },
    target: { type: 'AverageValue', averageValue: '100m' },
  },
};
const object = {
  type: 'Object',
  object: {
    describedObject: { kind: 'Ingress', name: 'main', apiVersion: 'networking.k8s.io/v1' },
    target: { type: 'Value', value: '2k' },
    metric: { name: 'hits' },
  },
};
const external = {
  type: 'External',
  external: { metric: { name: 'queue' }, target: { type: 'AverageValue', averageValue: '30' } },
};
const memory = {
  type: 'Resource',
  resource: { name: 'memory', target: { type: 'AverageValue', averageValue: '500Mi' } },
};
const behavior = {
  scaleUp: {
    stabilizationWindowSeconds: 0,
    selectPolicy: 'Max',
    policies: [
      { type: 'Pods', value: 4, periodSeconds: 15 },
      { type: 'Percent', value: 100, periodSeconds: 15 },
    ],
  },
  scaleDown: { selectPolicy: 'Max', policies: [{ type: 'Percent', value: 100, periodSeconds: 15 }] },
};
const condition = {
  type: 'AbleToScale',
  status: 'True',
  lastTransitionTime: '2024-01-01T00:01:00Z',
  reason: 'ReadyForNewScale',
  message: 'recommended size matches current size',
};

/** An autoscaling/v2 HPA as the sim stores it (Go field order), CPU metric last so that v1 keeps the order. */
const v2: KubeObject = {
  apiVersion: 'autoscaling/v2',
  kind: 'HorizontalPodAutoscaler',
  metadata: meta,
  spec: {
    scaleTargetRef: ref,
    minReplicas: 2,
    maxReplicas: 10,
    metrics: [pods, object, external, memory, cpu(60)],
    behavior,
  },
  status: {
    observedGeneration: 3,
    lastScaleTime: '2024-01-01T00:02:00Z',
    currentReplicas: 4,
    desiredReplicas: 5,
    currentMetrics: [
      {
        type: 'Pods',
        pods: { metric: { name: 'rps', selector: { matchLabels: { a: 'b' } } }, current: { averageValue: '120m' } },
      },
      {
        type: 'Object',
        object: {
          metric: { name: 'hits' },
          current: { value: '1500' },
          describedObject: { kind: 'Ingress', name: 'main', apiVersion: 'networking.k8s.io/v1' },
        },
      },
      { type: 'External', external: { metric: { name: 'queue' }, current: { value: '12' } } },
      { type: 'Resource', resource: { name: 'cpu', current: { averageValue: '250m', averageUtilization: 72 } } },
    ],
    conditions: [
      condition,
      {
        type: 'ScalingActive',
        status: 'True',
        lastTransitionTime: '2024-01-01T00:01:00Z',
        reason: 'ValidMetricFound',
        message: 'the HPA was able to compute',
      },
    ],
  },
};

// Written by kube-apiserver 1.20 for the same HPA (read back through autoscaling/v1): the exact bytes.
const REAL_METRICS =
  '[{"type":"Pods","pods":{"metricName":"rps","targetAverageValue":"100m","selector":{"matchLabels":{"a":"b"}}}},' +
  '{"type":"Object","object":{"target":{"kind":"Ingress","name":"main","apiVersion":"networking.k8s.io/v1"},"metricName":"hits","targetValue":"2k"}},' +
  '{"type":"External","external":{"metricName":"queue","targetAverageValue":"30"}},{"type":"Resource","resource":{"name":"memory","targetAverageValue":"500Mi"}}]';
const REAL_BEHAVIOR =
  '{"ScaleUp":{"StabilizationWindowSeconds":0,"SelectPolicy":"Max","Policies":[{"Type":"Pods","Value":4,"PeriodSeconds":15},{"Type":"Percent","Value":100,"PeriodSeconds":15}]},' +
  '"ScaleDown":{"StabilizationWindowSeconds":null,"SelectPolicy":"Max","Policies":[{"Type":"Percent","Value":100,"PeriodSeconds":15}]}}';

const annotations = (o: KubeObject): Record<string, string> => o.metadata.annotations ?? {};

describe('autoscaling/v2 -> autoscaling/v1 HorizontalPodAutoscaler', () => {
  it('keeps the CPU utilization target as targetCPUUtilizationPercentage and every other metric in the metrics annotation', () => {
    const v1 = hpaV2ToV1(v2);
    expect(v1.apiVersion).toBe('autoscaling/v1');
    expect(v1.spec).toEqual({
      scaleTargetRef: ref,
      minReplicas: 2,
      maxReplicas: 10,
      targetCPUUtilizationPercentage: 60,
    });
    expect(Object.keys(v1.spec as object)).toEqual([
      'scaleTargetRef',
      'minReplicas',
      'maxReplicas',
      'targetCPUUtilizationPercentage',
    ]);
    expect(annotations(v1)[METRICS_ANNOTATION]).toBe(REAL_METRICS);
    expect(annotations(v1)[BEHAVIOR_ANNOTATION]).toBe(REAL_BEHAVIOR);
  });

  it('carries status: the CPU utilization in currentCPUUtilizationPercentage, every current metric and condition in annotations', () => {
    const v1 = hpaV2ToV1(v2);
    expect(v1.status).toEqual({
      observedGeneration: 3,
      lastScaleTime: '2024-01-01T00:02:00Z',
      currentReplicas: 4,
      desiredReplicas: 5,
      currentCPUUtilizationPercentage: 72,
    });
    expect(annotations(v1)[CURRENT_METRICS_ANNOTATION]).toBe(
      '[{"type":"Pods","pods":{"metricName":"rps","currentAverageValue":"120m","selector":{"matchLabels":{"a":"b"}}}},' +
        '{"type":"Object","object":{"target":{"kind":"Ingress","name":"main","apiVersion":"networking.k8s.io/v1"},"metricName":"hits","currentValue":"1500"}},' +
        '{"type":"External","external":{"metricName":"queue","currentValue":"12"}},{"type":"Resource","resource":{"name":"cpu","currentAverageUtilization":72,"currentAverageValue":"250m"}}]',
    );
    expect(annotations(v1)[CONDITIONS_ANNOTATION]).toBe(
      '[{"type":"AbleToScale","status":"True","lastTransitionTime":"2024-01-01T00:01:00Z","reason":"ReadyForNewScale","message":"recommended size matches current size"},' +
        '{"type":"ScalingActive","status":"True","lastTransitionTime":"2024-01-01T00:01:00Z","reason":"ValidMetricFound","message":"the HPA was able to compute"}]',
    );
    expect(Object.keys(annotations(v1))).toEqual([
      BEHAVIOR_ANNOTATION,
      CONDITIONS_ANNOTATION,
      CURRENT_METRICS_ANNOTATION,
      METRICS_ANNOTATION,
      'team',
    ]);
  });

  it('writes a new HPA as kube-apiserver does: zero replicas in status, no annotations it does not need', () => {
    const v1 = hpaV2ToV1({
      apiVersion: 'autoscaling/v2',
      kind: 'HorizontalPodAutoscaler',
      metadata: { name: 'a' },
      spec: { scaleTargetRef: ref, minReplicas: 1, maxReplicas: 5, metrics: [cpu(50)] },
      status: { desiredReplicas: 0 },
    });
    expect(v1).toEqual({
      apiVersion: 'autoscaling/v1',
      kind: 'HorizontalPodAutoscaler',
      metadata: { name: 'a' },
      spec: { scaleTargetRef: ref, minReplicas: 1, maxReplicas: 5, targetCPUUtilizationPercentage: 50 },
      status: { currentReplicas: 0, desiredReplicas: 0 },
    });
  });

  it('escapes <, > and & in the annotations as encoding/json does, and replaces stale round-trip annotations', () => {
    const hpa = structuredClone(v2);
    hpa.metadata.annotations = { [METRICS_ANNOTATION]: 'stale', [CURRENT_METRICS_ANNOTATION]: 'stale' };
    (hpa.spec as { metrics: unknown[] }).metrics = [cpu(50)];
    (hpa.status as { conditions: unknown[]; currentMetrics?: unknown }).conditions = [
      { ...condition, message: 'a <b> & c' },
    ];
    delete (hpa.status as { currentMetrics?: unknown }).currentMetrics;
    const v1 = hpaV2ToV1(hpa);
    expect(annotations(v1)[METRICS_ANNOTATION]).toBeUndefined();
    expect(annotations(v1)[CURRENT_METRICS_ANNOTATION]).toBeUndefined();
    expect(annotations(v1)[CONDITIONS_ANNOTATION]).toContain('"message":"a \\u003cb\\u003e \\u0026 c"');
  });
});

describe('autoscaling/v1 -> autoscaling/v2 HorizontalPodAutoscaler', () => {
  it('round-trips v2 -> v1 -> v2 keeping everything: metrics, behavior, status, conditions, metadata', () => {
    const back = hpaV1ToV2(hpaV2ToV1(v2));
    expect(back).toEqual(v2);
    expect(Object.keys(back.spec as object)).toEqual([
      'scaleTargetRef',
      'minReplicas',
      'maxReplicas',
      'metrics',
      'behavior',
    ]);
  });

  it('puts the annotated metrics first and the CPU target last, as kube-apiserver does', () => {
    const hpa = { ...v2, spec: { ...(v2.spec as object), metrics: [cpu(60), pods, memory] } };
    expect((hpaV1ToV2(hpaV2ToV1(hpa)).spec as { metrics: unknown[] }).metrics).toEqual([pods, memory, cpu(60)]);
  });

  it('defaults to CPU at 80 % when v1 names no metric at all, and keeps v1 status without annotations', () => {
    const v1: KubeObject = {
      apiVersion: 'autoscaling/v1',
      kind: 'HorizontalPodAutoscaler',
      metadata: { name: 'b' },
      spec: { scaleTargetRef: { kind: 'Deployment', name: 'web' }, maxReplicas: 3 },
      status: { currentReplicas: 2, desiredReplicas: 2, currentCPUUtilizationPercentage: 40 },
    };
    const got = hpaV1ToV2(v1);
    expect(got.spec).toEqual({
      scaleTargetRef: { kind: 'Deployment', name: 'web' },
      maxReplicas: 3,
      metrics: [cpu(80)],
    });
    expect(got.status).toEqual({
      currentReplicas: 2,
      desiredReplicas: 2,
      currentMetrics: [{ type: 'Resource', resource: { name: 'cpu', current: { averageUtilization: 40 } } }],
    });
    expect((hpaV2ToV1(got).spec as Record<string, unknown>)['targetCPUUtilizationPercentage']).toBe(80);
  });

  it('converts the v1 metric shapes (non-pointer quantities read as "0", target types from what is set)', () => {
    const text = JSON.stringify([
      { type: 'Object', object: { target: { kind: 'Service', name: 's' }, metricName: 'q', averageValue: '5' } },
      {
        type: 'External',
        external: {
          metricName: 'e',
          metricSelector: { matchExpressions: [{ key: 'k', operator: 'Exists' }] },
          targetValue: '7',
        },
      },
      { type: 'ContainerResource', containerResource: { name: 'cpu', container: 'app', targetAverageUtilization: 70 } },
    ]);
    const got = hpaV1ToV2({
      apiVersion: 'autoscaling/v1',
      kind: 'HorizontalPodAutoscaler',
      metadata: { name: 'm', annotations: { [METRICS_ANNOTATION]: text } },
      spec: { scaleTargetRef: ref, maxReplicas: 2 },
    });
    expect((got.spec as { metrics: unknown[] }).metrics).toEqual([
      {
        type: 'Object',
        object: {
          describedObject: { kind: 'Service', name: 's' },
          target: { type: 'AverageValue', value: '0', averageValue: '5' },
          metric: { name: 'q' },
        },
      },
      {
        type: 'External',
        external: {
          metric: { name: 'e', selector: { matchExpressions: [{ key: 'k', operator: 'Exists' }] } },
          target: { type: 'Value', value: '7' },
        },
      },
      {
        type: 'ContainerResource',
        containerResource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 }, container: 'app' },
      },
    ]);
    expect(got.metadata.annotations).toBeUndefined();
  });

  it('reads the behavior annotation as Go does (keys case-insensitive, an empty behavior sets none) and ignores undecodable annotations', () => {
    const v1 = (a: Record<string, string>): KubeObject => ({
      apiVersion: 'autoscaling/v1',
      kind: 'HorizontalPodAutoscaler',
      metadata: { name: 'x', annotations: { keep: 'me', ...a } },
      spec: { scaleTargetRef: ref, maxReplicas: 2, targetCPUUtilizationPercentage: 50 },
    });
    const spec = (a: Record<string, string>): Record<string, unknown> =>
      hpaV1ToV2(v1(a)).spec as Record<string, unknown>;
    expect(
      spec({
        [BEHAVIOR_ANNOTATION]:
          '{"scaleDown":{"stabilizationWindowSeconds":30,"policies":[{"type":"Pods","value":2,"periodseconds":60}]}}',
      })['behavior'],
    ).toEqual({
      scaleDown: { stabilizationWindowSeconds: 30, policies: [{ type: 'Pods', value: 2, periodSeconds: 60 }] },
    });
    expect(spec({ [BEHAVIOR_ANNOTATION]: '{}' })['behavior']).toBeUndefined();
    expect(spec({ [BEHAVIOR_ANNOTATION]: '{"ScaleUp":{"Policies":[{"Value":"four"}]}}' })['behavior']).toBeUndefined();
    expect(spec({ [METRICS_ANNOTATION]: 'not json', [CONDITIONS_ANNOTATION]: '[{"type":1}]' })['metrics']).toEqual([
      cpu(50),
    ]);
    expect(
      hpaV1ToV2(v1({ [METRICS_ANNOTATION]: 'not json', [CONDITIONS_ANNOTATION]: '[{"type":1}]' })).metadata.annotations,
    ).toEqual({ keep: 'me' });
  });
});
