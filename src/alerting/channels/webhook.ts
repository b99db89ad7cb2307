/**
 * Generic webhook: the whole notification as JSON, optionally signed.
 *
 * The request (Kubeloop's own format, documented here and in the README):
 *   POST <url>
 *   Content-Type: application/json; charset=utf-8
 *   User-Agent: Kubeloop
 *   X-Kubeloop-Event: failure | resolved | summary | test
 *   X-Kubeloop-Notification-Id: <id>        (when the notification has one; equal across retries)
 *   X-Kubeloop-Timestamp: <unix time, seconds>
 *   X-Kubeloop-Signature: sha256=<hex>      (only when the channel has a `secret`)
 *   {"version":1,"sentAt":"<RFC 3339>","notification":{<NotificationMessage, logs untruncated>}}
 *
 * Signature: hex(HMAC-SHA256(key = secret as UTF-8, message = timestamp + "." + raw body)), where
 * timestamp is the exact X-Kubeloop-Timestamp string and raw body the exact bytes sent. To verify:
 * recompute over the bytes received (before any JSON parsing), compare in constant time, and reject
 * a timestamp more than 300 s from your clock: signing the timestamp stops an old delivery from
 * being replayed with a fresh one. Deduplicate retries by X-Kubeloop-Notification-Id.
 * The "sha256=<hex>" header follows GitHub's X-Hub-Signature-256
 * (https://docs.github.com/en/webhooks/using-webhooks/validating-webhook-deliveries); the signed
 * "timestamp.body" payload follows Stripe's scheme (https://docs.stripe.com/webhooks#verify-manually).
 *
 * Any 2xx is success; 408, 429 and 5xx are retried; any other status is a permanent error.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { WebhookChannelConfig } from './config.ts';
import {
  httpError,
  JSON_HEADERS,
  sendPrepared,
  type ChannelRequest,
  type Outcome,
  type RawAnswer,
  type SendOptions,
  type SendResult,
} from './http.ts';
import type { NotificationMessage } from './message.ts';

export const SIGNATURE_HEADER = 'x-kubeloop-signature';
export const TIMESTAMP_HEADER = 'x-kubeloop-timestamp';
export const EVENT_HEADER = 'x-kubeloop-event';
export const NOTIFICATION_ID_HEADER = 'x-kubeloop-notification-id';
export const SIGNATURE_TOLERANCE_SEC = 300;

export interface WebhookPayload {
  version: 1;
  sentAt: string;
  notification: NotificationMessage;
}

export function renderWebhook(msg: NotificationMessage, nowMs: number): WebhookPayload {
  return { version: 1, sentAt: new Date(nowMs).toISOString(), notification: msg };
}

/** "sha256=" + hex(HMAC-SHA256(secret, timestamp + "." + body)). */
export function kubeloopSignature(secret: string, timestamp: string, rawBody: string | Buffer): string {
  const mac = createHmac('sha256', secret).update(`${timestamp}.`, 'utf8').update(rawBody);
  return `sha256=${mac.digest('hex')}`;
}

export type VerifyFailure = 'missing' | 'malformed' | 'expired' | 'mismatch';

/** The receiving side of the scheme, for Kubeloop users and our own tests' documentation. */
export function verifyKubeloopSignature(args: {
  secret: string;
  timestamp: string | undefined;
  signature: string | undefined;
  rawBody: string | Buffer;
  nowMs: number;
  toleranceSec?: number;
}): { ok: true } | { ok: false; reason: VerifyFailure } {
  const { timestamp, signature } = args;
  if (!timestamp || !signature) return { ok: false, reason: 'missing' };
  if (!/^\d{1,12}$/.test(timestamp) || !/^sha256=[0-9a-f]{64}$/.test(signature))
    return { ok: false, reason: 'malformed' };
  if (Math.abs(args.nowMs / 1000 - Number(timestamp)) > (args.toleranceSec ?? SIGNATURE_TOLERANCE_SEC))
    return { ok: false, reason: 'expired' };
  const expected = Buffer.from(kubeloopSignature(args.secret, timestamp, args.rawBody));
  return timingSafeEqual(expected, Buffer.from(signature)) ? { ok: true } : { ok: false, reason: 'mismatch' };
}

export function buildWebhookRequest(
  config: WebhookChannelConfig,
  msg: NotificationMessage,
  nowMs: number,
): ChannelRequest {
  const body = JSON.stringify(renderWebhook(msg, nowMs));
  const timestamp = String(Math.floor(nowMs / 1000));
  const headers: Record<string, string> = { ...JSON_HEADERS, [EVENT_HEADER]: msg.kind, [TIMESTAMP_HEADER]: timestamp };
  if (msg.id) headers[NOTIFICATION_ID_HEADER] = msg.id;
  if (config.secret) headers[SIGNATURE_HEADER] = kubeloopSignature(config.secret, timestamp, body);
  return { url: config.url, headers, body };
}

export function classifyWebhookAnswer(a: RawAnswer): Outcome {
  return a.status >= 200 && a.status < 300 ? { ok: true, status: a.status } : httpError(a);
}

export function sendWebhook(
  config: WebhookChannelConfig,
  msg: NotificationMessage,
  opts: SendOptions = {},
): Promise<SendResult> {
  const req = buildWebhookRequest(config, msg, (opts.now ?? Date.now)());
  return sendPrepared(req, config.timeoutMs, classifyWebhookAnswer, opts);
}
