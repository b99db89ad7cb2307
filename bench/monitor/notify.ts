import { WebhookReceiver } from '../../test/support/chat-receivers.ts';

/**
 * The notification figure: Kubeloop's notifier in the monitor process sends every failure to a
 * local generic-webhook receiver (test/support/chat-receivers.ts, signature checked); each failure
 * is matched to the first accepted request carrying it (X-Kubeloop-Notification-Id names the
 * outbox row, whose envelope lists the failure ids, summaries included).
 */
export const NOTIFY_SECRET = 'bench-monitor-secret';

/**
 * No grouping window and no practical rate limit, so each failure's own path (stored -> captured
 * -> routed -> outbox -> worker -> endpoint) is measured, not the deliberate wait of a group (30 s
 * by default) or of the storm control (20 messages a minute per channel by default).
 */
export function benchAlerting(url: string): Record<string, unknown> {
  return {
    channels: [{ type: 'webhook', name: 'bench', url, secret: NOTIFY_SECRET }],
    grouping: { window: '0s' },
    rateLimit: { messages: 100_000, per: '1s' },
  };
}

export async function startReceiver(): Promise<WebhookReceiver> {
  return new WebhookReceiver({ secret: NOTIFY_SECRET }).start();
}

interface EnvelopeIds {
  failureIds?: number[];
  heldBack?: { failureIds?: number[] }[];
}

/** Failure id -> when the receiver first accepted a message covering it. */
export function deliveredAt(receiver: WebhookReceiver, outbox: { id: number; payload: string }[]): Map<number, number> {
  const received = new Map<string, number>();
  for (const m of receiver.accepted) {
    const id = m.headers['x-kubeloop-notification-id'];
    if (typeof id === 'string' && !received.has(id)) received.set(id, m.receivedAt);
  }
  const out = new Map<number, number>();
  for (const row of outbox) {
    const at = received.get(`kubeloop-${row.id}`);
    if (at === undefined) continue;
    const env = JSON.parse(row.payload) as EnvelopeIds;
    const ids = [...(env.failureIds ?? []), ...(env.heldBack ?? []).flatMap((h) => h.failureIds ?? [])];
    for (const f of ids) if (!out.has(f) || (out.get(f) ?? Infinity) > at) out.set(f, at);
  }
  return out;
}

export interface NotifyFigures {
  failures: number;
  delivered: number;
  /** Row committed -> accepted by the receiver; capture attached -> accepted. */
  fromStored: number[];
  fromCaptured: number[];
  messages: number;
  rejected: number;
}

export function notifyFigures(ids: number[], delivered: Map<number, number>, storedAt: Map<number, number>, capturedAt: Map<number, number>, receiver: WebhookReceiver): NotifyFigures {
  const f: NotifyFigures = { failures: ids.length, delivered: 0, fromStored: [], fromCaptured: [], messages: receiver.accepted.length, rejected: receiver.rejected.length };
  for (const id of ids) {
    const at = delivered.get(id);
    if (at === undefined) continue;
    f.delivered++;
    const s = storedAt.get(id);
    if (s !== undefined) f.fromStored.push(at - s);
    const c = capturedAt.get(id);
    if (c !== undefined) f.fromCaptured.push(at - c);
  }
  return f;
}
