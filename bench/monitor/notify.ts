import { WebhookReceiver } from '../../test/support/chat-receivers.ts';
import type { OutboxRow } from './store-reader.ts';

/**
 * The notification figure: Kubeloop's notifier in the monitor process sends every failure to a
 * local generic-webhook receiver (test/support/chat-receivers.ts, signature checked); each failure
 * is matched to the first accepted request carrying it (X-Kubeloop-Notification-Id names the
 * outbox row, whose envelope lists the failure ids, summaries included).
 */
export const NOTIFY_SECRET = 'bench-monitor-secret';
export const NOTIFY_CONCURRENCY = 16;

/**
 * No grouping window and no practical rate limit, so each failure's own path (stored -> captured
 * -> routed -> outbox -> worker -> endpoint) is measured, not the deliberate wait of a group (30 s
 * by default) or of the storm control (20 messages a minute per channel by default). Without
 * grouping the storm is ~170 messages/s to one endpoint: the webhook channel is configured with
 * 16 messages in flight (`concurrency`, default 1), as one would for a receiver built for storms.
 */
export function benchAlerting(url: string): Record<string, unknown> {
  return {
    channels: [{ type: 'webhook', name: 'bench', url, secret: NOTIFY_SECRET, concurrency: NOTIFY_CONCURRENCY }],
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

export interface Delivered {
  at: number;
  /** The outbox row that carried it: when it was enqueued and claimed for sending. */
  enqueuedAt: number;
  claimedAt?: number;
}

/** Failure id -> when the receiver first accepted a message covering it. */
export function deliveredAt(receiver: WebhookReceiver, outbox: OutboxRow[]): Map<number, Delivered> {
  const received = new Map<string, number>();
  for (const m of receiver.accepted) {
    const id = m.headers['x-kubeloop-notification-id'];
    if (typeof id === 'string' && !received.has(id)) received.set(id, m.receivedAt);
  }
  const out = new Map<number, Delivered>();
  for (const row of outbox) {
    const at = received.get(`kubeloop-${row.id}`);
    if (at === undefined) continue;
    const env = JSON.parse(row.payload) as EnvelopeIds;
    const ids = [...(env.failureIds ?? []), ...(env.heldBack ?? []).flatMap((h) => h.failureIds ?? [])];
    for (const f of ids) {
      if ((out.get(f)?.at ?? Infinity) > at)
        out.set(f, {
          at,
          enqueuedAt: row.createdAt,
          ...(row.claimedAt !== undefined ? { claimedAt: row.claimedAt } : {}),
        });
    }
  }
  return out;
}

export interface NotifyFigures {
  failures: number;
  delivered: number;
  /** Row committed -> accepted by the receiver; capture attached -> accepted. */
  fromStored: number[];
  fromCaptured: number[];
  /** The legs: capture attached -> enqueued, enqueued -> claimed by the worker, claimed -> accepted. */
  toEnqueued: number[];
  toClaimed: number[];
  toAccepted: number[];
  messages: number;
  rejected: number;
}

export function notifyFigures(
  ids: number[],
  delivered: Map<number, Delivered>,
  storedAt: Map<number, number>,
  capturedAt: Map<number, number>,
  receiver: WebhookReceiver,
): NotifyFigures {
  const f: NotifyFigures = {
    failures: ids.length,
    delivered: 0,
    fromStored: [],
    fromCaptured: [],
    toEnqueued: [],
    toClaimed: [],
    toAccepted: [],
    messages: receiver.accepted.length,
    rejected: receiver.rejected.length,
  };
  for (const id of ids) {
    const d = delivered.get(id);
    if (d === undefined) continue;
    f.delivered++;
    const s = storedAt.get(id);
    if (s !== undefined) f.fromStored.push(d.at - s);
    const c = capturedAt.get(id);
    if (c !== undefined) {
      f.fromCaptured.push(d.at - c);
      f.toEnqueued.push(d.enqueuedAt - c);
    }
    if (d.claimedAt !== undefined) {
      f.toClaimed.push(d.claimedAt - d.enqueuedAt);
      f.toAccepted.push(d.at - d.claimedAt);
    }
  }
  return f;
}
