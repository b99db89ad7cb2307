import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../api/registry.ts';
import {
  DEFAULT_CALCULATOR,
  perPodReplicas,
  plainMetricReplicas,
  resourceUtilizationReplicas,
  usageRatioReplicas,
  type PodMetrics,
} from './replica-calculator.ts';

const now = new Date('2026-11-30T12:00:00Z');
const opts = { ...DEFAULT_CALCULATOR, now };
const longAgo = '2026-11-30T11:00:00Z';

function pod(name: string, phase = 'Running', ready = true): KubeObject {
  return {
    metadata: { name },
    spec: { containers: [{ name: 'c', resources: { requests: { cpu: '1' } } }] },
    status: {
      phase,
      startTime: longAgo,
      conditions: [{ type: 'Ready', status: ready ? 'True' : 'False', lastTransitionTime: longAgo }],
    },
  };
}

function samples(values: Record<string, number>): PodMetrics {
  return new Map(Object.entries(values).map(([k, v]) => [k, { value: v, timestamp: now, windowMs: 30_000 }]));
}

const requests = (names: string[]): Map<string, number> => new Map(names.map((n) => [n, 1000]));

describe('the HPA replica calculator', () => {
  it('scales up on CPU utilization: 1500m of 3000m at a 30 % target -> 5 replicas, 50 %', () => {
    const pods = [pod('a'), pod('b'), pod('c')];
    const r = resourceUtilizationReplicas(
      3,
      30,
      'cpu',
      pods,
      samples({ a: 300, b: 500, c: 700 }),
      requests(['a', 'b', 'c']),
      opts,
    );
    expect(r).toEqual({ replicas: 5, usage: 50, rawAverage: 500 });
  });

  it('keeps the count within the 10 % tolerance', () => {
    const pods = [pod('a'), pod('b')];
    expect(
      resourceUtilizationReplicas(2, 50, 'cpu', pods, samples({ a: 520, b: 530 }), requests(['a', 'b']), opts).replicas,
    ).toBe(2);
  });

  it('counts a Pending pod as 0 on a scale-up (unready rebalancing)', () => {
    const pods = [pod('a'), pod('b'), pod('p', 'Pending')];
    const r = resourceUtilizationReplicas(
      3,
      30,
      'cpu',
      pods,
      samples({ a: 500, b: 700 }),
      requests(['a', 'b', 'p']),
      opts,
    );
    expect(r.replicas).toBe(4);
    expect(r.usage).toBe(60);
  });

  it('counts a pod without a sample as 100 % of its request on a scale-down', () => {
    const pods = [pod('a'), pod('b'), pod('c'), pod('m')];
    const r = resourceUtilizationReplicas(
      4,
      50,
      'cpu',
      pods,
      samples({ a: 100, b: 100, c: 100 }),
      requests(['a', 'b', 'c', 'm']),
      opts,
    );
    expect(r.replicas).toBe(3);
  });

  it('ignores pods being deleted and Failed pods', () => {
    const deleting = { ...pod('d'), metadata: { name: 'd', deletionTimestamp: longAgo } };
    const pods = [pod('a'), deleting, pod('f', 'Failed')];
    const r = plainMetricReplicas(1, 30_000, pods, samples({ a: 60_000, d: 0, f: 0 }), undefined, opts);
    expect(r.replicas).toBe(2);
  });

  it('does not change when filling in missing pods flips the direction', () => {
    // 2 pods at 2x target, 2 missing: scale-up fills 0 -> ratio 1.0 -> no change.
    const pods = [pod('a'), pod('b'), pod('m1'), pod('m2')];
    expect(plainMetricReplicas(4, 10_000, pods, samples({ a: 20_000, b: 20_000 }), undefined, opts).replicas).toBe(4);
  });

  it('fails when no ready pod has a sample, and when the selector matched nothing', () => {
    expect(() => plainMetricReplicas(1, 1000, [pod('p', 'Pending')], samples({}), undefined, opts)).toThrow(
      'did not receive metrics for any ready pods',
    );
    expect(() => plainMetricReplicas(1, 1000, [], samples({}), undefined, opts)).toThrow(
      'no pods returned by selector',
    );
  });

  it('scales Value targets by the ready pods and AverageValue targets by status replicas', () => {
    const pods = [pod('a'), pod('b'), pod('c', 'Running', false)];
    expect(usageRatioReplicas(3, 300_000, 100_000, pods, 0.1).replicas).toBe(6);
    expect(usageRatioReplicas(0, 250_000, 100_000, pods, 0.1).replicas).toBe(3);
    expect(perPodReplicas(2, 150_000, 30_000, 0.1)).toEqual({ replicas: 5, usage: 75_000 });
    expect(perPodReplicas(5, 152_000, 30_000, 0.1)).toEqual({ replicas: 5, usage: 30_400 });
  });
});
