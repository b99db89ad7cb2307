import { z } from 'zod';
import type { AlertParser } from '../alert.ts';
import { alertList, groupedAlert, groupedAlertSchema, parseGroupElements } from './grouped.ts';
import { describeValue, parseBody } from './zod-path.ts';

/**
 * Prometheus Alertmanager's webhook_config payload, version "4":
 *
 *   { "version": "4", "groupKey": "...", "truncatedAlerts": 0, "status": "firing", "receiver": "...",
 *     "groupLabels": {...}, "commonLabels": {...}, "commonAnnotations": {...}, "externalURL": "...",
 *     "alerts": [ { "status", "labels", "annotations", "startsAt", "endsAt", "generatorURL", "fingerprint" } ] }
 *
 * One Alert per element of `alerts`. The group-level fields are not read: each element carries its
 * own full label set, and the common/group ones are derived from them.
 */
const bodySchema = z.looseObject({
  // The version is Alertmanager's promise about the shape; another one may move the fields we read.
  version: z.literal('4', {
    error: (iss) =>
      `expected "4" (the Alertmanager webhook payload version this parser reads), got ${describeValue(iss.input)}`,
  }),
  alerts: alertList,
});

export const parseAlertmanager: AlertParser = (body) => {
  const { alerts } = parseBody(bodySchema, body);
  return parseGroupElements(alerts, groupedAlertSchema, (a, raw) => groupedAlert('alertmanager', a, raw));
};
