import { createHmac } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { FeishuReceiver } from '../../../test/support/chat-receivers.ts';
import { parseChannel, type FeishuChannelConfig } from './config.ts';
import { buildFeishuRequest, FEISHU_MAX_BYTES, sendFeishu } from './feishu.ts';
import { chineseLogLines, failure, zhFailure, hanging, NORMAL_TIMEOUT_MS } from './test-fixtures.ts';

const SECRET = 'qL5mV8rTzK2wXy9nB3cD';
let receiver: FeishuReceiver;

afterEach(() => receiver.stop());

function configFor(url: string, extra: { secret?: string; format?: 'card' | 'text' } = {}): FeishuChannelConfig {
  const c = parseChannel({ name: 'ops-feishu', type: 'feishu', url, timeoutMs: NORMAL_TIMEOUT_MS, ...extra });
  if (c.type !== 'feishu') throw new Error('unreachable');
  return c;
}

describe('Feishu channel', () => {
  it('posts an interactive card the receiver accepts', async () => {
    receiver = await new FeishuReceiver().start();
    expect(await sendFeishu(configFor(receiver.url), failure())).toMatchObject({ ok: true, status: 200 });
    const body = receiver.accepted[0]?.body;
    if (body?.msg_type !== 'interactive') throw new Error('expected a card');
    expect(body.card.header).toEqual({
      title: { tag: 'plain_text', content: '[Critical] payments/api crashed: OOMKilled' },
      template: 'red',
    });
    expect(body.card.elements.map((e) => e.tag)).toEqual(['div', 'div', 'hr', 'markdown', 'action', 'note']);
    expect(body.card.elements[0]).toMatchObject({
      tag: 'div',
      fields: expect.arrayContaining([{ is_short: true, text: { tag: 'lark_md', content: '**Exit code**\n137' } }]),
    });
    expect(body.card.elements[3]).toEqual({
      tag: 'markdown',
      content:
        '**Last 3 log lines**\n```\nstarting api v1.4.2\nloaded 1200000 rows into cache\njava.lang.OutOfMemoryError: Java heap space\n```',
    });
    expect(body.card.elements[4]).toEqual({
      tag: 'action',
      actions: [
        {
          tag: 'button',
          text: { tag: 'plain_text', content: 'Open in Kubeloop' },
          type: 'primary',
          url: 'http://127.0.0.1:7420/failures/42',
        },
      ],
    });
    expect('timestamp' in body).toBe(false);
  });

  it('posts plain text when configured so', async () => {
    receiver = await new FeishuReceiver().start();
    expect(
      await sendFeishu(
        configFor(receiver.url, { format: 'text' }),
        failure({ kind: 'resolved', title: 'payments/api recovered' }),
      ),
    ).toMatchObject({ ok: true });
    const body = receiver.accepted[0]?.body;
    if (body?.msg_type !== 'text') throw new Error('expected text');
    expect(body.content.text.split('\n').slice(0, 2)).toEqual([
      '[Resolved] payments/api recovered',
      'Cluster: prod-sh',
    ]);
    expect(body.content.text).toContain('Open in Kubeloop: http://127.0.0.1:7420/failures/42');
  });

  it('signs with key = timestamp + "\\n" + secret over an empty message, timestamp in seconds, in the body', async () => {
    receiver = await new FeishuReceiver({ secret: SECRET }).start();
    const config = configFor(receiver.url, { secret: SECRET });
    expect(await sendFeishu(config, failure())).toMatchObject({ ok: true });
    const sent = JSON.parse(receiver.accepted[0]?.raw ?? '{}') as Record<string, unknown>;
    expect(Object.keys(sent).slice(0, 3)).toEqual(['timestamp', 'sign', 'msg_type']);
    expect(sent.timestamp).toMatch(/^\d{10}$/);
    const req = buildFeishuRequest(config, failure(), 1_599_360_473_999);
    const { timestamp, sign } = JSON.parse(req.body) as { timestamp: string; sign: string };
    expect(timestamp).toBe('1599360473');
    expect(sign).toBe(createHmac('sha256', `1599360473\n${SECRET}`).update('').digest('base64'));
  });

  it('gets 19021 for a wrong secret or a stale timestamp, not retryable', async () => {
    receiver = await new FeishuReceiver({ secret: SECRET }).start();
    const wrong = await sendFeishu(configFor(receiver.url, { secret: 'not-the-secret' }), failure());
    expect(wrong).toMatchObject({ ok: false, retryable: false, code: '19021', status: 200 });
    if (!wrong.ok) expect(wrong.message).toBe('sign match fail or timestamp is not within one hour from current time');
    const stale = await sendFeishu(configFor(receiver.url, { secret: SECRET }), failure(), {
      now: () => Date.now() - 2 * 3_600_000,
    });
    expect(stale).toMatchObject({ ok: false, retryable: false, code: '19021' });
    expect(await sendFeishu(configFor(receiver.url), failure())).toMatchObject({ ok: false, code: '19021' });
  });

  it('renders zh-CN', async () => {
    receiver = await new FeishuReceiver({ keywords: ['故障'] }).start();
    expect(await sendFeishu(configFor(receiver.url), zhFailure())).toMatchObject({ ok: true });
    const body = receiver.accepted[0]?.body;
    if (body?.msg_type !== 'interactive') throw new Error('expected a card');
    expect(body.card.header?.title.content).toBe('【严重】payments/api 崩溃：内存溢出被终止');
    const raw = receiver.accepted[0]?.raw ?? '';
    for (const s of [
      '**集群**\\nprod-sh',
      '**工作负载**\\nDeployment/api',
      '**最近 3 行日志**',
      '在 Kubeloop 中查看',
      'Kubeloop · 故障 · 严重',
    ]) {
      expect(raw).toContain(s);
    }
  });

  it('keeps the body under 20 KB and escapes lark_md in values', async () => {
    receiver = await new FeishuReceiver().start();
    const msg = zhFailure({ logLines: chineseLogLines(3000), reason: '*bold* [x](http://evil) <at id=all></at>' });
    expect(await sendFeishu(configFor(receiver.url), msg)).toMatchObject({ ok: true });
    const raw = receiver.accepted[0]?.raw ?? '';
    expect(Buffer.byteLength(raw, 'utf8')).toBeLessThanOrEqual(FEISHU_MAX_BYTES);
    expect(raw).toContain('第3000行');
    expect(raw).toContain('\\\\*bold\\\\* \\\\[x\\\\](http://evil) \\\\<at id=all\\\\>\\\\</at\\\\>');
  });

  it('retries frequency limits, 500s and timeouts; not a bad request', async () => {
    receiver = await new FeishuReceiver().start();
    const config = configFor(receiver.url);
    receiver
      .fail(receiver.vendorError(11232, 'frequency limited'), 1)
      .fail({ status: 500, body: '{}' }, 1)
      .fail({ hang: true }, 1);
    expect(await sendFeishu(config, failure())).toMatchObject({ ok: false, retryable: true, code: '11232' });
    expect(await sendFeishu(config, failure())).toMatchObject({ ok: false, retryable: true, code: 'http_500' });
    expect(await sendFeishu(hanging(config), failure())).toMatchObject({ ok: false, retryable: true, code: 'timeout' });
    receiver.fail(receiver.vendorError(9499, 'Bad Request'), 1);
    expect(await sendFeishu(config, failure())).toMatchObject({
      ok: false,
      retryable: false,
      code: '9499',
      message: 'Bad Request',
    });
    expect(await sendFeishu(config, failure())).toMatchObject({ ok: true });
  });

  it("emulates Feishu's answers to malformed requests", async () => {
    receiver = await new FeishuReceiver().start();
    const post = async (url: string, body: unknown) =>
      (
        await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(body),
        })
      ).json();
    expect(await post(receiver.url, { msg_type: 'interactive', card: { elements: [{ tag: 'blink' }] } })).toMatchObject(
      { code: 9499 },
    );
    expect(await post(receiver.url, { msg_type: 'text', content: { text: 'x'.repeat(21 * 1024) } })).toMatchObject({
      code: 9499,
    });
    expect(
      await post(`${receiver.baseUrl}/open-apis/bot/v2/hook/other`, { msg_type: 'text', content: { text: 'x' } }),
    ).toMatchObject({ code: 19001 });
  });
});
