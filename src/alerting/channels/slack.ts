/**
 * Slack incoming webhook.
 *
 * Docs: https://docs.slack.dev/messaging/sending-messages-using-incoming-webhooks
 *       https://docs.slack.dev/reference/block-kit/blocks (header: plain_text <= 150 chars;
 *       section: text <= 3000 chars, fields <= 10 items of <= 2000 chars; context: <= 10 elements;
 *       a message holds at most 50 blocks)
 *       https://docs.slack.dev/messaging/formatting-message-text (escape &, <, > in mrkdwn)
 *   POST https://hooks.slack.com/services/T…/B…/…   Content-type: application/json
 *   {"text":"fallback for notifications","blocks":[{"type":"header",...},{"type":"section",...}]}
 * Answers HTTP 200 with the plain text body "ok"; an error is a plain-text code with a 4xx status
 * (https://api.slack.com/changelog/2016-05-17-changes-to-errors-for-incoming-webhooks):
 *   400 invalid_payload / invalid_blocks / no_text, 403 action_prohibited, 404 channel_not_found /
 *   no_service, 410 channel_is_archived; 429 rate_limited (with Retry-After) and 5xx rollup_error
 *   are the retryable ones.
 */
import type { SlackChannelConfig } from './config.ts';
import {
  excerpt,
  isRetryableStatus,
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
import { keepLatestLines, truncateChars } from './truncate.ts';

export const SLACK_LIMITS = {
  blocks: 50,
  headerText: 150,
  sectionText: 3000,
  fields: 10,
  fieldText: 2000,
  contextElements: 10,
  /** Ours: the log excerpt spans at most this many sections (Slack also caps a message's total size). */
  logSections: 3,
} as const;

export type SlackText = { type: 'plain_text'; text: string; emoji?: boolean } | { type: 'mrkdwn'; text: string };
export type SlackBlock =
  | { type: 'header'; text: { type: 'plain_text'; text: string; emoji: boolean } }
  | { type: 'section'; text: SlackText }
  | { type: 'section'; fields: SlackText[] }
  | { type: 'context'; elements: SlackText[] }
  | { type: 'divider' };
export interface SlackPayload {
  text: string;
  blocks: SlackBlock[];
}

/** Slack parses &, < and > as markup (<!channel>, <url|label>) in mrkdwn text. */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

const EMOJI = { critical: ':red_circle:', warning: ':large_orange_circle:', info: ':large_blue_circle:' } as const;

function emojiOf(msg: NotificationMessage): string {
  if (msg.kind === 'resolved') return ':large_green_circle:';
  if (msg.kind === 'test') return ':wrench:';
  return EMOJI[msg.severity];
}

/** Log lines as ```-fenced sections of at most 3,000 characters each (the first one titled). */
function logSections(title: string, lines: readonly string[]): string[] {
  const sections: string[] = [];
  let current: string[] = [];
  const wrap = (ls: string[], first: boolean) => `${first ? `${title}\n` : ''}\`\`\`\n${ls.join('\n')}\n\`\`\``;
  for (const line of lines) {
    const first = sections.length === 0;
    if (current.length > 0 && wrap([...current, line], first).length > SLACK_LIMITS.sectionText) {
      sections.push(wrap(current, first));
      current = [];
    }
    current.push(line);
  }
  if (current.length > 0) sections.push(wrap(current, sections.length === 0));
  return sections.map((t) => truncateChars(t, SLACK_LIMITS.sectionText, '…\n```'));
}

/** At most 50 blocks: extra ones are replaced by a context block saying how many were left out. */
export function clampBlocks(blocks: SlackBlock[], omittedNote: (n: number) => string): SlackBlock[] {
  if (blocks.length <= SLACK_LIMITS.blocks) return blocks;
  const kept = blocks.slice(0, SLACK_LIMITS.blocks - 1);
  const note = omittedNote(blocks.length - kept.length);
  return [
    ...kept,
    { type: 'context', elements: [{ type: 'plain_text', text: truncateChars(note, SLACK_LIMITS.sectionText, '…') }] },
  ];
}

export function renderSlack(msg: NotificationMessage): SlackPayload {
  const s = stringsFor(msg.lang);
  const title = headline(msg);
  const section = (text: string): SlackBlock => ({
    type: 'section',
    text: { type: 'mrkdwn', text: truncateChars(text, SLACK_LIMITS.sectionText, s.truncated) },
  });
  const blocks: SlackBlock[] = [
    {
      type: 'header',
      text: {
        type: 'plain_text',
        text: truncateChars(`${emojiOf(msg)} ${title}`, SLACK_LIMITS.headerText, '…'),
        emoji: true,
      },
    },
    {
      type: 'section',
      fields: facts(msg)
        .slice(0, SLACK_LIMITS.fields)
        .map((f) => ({
          type: 'mrkdwn',
          text: truncateChars(`*${escapeMrkdwn(f.label)}*\n${escapeMrkdwn(f.value)}`, SLACK_LIMITS.fieldText, '…'),
        })),
    },
  ];
  const pods = podsText(msg);
  if (pods) blocks.push(section(`*${escapeMrkdwn(s.pods)}*\n${escapeMrkdwn(pods)}`));
  if (msg.detail) blocks.push(section(escapeMrkdwn(msg.detail)));

  const lines = cleanLogLines(msg.logLines).map((l) => escapeMrkdwn(l).replace(/```/g, '`\u200b``'));
  const withMarker = (kept: readonly string[], omitted: number) =>
    omitted > 0 ? [s.logsOmitted(omitted), ...kept] : [...kept];
  const logTitle = (n: number) => `*${escapeMrkdwn(s.logs(n))}*`;
  const { kept, omitted } = keepLatestLines(
    lines,
    (k, o) => logSections(logTitle(k.length), withMarker(k, o)).length <= SLACK_LIMITS.logSections,
  );
  if (kept.length > 0) {
    blocks.push({ type: 'divider' });
    for (const t of logSections(logTitle(kept.length), withMarker(kept, omitted))) blocks.push(section(t));
  }
  if (msg.link) blocks.push(section(`<${msg.link.replace(/[|<>]/g, encodeURIComponent)}|${escapeMrkdwn(s.openLink)}>`));
  blocks.push({
    type: 'context',
    elements: [
      { type: 'plain_text', text: `Kubeloop · ${s.kind[msg.kind]} · ${s.severity[msg.severity]}`, emoji: true },
    ],
  });

  // `text` is what notifications and screen readers show when blocks are present.
  const fallback = `${title} — ${[msg.cluster, msg.namespace].filter(Boolean).join('/')}`;
  return {
    text: truncateChars(escapeMrkdwn(fallback), SLACK_LIMITS.sectionText, '…'),
    blocks: clampBlocks(blocks, () => s.truncated),
  };
}

export function buildSlackRequest(config: SlackChannelConfig, msg: NotificationMessage): ChannelRequest {
  return { url: config.url, headers: { ...JSON_HEADERS }, body: JSON.stringify(renderSlack(msg)) };
}

export function classifySlackAnswer(a: RawAnswer): Outcome {
  if (a.status >= 200 && a.status < 300) return { ok: true, status: a.status };
  const body = a.text.trim();
  const code = /^[a-z][a-z0-9_]*$/.test(body) ? body : `http_${a.status}`;
  const err = {
    ok: false as const,
    retryable: isRetryableStatus(a.status),
    code,
    message: excerpt(body) || `HTTP ${a.status}`,
    status: a.status,
  };
  return a.retryAfterMs === undefined ? err : { ...err, retryAfterMs: a.retryAfterMs };
}

export function sendSlack(
  config: SlackChannelConfig,
  msg: NotificationMessage,
  opts: SendOptions = {},
): Promise<SendResult> {
  return sendPrepared(buildSlackRequest(config, msg), config.timeoutMs, classifySlackAnswer, opts);
}
