import { z } from 'zod';

/**
 * Playbook actions as written in YAML: `- action: scale_out` with the action's parameters beside
 * it (every object strict, so a misspelt parameter is an error naming it). One schema per built-in
 * action; `actionSchema` is their union keyed on `action`.
 */
const int = (min: number) => z.number().int().min(min);
const template = z.string().min(1);

export const scaleOutSchema = z
  .object({
    action: z.literal('scale_out'),
    /** The soft limit: never scale beyond it (seed 000: 5). */
    max: int(1).max(1000).default(5),
    step: int(1).max(100).default(1),
  })
  .strict();

export const scaleInSchema = z
  .object({
    action: z.literal('scale_in'),
    min: int(0).max(1000).default(1),
    step: int(1).max(100).default(1),
  })
  .strict();

export const rolloutRestartSchema = z.object({ action: z.literal('rollout_restart') }).strict();

export const deletePodSchema = z
  .object({
    action: z.literal('delete_pod'),
    gracePeriodSeconds: int(0).max(3600).optional(),
  })
  .strict();

export const cordonNodeSchema = z.object({ action: z.literal('cordon_node') }).strict();

export const captureLogsSchema = z
  .object({
    action: z.literal('capture_logs'),
    tailLines: int(1).max(10_000).default(200),
    /** Logs of the previous (crashed) instance rather than the current one. */
    previous: z.boolean().default(false),
    container: z.string().min(1).optional(),
  })
  .strict();

export const annotateSchema = z
  .object({
    action: z.literal('annotate'),
    /** Values may use templates: "{{alert.id}}", "{{now}}". */
    annotations: z
      .record(z.string().min(1), z.string())
      .refine((a) => Object.keys(a).length > 0, 'needs at least one annotation'),
    on: z.enum(['workload', 'pod']).default('workload'),
  })
  .strict();

export const notifySchema = z
  .object({
    action: z.literal('notify'),
    /** Channel names from alerting.channels; default: the channels the alerting routes choose. */
    channels: z.array(z.string().min(1)).optional(),
    title: template.optional(),
    message: template.optional(),
    severity: z.enum(['critical', 'warning', 'info']).default('warning'),
  })
  .strict();

export const httpRequestSchema = z
  .object({
    action: z.literal('http_request'),
    url: z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' }),
    method: z.enum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']).default('POST'),
    headers: z.record(z.string().min(1), z.string()).default({}),
    /** A template; default: the trigger as JSON. */
    body: z.string().optional(),
    timeoutMs: int(100).max(120_000).default(10_000),
  })
  .strict();

export const runFunctionSchema = z
  .object({
    action: z.literal('run_function'),
    /** A module in remediation.functionsDir (.ts, .mts, .js, .mjs) exporting `default async (ctx, alert)`. */
    function: z
      .string()
      .min(1)
      .regex(/^[A-Za-z0-9._/-]+$/, 'must be a file name inside the functions directory')
      .refine((f) => !f.split('/').includes('..'), 'must stay inside the functions directory'),
    params: z.record(z.string(), z.json()).default({}),
    timeoutMs: int(100).max(600_000).default(30_000),
    memoryMb: int(16).max(4096).default(128),
  })
  .strict();

export const actionSchema = z.discriminatedUnion(
  'action',
  [
    scaleOutSchema,
    scaleInSchema,
    rolloutRestartSchema,
    deletePodSchema,
    cordonNodeSchema,
    captureLogsSchema,
    annotateSchema,
    notifySchema,
    httpRequestSchema,
    runFunctionSchema,
  ],
  {
    error:
      'unknown action (use one of scale_out, scale_in, rollout_restart, delete_pod, cordon_node, capture_logs, annotate, notify, http_request, run_function)',
  },
);

export type ActionSpec = z.infer<typeof actionSchema>;
export type ActionType = ActionSpec['action'];
export type ActionSpecOf<T extends ActionType> = Extract<ActionSpec, { action: T }>;
export type ScaleOutSpec = z.infer<typeof scaleOutSchema>;
export type RunFunctionSpec = z.infer<typeof runFunctionSchema>;
