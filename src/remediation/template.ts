import { valueAt } from '../util/value-at.ts';
import type { Trigger } from './actions/types.ts';

/**
 * "{{alert.labels.pod_name}} scaled" -> "ruoyi-system-7f49 scaled". Paths walk the trigger view
 * (alert.*, failure.*, target.*, scheduledAt, now); a missing path renders as an empty string, so a
 * message never fails for a label an alert does not carry. Objects render as JSON.
 */
export function renderTemplate(template: string, view: Record<string, unknown>): string {
  return template.replace(/\{\{\s*([A-Za-z0-9_.-]+)\s*\}\}/g, (_m, path: string) => {
    const cur = valueAt(view, path.split('.'));
    if (cur === undefined || cur === null) return '';
    return typeof cur === 'object' ? JSON.stringify(cur) : String(cur);
  });
}

/** The values templates can use for a trigger. */
export function triggerView(trigger: Trigger, extra: Record<string, unknown> = {}): Record<string, unknown> {
  const base: Record<string, unknown> = { now: new Date().toISOString(), trigger: trigger.kind, ...extra };
  if (trigger.kind === 'alert') base.alert = trigger.alert;
  if (trigger.kind === 'failure') base.failure = trigger.failure;
  if (trigger.kind === 'schedule') base.scheduledAt = new Date(trigger.scheduledAt).toISOString();
  return base;
}
