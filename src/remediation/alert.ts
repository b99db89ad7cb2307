import type { JsonValue } from '../store/index.ts';

/**
 * The one shape every alert source is parsed into (src/remediation/sources/*). Playbook triggers
 * match on it, the store keeps it, the UI shows it. Times are epoch milliseconds.
 */
export const alertSources = ['guance', 'alertmanager', 'grafana', 'generic'] as const;
export type AlertSource = (typeof alertSources)[number];

export const alertStatuses = ['firing', 'resolved'] as const;
export type AlertStatus = (typeof alertStatuses)[number];

export const alertSeverities = ['critical', 'error', 'warning', 'info'] as const;
export type AlertSeverity = (typeof alertSeverities)[number];

export interface Alert {
  source: AlertSource;
  /**
   * The source's identity of this alert occurrence; the same id arriving again is a duplicate
   * (acknowledged, not processed again). guance: df_event_id; alertmanager: fingerprint + startsAt;
   * grafana: fingerprint + startsAt; generic: the `id` field, else a hash of labels + startsAt.
   */
  id: string;
  status: AlertStatus;
  severity: AlertSeverity;
  /** Label values as strings: what triggers match and what finds the target (namespace, pod...). */
  labels: Record<string, string>;
  annotations: Record<string, string>;
  /** A one-line human title (guance df_title, alertname + summary...), for the UI and messages. */
  title: string;
  startsAt?: number;
  endsAt?: number;
  /** This alert's own part of the request body (one alert of an Alertmanager group). */
  raw: JsonValue;
}

/** A request body that does not parse: the field path (`alerts[0].labels`) and why. */
export class AlertParseError extends Error {
  constructor(
    readonly path: string,
    readonly reason: string,
  ) {
    super(`${path || '(body)'}: ${reason}`);
    this.name = 'AlertParseError';
  }
}

/** A source parser: the whole request body in, one or more alerts out, or an AlertParseError thrown. */
export type AlertParser = (body: unknown) => Alert[];
