import type { Alert } from '../alert.ts';
import type { FailureTrigger, Trigger } from '../actions/types.ts';
import type { LabelMatcher, Playbook } from './schema.ts';

export function matchesLabel(m: LabelMatcher, labels: Record<string, string>): boolean {
  const v = labels[m.name] ?? '';
  switch (m.op) {
    case '=':
      return v === m.value;
    case '!=':
      return v !== m.value;
    case '=~':
      return m.regex?.test(v) ?? false;
    case '!~':
      return !(m.regex?.test(v) ?? false);
  }
}

/** A failure as labels, so playbook conditions read the same for alerts and failures. */
export function failureLabels(f: FailureTrigger): Record<string, string> {
  return {
    namespace: f.namespace,
    pod: f.pod,
    workload: f.workloadName,
    kind: f.workloadKind,
    reason: f.reason,
    ...(f.container ? { container: f.container } : {}),
    ...(f.node ? { node: f.node } : {}),
  };
}

function alertMatches(p: Playbook, a: Alert): boolean {
  if (!('alert' in p.trigger)) return false;
  const t = p.trigger.alert;
  if (t.source && !t.source.includes(a.source)) return false;
  if (t.status !== 'any' && t.status !== a.status) return false;
  if (t.severity && !t.severity.includes(a.severity)) return false;
  for (const [k, v] of Object.entries(t.labels)) if (a.labels[k] !== v) return false;
  return t.matchers.every((m) => matchesLabel(m, a.labels));
}

function failureMatches(p: Playbook, f: FailureTrigger): boolean {
  if (!('failure' in p.trigger)) return false;
  const t = p.trigger.failure;
  if (t.reasons && !t.reasons.includes(f.reason)) return false;
  if (t.namespaces && !t.namespaces.includes(f.namespace)) return false;
  return !t.workloads || t.workloads.includes(f.workloadName);
}

/** Does this playbook run for this trigger (its trigger kind and filters, then its conditions)? */
export function playbookMatches(p: Playbook, trigger: Trigger): boolean {
  if (trigger.kind === 'schedule') return 'schedule' in p.trigger;
  // Conditions see the alert's severity, source and status too (its own labels win on a clash).
  const labels =
    trigger.kind === 'alert'
      ? {
          severity: trigger.alert.severity,
          source: trigger.alert.source,
          status: trigger.alert.status,
          ...trigger.alert.labels,
        }
      : failureLabels(trigger.failure);
  const ok = trigger.kind === 'alert' ? alertMatches(p, trigger.alert) : failureMatches(p, trigger.failure);
  return ok && p.conditions.every((m) => matchesLabel(m, labels));
}
