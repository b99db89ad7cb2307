/**
 * The remediation API's shapes (src/remediation/views.ts and routes.ts): alerts received through
 * alert links, the audit log of actions, playbooks, and the links themselves. Times are RFC 3339.
 */
import { fetchJson, type JsonValue } from './api.ts';

export const ALERT_SOURCES = ['guance', 'alertmanager', 'grafana', 'generic'] as const;
export type AlertSource = (typeof ALERT_SOURCES)[number];
export type AlertStatus = 'firing' | 'resolved';
export type AlertSeverity = 'critical' | 'error' | 'warning' | 'info';
export type AlertState = 'pending' | 'done';

export const ACTION_STATES = ['running', 'succeeded', 'failed', 'skipped', 'interrupted'] as const;
export type ActionState = (typeof ACTION_STATES)[number];
export type TriggerKind = 'alert' | 'failure' | 'schedule';

/** A list endpoint's answer: one page and the number of matches over all pages. */
export interface ListPage<T> {
  items: T[];
  total: number;
}

export interface ActionTrigger {
  kind: TriggerKind;
  alertId: number | null;
  failureId: number | null;
  scheduledAt: string | null;
}

/** What the action worked on: a workload (or pod, node...) in a namespace, or just a namespace. */
export interface ActionTarget {
  namespace: string | null;
  kind?: string;
  name?: string | null;
}

/** One audit record: written before the action runs, completed after. */
export interface Action {
  id: number;
  playbook: string;
  action: string;
  state: ActionState;
  dryRun: boolean;
  mutates: boolean;
  trigger: ActionTrigger;
  target: ActionTarget | null;
  summary: string | null;
  before: JsonValue;
  after: JsonValue;
  /** `{ acted?, result? }`; capture_logs puts the captured text in `result.text`. */
  detail: JsonValue;
  error: string | null;
  /** The action as the playbook wrote it, defaults filled in. */
  spec: JsonValue;
  startedAt: string;
  finishedAt: string | null;
}

export interface Alert {
  id: number;
  source: AlertSource;
  /** The source's own id of this occurrence (Guance df_event_id, Alertmanager fingerprint...). */
  alertId: string;
  status: AlertStatus;
  severity: AlertSeverity;
  title: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: string | null;
  endsAt: string | null;
  receivedAt: string;
  state: AlertState;
  duplicates: number;
  linkId: number | null;
}

export interface AlertDetail extends Alert {
  raw: JsonValue;
  /** The actions this alert caused. */
  actions: Action[];
}

export type PlaybookTrigger =
  | {
      kind: 'alert';
      source?: AlertSource[];
      status: AlertStatus | 'any';
      labels: Record<string, string>;
      matchers: string[];
      severity?: AlertSeverity[];
    }
  | { kind: 'failure'; reasons?: string[]; namespaces?: string[]; workloads?: string[] }
  | { kind: 'schedule'; cron: string; timezone?: string };

/** `{ action: 'scale_out', max: 5, step: 1 }`: the action's name beside its parameters. */
export interface PlaybookAction {
  action: string;
  [param: string]: JsonValue;
}

export type ScheduleRunState = 'running' | 'done' | 'missed';

export interface Playbook {
  name: string;
  description: string | null;
  trigger: PlaybookTrigger;
  conditions: string[];
  /** null: the global remediation.dryRun applies. */
  dryRun: boolean | null;
  /** null: the global remediation.cooldown applies. */
  cooldownSeconds: number | null;
  actions: PlaybookAction[];
  recentRuns: Array<{ scheduledAt: string; state: ScheduleRunState }>;
}

export interface AlertLink {
  name: string;
  source: AlertSource;
  createdAt: string;
  revokedAt: string | null;
  lastUsedAt: string | null;
  active: boolean;
}

/** The answer to creating a link: the only time its token (and so its URL) is ever shown. */
export interface CreatedLink extends AlertLink {
  token: string;
  path: string;
}

export function createLink(input: { name: string; source: AlertSource }): Promise<CreatedLink> {
  return fetchJson('/api/v1/links', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(input),
  });
}

export async function revokeLink(name: string): Promise<void> {
  await fetchJson<null>(`/api/v1/links/${encodeURIComponent(name)}`, { method: 'DELETE' });
}

/** The text capture_logs stored in `detail.result`, when there is any. */
export function capturedLogs(detail: JsonValue): { text: string; truncated: boolean } | null {
  const result = field(detail, 'result');
  const text = field(result, 'text');
  return typeof text === 'string' ? { text, truncated: field(result, 'truncated') === true } : null;
}

/** `v[key]` when v is a JSON object. */
export function field(v: JsonValue | undefined, key: string): JsonValue | undefined {
  return isObject(v) ? v[key] : undefined;
}

export function isObject(v: JsonValue | undefined): v is { [key: string]: JsonValue } {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
