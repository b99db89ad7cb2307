import { createHash } from 'node:crypto';
import { z } from 'zod';
import { alertSeverities, alertStatuses, type Alert, type AlertParser } from '../alert.ts';
import { labelValue, MAX_EPOCH_MS, occurrenceId, rfc3339Ms, textMap, toJson } from './common.ts';
import { describeValue, parseBody } from './zod-path.ts';

/**
 * Kubeloop's own format, for scripts and tools without a parser of their own (curl, CI jobs):
 *
 *   { "labels": { "alertname": "QueueBacklog", "namespace": "shop", "deployment": "worker" },
 *     "severity": "critical", "status": "firing", "title": "Queue backlog over 10k",
 *     "annotations": { "runbook": "https://..." }, "startsAt": "2024-05-01T12:00:00Z", "id": "optional" }
 *
 * Only `labels` is required: they are what triggers match and what finds the target workload.
 */

/** RFC 3339 text or epoch milliseconds. */
const time = z.unknown().transform((v, ctx) => {
  if (typeof v === 'string') {
    const ms = rfc3339Ms(v);
    if (ms !== null) return ms;
  } else if (typeof v === 'number' && Number.isFinite(v) && v >= 0) {
    // 1e11 ms is March 1973: a smaller number is almost surely epoch seconds, which would silently
    // date the alert in January 1970.
    if (v >= 1e11 && v <= MAX_EPOCH_MS) return Math.round(v);
    if (v > MAX_EPOCH_MS) {
      ctx.addIssue({ code: 'custom', message: `expected epoch milliseconds, got ${v} (after the year 9999)` });
      return z.NEVER;
    }
    ctx.addIssue({
      code: 'custom',
      message: `expected epoch milliseconds, got ${v} (epoch seconds? multiply by 1000)`,
    });
    return z.NEVER;
  }
  ctx.addIssue({
    code: 'custom',
    message: `expected an RFC 3339 time such as "2024-05-01T12:00:00Z" or epoch milliseconds, got ${describeValue(v)}`,
  });
  return z.NEVER;
});

const bodySchema = z.looseObject({
  id: z.string().min(1, 'expected a non-empty id').optional(),
  status: z
    .enum(alertStatuses, { error: (iss) => `expected "firing" or "resolved", got ${describeValue(iss.input)}` })
    .default('firing'),
  severity: z
    .enum(alertSeverities, {
      error: (iss) => `expected one of ${alertSeverities.join(', ')}, got ${describeValue(iss.input)}`,
    })
    .default('warning'),
  labels: z
    .record(z.string().min(1, 'expected non-empty label names'), labelValue)
    .refine((l) => Object.keys(l).length > 0, 'expected at least one label'),
  annotations: textMap.optional(),
  title: z.string().optional(),
  startsAt: time.optional(),
  endsAt: time.optional(),
});

/**
 * The default id: the same labels and startsAt give the same id, so a re-sent alert is a duplicate.
 * Labels are hashed after turning values into text and sorting names, so `{replicas: 3}` and
 * `{"replicas": "3"}` in any key order are one alert.
 */
function defaultId(labels: Record<string, string>, startsAt: number | undefined): string {
  const sorted = Object.fromEntries(Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  return createHash('sha256')
    .update(`${JSON.stringify(sorted)}@${startsAt ?? ''}`)
    .digest('hex')
    .slice(0, 16);
}

export const parseGeneric: AlertParser = (body) => {
  const g = parseBody(bodySchema, body);
  const alert: Alert = {
    source: 'generic',
    // An explicit id is the sender's identity, used as given; the default one is suffixed for resolved
    // notices like Alertmanager's (see occurrenceId).
    id: g.id ?? occurrenceId(defaultId(g.labels, g.startsAt), g.status),
    status: g.status,
    severity: g.severity,
    labels: g.labels,
    annotations: g.annotations ?? {},
    title: g.title || g.labels.alertname || 'alert',
    ...(g.startsAt !== undefined && { startsAt: g.startsAt }),
    ...(g.endsAt !== undefined && { endsAt: g.endsAt }),
    raw: toJson(body),
  };
  return [alert];
};
