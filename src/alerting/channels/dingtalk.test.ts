import { afterEach, describe, expect, it } from 'vitest';
import { DingtalkReceiver } from '../../../test/support/chat-receivers.ts';
import { parseChannel, type DingtalkChannelConfig } from './config.ts';
import { buildDingtalkRequest, DINGTALK_MAX_BYTES, dingtalkSign, sendDingtalk } from './dingtalk.ts';
import { chineseLogLines, failure, zhFailure, hanging, NORMAL_TIMEOUT_MS } from './test-fixtures.ts';

const SECRET = 'SECb6a4e3c9f0d1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f7081920';
let receiver: DingtalkReceiver;

afterEach(() => receiver.stop());

function configFor(url: string, secret?: string): DingtalkChannelConfig {
  const c = parseChannel({
    name: 'ops-ding',
    type: 'dingtalk',
    url,
    timeoutMs: NORMAL_TIMEOUT_MS,
    ...(secret ? { secret } : {}),
  });
  if (c.type !== 'dingtalk') throw new Error('unreachable');
  return c;
}

describe('DingTalk channel', () => {
  it('posts the documented markdown message without signing when there is no secret', async () => {
    receiver = await new DingtalkReceiver().start();
    expect(await sendDingtalk(configFor(receiver.url), failure())).toMatchObject({ ok: true, status: 200 });
    const [msg] = receiver.accepted;
    expect(msg?.query.has('sign')).toBe(false);
    expect(JSON.parse(msg?.raw ?? '{}')).toEqual({
      msgtype: 'markdown',
      markdown: {
        title: '[Critical] payments/api crashed: OOMKilled',
        text: expect.stringContaining('#### [Critical] payments/api crashed: OOMKilled'),
      },
    });
    if (msg?.body.msgtype !== 'markdown') throw new Error('expected markdown');
    expect(msg.body.markdown.text).toContain('- **Exit code**: 137');
    expect(msg.body.markdown.text).toContain('> java.lang.OutOfMemoryError: Java heap space  ');
    expect(msg.body.markdown.text).toContain('[Open in Kubeloop](http://127.0.0.1:7420/failures/42)');
  });

  it('signs with timestamp + "\\n" + secret, HmacSHA256, Base64, urlEncode and the receiver verifies it', async () => {
    receiver = await new DingtalkReceiver({ secret: SECRET }).start();
    const config = configFor(receiver.url, SECRET);
    // Many timestamps: some signatures contain "+" or "/", which only survive when URL-encoded.
    const base = Date.now();
    const stamps = Array.from({ length: 20 }, (_, i) => base - i * 1234);
    expect(stamps.some((t) => dingtalkSign(SECRET, t).includes('+'))).toBe(true);
    for (const now of stamps)
      expect(await sendDingtalk(config, failure(), { now: () => now })).toMatchObject({ ok: true });
    // The emulator really decodes: the same sign sent without urlEncode is refused.
    const t = stamps.find((x) => dingtalkSign(SECRET, x).includes('+')) ?? base;
    const raw = await fetch(`${receiver.url}&timestamp=${t}&sign=${dingtalkSign(SECRET, t)}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ msgtype: 'text', text: { content: 'hi' } }),
    });
    expect(await raw.json()).toEqual({ errcode: 310000, errmsg: 'sign not match' });
    const req = buildDingtalkRequest(config, failure(), 1_700_000_000_123);
    const sign = encodeURIComponent(dingtalkSign(SECRET, 1_700_000_000_123));
    expect(req.url).toBe(`${receiver.url}&timestamp=1700000000123&sign=${sign}`);
    expect(receiver.accepted).toHaveLength(20);
  });

  it('gets 310000 "sign not match" for a wrong secret, not retryable', async () => {
    receiver = await new DingtalkReceiver({ secret: SECRET }).start();
    const result = await sendDingtalk(configFor(receiver.url, 'SECwrong'), failure());
    expect(result).toMatchObject({
      ok: false,
      retryable: false,
      code: '310000',
      message: 'sign not match',
      status: 200,
    });
    expect(await sendDingtalk(configFor(receiver.url), failure())).toMatchObject({
      ok: false,
      code: '310000',
      message: 'invalid timestamp',
    });
  });

  it('gets 310000 "invalid timestamp" when the clock is more than an hour off', async () => {
    receiver = await new DingtalkReceiver({ secret: SECRET }).start();
    const twoHoursAgo = Date.now() - 2 * 3_600_000;
    const result = await sendDingtalk(configFor(receiver.url, SECRET), failure(), { now: () => twoHoursAgo });
    expect(result).toMatchObject({ ok: false, retryable: false, code: '310000', message: 'invalid timestamp' });
  });

  it('renders zh-CN and passes a keyword check on the title', async () => {
    receiver = await new DingtalkReceiver({ keywords: ['严重'] }).start();
    expect(await sendDingtalk(configFor(receiver.url), zhFailure())).toMatchObject({ ok: true });
    const body = receiver.accepted[0]?.body;
    if (body?.msgtype !== 'markdown') throw new Error('expected markdown');
    expect(body.markdown.title).toBe('【严重】payments/api 崩溃：内存溢出被终止');
    expect(body.markdown.text).toContain('- **命名空间**：payments');
    expect(body.markdown.text).toContain('- **Pod**：api-7f9c6b5d4-abcde、api-7f9c6b5d4-fghij');
    expect(body.markdown.text).toContain('**最近 3 行日志**');
    expect(body.markdown.text).toContain('[在 Kubeloop 中查看](');
    const r = await sendDingtalk(configFor(receiver.url), failure());
    expect(r).toMatchObject({ ok: false, retryable: false, code: '310000', message: 'keywords not in content' });
  });

  it('stays under the 20,000-byte message limit with long multibyte logs', async () => {
    receiver = await new DingtalkReceiver().start();
    expect(await sendDingtalk(configFor(receiver.url), zhFailure({ logLines: chineseLogLines(2000) }))).toMatchObject({
      ok: true,
    });
    const msg = receiver.accepted[0];
    expect(Buffer.byteLength(msg?.raw ?? '', 'utf8')).toBeLessThanOrEqual(DINGTALK_MAX_BYTES);
    expect(msg?.raw).toContain('第2000行');
    expect(msg?.raw).toMatch(/已省略更早的 \d+ 行/);
  });

  it('retries "send too fast" and 500, not a token that does not exist', async () => {
    receiver = await new DingtalkReceiver().start();
    const config = configFor(receiver.url);
    receiver
      .fail(receiver.vendorError(130101, 'send too fast, exceed 20 times per minute'), 1)
      .fail({ status: 502, body: 'bad gateway' }, 1);
    expect(await sendDingtalk(config, failure())).toMatchObject({ ok: false, retryable: true, code: '130101' });
    expect(await sendDingtalk(config, failure())).toMatchObject({ ok: false, retryable: true, code: 'http_502' });
    const wrongToken = configFor(`${receiver.baseUrl}/robot/send?access_token=nope`);
    expect(await sendDingtalk(wrongToken, failure())).toMatchObject({ ok: false, retryable: false, code: '300001' });
    receiver.fail({ hang: true }, 1);
    expect(await sendDingtalk(hanging(config), failure())).toMatchObject({
      ok: false,
      retryable: true,
      code: 'timeout',
    });
    expect(await sendDingtalk(config, failure())).toMatchObject({ ok: true });
  });
});
