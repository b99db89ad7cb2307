import { describe, expect, it } from 'vitest';
import { ScalingHistory } from './behavior.ts';

const T0 = Date.parse('2026-11-30T12:00:00Z');
const s = (seconds: number): number => T0 + seconds * 1000;

describe('HPA scaling behavior', () => {
  it('without behavior: scale-up limited to max(2x, 4) and clamped to maxReplicas', () => {
    const h = new ScalingHistory();
    h.initialize('k', 1, s(0));
    expect(h.normalize('k', 1, 10, 1, 10, s(0))).toMatchObject({
      replicas: 4,
      limited: true,
      limitReason: 'ScaleUpLimit',
    });
    expect(h.normalize('k', 4, 10, 1, 10, s(15))).toMatchObject({
      replicas: 8,
      limited: true,
      limitReason: 'ScaleUpLimit',
    });
    expect(h.normalize('k', 8, 30, 1, 10, s(30))).toMatchObject({ replicas: 10, limitReason: 'TooManyReplicas' });
  });

  it('without behavior: scale-down holds the highest recommendation of the last 5 minutes', () => {
    const h = new ScalingHistory(300_000);
    h.initialize('k', 10, s(0));
    expect(h.normalize('k', 10, 2, 1, 10, s(60))).toMatchObject({ replicas: 10, ableReason: 'ScaleDownStabilized' });
    expect(h.normalize('k', 10, 2, 1, 10, s(290))).toMatchObject({ replicas: 10 });
    expect(h.normalize('k', 10, 2, 1, 10, s(301))).toMatchObject({
      replicas: 2,
      ableReason: 'ReadyForNewScale',
      limitReason: 'DesiredWithinRange',
    });
    expect(h.normalize('k', 2, 0, 0, 10, s(700))).toMatchObject({ replicas: 1, limitReason: 'TooFewReplicas' });
  });

  it('default policies: Pods 4 or Percent 100 per 15 s, whichever allows more', () => {
    const h = new ScalingHistory();
    h.initialize('k', 2, s(0));
    const behavior = { scaleUp: {}, scaleDown: { stabilizationWindowSeconds: 0 } };
    expect(h.normalizeWithBehavior('k', behavior, 2, 20, 1, 20, s(0))).toMatchObject({
      replicas: 6,
      limitReason: 'ScaleUpLimit',
    });
    h.recordScale('k', 2, 6, s(0));
    // Within the same 15 s period the 4 added pods count against the budget.
    expect(h.normalizeWithBehavior('k', behavior, 6, 20, 1, 20, s(5))).toMatchObject({ replicas: 6 });
    expect(h.normalizeWithBehavior('k', behavior, 6, 20, 1, 20, s(16))).toMatchObject({ replicas: 12 });
  });

  it('scale-down policy and window from behavior; Disabled never scales that way', () => {
    const h = new ScalingHistory();
    h.initialize('k', 10, s(0));
    const oneAMinute = {
      scaleDown: { stabilizationWindowSeconds: 0, policies: [{ type: 'Pods' as const, value: 1, periodSeconds: 60 }] },
    };
    expect(h.normalizeWithBehavior('k', oneAMinute, 10, 1, 1, 10, s(400))).toMatchObject({
      replicas: 9,
      limitReason: 'ScaleDownLimit',
    });
    const disabled = { scaleDown: { stabilizationWindowSeconds: 0, selectPolicy: 'Disabled' as const } };
    expect(h.normalizeWithBehavior('k2', disabled, 10, 1, 1, 10, s(0)).replicas).toBe(10);
  });

  it('a scale-up stabilization window takes the lowest recent recommendation', () => {
    const h = new ScalingHistory();
    h.initialize('k', 3, s(0));
    const behavior = { scaleUp: { stabilizationWindowSeconds: 60 }, scaleDown: { stabilizationWindowSeconds: 0 } };
    expect(h.normalizeWithBehavior('k', behavior, 3, 8, 1, 10, s(10))).toMatchObject({
      replicas: 3,
      ableReason: 'ScaleUpStabilized',
    });
    expect(h.normalizeWithBehavior('k', behavior, 3, 8, 1, 10, s(75))).toMatchObject({ replicas: 7 });
  });
});
