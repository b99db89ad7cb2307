import { z } from 'zod';
import type { Alert, AlertParser, AlertSeverity, AlertStatus } from '../alert.ts';
import { labelValue, MAX_EPOCH_MS, scalarText, toJson } from './common.ts';
import { describeValue, parseBody } from './zod-path.ts';

/**
 * Guance Cloud (观测云) monitor webhook: one event per request, a flat object of df_* event fields
 * plus the monitor's group-by dimensions as top-level fields (namespace, pod_name, host...):
 *
 *   { "df_event_id": "event-2cfc...", "df_status": "warning", "df_title": "位于gc-dev中的Pod...",
 *     "df_dimension_tags": "{\"namespace\":\"gc-dev\",\"pod_name\":\"ruoyi-system-...\"}",
 *     "df_monitor_name": "弹性扩容demo操作", "df_issue_start_time": 1685630030, "date": 1685630030,
 *     "Result": 3.81, "namespace": "gc-dev", "pod_name": "ruoyi-system-...", ... }
 */

const statuses = ['ok', 'info', 'warning', 'error', 'critical', 'nodata'] as const;
type GuanceStatus = (typeof statuses)[number];

const mapping: Record<GuanceStatus, { status: AlertStatus; severity: AlertSeverity }> = {
  ok: { status: 'resolved', severity: 'info' },
  info: { status: 'firing', severity: 'info' },
  warning: { status: 'firing', severity: 'warning' },
  error: { status: 'firing', severity: 'error' },
  critical: { status: 'firing', severity: 'critical' },
  // No data is a problem of its own (the monitored thing may be gone), not a recovery.
  nodata: { status: 'firing', severity: 'warning' },
};

/** Top-level fields that are event metadata, not dimensions of the monitored object. */
const NOT_DIMENSIONS = new Set(['Result', 'date', 'timestamp', 'workspace_name', 'workspace_uuid']);

/** df_* fields copied into labels so triggers can pick a monitor (`df_monitor_name: 弹性扩容demo操作`). */
const LABELLED = [
  'df_monitor_id',
  'df_monitor_name',
  'df_monitor_checker_id',
  'df_monitor_checker_name',
  'df_monitor_type',
  'df_source',
] as const;

/**
 * Guance times are epoch seconds, as numbers or (through some forwarders) numeric strings. A value
 * too large to be seconds (after year 5000) is taken as already in milliseconds.
 */
const epochSeconds = z.unknown().transform((v, ctx) => {
  const n = typeof v === 'number' ? v : typeof v === 'string' && /^\d+(\.\d+)?$/.test(v.trim()) ? Number(v) : NaN;
  const ms = n >= 1e11 ? Math.round(n) : Math.round(n * 1000);
  if (Number.isFinite(n) && n >= 0 && ms <= MAX_EPOCH_MS) return ms;
  const tooLate = Number.isFinite(n) && n >= 0 ? ' (after the year 9999)' : '';
  ctx.addIssue({
    code: 'custom',
    message: `expected epoch seconds (a number or numeric string), got ${describeValue(v)}${tooLate}`,
  });
  return z.NEVER;
});

/** df_dimension_tags is an object serialised into a string; its values become label text. */
const dimensionTags = z.string().transform((text, ctx) => {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    ctx.addIssue({ code: 'custom', message: `expected a JSON object in a string, got ${describeValue(text)}` });
    return z.NEVER;
  }
  const tags = z.record(z.string(), labelValue.nullable()).safeParse(parsed);
  if (!tags.success) {
    ctx.addIssue({
      code: 'custom',
      message: `expected a JSON object of string, number or boolean values, got ${describeValue(text)}`,
    });
    return z.NEVER;
  }
  // A null tag is a dimension without a value: no label rather than the text "null".
  return Object.fromEntries(Object.entries(tags.data).filter((e): e is [string, string] => e[1] !== null));
});

const text = z.string().nullish();
// Result and the checker value are numbers in practice; shown as text either way.
const scalar = labelValue.nullish();

const bodySchema = z.looseObject({
  df_event_id: z.string().min(1, 'expected a non-empty event id'),
  df_status: z.enum(statuses, {
    error: (iss) => `expected one of ${statuses.join(', ')}, got ${describeValue(iss.input)}`,
  }),
  df_dimension_tags: dimensionTags.nullish(),
  df_title: text,
  df_message: text,
  df_event_link: text,
  df_event_reason: text,
  df_monitor_checker_value: scalar,
  Result: scalar,
  df_issue_start_time: epochSeconds.nullish(),
  date: epochSeconds.nullish(),
  timestamp: epochSeconds.nullish(),
  df_monitor_id: text,
  df_monitor_name: text,
  df_monitor_checker_id: text,
  df_monitor_checker_name: text,
  df_monitor_type: text,
  df_source: text,
});

/** Keeps the entries whose value is present (drops null and undefined). */
function present(entries: [string, string | null | undefined][]): Record<string, string> {
  return Object.fromEntries(entries.filter((e): e is [string, string] => e[1] != null));
}

export const parseGuance: AlertParser = (body) => {
  const e = parseBody(bodySchema, body);
  const { status, severity } = mapping[e.df_status];

  // Dimensions first, then the parsed dimension tags (the monitor's own view of the dimensions wins),
  // then the df_* labels, whose names cannot clash with either.
  const dimensions: Record<string, string> = {};
  for (const [key, value] of Object.entries(e)) {
    if (key.startsWith('df_') || NOT_DIMENSIONS.has(key)) continue;
    const label = scalarText(value);
    if (label !== undefined) dimensions[key] = label;
  }
  const labels = { ...dimensions, ...(e.df_dimension_tags ?? {}), ...present(LABELLED.map((k) => [k, e[k]])) };

  const annotations = present([
    ['title', e.df_title],
    ['message', e.df_message],
    ['event_link', e.df_event_link],
    ['reason', e.df_event_reason],
    ['value', e.df_monitor_checker_value ?? e.Result],
  ]);

  const startsAt = e.df_issue_start_time ?? e.date ?? e.timestamp ?? undefined;
  // The recovery (ok) event's own time is when the problem ended.
  const endsAt = status === 'resolved' ? (e.date ?? e.timestamp ?? undefined) : undefined;
  const alert: Alert = {
    source: 'guance',
    id: e.df_event_id,
    status,
    severity,
    labels,
    annotations,
    title: e.df_title || e.df_monitor_name || e.df_event_id,
    ...(startsAt !== undefined && { startsAt }),
    ...(endsAt !== undefined && { endsAt }),
    raw: toJson(body),
  };
  return [alert];
};
