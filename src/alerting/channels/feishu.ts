/**
 * Feishu / Lark custom bot (自定义机器人).
 *
 * Doc: https://open.feishu.cn/document/client-docs/bot-v3/add-custom-bot (自定义机器人使用指南;
 *      also https://open.larkoffice.com/document/ukTMukTMukTM/ucTM5YjL3ETO24yNxkjN)
 *   POST https://open.feishu.cn/open-apis/bot/v2/hook/HOOK_ID   (Lark: open.larksuite.com, same path)
 *   text: {"msg_type":"text","content":{"text":"..."}}
 *   card: {"msg_type":"interactive","card":{"header":{"title":{"tag":"plain_text","content":"..."},
 *          "template":"red"},"elements":[{"tag":"div","fields":[...]},{"tag":"hr"},
 *          {"tag":"markdown","content":"..."},{"tag":"action","actions":[{"tag":"button",...}]},
 *          {"tag":"note","elements":[...]}]}}   (card elements: open.feishu.cn message-card docs)
 *   The request body may not exceed 20 KB.
 * Signing (optional `secret`): timestamp in SECONDS (within one hour); string_to_sign =
 * timestamp + "\n" + secret used as the HmacSHA256 KEY over an EMPTY message; Base64; both sent in
 * the JSON body: {"timestamp":"1599360473","sign":"...", "msg_type":...}.
 * Answers {"code":0,"msg":"success","data":{},"StatusCode":0,"StatusMessage":"success"}; failures
 * carry a non-zero code: 9499 Bad Request (shape/size), 19021 sign match fail or timestamp is not
 * within one hour, 19022 Ip Not Allowed, 19024 Key Words Not Found, 11232 frequency limited (the
 * only retryable one: 100/minute, 5/second per bot).
 */
import { createHmac } from 'node:crypto';
import type { FeishuChannelConfig } from './config.ts';
import {
  classifyCodedAnswer,
  JSON_HEADERS,
  sendPrepared,
  type ChannelRequest,
  type Outcome,
  type RawAnswer,
  type SendOptions,
  type SendResult,
} from './http.ts';
import type { NotificationMessage } from './message.ts';
import { cleanLogLines, facts, headline, podsText, stringsFor } from './strings.ts';
import { keepLatestLines, truncateUtf8, utf8Bytes } from './truncate.ts';

/** "请求体的数据大小不能超过 20 KB", kept a little under to leave room for timestamp and sign. */
export const FEISHU_MAX_BYTES = 19_500;

export type FeishuText = { tag: 'plain_text' | 'lark_md'; content: string };
export type FeishuElement =
  | { tag: 'div'; text?: FeishuText; fields?: { is_short: boolean; text: FeishuText }[] }
  | { tag: 'hr' }
  | { tag: 'markdown'; content: string }
  | { tag: 'note'; elements: FeishuText[] }
  | { tag: 'action'; actions: { tag: 'button'; text: FeishuText; type: 'primary' | 'default'; url: string }[] };
export type FeishuTemplate = 'red' | 'orange' | 'green' | 'blue' | 'grey';
export interface FeishuCard {
  header: { title: { tag: 'plain_text'; content: string }; template: FeishuTemplate };
  elements: FeishuElement[];
}
export type FeishuPayload =
  { msg_type: 'interactive'; card: FeishuCard } | { msg_type: 'text'; content: { text: string } };
export type FeishuSigned = { timestamp?: string; sign?: string } & FeishuPayload;

function templateOf(msg: NotificationMessage): FeishuTemplate {
  if (msg.kind === 'resolved') return 'green';
  if (msg.kind === 'test') return 'blue';
  return msg.severity === 'critical' ? 'red' : msg.severity === 'warning' ? 'orange' : 'blue';
}

