import { z } from 'zod';
import { alertStatuses, type Alert } from '../alert.ts';
import { labelMap, labelSeverity, occurrenceId, rfc3339, textMap, toJson } from './common.ts';
import { describeValue, parseAt } from './zod-path.ts';

/**
 * What Alertmanager (webhook payload version 4) and Grafana's webhook contact point have in common:
 * a group notification whose `alerts` each describe one alert. Grafana's payload is Alertmanager's
 * plus a few fields, so both parsers share the element schema and the mapping.
 */

/** The group envelope: `alerts` is checked element by element so each Alert keeps its own raw JSON. */
export const alertList = z.array(z.unknown()).min(1, 'expected at least one alert in `alerts`');

export const groupedAlertSchema = z.looseObject({
  status: z.enum(alertStatuses, { error: (iss) => `expected "firing" or "resolved", got ${describeValue(iss.input)}` }),
  labels: labelMap,
  // Go marshals a nil map as null: treat it as empty rather than rejecting the notification.
  annotations: textMap.nullish(),
  startsAt: rfc3339,
  endsAt: rfc3339.nullish(),
  fingerprint: z.string().min(1, 'expected a non-empty fingerprint'),
});

export type GroupedAlertFields = z.output<typeof groupedAlertSchema>;

/**
 * One group element as an Alert. id = fingerprint@startsAt (epoch ms): the fingerprint names the
 * label set, startsAt the occurrence, so Alertmanager's repeat notifications are duplicates while a
 * new firing of the same rule is not.
 */
export function groupedAlert(
  source: 'alertmanager' | 'grafana',
  a: GroupedAlertFields,
  raw: unknown,
  extraAnnotations: Record<string, string> = {},
): Alert {
  const annotations = { ...(a.annotations ?? {}), ...extraAnnotations };
  const summary = annotations.summary;
  // A firing alert's endsAt is only the "resolve unless refreshed" deadline Prometheus sets a few
  // evaluation intervals ahead, not an end: kept for resolved alerts only (as for guance).
  const endsAt = a.status === 'resolved' ? a.endsAt : undefined;
  return {
    source,
    id: occurrenceId(`${a.fingerprint}@${a.startsAt ?? 0}`, a.status),
    status: a.status,
    severity: labelSeverity(a.labels.severity),
    labels: a.labels,
    annotations,
    title: `${a.labels.alertname ?? 'alert'}${summary ? `: ${summary}` : ''}`,
    ...(a.startsAt !== undefined && { startsAt: a.startsAt }),
    ...(endsAt != null && { endsAt }),
    raw: toJson(raw),
  };
}

/** Parses every element (the first bad one fails the whole body: no half-parsed groups). */
export function parseGroupElements<S extends z.ZodType<GroupedAlertFields>>(
  alerts: readonly unknown[],
  schema: S,
  toAlert: (a: z.output<S>, raw: unknown) => Alert,
): Alert[] {
  const parsed = alerts.map((raw, i) => ({ fields: parseAt(schema, raw, ['alerts', i]), raw }));
  return parsed.map(({ fields, raw }) => toAlert(fields, raw));
}
