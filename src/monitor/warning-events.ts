import type { KubeConfig } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import { z } from 'zod';
import { ListWatch } from '../kube/list-watch.ts';
import type { OwnerLink } from '../kube/owners.ts';
import type { Store } from '../store/open.ts';
import type { PodFilter } from './filter.ts';

const slimEventSchema = z.object({
  metadata: z.object({ name: z.string(), namespace: z.string().optional(), uid: z.string(), resourceVersion: z.string().optional() }),
  involvedObject: z.object({ kind: z.string().optional(), name: z.string().optional(), namespace: z.string().optional(), uid: z.string().optional() }).default({}),
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
  return r.success ? r.data : `event: ${r.error.issues[0]?.path.join('.') ?? ''}: ${r.error.issues[0]?.message ?? 'invalid'}`;
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

  constructor(private readonly opts: WarningEventOptions) {
    const paths = opts.namespaces.length > 0 ? opts.namespaces.map((ns) => `/api/v1/namespaces/${encodeURIComponent(ns)}/events`) : ['/api/v1/events'];
    this.watches = paths.map((path) => new ListWatch<SlimEvent>({ kc: opts.kc, path, slim: slimEvent, fieldSelector: 'type=Warning', logger: opts.logger }, {
      upsert: (e) => void this.record(e).catch((err: unknown) => opts.logger?.warn({ err, event: e.metadata.name }, 'monitor: could not record a warning event')),
    }));
  }

  async start(): Promise<void> {
    await Promise.all(this.watches.map((w) => w.start()));
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
      key: `${this.opts.cluster}/${e.metadata.uid}`, kind: 'WarningEvent', cluster: this.opts.cluster, namespace: ns,
      workloadKind: workload?.kind, workloadName: workload?.name, reason: e.reason, message: e.message, count: e.count ?? 1,
      firstSeen: first, lastSeen: last,
      involvedObject: { kind, name, namespace: ns ?? '', uid: e.involvedObject.uid ?? '' },
    });
  }
}
