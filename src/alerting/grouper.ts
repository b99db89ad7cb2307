import type { OutboxRepo } from '../store/index.ts';
import { MAX_FAILURE_IDS, newEnvelope, toPayload, type Envelope } from './envelope.ts';
import type { NotificationMessage } from './channels/message.ts';
import { openPendingRows } from './outbox-queries.ts';
import { groupDetail, groupTitle } from './render-failure.ts';
import { KeyedMutex } from '../util/keyed-mutex.ts';

/** One failure to notify on one channel. */
export interface GroupMember {
  channel: string;
  /** cluster/namespace/workload kind/workload name/reason: what makes failures "the same". */
  key: string;
  failureId: number;
  pod: string;
  /** The failure's own message (used when it starts a new group). */
  message: NotificationMessage;
  /** The failure's own title and detail, from which a group's are derived. */
  title: string;
  detail?: string;
}

interface OpenGroup {
  id: number;
  windowEnd: number;
  env: Envelope;
}

/** A group key of the top-level workload, so a Deployment's ReplicaSets and pods share one group. */
export function groupKey(f: {
  cluster: string;
  namespace: string;
  workloadKind: string;
  workloadName: string;
  reason: string;
}): string {
  return [f.cluster, f.namespace, f.workloadKind, f.workloadName, f.reason].join('/');
}

const MAX_PODS = 500;

/**
 * Grouping, crash-safe: the first failure of a (channel, group key) creates a pending outbox row
 * due at the window's end; failures joining within the window update that row's payload (count,
 * pods, failure ids) while it is still pending. The row is the group's only state that matters:
 * after a restart the open groups are re-read from the outbox, so a group is neither lost nor sent
 * twice. A join that loses the race with the worker (the row was just claimed) starts a new group.
 */
export class Grouper {
  private readonly open = new Map<string, OpenGroup>();
  private readonly locks = new KeyedMutex();

  constructor(
    private readonly opts: {
      outbox: OutboxRepo;
      windowMs: number;
      now: () => number;
      /** A row becomes due at `at` (the worker schedules a wake-up). */
      due: (at: number) => void;
    },
  ) {}

  /** Re-reads the groups still collecting (after a restart). */
  async rebuild(): Promise<number> {
    this.open.clear();
    for (const row of await openPendingRows(this.opts.outbox, this.opts.now())) {
      if (!row.env.group) continue;
      this.open.set(`${row.channel}\u0000${row.env.group.key}`, {
        id: row.id,
        windowEnd: row.env.group.windowEnd,
        env: row.env,
      });
      this.opts.due(row.nextAttemptAt);
    }
    return this.open.size;
  }

  /** Adds a failure to its group on a channel; returns the delivery (outbox row) that carries it. */
  add(m: GroupMember): Promise<{ deliveryId: number; joined: boolean }> {
    const k = `${m.channel}\u0000${m.key}`;
    return this.locks.run(k, async () => {
      const now = this.opts.now();
      const current = this.open.get(k);
      if (current && current.windowEnd > now) {
        const env = join(current.env, m);
        if (await this.opts.outbox.updatePendingPayload(current.id, toPayload(env))) {
          current.env = env;
          return { deliveryId: current.id, joined: true };
        }
      }
      this.open.delete(k);
      this.prune(now);
      const windowMs = this.opts.windowMs;
      const env = newEnvelope(m.message, [m.failureId]);
      if (windowMs > 0) {
        env.group = {
          key: m.key,
          windowEnd: now + windowMs,
          windowMs,
          title: m.title,
          ...(m.detail ? { detail: m.detail } : {}),
        };
      }
      const row = await this.opts.outbox.enqueue(
        { failureId: m.failureId, channel: m.channel, payload: toPayload(env), nextAttemptAt: now + windowMs },
        now,
      );
      if (windowMs > 0) this.open.set(k, { id: row.id, windowEnd: now + windowMs, env });
      this.opts.due(now + windowMs);
      return { deliveryId: row.id, joined: false };
    });
  }

  /** The latest window end of the channel's open groups whose key starts with `prefix`. */
  latestWindowEnd(channel: string, prefix: string): number | undefined {
    let latest: number | undefined;
    const now = this.opts.now();
    for (const [k, g] of this.open) {
      if (g.windowEnd > now && k.startsWith(`${channel}\u0000${prefix}`)) latest = Math.max(latest ?? 0, g.windowEnd);
    }
    return latest;
  }

  /** Groups still open (tests, metrics). */
  get size(): number {
    return this.open.size;
  }

  private prune(now: number): void {
    // Closed windows are only dropped lazily; sweep when the map grows so a storm over many
    // workloads does not keep every group of the day in memory.
    if (this.open.size < 256) return;
    for (const [k, g] of this.open) if (g.windowEnd <= now) this.open.delete(k);
  }
}

/** The group's envelope with one more failure: count, pods, ids, and the derived title/detail. */
export function join(env: Envelope, m: GroupMember): Envelope {
  const g = env.group;
  const msg = env.message;
  const count = msg.count + 1;
  const pods = msg.pods.includes(m.pod) || msg.pods.length >= MAX_PODS ? msg.pods : [...msg.pods, m.pod];
  const failureIds = env.failureIds.length < MAX_FAILURE_IDS ? [...env.failureIds, m.failureId] : env.failureIds;
  const title = g ? groupTitle(g.title, count, g.windowMs, msg.lang) : msg.title;
  const detail = g ? groupDetail(g.detail, count, pods.length, g.windowMs, msg.lang) : msg.detail;
  const message: NotificationMessage = { ...msg, count, pods, title, ...(detail ? { detail } : {}) };
  return { ...env, message, failureIds };
}
