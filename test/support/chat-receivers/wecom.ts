import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import {
  ChatReceiver,
  jsonReply,
  parseJson,
  type ReceivedRequest,
  type ReceiverOptions,
  type Reply,
  type Verdict,
} from './base.ts';

/**
 * WeCom group robot (https://developer.work.weixin.qq.com/document/path/91770):
 * POST /cgi-bin/webhook/send?key=KEY with {"msgtype":"markdown","markdown":{"content":…}} or
 * {"msgtype":"text","text":{"content":…}}; markdown content at most 4096 bytes of UTF-8, text
 * at most 2048. Every answer is HTTP 200 with {"errcode":…,"errmsg":…}.
 */
const wecomBody = z.discriminatedUnion('msgtype', [
  z.object({ msgtype: z.literal('markdown'), markdown: z.object({ content: z.string() }).strict() }).strict(),
  z
    .object({
      msgtype: z.literal('text'),
      text: z
        .object({
          content: z.string(),
          mentioned_list: z.array(z.string()).optional(),
          mentioned_mobile_list: z.array(z.string()).optional(),
        })
        .strict(),
    })
    .strict(),
]);
export type WecomBody = z.infer<typeof wecomBody>;

const MSG_TYPES = new Set(['text', 'markdown', 'markdown_v2', 'image', 'news', 'file', 'voice', 'template_card']);

export class WecomReceiver extends ChatReceiver<WecomBody> {
  readonly key: string;

  constructor(opts: ReceiverOptions & { key?: string } = {}) {
    super(opts);
    this.key = opts.key ?? randomUUID();
  }

  get url(): string {
    return `${this.baseUrl}/cgi-bin/webhook/send?key=${this.key}`;
  }

  /** WeCom's error answer: HTTP 200 and a non-zero errcode (e.g. 45009 "api freq out of limit"). */
  vendorError(errcode: number, errmsg: string): Reply {
    return jsonReply(200, {
      errcode,
      errmsg: `${errmsg}, hint: [emulated], more info at https://open.work.weixin.qq.com/devtool/query?e=${errcode}`,
    });
  }

  protected successReply(): Reply {
    return jsonReply(200, { errcode: 0, errmsg: 'ok' });
  }

  protected validate(req: ReceivedRequest): Verdict<WecomBody> {
    const reject = (errcode: number, errmsg: string): Verdict<WecomBody> => ({
      ok: false,
      reason: errmsg,
      reply: this.vendorError(errcode, errmsg),
    });
    if (req.method !== 'POST' || req.path !== '/cgi-bin/webhook/send')
      return { ok: false, reason: 'not found', reply: { status: 404, body: 'not found', contentType: 'text/plain' } };
    if (req.query.get('key') !== this.key) return reject(93000, 'invalid webhook url');
    const json = parseJson(req.raw);
    if (json === null || typeof json !== 'object' || Array.isArray(json))
      return reject(40035, 'invalid Request Parameter, Warning: wrong json format.');
    const msgtype = (json as { msgtype?: unknown }).msgtype;
    if (typeof msgtype !== 'string' || !MSG_TYPES.has(msgtype)) return reject(40008, 'invalid message type');
    const parsed = wecomBody.safeParse(json);
    if (!parsed.success)
      return reject(40035, `invalid Request Parameter: ${parsed.error.issues[0]?.path.join('.') ?? ''}`);
    const body = parsed.data;
    const content = body.msgtype === 'markdown' ? body.markdown.content : body.text.content;
    const limit = body.msgtype === 'markdown' ? 4096 : 2048;
    if (content === '') return reject(44004, 'empty content');
    if (Buffer.byteLength(content, 'utf8') > limit)
      return reject(40058, `${body.msgtype}.content exceed max length ${limit}. invalid Request Parameter`);
    return { ok: true, body };
  }
}
