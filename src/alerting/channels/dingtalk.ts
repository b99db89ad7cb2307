/**
 * DingTalk (钉钉) custom robot.
 *
 * Docs: https://open.dingtalk.com/document/orgapp/custom-robots-send-group-messages (message types)
 *       https://open.dingtalk.com/document/robots/customize-robot-security-settings (加签)
 *   POST https://oapi.dingtalk.com/robot/send?access_token=TOKEN[&timestamp=T&sign=S]
 *   Content-Type: application/json
 *   {"msgtype":"markdown","markdown":{"title":"首屏会话透出的展示内容","text":"markdown 内容"}}
 * Signing (optional `secret`, the "SEC…" string): timestamp = now in milliseconds (at most one hour
 * off); string to sign = timestamp + "\n" + secret; HmacSHA256 keyed with the secret; Base64;
 * then urlEncode; appended to the webhook address as &timestamp=…&sign=….
 * Answers HTTP 200 {"errcode":0,"errmsg":"ok"}; failures keep HTTP 200 with a non-zero errcode:
 * 310000 (sign not match / invalid timestamp / keywords not in content / ip not in whitelist),
 * 300001 / 400101 (token does not exist), 460101 (message too long, exceed 20000 bytes),
 * 130101 / 410100 (send too fast: 20 messages per minute). Only the rate limits and -1 (busy) are
 * retryable.
 */
import { createHmac } from 'node:crypto';
import type { DingtalkChannelConfig } from './config.ts';
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

/** DingTalk rejects longer messages with errcode 460101; measured on the whole JSON body. */
export const DINGTALK_MAX_BYTES = 20_000;

export interface DingtalkMarkdownPayload {
  msgtype: 'markdown';
  markdown: { title: string; text: string };
}

function oneLine(text: string): string {
  return text.replace(/[\r\n]+/g, ' ');
}

export function renderDingtalk(msg: NotificationMessage): DingtalkMarkdownPayload {
  const s = stringsFor(msg.lang);
  const title = oneLine(headline(msg));
  const head: string[] = [`#### ${title}`, ''];
  for (const f of facts(msg)) head.push(`- **${f.label}**${s.colon}${oneLine(f.value)}`);
  const pods = podsText(msg);
  if (pods) head.push(`- **${s.pods}**${s.colon}${oneLine(pods)}`);
  if (msg.detail) head.push('', msg.detail);
  const tail = msg.link ? ['', `[${s.openLink}](${msg.link})`] : [];
  const lines = cleanLogLines(msg.logLines);

  const compose = (kept: readonly string[], omitted: number): DingtalkMarkdownPayload => {
    const logs: string[] = [];
    if (kept.length > 0) {
      logs.push('', `**${s.logs(kept.length)}**`, '');
      // Two trailing spaces: a hard line break inside the quote.
      if (omitted > 0) logs.push(`> ${s.logsOmitted(omitted)}  `);
      for (const l of kept) logs.push(`> ${l}  `);
    }
    return { msgtype: 'markdown', markdown: { title, text: [...head, ...logs, ...tail].join('\n') } };
  };
  const size = (p: DingtalkMarkdownPayload) => utf8Bytes(JSON.stringify(p));
  const { kept, omitted } = keepLatestLines(lines, (k, o) => size(compose(k, o)) <= DINGTALK_MAX_BYTES);
  const payload = compose(kept, omitted);
  if (size(payload) <= DINGTALK_MAX_BYTES) return payload;
  // Still too big without logs (a huge detail): cut the text, leaving room for JSON escapes.
  const room = DINGTALK_MAX_BYTES - size({ msgtype: 'markdown', markdown: { title, text: '' } });
  payload.markdown.text = truncateUtf8(payload.markdown.text, Math.floor(room / 2), `\n\n${s.truncated}`);
  return payload;
}

/** base64(HmacSHA256(key = secret, message = timestamp + "\n" + secret)), not yet URL-encoded. */
export function dingtalkSign(secret: string, timestampMs: number): string {
  return createHmac('sha256', secret).update(`${timestampMs}\n${secret}`, 'utf8').digest('base64');
}

export function buildDingtalkRequest(
  config: DingtalkChannelConfig,
  msg: NotificationMessage,
  nowMs: number,
): ChannelRequest {
  let url = config.url;
  if (config.secret) {
    const timestamp = Math.floor(nowMs);
    url += `&timestamp=${timestamp}&sign=${encodeURIComponent(dingtalkSign(config.secret, timestamp))}`;
  }
  return { url, headers: { ...JSON_HEADERS }, body: JSON.stringify(renderDingtalk(msg)) };
}

/** -1 busy; 130101 and 410100: "send too fast, exceed 20 times per minute". */
const RETRYABLE = new Set([-1, 130101, 410100]);

export function classifyDingtalkAnswer(a: RawAnswer): Outcome {
  return classifyCodedAnswer(a, (b) => ({ code: b.errcode, message: b.errmsg }), RETRYABLE);
}

export function sendDingtalk(
  config: DingtalkChannelConfig,
  msg: NotificationMessage,
  opts: SendOptions = {},
): Promise<SendResult> {
  const req = buildDingtalkRequest(config, msg, (opts.now ?? Date.now)());
  return sendPrepared(req, config.timeoutMs, classifyDingtalkAnswer, opts);
}
