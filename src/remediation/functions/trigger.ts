import type { Trigger } from '../actions/types.ts';
import type { FunctionTrigger } from './api.ts';

/**
 * The trigger as plain identifiers for `ctx.trigger`: only structured-clonable data crosses into
 * the worker, and the alert travels separately (as `ctx.alert`) rather than twice.
 */
export function describeTrigger(trigger: Trigger): FunctionTrigger {
  switch (trigger.kind) {
    case 'alert':
      return { kind: 'alert', alertRowId: trigger.alertRowId, alertId: trigger.alert.id, source: trigger.alert.source };
    case 'failure': {
      const f = trigger.failure;
      return {
        kind: 'failure',
        failureId: f.id,
        namespace: f.namespace,
        pod: f.pod,
        ...(f.container !== undefined ? { container: f.container } : {}),
        ...(f.node !== undefined ? { node: f.node } : {}),
        workloadKind: f.workloadKind,
        workloadName: f.workloadName,
        reason: f.reason,
      };
    }
    case 'schedule':
      return { kind: 'schedule', scheduledAt: trigger.scheduledAt };
  }
}
