import { createHmac, randomBytes } from 'node:crypto';
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
 * DingTalk custom robot (https://open.dingtalk.com/document/orgapp/custom-robots-send-group-messages,
 * signing: https://open.dingtalk.com/document/robots/customize-robot-security-settings):
 * POST /robot/send?access_token=TOKEN[&timestamp=MS&sign=URLENCODED_BASE64], JSON body.
 * With a secret: sign = urlEncode(base64(HmacSHA256(key = secret, timestamp + "\n" + secret))),
 * timestamp in ms within one hour. Every answer is HTTP 200 {"errcode":…,"errmsg":…}.
 */
const at = z
  .object({
    atMobiles: z.array(z.string()).optional(),
    atUserIds: z.array(z.string()).optional(),
    isAtAll: z.boolean().optional(),
  })
  .strict();
const dingtalkBody = z.discriminatedUnion('msgtype', [
  z
    .object({
      msgtype: z.literal('markdown'),
      markdown: z.object({ title: z.string().min(1), text: z.string().min(1) }).strict(),
      at: at.optional(),
    })
    .strict(),
  z
    .object({ msgtype: z.literal('text'), text: z.object({ content: z.string().min(1) }).strict(), at: at.optional() })
    .strict(),
]);
export type DingtalkBody = z.infer<typeof dingtalkBody>;

const MAX_BYTES = 20_000;
const HOUR_MS = 3_600_000;

export class DingtalkReceiver extends ChatReceiver<DingtalkBody> {
  readonly token: string;
  readonly secret: string | undefined;
  readonly keywords: string[] | undefined;

  constructor(opts: ReceiverOptions & { token?: string; secret?: string; keywords?: string[] } = {}) {
    super(opts);
    this.token = opts.token ?? randomBytes(32).toString('hex');
    this.secret = opts.secret;
    this.keywords = opts.keywords;
  }

  get url(): string {
    return `${this.baseUrl}/robot/send?access_token=${this.token}`;
  }

  /** DingTalk's error answer: HTTP 200, non-zero errcode (e.g. 130101 "send too fast, exceed 20 times per minute"). */
  vendorError(errcode: number, errmsg: string): Reply {
    return jsonReply(200, { errcode, errmsg });
  }

  protected successReply(): Reply {
    return jsonReply(200, { errcode: 0, errmsg: 'ok' });
  }

  /** The expected sign for a timestamp string, before URL encoding. */
  private expectedSign(timestamp: string, secret: string): string {
    return createHmac('sha256', secret).update(`${timestamp}\n${secret}`, 'utf8').digest('base64');
  }

  protected validate(req: ReceivedRequest): Verdict<DingtalkBody> {
    const reject = (errcode: number, errmsg: string): Verdict<DingtalkBody> => ({
      ok: false,
      reason: errmsg,
      reply: this.vendorError(errcode, errmsg),
    });
    if (req.method !== 'POST' || req.path !== '/robot/send')
      return { ok: false, reason: 'not found', reply: { status: 404, body: 'not found', contentType: 'text/plain' } };
    if (req.query.get('access_token') !== this.token) return reject(300001, 'token is not exist');
    if (this.secret) {
      const timestamp = req.query.get('timestamp') ?? '';
      if (!/^\d+$/.test(timestamp) || Math.abs(this.now() - Number(timestamp)) > HOUR_MS)
        return reject(310000, 'invalid timestamp');
      // URLSearchParams undoes the urlEncode step; an unencoded "+" would arrive as a space here.
      if (req.query.get('sign') !== this.expectedSign(timestamp, this.secret)) return reject(310000, 'sign not match');
    }
    if (!isJsonContentType(req.headers)) return reject(40035, '缺少参数 json');
    if (Buffer.byteLength(req.raw, 'utf8') > MAX_BYTES) return reject(460101, 'message too long, exceed 20000 bytes');
    const json = parseJson(req.raw);
    if (json === null || typeof json !== 'object' || Array.isArray(json)) return reject(40035, '缺少参数 json');
    const parsed = dingtalkBody.safeParse(json);
    if (!parsed.success) return reject(40035, `缺少参数 ${parsed.error.issues[0]?.path.join('.') ?? 'msgtype'}`);
    const body = parsed.data;
    if (this.keywords) {
      const text = body.msgtype === 'markdown' ? `${body.markdown.title}\n${body.markdown.text}` : body.text.content;
      if (!this.keywords.some((k) => text.includes(k))) return reject(310000, 'keywords not in content');
    }
    return { ok: true, body };
  }
}
