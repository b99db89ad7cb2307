import type { JsonValue } from './api.ts';
import type { MessageKey } from './i18n.ts';
import type {
  ActionState,
  AlertSeverity,
  AlertSource,
  AlertState,
  AlertStatus,
  ScheduleRunState,
  TriggerKind,
} from './remediation-api.ts';

export const sourceKey: Record<AlertSource, MessageKey> = {
  guance: 'source.guance',
  alertmanager: 'source.alertmanager',
  grafana: 'source.grafana',
  generic: 'source.generic',
};

export const alertStatusKey: Record<AlertStatus | 'any', MessageKey> = {
  firing: 'alert.status.firing',
  resolved: 'alert.status.resolved',
  any: 'alert.status.any',
};

export const severityKey: Record<AlertSeverity, MessageKey> = {
  critical: 'alert.severity.critical',
  error: 'alert.severity.error',
  warning: 'alert.severity.warning',
  info: 'alert.severity.info',
};

export const alertStateKey: Record<AlertState, MessageKey> = {
  pending: 'alert.state.pending',
  done: 'alert.state.done',
};

export const actionStateKey: Record<ActionState, MessageKey> = {
  running: 'action.state.running',
  succeeded: 'action.state.succeeded',
  failed: 'action.state.failed',
  skipped: 'action.state.skipped',
  interrupted: 'action.state.interrupted',
};

export const triggerKey: Record<TriggerKind, MessageKey> = {
  alert: 'trigger.alert',
  failure: 'trigger.failure',
  schedule: 'trigger.schedule',
};

export const runStateKey: Record<ScheduleRunState, MessageKey> = {
  running: 'run.running',
  done: 'run.done',
  missed: 'run.missed',
};

/** A JSON value on one line: strings as they are, everything else as JSON. */
export function jsonText(v: JsonValue | undefined): string {
  if (v === undefined) return '';
  return typeof v === 'string' ? v : JSON.stringify(v);
}

/** A positive integer from a query parameter, else undefined. */
export function positiveId(raw: string | null): number | undefined {
  const n = Number(raw);
  return raw !== null && Number.isInteger(n) && n > 0 ? n : undefined;
}
