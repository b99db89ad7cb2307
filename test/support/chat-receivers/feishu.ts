import { createHmac, randomUUID } from 'node:crypto';
import { z } from 'zod';
import {
  ChatReceiver,
  isJsonContentType,
  jsonReply,
  parseJson,
  type ReceivedRequest,
  type ReceiverOptions,
  type Reply,
  type Verdict,
} from './base.ts';

/**
 * Feishu/Lark custom bot (https://open.feishu.cn/document/client-docs/bot-v3/add-custom-bot):
 * POST /open-apis/bot/v2/hook/HOOK_ID, JSON body of at most 20 KB, msg_type text or interactive.
 * With a secret the body carries "timestamp" (seconds, within one hour) and
 * "sign" = base64(HmacSHA256(key = timestamp + "\n" + secret, message = "")).
 * Answers HTTP 200 with {"code":0,...} on success and a non-zero code on failure.
 */
const text = z
  .object({ tag: z.enum(['plain_text', 'lark_md']), content: z.string(), lines: z.number().int().optional() })
  .strict();
const element = z.discriminatedUnion('tag', [
  z
    .object({
      tag: z.literal('div'),
      text: text.optional(),
      fields: z.array(z.object({ is_short: z.boolean(), text }).strict()).optional(),
    })
    .strict()
    .refine((d) => d.text !== undefined || (d.fields !== undefined && d.fields.length > 0), 'div needs text or fields'),
  z.object({ tag: z.literal('hr') }).strict(),
  z.object({ tag: z.literal('markdown'), content: z.string().min(1) }).strict(),
  z.object({ tag: z.literal('note'), elements: z.array(text).min(1) }).strict(),
  z
    .object({
      tag: z.literal('action'),
      actions: z
        .array(
          z
            .object({
              tag: z.literal('button'),
              text,
              type: z.enum(['default', 'primary', 'danger']).optional(),
              url: z.url(),
            })
            .strict(),
        )
        .min(1),
    })
    .strict(),
]);
const card = z
  .object({
    config: z
      .object({ wide_screen_mode: z.boolean().optional(), enable_forward: z.boolean().optional() })
      .strict()
      .optional(),
    header: z
      .object({
        title: z.object({ tag: z.literal('plain_text'), content: z.string().min(1) }).strict(),
        template: z
          .enum([
            'blue',
            'wathet',
            'turquoise',
            'green',
            'yellow',
            'orange',
            'red',
            'carmine',
            'violet',
            'purple',
            'indigo',
            'grey',
          ])
          .optional(),
      })
      .strict()
      .optional(),
    elements: z.array(element).min(1),
  })
  .strict();
const signature = { timestamp: z.union([z.string(), z.number()]).optional(), sign: z.string().optional() };
const feishuBody = z.discriminatedUnion('msg_type', [
  z
    .object({ msg_type: z.literal('text'), content: z.object({ text: z.string().min(1) }).strict(), ...signature })
    .strict(),
  z.object({ msg_type: z.literal('interactive'), card, ...signature }).strict(),
]);
export type FeishuBody = z.infer<typeof feishuBody>;

const MAX_BYTES = 20 * 1024;

export class FeishuReceiver extends ChatReceiver<FeishuBody> {
  readonly hookId: string;
  readonly secret: string | undefined;
  readonly keywords: string[] | undefined;

  constructor(opts: ReceiverOptions & { hookId?: string; secret?: string; keywords?: string[] } = {}) {
    super(opts);
    this.hookId = opts.hookId ?? randomUUID();
    this.secret = opts.secret;
    this.keywords = opts.keywords;
  }

  get url(): string {
    return `${this.baseUrl}/open-apis/bot/v2/hook/${this.hookId}`;
  }

  /** Feishu's error answer: HTTP 200 with a non-zero code (e.g. 11232 "frequency limited"). */
  vendorError(code: number, msg: string): Reply {
    return jsonReply(200, { code, data: {}, msg });
  }

  protected successReply(): Reply {
    return jsonReply(200, { StatusCode: 0, StatusMessage: 'success', code: 0, data: {}, msg: 'success' });
  }

  private signOk(json: Record<string, unknown>, secret: string): boolean {
    const { timestamp, sign } = json;
    const ts = typeof timestamp === 'number' ? String(timestamp) : timestamp;
    if (typeof ts !== 'string' || !/^\d+$/.test(ts) || typeof sign !== 'string') return false;
    if (Math.abs(this.now() / 1000 - Number(ts)) > 3600) return false;
    return createHmac('sha256', `${ts}\n${secret}`).update(Buffer.alloc(0)).digest('base64') === sign;
  }

  protected validate(req: ReceivedRequest): Verdict<FeishuBody> {
    const reject = (code: number, msg: string): Verdict<FeishuBody> => ({
      ok: false,
      reason: msg,
      reply: this.vendorError(code, msg),
    });
    if (req.method !== 'POST' || !req.path.startsWith('/open-apis/bot/v2/hook/'))
      return {
        ok: false,
        reason: 'not found',
        reply: { status: 404, body: '404 page not found', contentType: 'text/plain' },
      };
    if (req.path !== `/open-apis/bot/v2/hook/${this.hookId}`)
      return reject(19001, 'param invalid: incoming webhook access token invalid');
    if (Buffer.byteLength(req.raw, 'utf8') > MAX_BYTES) return reject(9499, 'Bad Request');
    const json = parseJson(req.raw);
    if (!isJsonContentType(req.headers) || json === null || typeof json !== 'object' || Array.isArray(json))
      return reject(9499, 'Bad Request');
    if (this.secret && !this.signOk(json as Record<string, unknown>, this.secret)) {
      return reject(19021, 'sign match fail or timestamp is not within one hour from current time');
    }
    const parsed = feishuBody.safeParse(json);
    if (!parsed.success)
      return reject(
        9499,
        `Bad Request: ${parsed.error.issues[0]?.path.join('.') ?? ''} ${parsed.error.issues[0]?.message ?? ''}`.trim(),
      );
    if (this.keywords && !this.keywords.some((k) => req.raw.includes(k))) return reject(19024, 'Key Words Not Found');
    return { ok: true, body: parsed.data };
  }
}
