import { z } from 'zod';
import { ConfigError, formatZodIssues } from '../../util/config-kit.ts';

/**
 * Channel configuration (the entries of `alerting.channels` in kubeloop.yaml):
 *
 *   - name: ops-wecom
 *     type: wecom                 # wecom | dingtalk | feishu | slack | webhook
 *     url: https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=...
 *     secret: SEC...              # dingtalk, feishu, webhook: optional signing secret
 *     timeoutMs: 10000            # optional, per request
 *     format: card                # feishu only: card (default) | text
 *     concurrency: 1              # webhook only: messages in flight at once (chat robots: always 1)
 *
 * Every object is strict, so a misspelt key is an error; a bad URL or an unknown type is an error
 * naming the field (`channels[0].url: ...`, `channels[1].type: ...`).
 */
export const channelTypes = ['wecom', 'dingtalk', 'feishu', 'slack', 'webhook'] as const;
export type ChannelType = (typeof channelTypes)[number];

export const DEFAULT_TIMEOUT_MS = 10_000;

const httpUrl = z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' });

const common = {
  name: z
    .string()
    .min(1)
    .max(63)
    .regex(
      /^[A-Za-z0-9][A-Za-z0-9._-]*$/,
      'must start with a letter or digit and use only letters, digits, ".", "_" and "-"',
    ),
  timeoutMs: z.number().int().min(100).max(120_000).default(DEFAULT_TIMEOUT_MS),
};

function withQueryParam(param: string, what: string) {
  return httpUrl.refine((u) => {
    try {
      return (new URL(u).searchParams.get(param) ?? '') !== '';
    } catch {
      return false;
    }
  }, `must carry the robot's ${what} as the "${param}" query parameter (copy the whole webhook address)`);
}

export const wecomChannelSchema = z
  .object({ type: z.literal('wecom'), ...common, url: withQueryParam('key', 'key') })
  .strict();

export const dingtalkChannelSchema = z
  .object({
    type: z.literal('dingtalk'),
    ...common,
    url: withQueryParam('access_token', 'access token'),
    secret: z.string().min(1).optional(),
  })
  .strict();

export const feishuChannelSchema = z
  .object({
    type: z.literal('feishu'),
    ...common,
    url: httpUrl,
    secret: z.string().min(1).optional(),
    format: z.enum(['card', 'text']).default('card'),
  })
  .strict();

export const slackChannelSchema = z.object({ type: z.literal('slack'), ...common, url: httpUrl }).strict();

export const webhookChannelSchema = z
  .object({
    type: z.literal('webhook'),
    ...common,
    url: httpUrl,
    secret: z.string().min(1).optional(),
    /**
     * Messages in flight at once (default 1: in order). Chat robots always get one at a time
     * (their vendors limit a robot to ~20 messages a minute and readers expect order); a generic
     * webhook may front a system built to take a storm in parallel. With more than one, messages
     * can arrive out of order: the notification id and the failure times let the receiver order them.
     */
    concurrency: z.number().int().min(1).max(64).default(1),
  })
  .strict();

export const channelConfigSchema = z.discriminatedUnion(
  'type',
  [wecomChannelSchema, dingtalkChannelSchema, feishuChannelSchema, slackChannelSchema, webhookChannelSchema],
  { error: `unknown channel type (use one of ${channelTypes.join(', ')})` },
);

export const channelsConfigSchema = z.array(channelConfigSchema).superRefine((channels, ctx) => {
  const seen = new Set<string>();
  channels.forEach((c, i) => {
    if (seen.has(c.name))
      ctx.addIssue({ code: 'custom', path: [i, 'name'], message: `duplicate channel name "${c.name}"` });
    seen.add(c.name);
  });
});

export type ChannelConfig = z.infer<typeof channelConfigSchema>;
export type WecomChannelConfig = z.infer<typeof wecomChannelSchema>;
export type DingtalkChannelConfig = z.infer<typeof dingtalkChannelSchema>;
export type FeishuChannelConfig = z.infer<typeof feishuChannelSchema>;
export type SlackChannelConfig = z.infer<typeof slackChannelSchema>;
export type WebhookChannelConfig = z.infer<typeof webhookChannelSchema>;
/** What a caller writes: defaults (timeoutMs, format) may be left out. */
export type ChannelConfigInput = z.input<typeof channelConfigSchema>;

function withIndexPaths(text: string, prefix: string): string {
  // formatZodIssues joins path segments with "."; show array indexes as [i].
  return text.replace(new RegExp(`^${prefix.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\.(\\d+)`, 'gm'), `${prefix}[$1]`);
}

/** Validates a list of channels; throws ConfigError naming each bad field (`channels[0].url: ...`). */
export function parseChannels(raw: unknown, prefix = 'channels'): ChannelConfig[] {
  const result = channelsConfigSchema.safeParse(raw ?? []);
  if (!result.success) {
    throw new ConfigError(
      `invalid channel configuration:\n${withIndexPaths(formatZodIssues(result.error, raw, prefix), prefix)}`,
    );
  }
  return result.data;
}

/** Validates one channel; throws ConfigError naming the bad field (`channel.url: ...`). */
export function parseChannel(raw: unknown, prefix = 'channel'): ChannelConfig {
  const result = channelConfigSchema.safeParse(raw);
  if (!result.success) {
    throw new ConfigError(`invalid channel configuration:\n${formatZodIssues(result.error, raw, prefix)}`);
  }
  return result.data;
}
