import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SlackReceiver } from '../../../test/support/chat-receivers.ts';
import { parseChannel, type SlackChannelConfig } from './config.ts';
import { clampBlocks, renderSlack, sendSlack, SLACK_LIMITS, type SlackBlock } from './slack.ts';
import { failure, zhFailure, hanging, NORMAL_TIMEOUT_MS } from './test-fixtures.ts';

let receiver: SlackReceiver;
let config: SlackChannelConfig;

beforeEach(async () => {
  receiver = await new SlackReceiver().start();
  const c = parseChannel({ name: 'ops-slack', type: 'slack', url: receiver.url, timeoutMs: NORMAL_TIMEOUT_MS });
  if (c.type !== 'slack') throw new Error('unreachable');
  config = c;
});
afterEach(() => receiver.stop());

function sectionTexts(blocks: readonly SlackBlock[]): string[] {
  return blocks.flatMap((b) => (b.type === 'section' && 'text' in b ? [b.text.text] : []));
}

describe('Slack channel', () => {
  it('posts text plus Block Kit blocks', async () => {
    expect(await sendSlack(config, failure())).toMatchObject({ ok: true, status: 200 });
    const body = receiver.accepted[0]?.body;
    expect(body?.text).toBe('[Critical] payments/api crashed: OOMKilled — prod-sh/payments');
    expect(body?.blocks?.map((b) => b.type)).toEqual([
      'header',
      'section',
      'section',
      'divider',
      'section',
      'section',
      'context',
    ]);
    expect(body?.blocks?.[0]).toEqual({
      type: 'header',
      text: { type: 'plain_text', text: ':red_circle: [Critical] payments/api crashed: OOMKilled', emoji: true },
    });
    expect(body?.blocks?.[1]).toMatchObject({
      type: 'section',
      fields: expect.arrayContaining([{ type: 'mrkdwn', text: '*Node*\nnode-7' }]),
    });
    const texts = sectionTexts(renderSlack(failure()).blocks);
    expect(texts).toContain(
      '*Last 3 log lines*\n```\nstarting api v1.4.2\nloaded 1200000 rows into cache\njava.lang.OutOfMemoryError: Java heap space\n```',
    );
    expect(texts).toContain('<http://127.0.0.1:7420/failures/42|Open in Kubeloop>');
  });

  it('renders zh-CN', async () => {
    expect(await sendSlack(config, zhFailure({ kind: 'resolved', title: 'payments/api 已恢复' }))).toMatchObject({
      ok: true,
    });
    const raw = receiver.accepted[0]?.raw ?? '';
    for (const s of [
      ':large_green_circle: 【已恢复】payments/api 已恢复',
      '*集群*\\nprod-sh',
      '*退出码*\\n137',
      '*最近 3 行日志*',
      '|在 Kubeloop 中查看>',
      'Kubeloop · 已恢复 · 严重',
    ]) {
      expect(raw).toContain(s);
    }
  });

  it('escapes mrkdwn control characters so logs cannot ping @channel or forge links', () => {
    const texts = sectionTexts(
      renderSlack(failure({ logLines: ['<!channel> deploy <http://evil|click> & co', 'a ``` b'] })).blocks,
    );
    const logs = texts.find((t) => t.startsWith('*Last 2 log lines*')) ?? '';
    expect(logs).toContain('&lt;!channel&gt; deploy &lt;http://evil|click&gt; &amp; co');
    expect(logs.match(/```/g)).toHaveLength(2);
    const coloured = sectionTexts(renderSlack(failure({ logLines: ['\u001b[31mERROR\u001b[0m disk full\r'] })).blocks);
    expect(coloured).toContain('*Last log line*\n```\nERROR disk full\n```');
  });

  it('respects the header, section and field limits with huge input, and Slack accepts it', async () => {
    const huge = failure({
      title: 'x'.repeat(400),
      reason: 'r'.repeat(5000),
      detail: 'd'.repeat(10_000),
      pods: Array.from({ length: 500 }, (_, i) => `pod-${'p'.repeat(200)}-${i}`),
      logLines: Array.from({ length: 2000 }, (_, i) => `${i} ${'log '.repeat(100)}`),
    });
    expect(await sendSlack(config, huge)).toMatchObject({ ok: true });
    const blocks = receiver.accepted[0]?.body.blocks ?? [];
    expect(blocks.length).toBeLessThanOrEqual(SLACK_LIMITS.blocks);
    const header = blocks[0];
    expect(header?.type === 'header' && header.text.text.length).toBe(SLACK_LIMITS.headerText);
    for (const t of sectionTexts(renderSlack(huge).blocks))
      expect(t.length).toBeLessThanOrEqual(SLACK_LIMITS.sectionText);
    const logSections = sectionTexts(renderSlack(huge).blocks).filter((t) => t.includes('```'));
    expect(logSections.length).toBeLessThanOrEqual(SLACK_LIMITS.logSections);
    expect(logSections.at(-1)).toContain('1999 log');
    expect(logSections[0]).toMatch(/^\*Last \d+ log lines\*\n```\n… \d+ earlier lines omitted\n/);
  });

  it('clamps a message to 50 blocks with a note', () => {
    const many: SlackBlock[] = Array.from({ length: 60 }, () => ({ type: 'divider' }));
    const clamped = clampBlocks(many, (n) => `${n} more blocks`);
    expect(clamped).toHaveLength(50);
    expect(clamped[49]).toEqual({ type: 'context', elements: [{ type: 'plain_text', text: '11 more blocks' }] });
  });

  it('the emulator refuses what Slack refuses', async () => {
    const post = (body: unknown) =>
      fetch(receiver.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    const tooMany = await post({ text: 't', blocks: Array.from({ length: 51 }, () => ({ type: 'divider' })) });
    expect([tooMany.status, await tooMany.text()]).toEqual([400, 'invalid_blocks']);
    const longSection = await post({ blocks: [{ type: 'section', text: { type: 'mrkdwn', text: 'x'.repeat(3001) } }] });
    expect([longSection.status, await longSection.text()]).toEqual([400, 'invalid_blocks']);
    const empty = await post({});
    expect([empty.status, await empty.text()]).toEqual([400, 'no_text']);
  });

  it("maps Slack's 4xx error strings to permanent errors and 429/5xx/timeouts to retryable ones", async () => {
    receiver.fail(receiver.vendorError('channel_is_archived'), 1).fail(receiver.vendorError('invalid_payload'), 1);
    expect(await sendSlack(config, failure())).toMatchObject({
      ok: false,
      retryable: false,
      code: 'channel_is_archived',
      status: 410,
    });
    expect(await sendSlack(config, failure())).toMatchObject({
      ok: false,
      retryable: false,
      code: 'invalid_payload',
      status: 400,
    });
    receiver
      .fail(receiver.vendorError('rate_limited', 7), 1)
      .fail(receiver.vendorError('rollup_error'), 1)
      .fail({ hang: true }, 1);
    expect(await sendSlack(config, failure())).toMatchObject({
      ok: false,
      retryable: true,
      code: 'rate_limited',
      status: 429,
      retryAfterMs: 7000,
    });
    expect(await sendSlack(config, failure())).toMatchObject({
      ok: false,
      retryable: true,
      code: 'rollup_error',
      status: 500,
    });
    expect(await sendSlack(hanging(config), failure())).toMatchObject({ ok: false, retryable: true, code: 'timeout' });
    const gone = { ...config, url: `${receiver.baseUrl}/services/T0/B0/revoked` };
    expect(await sendSlack(gone, failure())).toMatchObject({
      ok: false,
      retryable: false,
      code: 'no_service',
      status: 404,
    });
    expect(await sendSlack(config, failure())).toMatchObject({ ok: true });
  });
});