/** lark_md is markdown: a value must not turn into emphasis, links or tags. */
function escapeLarkMd(text: string): string {
  return text.replace(/[\\`*_~[\]<>]/g, (c) => `\\${c}`).replace(/[\r\n]+/g, ' ');
}

/** Inside a ``` block everything is literal, except a ``` that would close it. */
function codeSafe(line: string): string {
  return line.replace(/```/g, '`\u200b``');
}

function cardWithLogs(msg: NotificationMessage, kept: readonly string[], omitted: number): FeishuCard {
  const s = stringsFor(msg.lang);
  const elements: FeishuElement[] = [
    {
      tag: 'div',
      fields: facts(msg).map((f) => ({
        is_short: true,
        text: { tag: 'lark_md', content: `**${f.label}**\n${escapeLarkMd(f.value)}` },
      })),
    },
  ];
  const pods = podsText(msg);
  if (pods) elements.push({ tag: 'div', text: { tag: 'lark_md', content: `**${s.pods}**\n${escapeLarkMd(pods)}` } });
  if (msg.detail) elements.push({ tag: 'div', text: { tag: 'plain_text', content: msg.detail } });
  if (kept.length > 0) {
    const body = [...(omitted > 0 ? [s.logsOmitted(omitted)] : []), ...kept.map(codeSafe)].join('\n');
    elements.push({ tag: 'hr' }, { tag: 'markdown', content: `**${s.logs(kept.length)}**\n\`\`\`\n${body}\n\`\`\`` });
  }
  if (msg.link) {
    elements.push({
      tag: 'action',
      actions: [{ tag: 'button', text: { tag: 'plain_text', content: s.openLink }, type: 'primary', url: msg.link }],
    });
  }
  elements.push({
    tag: 'note',
    elements: [{ tag: 'plain_text', content: `Kubeloop · ${s.kind[msg.kind]} · ${s.severity[msg.severity]}` }],
  });
  return { header: { title: { tag: 'plain_text', content: headline(msg) }, template: templateOf(msg) }, elements };
}

function textWithLogs(msg: NotificationMessage, kept: readonly string[], omitted: number): string {
  const s = stringsFor(msg.lang);
  const out = [headline(msg), ...facts(msg).map((f) => `${f.label}${s.colon}${f.value}`)];
  const pods = podsText(msg);
  if (pods) out.push(`${s.pods}${s.colon}${pods}`);
  if (msg.detail) out.push('', msg.detail);
  if (kept.length > 0)
    out.push('', `${s.logs(kept.length)}${s.colon}`, ...(omitted > 0 ? [s.logsOmitted(omitted)] : []), ...kept);
  if (msg.link) out.push('', `${s.openLink}${s.colon}${msg.link}`);
  return out.join('\n');
}

/** The card (or text) message, within Feishu's 20 KB body limit. */
export function renderFeishu(msg: NotificationMessage, format: 'card' | 'text' = 'card'): FeishuPayload {
  const build = (kept: readonly string[], omitted: number): FeishuPayload =>
    format === 'card'
      ? { msg_type: 'interactive', card: cardWithLogs(msg, kept, omitted) }
      : { msg_type: 'text', content: { text: textWithLogs(msg, kept, omitted) } };
  const size = (p: FeishuPayload) => utf8Bytes(JSON.stringify(p));
  const lines = cleanLogLines(msg.logLines);
  const { kept, omitted } = keepLatestLines(lines, (k, o) => size(build(k, o)) <= FEISHU_MAX_BYTES);
  const payload = build(kept, omitted);
  if (size(payload) <= FEISHU_MAX_BYTES || !msg.detail) return payload;
  // Only an enormous detail text gets here: shorten it (JSON escapes at most double its size).
  const room = FEISHU_MAX_BYTES - size(build([], lines.length)) + utf8Bytes(msg.detail);
  const detail = truncateUtf8(msg.detail, Math.max(0, Math.floor(room / 2)), stringsFor(msg.lang).truncated);
  return renderFeishu({ ...msg, detail, logLines: [] }, format);
}

/** base64(HmacSHA256(key = timestamp + "\n" + secret, message = "")), timestamp in seconds. */
export function feishuSign(secret: string, timestampSec: number): string {
  return createHmac('sha256', `${timestampSec}\n${secret}`).update('').digest('base64');
}

export function buildFeishuRequest(
  config: FeishuChannelConfig,
  msg: NotificationMessage,
  nowMs: number,
): ChannelRequest {
  const payload = renderFeishu(msg, config.format);
  let body: FeishuSigned = payload;
  if (config.secret) {
    const timestamp = Math.floor(nowMs / 1000);
    body = { timestamp: String(timestamp), sign: feishuSign(config.secret, timestamp), ...payload };
  }
  return { url: config.url, headers: { ...JSON_HEADERS }, body: JSON.stringify(body) };
}

/** 11232: frequency limited (the bot sent more than 100/minute or 5/second). */
const RETRYABLE = new Set([11232]);

export function classifyFeishuAnswer(a: RawAnswer): Outcome {
  // `code`/`msg` are current; older answers carried only StatusCode/StatusMessage.
  return classifyCodedAnswer(
    a,
    (b) =>
      typeof b.code === 'number' ? { code: b.code, message: b.msg } : { code: b.StatusCode, message: b.StatusMessage },
    RETRYABLE,
  );
}

export function sendFeishu(
  config: FeishuChannelConfig,
  msg: NotificationMessage,
  opts: SendOptions = {},
): Promise<SendResult> {
  const req = buildFeishuRequest(config, msg, (opts.now ?? Date.now)());
  return sendPrepared(req, config.timeoutMs, classifyFeishuAnswer, opts);
}
