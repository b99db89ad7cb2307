import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import {
  ChatReceiver,
  isJsonContentType,
  jsonReply,
  parseJson,
  type ReceivedRequest,
  type ReceiverOptions,
  type Reply,
  type Verdict,
} from './base.ts';

/**
 * A consumer of Kubeloop's generic webhook, verifying the documented scheme independently:
 * X-Kubeloop-Timestamp (unix seconds, within `toleranceSec`) and
 * X-Kubeloop-Signature: sha256=hex(HMAC-SHA256(secret, timestamp + "." + raw body)).
 * Answers 200 {"ok":true}; 401 for a missing, stale or wrong signature; 400/415/422 for bad bodies.
 */
const envelope = z
  .object({
    version: z.literal(1),
    sentAt: z.iso.datetime(),
    notification: z
      .object({
        kind: z.enum(['failure', 'resolved', 'summary', 'test', 'action']),
        title: z.string().min(1),
        severity: z.enum(['critical', 'warning', 'info']),
        cluster: z.string().min(1),
        lang: z.enum(['en', 'zh-CN']),
      })
      .loose(),
  })
  .strict();
export type WebhookBody = z.infer<typeof envelope>;

export class WebhookReceiver extends ChatReceiver<WebhookBody> {
  readonly path: string;
  readonly secret: string | undefined;
  readonly toleranceSec: number;

  constructor(opts: ReceiverOptions & { path?: string; secret?: string; toleranceSec?: number } = {}) {
    super(opts);
    this.path = opts.path ?? '/hooks/kubeloop';
    this.secret = opts.secret;
    this.toleranceSec = opts.toleranceSec ?? 300;
  }

  get url(): string {
    return `${this.baseUrl}${this.path}`;
  }

  vendorError(status: number, error: string): Reply {
    return jsonReply(status, { error });
  }

  protected successReply(): Reply {
    return jsonReply(200, { ok: true });
  }

  private checkSignature(req: ReceivedRequest, secret: string): string | undefined {
    const ts = req.headers['x-kubeloop-timestamp'];
    const sig = req.headers['x-kubeloop-signature'];
    if (typeof ts !== 'string' || typeof sig !== 'string') return 'missing signature headers';
    if (!/^\d+$/.test(ts)) return 'malformed timestamp';
    if (Math.abs(this.now() / 1000 - Number(ts)) > this.toleranceSec) return 'timestamp outside tolerance';
    const expected = Buffer.from(
      `sha256=${createHmac('sha256', secret).update(`${ts}.${req.raw}`, 'utf8').digest('hex')}`,
    );
    const given = Buffer.from(sig);
    return given.length === expected.length && timingSafeEqual(given, expected) ? undefined : 'signature mismatch';
  }

  protected validate(req: ReceivedRequest): Verdict<WebhookBody> {
    const reject = (status: number, why: string): Verdict<WebhookBody> => ({
      ok: false,
      reason: why,
      reply: this.vendorError(status, why),
    });
    if (req.method !== 'POST' || req.path !== this.path) return reject(404, 'not found');
    if (!isJsonContentType(req.headers)) return reject(415, 'expected application/json');
    if (this.secret) {
      const problem = this.checkSignature(req, this.secret);
      if (problem) return reject(401, problem);
    }
    const json = parseJson(req.raw);
    if (json === undefined) return reject(400, 'body is not JSON');
    const parsed = envelope.safeParse(json);
    if (!parsed.success)
      return reject(422, `${parsed.error.issues[0]?.path.join('.') ?? ''}: ${parsed.error.issues[0]?.message ?? ''}`);
    return { ok: true, body: parsed.data };
  }
}
