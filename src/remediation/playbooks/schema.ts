import { z } from 'zod';
import { durationMs } from '../../util/config-kit.ts';
import { alertSeverities, alertSources, alertStatuses } from '../alert.ts';
import { actionSchema } from '../actions/schemas.ts';

/**
 * A playbook, as written in kubeloop.yaml (`remediation.playbooks`) or a file of the playbooks
 * directory:
 *
 *   - name: scale-out-on-load
 *     trigger:
 *       alert: { source: guance, status: firing, labels: { df_monitor_name: "弹性扩容demo操作" } }
 *       # or:  failure: { reasons: [OOMKilled], namespaces: [prod], workloads: [ruoyi-system] }
 *       # or:  schedule: { cron: "0-59/2 * * * *" }   # every 2 minutes
 *     conditions: ['severity=~"warning|critical"', 'namespace!="kube-system"']
 *     dryRun: false
 *     cooldown: 5m
 *     actions:
 *       - action: scale_out
 *         max: 5
 *       - action: notify
 *         message: "{{alert.title}}: scaled out"
 *
 * Every object is strict: a misspelt key is an error naming it.
 */

/** A Prometheus-style label matcher: name="v", name!="v", name=~"re", name!~"re" (regexes anchored). */
export interface LabelMatcher {
  name: string;
  op: '=' | '!=' | '=~' | '!~';
  value: string;
  regex?: RegExp;
}

const MATCHER = /^\s*([A-Za-z_][A-Za-z0-9_./-]*)\s*(=~|!~|!=|=)\s*"((?:[^"\\]|\\.)*)"\s*$/;

export const matcherStringSchema = z.string().transform((raw, ctx): LabelMatcher => {
  const m = MATCHER.exec(raw);
  if (!m) {
    ctx.addIssue({
      code: 'custom',
      message: `expected a matcher such as namespace="prod", severity=~"warning|critical" or pod!~"test-.*", got ${JSON.stringify(raw)}`,
    });
    return z.NEVER;
  }
  const [, name = '', op = '=', quoted = ''] = m;
  const value = quoted.replace(/\\(.)/g, '$1');
  if (op === '=~' || op === '!~') {
    try {
      return { name, op, value, regex: new RegExp(`^(?:${value})$`) };
    } catch (err) {
      ctx.addIssue({
        code: 'custom',
        message: `invalid regular expression ${JSON.stringify(value)}: ${(err as Error).message}`,
      });
      return z.NEVER;
    }
  }
  return { name, op: op as '=' | '!=', value };
});

const names = z.array(z.string().min(1)).min(1);

export const alertTriggerSchema = z
  .object({
    /** One source or several; absent: any source. */
    source: z
      .union([z.enum(alertSources), z.array(z.enum(alertSources)).min(1)])
      .transform((s) => (Array.isArray(s) ? s : [s]))
      .optional(),
    /** Default firing: a resolved notice does not scale anything unless asked to. */
    status: z.enum([...alertStatuses, 'any']).default('firing'),
    /** Exact label values (all must match). */
    labels: z.record(z.string().min(1), z.string()).default({}),
    matchers: z.array(matcherStringSchema).default([]),
    severity: z
      .union([z.enum(alertSeverities), z.array(z.enum(alertSeverities)).min(1)])
      .transform((s) => (Array.isArray(s) ? s : [s]))
      .optional(),
  })
  .strict();

export const failureTriggerSchema = z
  .object({
    reasons: names.optional(),
    namespaces: names.optional(),
    /** Top-level workload names. */
    workloads: names.optional(),
  })
  .strict();

export const scheduleTriggerSchema = z
  .object({
    /** Five or six fields (croner syntax), e.g. "0-59/2 * * * *" (every 2 minutes) for seed 001's two-minute job. */
    cron: z.string().min(1),
    timezone: z.string().min(1).optional(),
  })
  .strict();

export const triggerSchema = z.union(
  [
    z.object({ alert: alertTriggerSchema }).strict(),
    z.object({ failure: failureTriggerSchema }).strict(),
    z.object({ schedule: scheduleTriggerSchema }).strict(),
  ],
  { error: 'a trigger is one of { alert: {...} }, { failure: {...} } or { schedule: { cron: "..." } }' },
);

export const playbookSchema = z
  .object({
    name: z
      .string()
      .min(1)
      .max(63)
      .regex(/^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/, 'must be lower-case letters, digits and "-" (like a Kubernetes name)'),
    description: z.string().optional(),
    trigger: triggerSchema,
    /** Matchers on the trigger's labels (for a failure: namespace, workload, kind, reason, pod, node, container). */
    conditions: z.array(matcherStringSchema).default([]),
    /** Overrides remediation.dryRun for this playbook (true: record what would happen, change nothing). */
    dryRun: z.boolean().optional(),
    /** Overrides remediation.cooldown for this playbook's target workload. */
    cooldown: durationMs.optional(),
    actions: z.array(actionSchema).min(1),
  })
  .strict();

export type Playbook = z.infer<typeof playbookSchema>;
export type PlaybookInput = z.input<typeof playbookSchema>;
export type AlertTrigger = z.infer<typeof alertTriggerSchema>;
export type FailureTriggerSpec = z.infer<typeof failureTriggerSchema>;
export type ScheduleTrigger = z.infer<typeof scheduleTriggerSchema>;

export const playbooksSchema = z.array(playbookSchema).superRefine((list, ctx) => {
  const seen = new Set<string>();
  list.forEach((p, i) => {
    if (seen.has(p.name))
      ctx.addIssue({ code: 'custom', path: [i, 'name'], message: `duplicate playbook name "${p.name}"` });
    seen.add(p.name);
  });
});
