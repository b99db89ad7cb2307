/**
 * WeCom (企业微信) group robot.
 *
 * Doc: https://developer.work.weixin.qq.com/document/path/91770 (群机器人配置说明)
 *   POST https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=KEY
 *   {"msgtype":"markdown","markdown":{"content":"..."}}
 *   content: "markdown内容，最长不超过4096个字节，必须是utf8编码". Supported subset: headings, bold,
 *   links, inline code, quotes (">"), <font color="info|comment|warning">.
 * Answers HTTP 200 with {"errcode":0,"errmsg":"ok"}; a failure is a non-zero errcode in the same
 * shape (global codes: https://developer.work.weixin.qq.com/document/path/90313), e.g.
 *   40058 "markdown.content exceed max length 4096", 93000 "invalid webhook url",
 *   45009 "api freq out of limit" (20 messages/minute per robot), -1 "system busy".
 * Only -1 and the frequency limits are worth retrying; every other code is a permanent error.
 */
import type { WecomChannelConfig } from './config.ts';
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

export const WECOM_MARKDOWN_MAX_BYTES = 4096;

export interface WecomMarkdownPayload {
  msgtype: 'markdown';
  markdown: { content: string };
}

type FontColor = 'info' | 'comment' | 'warning';

function colorOf(msg: NotificationMessage): FontColor {
  if (msg.kind === 'resolved' || msg.kind === 'test') return 'info';
  return msg.severity === 'info' ? 'comment' : 'warning';
}

/** One line of markup: WeCom markdown has no escaping, so a value may not break the line. */
function oneLine(text: string): string {
  return text.replace(/[\r\n]+/g, ' ');
}

/** The markdown content, at most 4,096 bytes of UTF-8: older log lines go first, then a hard cut. */
export function renderWecomContent(msg: NotificationMessage): string {
  const s = stringsFor(msg.lang);
  const head: string[] = [`**<font color="${colorOf(msg)}">${oneLine(headline(msg))}</font>**`];
  for (const f of facts(msg)) head.push(`> ${f.label}${s.colon}<font color="comment">${oneLine(f.value)}</font>`);
  const pods = podsText(msg);
  if (pods) head.push(`> ${s.pods}${s.colon}${oneLine(pods)}`);
  if (msg.detail) head.push('', msg.detail);
  const tail = msg.link ? ['', `[${s.openLink}](${msg.link})`] : [];
  const lines = cleanLogLines(msg.logLines);

  const compose = (kept: readonly string[], omitted: number): string => {
    const logs: string[] = [];
    if (kept.length > 0) {
      logs.push('', `**${s.logs(kept.length)}**`);
      if (omitted > 0) logs.push(`> ${s.logsOmitted(omitted)}`);
      for (const l of kept) logs.push(`> ${l === '' ? ' ' : l}`);
    }
    return [...head, ...logs, ...tail].join('\n');
  };
  const { kept, omitted } = keepLatestLines(lines, (k, o) => utf8Bytes(compose(k, o)) <= WECOM_MARKDOWN_MAX_BYTES);
  return truncateUtf8(compose(kept, omitted), WECOM_MARKDOWN_MAX_BYTES, `\n${s.truncated}`);
}

export function renderWecom(msg: NotificationMessage): WecomMarkdownPayload {
  return { msgtype: 'markdown', markdown: { content: renderWecomContent(msg) } };
}

/** The webhook address already carries the key; the body is the markdown message. */
export function buildWecomRequest(config: WecomChannelConfig, msg: NotificationMessage): ChannelRequest {
  return { url: config.url, headers: { ...JSON_HEADERS }, body: JSON.stringify(renderWecom(msg)) };
}

/** -1 system busy; 45009 api freq out of limit; 45033 too many concurrent calls. */
const RETRYABLE = new Set([-1, 45009, 45033]);

export function classifyWecomAnswer(a: RawAnswer): Outcome {
  return classifyCodedAnswer(a, (b) => ({ code: b.errcode, message: b.errmsg }), RETRYABLE);
}

export function sendWecom(
  config: WecomChannelConfig,
  msg: NotificationMessage,
  opts: SendOptions = {},
): Promise<SendResult> {
  return sendPrepared(buildWecomRequest(config, msg), config.timeoutMs, classifyWecomAnswer, opts);
}
