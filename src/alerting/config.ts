import { z } from 'zod';
import { channelsConfigSchema } from './channels/config.ts';
import { langs, severities } from './channels/message.ts';
import { ConfigError, formatZodIssues } from '../util/config-kit.ts';
import { durationMs } from '../util/config-kit.ts';

/**
 * The `alerting` section of kubeloop.yaml:
 *
 *   alerting:
 *     channels: [...]                       # see src/alerting/channels/config.ts
 *     routes:                               # first match wins, unless the route says `continue: true`
 *       - match: { namespaces: [prod-*], workloads: [payments/api*, worker], reasons: [OOMKilled], severity: critical }
 *         channels: [ops-wecom]
 *         continue: true
 *       - channels: [team-slack]            # no `match`: every failure
 *     grouping: { window: 30s }             # same cluster+namespace+workload+reason -> one message (30 s keeps time-to-alert inside the 1-minute target)
 *     rateLimit: { messages: 20, per: 1m, channels: { ops-wecom: { messages: 10, per: 1m } } }
 *     silences: [{ matchers: { namespaces: [staging] }, expiresAt: "2025-06-01T00:00:00Z", comment: "migration" }]
 *     severity: { Evicted: critical }       # overrides of the built-in reason -> severity mapping
 *     delivery: { initialBackoff: 5s, maxBackoff: 10m, maxAttempts: 15 }
 *     lang: zh-CN                           # en | zh-CN
 *     notifyResolved: true
 *     publicUrl: https://kubeloop.example.com   # links in messages (default: server.publicUrl)
 *
 * With no `routes`, every failure goes to every channel. Workload patterns are `namespace/name` or
 * `name` globs (`*`, `?`); namespace patterns are globs. Within a matcher all given fields must
 * match, and within a field any entry. Cross references (a route or rate limit naming a channel that
 * does not exist) are errors naming the field: `alerting.routes[0].channels[1]: unknown channel "x"`.
 */
const severitySchema = z.enum(severities);

const glob = z
  .string()
  .min(1)
  .regex(/^[^\s]+$/, 'must not contain spaces');

export const matcherSchema = z
  .object({
    namespaces: z.array(glob).min(1).optional(),
    workloads: z
      .array(glob.regex(/^[^/]+(\/[^/]+)?$/, 'expected "namespace/name" or "name" (globs allowed)'))
      .min(1)
      .optional(),
    reasons: z.array(z.string().min(1)).min(1).optional(),
    // One severity or a list: `severity: critical` reads naturally in YAML.
    severity: z
      .union([severitySchema, z.array(severitySchema).min(1)])
      .transform((s) => (Array.isArray(s) ? s : [s]))
      .optional(),
  })
  .strict();

export const routeSchema = z
  .object({
    match: matcherSchema.default({}),
    channels: z.array(z.string().min(1)).min(1),
    continue: z.boolean().default(false),
  })
  .strict();

export const silenceConfigSchema = z
  .object({
    matchers: matcherSchema.refine((m) => Object.values(m).some((v) => v !== undefined), {
      // A silence without matchers would mute everything; ask for `namespaces: ["*"]` to mean that.
      message:
        'a silence needs at least one matcher (namespaces, workloads, reasons or severity); use namespaces: ["*"] to silence everything',
    }),
    expiresAt: z.iso.datetime({ offset: true }).transform((s) => Date.parse(s)),
    comment: z.string().min(1).optional(),
  })
  .strict();

const rateSchema = z
  .object({
    messages: z.number().int().min(1).max(100_000),
    per: durationMs.refine((ms) => ms >= 1000, 'must be at least 1s'),
  })
  .strict();

/** WeCom robots accept 20 messages a minute; the same default keeps every chat tool readable. */
export const DEFAULT_RATE = { messages: 20, per: 60_000 } as const;

export const rateLimitSchema = z
  .object({
    messages: z.number().int().min(1).max(100_000).default(DEFAULT_RATE.messages),
    per: durationMs.refine((ms) => ms >= 1000, 'must be at least 1s').default(DEFAULT_RATE.per),
    /** Per-channel overrides of the default above. */
    channels: z.record(z.string(), rateSchema).default({}),
  })
  .strict();

export const deliverySchema = z
  .object({
    initialBackoff: durationMs.default(5_000),
    maxBackoff: durationMs.default(600_000),
    /** Attempts before a delivery is given up as 'dead' (5 s doubling to 10 min: 15 attempts ~ 1 h 40 min). */
    maxAttempts: z.number().int().min(1).max(1000).default(15),
  })
  .strict();

export const alertingConfigSchema = z
  .object({
    channels: channelsConfigSchema.default([]),
    routes: z.array(routeSchema).default([]),
    grouping: z
      .object({ window: durationMs.default(30_000) })
      .strict()
      .default({ window: 30_000 }),
    rateLimit: rateLimitSchema.default({ messages: DEFAULT_RATE.messages, per: DEFAULT_RATE.per, channels: {} }),
    silences: z.array(silenceConfigSchema).default([]),
    severity: z.record(z.string().min(1), severitySchema).default({}),
    delivery: deliverySchema.default({ initialBackoff: 5_000, maxBackoff: 600_000, maxAttempts: 15 }),
    lang: z.enum(langs).default('en'),
    notifyResolved: z.boolean().default(true),
    publicUrl: z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' }).optional(),
  })
  .strict()
  .superRefine((cfg, ctx) => {
    const names = new Set(cfg.channels.map((c) => c.name));
    const unknown = (name: string): string =>
      `unknown channel "${name}"${names.size > 0 ? ` (channels: ${[...names].join(', ')})` : ' (no channels are configured)'}`;
    cfg.routes.forEach((r, i) =>
      r.channels.forEach((name, j) => {
        if (!names.has(name))
          ctx.addIssue({ code: 'custom', path: ['routes', i, 'channels', j], message: unknown(name) });
      }),
    );
    for (const name of Object.keys(cfg.rateLimit.channels)) {
      if (!names.has(name))
        ctx.addIssue({ code: 'custom', path: ['rateLimit', 'channels', name], message: unknown(name) });
    }
    if (cfg.delivery.maxBackoff < cfg.delivery.initialBackoff) {
      ctx.addIssue({
        code: 'custom',
        path: ['delivery', 'maxBackoff'],
        message: 'must not be shorter than initialBackoff',
      });
    }
  });

export type AlertingConfig = z.infer<typeof alertingConfigSchema>;
export type AlertingConfigInput = z.input<typeof alertingConfigSchema>;
export type RouteConfig = z.infer<typeof routeSchema>;
export type MatcherConfig = z.infer<typeof matcherSchema>;
export type SilenceConfig = z.infer<typeof silenceConfigSchema>;
export type RateConfig = z.infer<typeof rateSchema>;

/** The section's defaults: no channels, so nothing is sent until channels are configured. */
export function defaultAlertingConfig(): AlertingConfig {
  return alertingConfigSchema.parse({});
}

/** Validates the `alerting` section alone; throws ConfigError naming each bad field. */
export function parseAlertingConfig(raw: unknown, prefix = 'alerting'): AlertingConfig {
  const result = alertingConfigSchema.safeParse(raw ?? {});
  if (!result.success) {
    throw new ConfigError(
      `invalid alerting configuration:\n${formatZodIssues(result.error, raw, prefix, { brackets: true })}`,
    );
  }
  return result.data;
}
