/**
 * How the HPA turns a raw recommendation into the replicas it sets: stabilization windows and
 * scaling policies (horizontal.go normalizeDesiredReplicas / ...WithBehaviors). State (recent
 * recommendations and scale events) is kept per HPA key in memory, as kube-controller-manager does.
 */

export interface ScalingPolicy {
  type: 'Pods' | 'Percent';
  value: number;
  periodSeconds: number;
}

export interface ScalingRules {
  stabilizationWindowSeconds?: number;
  selectPolicy?: 'Max' | 'Min' | 'Disabled';
  policies?: ScalingPolicy[];
}

export interface Behavior {
  scaleUp?: ScalingRules;
  scaleDown?: ScalingRules;
}

export interface Limited {
  replicas: number;
  /** AbleToScale reason when stabilization changed the recommendation, else ReadyForNewScale. */
  ableReason: string;
  ableMessage: string;
  /** ScalingLimited is True when the limit moved the stabilized recommendation. */
  limited: boolean;
  limitReason: string;
  limitMessage: string;
}

interface Timestamped {
  value: number;
  at: number;
}

/** API defaults of autoscaling/v2 behavior (the scale-down window falls back to the controller's 300 s). */
export const DEFAULT_SCALE_UP: Required<ScalingRules> = {
  stabilizationWindowSeconds: 0,
  selectPolicy: 'Max',
  policies: [
    { type: 'Pods', value: 4, periodSeconds: 15 },
    { type: 'Percent', value: 100, periodSeconds: 15 },
  ],
};
export const DEFAULT_SCALE_DOWN: Required<ScalingRules> = {
  stabilizationWindowSeconds: 300,
  selectPolicy: 'Max',
  policies: [{ type: 'Percent', value: 100, periodSeconds: 15 }],
};

const STABILIZED_UP = [
  'ScaleUpStabilized',
  'recent recommendations were lower than current one, applying the lowest recent recommendation',
] as const;
const STABILIZED_DOWN = [
  'ScaleDownStabilized',
  'recent recommendations were higher than current one, applying the highest recent recommendation',
] as const;
const READY = ['ReadyForNewScale', 'recommended size matches current size'] as const;
const WITHIN = ['DesiredWithinRange', 'the desired count is within the acceptable range'] as const;

export class ScalingHistory {
  private readonly recommendations = new Map<string, Timestamped[]>();
  private readonly scaleUps = new Map<string, Timestamped[]>();
  private readonly scaleDowns = new Map<string, Timestamped[]>();

  constructor(private readonly downscaleStabilizationMs = 300_000) {}

  forget(key: string): void {
    this.recommendations.delete(key);
    this.scaleUps.delete(key);
    this.scaleDowns.delete(key);
  }

  /** recordInitialRecommendation: the first sync remembers the current size. */
  initialize(key: string, current: number, now: number): void {
    if (!this.recommendations.has(key)) this.recommendations.set(key, [{ value: current, at: now }]);
  }

  recordScale(key: string, from: number, to: number, now: number): void {
    const map = to > from ? this.scaleUps : this.scaleDowns;
    const list = map.get(key) ?? [];
    list.push({ value: Math.abs(to - from), at: now });
    // Events older than any policy period no longer matter; an hour bounds the list.
    map.set(
      key,
      list.filter((e) => e.at > now - 3_600_000),
    );
  }

  /** Without a behavior field: max over the scale-down window, then max(2x, 4) up and min/max clamps. */
  normalize(key: string, current: number, desired: number, min: number, max: number, now: number): Limited {
    const list = this.recommendations.get(key) ?? [];
    const cutoff = now - this.downscaleStabilizationMs;
    let stabilized = desired;
    for (const r of list) if (r.at >= cutoff && r.value > stabilized) stabilized = r.value;
    this.remember(key, desired, now, cutoff);
    const [ableReason, ableMessage] = stabilized !== desired ? STABILIZED_DOWN : READY;
    const scaleUpLimit = Math.max(2 * current, 4);
    const [upReason, upMessage] =
      max > scaleUpLimit
        ? ['ScaleUpLimit', 'the desired replica count is increasing faster than the maximum scale rate']
        : ['TooManyReplicas', 'the desired replica count is more than the maximum replica count'];
    const maxAllowed = Math.min(max, scaleUpLimit);
    const minAllowed = min === 0 ? 1 : min;
    let replicas = stabilized;
    let limit: readonly [string, string] = WITHIN;
    if (stabilized < minAllowed) {
      replicas = minAllowed;
      limit = ['TooFewReplicas', 'the desired replica count is less than the minimum replica count'];
    } else if (stabilized > maxAllowed) {
      replicas = maxAllowed;
      limit = [upReason, upMessage];
    }
    return {
      replicas,
      ableReason,
      ableMessage,
      limited: replicas !== stabilized,
      limitReason: limit[0],
      limitMessage: limit[1],
    };
  }

