import type { ActionRecord, AlertLink, AlertRow } from '../store/index.ts';
import { iso } from '../http/validate.ts';
import type { Playbook } from './playbooks/schema.ts';

export function actionView(a: ActionRecord): Record<string, unknown> {
  return {
    id: a.id,
    playbook: a.playbook,
    action: a.action,
    state: a.state,
    dryRun: a.dryRun,
    mutates: a.mutates,
    trigger: { kind: a.triggerKind, alertId: a.alertId, failureId: a.failureId, scheduledAt: iso(a.scheduledAt) },
    target: a.targetKind
      ? { namespace: a.namespace, kind: a.targetKind, name: a.targetName }
      : a.namespace
        ? { namespace: a.namespace }
        : null,
    summary: a.summary,
    before: a.before,
    after: a.after,
    detail: a.detail,
    error: a.error,
    spec: a.spec,
    startedAt: iso(a.startedAt),
    finishedAt: iso(a.finishedAt),
  };
}

export function alertView(a: AlertRow): Record<string, unknown> {
  return {
    id: a.id,
    source: a.source,
    alertId: a.alertId,
    status: a.status,
    severity: a.severity,
    title: a.title,
    labels: a.labels,
    annotations: a.annotations,
    startsAt: iso(a.startsAt),
    endsAt: iso(a.endsAt),
    receivedAt: iso(a.receivedAt),
    state: a.state,
    duplicates: a.duplicates,
    linkId: a.linkId,
  };
}

export function linkView(l: AlertLink): Record<string, unknown> {
  return {
    name: l.name,
    source: l.source,
    createdAt: iso(l.createdAt),
    revokedAt: iso(l.revokedAt),
    lastUsedAt: iso(l.lastUsedAt),
    active: l.revokedAt === null,
  };
}

/** A playbook as the UI shows it: the trigger and the actions with their parameters. */
export function playbookView(p: Playbook): Record<string, unknown> {
  const trigger =
    'alert' in p.trigger
      ? {
          kind: 'alert',
          ...p.trigger.alert,
          matchers: p.trigger.alert.matchers.map((m) => `${m.name}${m.op}"${m.value}"`),
        }
      : 'failure' in p.trigger
        ? { kind: 'failure', ...p.trigger.failure }
        : { kind: 'schedule', ...p.trigger.schedule };
  return {
    name: p.name,
    description: p.description ?? null,
    trigger,
    conditions: p.conditions.map((m) => `${m.name}${m.op}"${m.value}"`),
    dryRun: p.dryRun ?? null,
    cooldownSeconds: p.cooldown === undefined ? null : p.cooldown / 1000,
    actions: p.actions,
  };
}
