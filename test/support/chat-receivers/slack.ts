import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import {
  ChatReceiver,
  isJsonContentType,
  parseJson,
  type ReceivedRequest,
  type ReceiverOptions,
  type Reply,
  type Verdict,
} from './base.ts';

/**
 * Slack incoming webhook (https://docs.slack.dev/messaging/sending-messages-using-incoming-webhooks):
 * POST /services/T…/B…/… with a JSON body holding `text` and/or `blocks`. Block Kit limits
 * (https://docs.slack.dev/reference/block-kit/blocks): at most 50 blocks; header plain_text at most
 * 150 characters; section text at most 3000, fields at most 10 of at most 2000; context at most
 * 10 elements. Answers "ok" (200) or a plain-text error code with a 4xx/5xx status.
 */
const plain = (max: number) =>
  z.object({ type: z.literal('plain_text'), text: z.string().min(1).max(max), emoji: z.boolean().optional() }).strict();
const textObj = (max: number) =>
  z.union([
    plain(max),
    z
      .object({ type: z.literal('mrkdwn'), text: z.string().min(1).max(max), verbatim: z.boolean().optional() })
      .strict(),
  ]);
const blockId = { block_id: z.string().max(255).optional() };
const block = z.discriminatedUnion('type', [
  z.object({ type: z.literal('header'), text: plain(150), ...blockId }).strict(),
  z
    .object({
      type: z.literal('section'),
      text: textObj(3000).optional(),
      fields: z.array(textObj(2000)).min(1).max(10).optional(),
      ...blockId,
    })
    .strict()
    .refine((s) => s.text !== undefined || s.fields !== undefined, 'section needs text or fields'),
  z.object({ type: z.literal('context'), elements: z.array(textObj(3000)).min(1).max(10), ...blockId }).strict(),
  z.object({ type: z.literal('divider'), ...blockId }).strict(),
  z
    .object({
      type: z.literal('actions'),
      elements: z
        .array(
          z
            .object({
              type: z.literal('button'),
              text: plain(75),
              url: z.url().max(3000).optional(),
              action_id: z.string().max(255).optional(),
            })
            .strict(),
        )
        .min(1)
        .max(25),
      ...blockId,
    })
    .strict(),
]);
const slackBody = z
  .object({
    text: z.string().optional(),
    blocks: z.array(z.unknown()).optional(),
    username: z.string().optional(),
    icon_emoji: z.string().optional(),
    unfurl_links: z.boolean().optional(),
    mrkdwn: z.boolean().optional(),
  })
  .strict();
export interface SlackBody {
  text?: string;
  blocks?: z.infer<typeof block>[];
}

/** The HTTP status Slack pairs with each error string. */
const STATUS: Record<string, number> = {
  invalid_payload: 400,
  user_not_found: 400,
  no_text: 400,
  invalid_blocks: 400,
  action_prohibited: 403,
  channel_not_found: 404,
  no_service: 404,
  channel_is_archived: 410,
  rate_limited: 429,
  rollup_error: 500,
};

export class SlackReceiver extends ChatReceiver<SlackBody> {
  readonly path: string;

  constructor(opts: ReceiverOptions & { path?: string } = {}) {
    super(opts);
    this.path =
      opts.path ??
      `/services/T${randomBytes(4).toString('hex').toUpperCase()}/B${randomBytes(4).toString('hex').toUpperCase()}/${randomBytes(12).toString('hex')}`;
  }

  get url(): string {
    return `${this.baseUrl}${this.path}`;
  }

  /** Slack's error answer: the code as plain text with its status (rate_limited adds Retry-After). */
  vendorError(code: string, retryAfterSec = 1): Reply {
    const reply: Reply = { status: STATUS[code] ?? 400, body: code, contentType: 'text/plain; charset=utf-8' };
    return code === 'rate_limited' ? { ...reply, headers: { 'retry-after': String(retryAfterSec) } } : reply;
  }

  protected successReply(): Reply {
    return { status: 200, body: 'ok', contentType: 'text/html' };
  }

  protected validate(req: ReceivedRequest): Verdict<SlackBody> {
    const reject = (code: string, why = code): Verdict<SlackBody> => ({
      ok: false,
      reason: why,
      reply: this.vendorError(code),
    });
    if (req.path !== this.path) return reject('no_service');
    if (req.method !== 'POST')
      return { ok: false, reason: 'method', reply: { status: 405, body: 'invalid_method', contentType: 'text/plain' } };
    if (!isJsonContentType(req.headers)) return reject('invalid_payload', 'content-type is not application/json');
    const parsed = slackBody.safeParse(parseJson(req.raw));
    if (!parsed.success) return reject('invalid_payload');
    const { text, blocks } = parsed.data;
    if ((text === undefined || text === '') && (blocks === undefined || blocks.length === 0)) return reject('no_text');
    if (blocks === undefined) return { ok: true, body: { text } };
    if (blocks.length > 50) return reject('invalid_blocks', `${blocks.length} blocks (at most 50)`);
    const checked = z.array(block).safeParse(blocks);
    if (!checked.success) {
      const issue = checked.error.issues[0];
      return reject('invalid_blocks', `blocks.${issue?.path.join('.') ?? ''}: ${issue?.message ?? ''}`);
    }
    return { ok: true, body: text === undefined ? { blocks: checked.data } : { text, blocks: checked.data } };
  }
}
