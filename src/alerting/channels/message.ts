import { z } from 'zod';

/**
 * The typed notification every channel renders. It is vendor-neutral: routing/grouping build it,
 * the outbox stores it (as JSON, re-validated with `notificationMessageSchema` when read back), and
 * each channel module turns it into its vendor's documented request.
 *
 * - kind: `failure` (a new or grouped failure), `resolved` (the workload is healthy again),
 *   `summary` (storm-control overflow or a digest), `test` ("Send test message"), `action` (what a
 *   remediation playbook did or could not do).
 * - pods/count: a grouped message names the pods involved and how often it happened.
 * - logLines: the last lines of the failed container's log, oldest first (the channel keeps the
 *   newest ones when the vendor's size limit forces it to drop some).
 */
export const notificationKinds = ['failure', 'resolved', 'summary', 'test', 'action'] as const;
export const severities = ['critical', 'warning', 'info'] as const;
export const langs = ['en', 'zh-CN'] as const;

export const workloadRefSchema = z
  .object({
    kind: z.string().min(1),
    name: z.string().min(1),
  })
  .strict();

export const notificationMessageSchema = z
  .object({
    /** Stable id of the notification (the outbox row); the generic webhook sends it as a header. */
    id: z.string().min(1).optional(),
    kind: z.enum(notificationKinds),
    title: z.string().min(1),
    severity: z.enum(severities),
    cluster: z.string().min(1),
    namespace: z.string().min(1).optional(),
    workload: workloadRefSchema.optional(),
    reason: z.string().min(1).optional(),
    exitCode: z.number().int().optional(),
    node: z.string().min(1).optional(),
    pods: z.array(z.string().min(1)).default([]),
    count: z.number().int().min(0).default(1),
    logLines: z.array(z.string()).default([]),
    /** Link to the failure in the Kubeloop UI. */
    link: z.url({ protocol: /^https?$/ }).optional(),
    /** Free text: a summary's explanation, a test message's body. */
    detail: z.string().min(1).optional(),
    /** RFC 3339 time the failure (or recovery) happened. */
    occurredAt: z.iso.datetime({ offset: true }).optional(),
    lang: z.enum(langs).default('en'),
  })
  .strict();

export type NotificationMessage = z.infer<typeof notificationMessageSchema>;
export type NotificationKind = NotificationMessage['kind'];
export type Severity = NotificationMessage['severity'];
export type MessageLang = NotificationMessage['lang'];
export type WorkloadRef = z.infer<typeof workloadRefSchema>;
