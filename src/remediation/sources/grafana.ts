import { z } from 'zod';
import type { AlertParser } from '../alert.ts';
import { alertList, groupedAlert, groupedAlertSchema, parseGroupElements } from './grouped.ts';
import { parseBody } from './zod-path.ts';

/**
 * Grafana (unified alerting) webhook contact point payload: Alertmanager's shape plus Grafana's own
 * fields.
 *
 *   { "receiver", "status", "orgId", "groupLabels", "commonLabels", "commonAnnotations", "externalURL",
 *     "version": "1", "groupKey", "truncatedAlerts", "title", "state", "message",
 *     "alerts": [ { "status", "labels", "annotations", "startsAt", "endsAt", "values", "generatorURL",
 *                   "fingerprint", "silenceURL", "dashboardURL", "panelURL", "imageURL" } ] }
 *
 * One Alert per element, mapped as for Alertmanager; the query values of the alert rule (`values`,
 * e.g. {"B": 44.2, "C": 1}) become annotations value_B, value_C so messages and functions see them.
 */
const bodySchema = z.looseObject({
  // Not pinned to "1" (unlike Alertmanager's "4"): the fields read here are the Alertmanager ones,
  // which Grafana has kept across its versions; a wrong shape still fails on `alerts`.
  version: z.string().nullish(),
  alerts: alertList,
});

const grafanaAlertSchema = groupedAlertSchema.extend({
  // Go marshals a rule without values as null.
  values: z.record(z.string(), z.number()).nullish(),
});

export const parseGrafana: AlertParser = (body) => {
  const { alerts } = parseBody(bodySchema, body);
  return parseGroupElements(alerts, grafanaAlertSchema, (a, raw) => {
    const values = Object.fromEntries(Object.entries(a.values ?? {}).map(([name, v]) => [`value_${name}`, String(v)]));
    return groupedAlert('grafana', a, raw, values);
  });
};