  /** With a behavior field: both stabilization windows, then the rate policies. */
  normalizeWithBehavior(
    key: string,
    behavior: Behavior,
    current: number,
    desired: number,
    min: number,
    max: number,
    now: number,
  ): Limited {
    const up = { ...DEFAULT_SCALE_UP, ...behavior.scaleUp };
    const down = { ...DEFAULT_SCALE_DOWN, ...behavior.scaleDown };
    if (behavior.scaleDown?.stabilizationWindowSeconds === undefined)
      down.stabilizationWindowSeconds = this.downscaleStabilizationMs / 1000;
    const upCutoff = now - up.stabilizationWindowSeconds * 1000;
    const downCutoff = now - down.stabilizationWindowSeconds * 1000;
    let upRec = desired;
    let downRec = desired;
    for (const r of this.recommendations.get(key) ?? []) {
      if (r.at > upCutoff) upRec = Math.min(r.value, upRec);
      if (r.at > downCutoff) downRec = Math.max(r.value, downRec);
    }
    let stabilized = Math.max(current, upRec);
    stabilized = Math.min(stabilized, downRec);
    this.remember(key, desired, now, Math.min(upCutoff, downCutoff));
    const [ableReason, ableMessage] =
      stabilized !== desired ? (desired >= current ? STABILIZED_UP : STABILIZED_DOWN) : READY;
    const { replicas, reason, message } = this.rateLimit(key, up, down, current, stabilized, min, max, now);
    return {
      replicas,
      ableReason,
      ableMessage,
      limited: replicas !== stabilized,
      limitReason: reason,
      limitMessage: message,
    };
  }

  private remember(key: string, desired: number, now: number, obsoleteBefore: number): void {
    const list = (this.recommendations.get(key) ?? []).filter((r) => r.at >= obsoleteBefore);
    list.push({ value: desired, at: now });
    this.recommendations.set(key, list);
  }

  private changeInPeriod(events: Timestamped[] | undefined, periodSeconds: number, now: number): number {
    const cutoff = now - periodSeconds * 1000;
    let sum = 0;
    for (const e of events ?? []) if (e.at > cutoff) sum += e.value;
    return sum;
  }

  private periodStart(key: string, current: number, periodSeconds: number, now: number): number {
    return (
      current -
      this.changeInPeriod(this.scaleUps.get(key), periodSeconds, now) +
      this.changeInPeriod(this.scaleDowns.get(key), periodSeconds, now)
    );
  }

  private rateLimit(
    key: string,
    up: Required<ScalingRules>,
    down: Required<ScalingRules>,
    current: number,
    desired: number,
    min: number,
    max: number,
    now: number,
  ): { replicas: number; reason: string; message: string } {
    if (desired > current) {
      let limit: number;
      if (up.selectPolicy === 'Disabled') limit = current;
      else {
        const proposals = up.policies.map((p) => {
          const start = this.periodStart(key, current, p.periodSeconds, now);
          return p.type === 'Pods' ? start + p.value : Math.ceil(start * (1 + p.value / 100));
        });
        limit =
          proposals.length === 0
            ? current
            : up.selectPolicy === 'Min'
              ? Math.min(...proposals)
              : Math.max(...proposals);
      }
      limit = Math.max(limit, current);
      const [reason, message] =
        max > limit
          ? ['ScaleUpLimit', 'the desired replica count is increasing faster than the maximum scale rate']
          : ['TooManyReplicas', 'the desired replica count is more than the maximum replica count'];
      const allowed = Math.min(max, limit);
      if (desired > allowed) return { replicas: allowed, reason, message };
    } else if (desired < current) {
      let limit: number;
      if (down.selectPolicy === 'Disabled') limit = current;
      else {
        const proposals = down.policies.map((p) => {
          const start = this.periodStart(key, current, p.periodSeconds, now);
          return p.type === 'Pods' ? start - p.value : Math.trunc(start * (1 - p.value / 100));
        });
        limit =
          proposals.length === 0
            ? current
            : down.selectPolicy === 'Min'
              ? Math.max(...proposals)
              : Math.min(...proposals);
      }
      limit = Math.min(limit, current);
      const [reason, message] =
        min < limit
          ? ['ScaleDownLimit', 'the desired replica count is decreasing faster than the maximum scale rate']
          : ['TooFewReplicas', 'the desired replica count is less than the minimum replica count'];
      const allowed = Math.max(min, limit);
      if (desired < allowed) return { replicas: allowed, reason, message };
    }
    return { replicas: desired, reason: WITHIN[0], message: WITHIN[1] };
  }
}
