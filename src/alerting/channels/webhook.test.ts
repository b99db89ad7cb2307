import { createHmac } from 'node:crypto';
import { createServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { WebhookReceiver } from '../../../test/support/chat-receivers.ts';
import { parseChannel, type WebhookChannelConfig } from './config.ts';
import { chineseLogLines, failure, zhFailure, hanging, NORMAL_TIMEOUT_MS } from './test-fixtures.ts';
import { buildWebhookRequest, kubeloopSignature, sendWebhook, verifyKubeloopSignature } from './webhook.ts';

const SECRET = 'whsec-4f1d2a9c';
let receiver: WebhookReceiver;

afterEach(() => receiver.stop());

function configFor(url: string, secret?: string): WebhookChannelConfig {
  const c = parseChannel({
    name: 'itsm',
    type: 'webhook',
    url,
    timeoutMs: NORMAL_TIMEOUT_MS,
    ...(secret ? { secret } : {}),
  });
  if (c.type !== 'webhook') throw new Error('unreachable');
  return c;
}

describe('generic webhook channel', () => {
  it('posts the whole notification, logs untruncated, with event and id headers', async () => {
    receiver = await new WebhookReceiver().start();
    const msg = zhFailure({ logLines: chineseLogLines(500) });
    const now = Date.parse('2025-05-01T08:30:05Z');
    expect(await sendWebhook(configFor(receiver.url), msg, { now: () => now })).toMatchObject({
      ok: true,
      status: 200,
    });
    const got = receiver.accepted[0];
    expect(JSON.parse(got?.raw ?? '{}')).toEqual({ version: 1, sentAt: '2025-05-01T08:30:05.000Z', notification: msg });
    expect(got?.headers['x-kubeloop-event']).toBe('failure');
    expect(got?.headers['x-kubeloop-notification-id']).toBe('ntf-0001');
    expect(got?.headers['x-kubeloop-timestamp']).toBe(String(now / 1000));
    expect(got?.headers['x-kubeloop-signature']).toBeUndefined();
  });

  it('signs "timestamp.body" with HMAC-SHA256 and the receiver verifies it', async () => {
    receiver = await new WebhookReceiver({ secret: SECRET }).start();
    expect(await sendWebhook(configFor(receiver.url, SECRET), failure())).toMatchObject({ ok: true });
    const got = receiver.accepted[0];
    const ts = String(got?.headers['x-kubeloop-timestamp']);
    const expected = createHmac('sha256', SECRET)
      .update(`${ts}.${got?.raw ?? ''}`)
      .digest('hex');
    expect(got?.headers['x-kubeloop-signature']).toBe(`sha256=${expected}`);
  });

  it('a wrong secret is refused (401) and not retried', async () => {
    receiver = await new WebhookReceiver({ secret: SECRET }).start();
    const r = await sendWebhook(configFor(receiver.url, 'other-secret'), failure());
    expect(r).toMatchObject({ ok: false, retryable: false, code: 'http_401', status: 401 });
    expect(receiver.rejected[0]?.reason).toBe('signature mismatch');
    expect(await sendWebhook(configFor(receiver.url), failure())).toMatchObject({ ok: false, code: 'http_401' });
    expect(receiver.rejected[1]?.reason).toBe('missing signature headers');
  });

  it('a replayed delivery (old timestamp) is refused even with a valid signature', async () => {
    receiver = await new WebhookReceiver({ secret: SECRET }).start();
    const tenMinutesAgo = Date.now() - 600_000;
    const req = buildWebhookRequest(configFor(receiver.url, SECRET), failure(), tenMinutesAgo);
    const res = await fetch(req.url, { method: 'POST', headers: req.headers, body: req.body });
    expect(res.status).toBe(401);
    expect(receiver.rejected[0]?.reason).toBe('timestamp outside tolerance');
    // Re-signing the same body with a fresh timestamp is only possible with the secret.
    const ts = String(Math.floor(Date.now() / 1000));
    const forged = await fetch(req.url, {
      method: 'POST',
      headers: { ...req.headers, 'x-kubeloop-timestamp': ts },
      body: req.body,
    });
    expect(forged.status).toBe(401);
    expect(receiver.rejected[1]?.reason).toBe('signature mismatch');
  });

  it('verifyKubeloopSignature implements the documented check', () => {
    const body = '{"version":1}';
    const sig = kubeloopSignature(SECRET, '1700000000', body);
    const at = (s: number) =>
      verifyKubeloopSignature({
        secret: SECRET,
        timestamp: '1700000000',
        signature: sig,
        rawBody: body,
        nowMs: s * 1000,
      });
    expect(at(1_700_000_100)).toEqual({ ok: true });
    expect(at(1_700_000_301)).toEqual({ ok: false, reason: 'expired' });
    expect(
      verifyKubeloopSignature({
        secret: 'x',
        timestamp: '1700000000',
        signature: sig,
        rawBody: body,
        nowMs: 1_700_000_000_000,
      }),
    ).toEqual({ ok: false, reason: 'mismatch' });
    expect(
      verifyKubeloopSignature({
        secret: SECRET,
        timestamp: '1700000000',
        signature: 'md5=00',
        rawBody: body,
        nowMs: 0,
      }),
    ).toEqual({ ok: false, reason: 'malformed' });
  });

  it('retries 500s, 429s, timeouts and refused connections; not 4xx', async () => {
    receiver = await new WebhookReceiver().start();
    const config = configFor(receiver.url);
    receiver
      .fail({ status: 500, body: 'boom', contentType: 'text/plain' }, 1)
      .fail({ status: 429, body: '', headers: { 'retry-after': '3' } }, 1);
    expect(await sendWebhook(config, failure())).toMatchObject({
      ok: false,
      retryable: true,
      code: 'http_500',
      message: 'boom',
    });
    expect(await sendWebhook(config, failure())).toMatchObject({
      ok: false,
      retryable: true,
      code: 'http_429',
      retryAfterMs: 3000,
    });
    receiver.fail({ hang: true }, 1).fail({ reset: true }, 1).fail({ status: 404, body: 'no such hook' }, 1);
    expect(await sendWebhook(hanging(config), failure())).toMatchObject({
      ok: false,
      retryable: true,
      code: 'timeout',
    });
    expect(await sendWebhook(config, failure())).toMatchObject({ ok: false, retryable: true });
    expect(await sendWebhook(config, failure())).toMatchObject({ ok: false, retryable: false, code: 'http_404' });
    receiver.fail({ status: 301, body: '', headers: { location: 'https://elsewhere.example/hook' } }, 1);
    expect(await sendWebhook(config, failure())).toMatchObject({
      ok: false,
      retryable: false,
      code: 'http_301',
      message: 'redirected to https://elsewhere.example/hook',
    });
    expect(await sendWebhook(config, failure())).toMatchObject({ ok: true });

    const port = await new Promise<number>((resolve) => {
      const s = createServer().listen(0, '127.0.0.1', () => {
        const p = (s.address() as { port: number }).port;
        s.close(() => resolve(p));
      });
    });
    const refused = await sendWebhook(configFor(`http://127.0.0.1:${port}/x`), failure());
    expect(refused).toMatchObject({ ok: false, retryable: true, code: 'ECONNREFUSED' });
  });

  it('an outside cancel is reported as aborted and retryable', async () => {
    receiver = await new WebhookReceiver().start();
    receiver.fail({ hang: true }, 1);
    const ctl = new AbortController();
    setTimeout(() => ctl.abort(), 50);
    const config = { ...configFor(receiver.url), timeoutMs: 5000 };
    expect(await sendWebhook(config, failure(), { signal: ctl.signal })).toMatchObject({
      ok: false,
      retryable: true,
      code: 'aborted',
    });
  });
});
