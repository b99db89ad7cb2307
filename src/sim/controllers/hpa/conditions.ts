import { asObject } from '../../../util/deep-equal.ts';

type Obj = Record<string, unknown>;

/**
 * HPA status conditions updated as the controller's setCondition does: in place by type, the
 * transition time moving only when the status changes; new types in AbleToScale, ScalingActive,
 * ScalingLimited order of first appearance.
 */
export class Conditions {
  private readonly items: Obj[];

  constructor(
    existing: unknown,
    private readonly now: string,
  ) {
    this.items = Array.isArray(existing) ? existing.map((c) => ({ ...asObject(c) })) : [];
  }

  set(type: string, status: 'True' | 'False', reason: string, message: string): void {
    const found = this.items.find((c) => c['type'] === type);
    if (!found) {
      this.items.push({ type, status, lastTransitionTime: this.now, reason, message });
      return;
    }
    if (found['status'] !== status) found['lastTransitionTime'] = this.now;
    found['status'] = status;
    found['reason'] = reason;
    found['message'] = message;
  }

  list(): Obj[] {
    return this.items.map((c) => ({ ...c }));
  }
}
