import type { KubeConfig } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import { z } from 'zod';
import { ListWatch } from '../kube/list-watch.ts';
import type { OwnerLink } from '../kube/owners.ts';
import type { Store } from '../store/open.ts';
import type { PodFilter } from './filter.ts';

const slimEventSchema = z.object({
  metadata: z.object({
    name: z.string(),
    namespace: z.string().optional(),
    uid: z.string(),
    resourceVersion: z.string().optional(),
  }),
  involvedObject: z
    .object({
      kind: z.string().optional(),
      name: z.string().optional(),
      namespace: z.string().optional(),
      uid: z.string().optional(),
    })
    .default({}),
  reason: z.string().default(''),
  message: z.string().default(''),
  type: z.string().optional(),
  count: z.number().int().optional(),
  firstTimestamp: z.string().nullish(),
  lastTimestamp: z.string().nullish(),
  eventTime: z.string().nullish(),
});

export type SlimEvent = z.infer<typeof slimEventSchema>;

function slimEvent(raw: unknown): SlimEvent | string {
  const r = slimEventSchema.safeParse(raw);
  return r.success
    ? r.data
    : `event: ${r.error.issues[0]?.path.join('.') ?? ''}: ${r.error.issues[0]?.message ?? 'invalid'}`;
}

export function lastSeenOf(e: SlimEvent): string {
  return e.lastTimestamp ?? e.eventTime ?? e.firstTimestamp ?? '';
}

export interface WarningEventOptions {
  kc: KubeConfig;
  store: Store;
  cluster: string;
  namespaces: string[];
  filter: PodFilter;
  workloadOf: (namespace: string, kind: string, name: string) => Promise<OwnerLink | undefined>;
  logger?: Logger;
}

/**
 * Warning Events cluster-wide (FailedScheduling, FailedMount, Unhealthy, Evicted, NodeNotReady...)
 * as secondary findings, linked to the top-level workload of the object they concern. One finding
 * per Event object: its count and last time move forward as the event repeats.
 */
export class WarningEventWatcher {
  private readonly watches: ListWatch<SlimEvent>[];
  /** involvedObject.uid -> its Warning events by event uid: a capture reads a pod's events here. */
  private readonly byObject = new Map<string, Map<string, SlimEvent>>();
  private synced = false;

  constructor(private readonly opts: WarningEventOptions) {
    const paths =
      opts.namespaces.length > 0
        ? opts.namespaces.map((ns) => `/api/v1/namespaces/${encodeURIComponent(ns)}/events`)
        : ['/api/v1/events'];
    this.watches = paths.map(
      (path) =>
        new ListWatch<SlimEvent>(
          { kc: opts.kc, path, slim: slimEvent, fieldSelector: 'type=Warning', logger: opts.logger },
          {
            upsert: (e) => {
              this.index(e);
              void this.record(e).catch((err: unknown) =>
                opts.logger?.warn({ err, event: e.metadata.name }, 'monitor: could not record a warning event'),
              );
            },
            delete: (e) => this.unindex(e),
          },
        ),
    );
  }

  async start(): Promise<void> {
    await Promise.all(this.watches.map((w) => w.start()));
    this.synced = true;
  }

  /**
   * The Warning events about one object (a pod) as the watch cache holds them, newest first; undefined
   * until the first list completed (the caller then asks the API).
   */
  eventsFor(objectUid: string): SlimEvent[] | undefined {
    if (!this.synced) return undefined;
    const events = [...(this.byObject.get(objectUid)?.values() ?? [])];
    return events.sort((a, b) => lastSeenOf(b).localeCompare(lastSeenOf(a)));
  }

  private index(e: SlimEvent): void {
    const uid = e.involvedObject.uid;
    if (!uid) return;
    let events = this.byObject.get(uid);
    if (!events) this.byObject.set(uid, (events = new Map()));
    events.set(e.metadata.uid, e);
  }

  private unindex(e: SlimEvent): void {
    const uid = e.involvedObject.uid;
    const events = uid ? this.byObject.get(uid) : undefined;
    if (!uid || !events) return;
    events.delete(e.metadata.uid);
    if (events.size === 0) this.byObject.delete(uid);
  }

  stop(): void {
    for (const w of this.watches) w.stop();
  }

  private async record(e: SlimEvent): Promise<void> {
    const ns = e.involvedObject.namespace ?? e.metadata.namespace;
    if (ns && !this.opts.filter.watchesNamespace(ns)) return;
    const kind = e.involvedObject.kind ?? '';
    const name = e.involvedObject.name ?? '';
    const workload = ns && kind && name ? await this.opts.workloadOf(ns, kind, name) : undefined;
    const last = Date.parse(e.lastTimestamp ?? e.eventTime ?? e.firstTimestamp ?? '') || Date.now();
    const first = Date.parse(e.firstTimestamp ?? e.eventTime ?? '') || last;
    await this.opts.store.findings.upsert({
      key: `${this.opts.cluster}/${e.metadata.uid}`,
      kind: 'WarningEvent',
      cluster: this.opts.cluster,
      namespace: ns,
      workloadKind: workload?.kind,
      workloadName: workload?.name,
      reason: e.reason,
      message: e.message,
      count: e.count ?? 1,
      firstSeen: first,
      lastSeen: last,
      involvedObject: { kind, name, namespace: ns ?? '', uid: e.involvedObject.uid ?? '' },
    });
  }
}
