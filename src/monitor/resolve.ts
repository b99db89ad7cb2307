import type { Logger } from 'pino';
import type { SlimPod } from '../kube/pods.ts';
import type { OwnerLink } from '../kube/owners.ts';
import type { Store } from '../store/open.ts';

export interface WorkloadHealthOptions {
  store: Store;
  cluster: string;
  resolveAfterMs: number;
  pods: () => Iterable<SlimPod>;
  workloadOf: (pod: SlimPod) => Promise<OwnerLink>;
  /** Called after a workload's open failures were marked resolved. */
  resolved?: (w: { namespace: string; kind: string; name: string; at: number }) => void;
  logger?: Logger;
}

interface OpenWorkload {
  namespace: string;
  kind: string;
  name: string;
}

const key = (w: OpenWorkload): string => `${w.namespace}/${w.kind}/${w.name}`;

/** A pod counts as healthy when Ready has been True for `forMs` and no container is waiting on a failure. */
export function podHealthy(pod: SlimPod, now: number, forMs: number): boolean {
  // A Job's pod that finished successfully is the healthy end state of its workload.
  if (pod.status.phase === 'Succeeded') return true;
  const ready = pod.status.conditions?.find((c) => c.type === 'Ready');
  if (ready?.status !== 'True') return false;
  const since = ready.lastTransitionTime
    ? Date.parse(ready.lastTransitionTime)
    : Date.parse(pod.status.startTime ?? '');
  return Number.isFinite(since) && now - since >= forMs;
}

/**
 * Resolves failures when their workload is healthy again: every pod of it Ready for the configured
 * time (or no pods left, as when a bare pod was deleted). Checked periodically, level-based.
 */
export class WorkloadHealth {
  private readonly open = new Map<string, OpenWorkload>();
  private timer: NodeJS.Timeout | undefined;
  private running = false;

  constructor(private readonly opts: WorkloadHealthOptions) {}

  start(): void {
    void this.loadOpen().catch((err: unknown) =>
      this.opts.logger?.warn({ err }, 'monitor: could not load open failures for resolution'),
    );
    const every = Math.max(250, Math.min(15_000, this.opts.resolveAfterMs / 4));
    this.timer = setInterval(() => void this.tick(), every);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }

  opened(workload: OwnerLink, namespace: string): void {
    const w = { namespace, kind: workload.kind, name: workload.name };
    this.open.set(key(w), w);
  }

  private async loadOpen(): Promise<void> {
    let cursor: string | undefined;
    do {
      const page = await this.opts.store.failures.list(
        { cluster: this.opts.cluster, state: 'open' },
        { limit: 500, cursor },
      );
      for (const f of page.items) this.opened({ kind: f.workloadKind, name: f.workloadName }, f.namespace);
      cursor = page.nextCursor;
    } while (cursor);
  }

  async tick(now = Date.now()): Promise<void> {
    if (this.running || this.open.size === 0) return;
    this.running = true;
    try {
      // One pass over the pods of namespaces with open workloads: each pod's workload looked up
      // once (cached), unhealthy workloads collected; then every open workload is checked in O(1).
      const namespaces = new Set([...this.open.values()].map((w) => w.namespace));
      const unhealthy = new Set<string>();
      for (const pod of this.opts.pods()) {
        if (!namespaces.has(pod.metadata.namespace)) continue;
        const owner = await this.opts.workloadOf(pod);
        const k = key({ namespace: pod.metadata.namespace, kind: owner.kind, name: owner.name });
        if (this.open.has(k) && !unhealthy.has(k) && !podHealthy(pod, now, this.opts.resolveAfterMs)) unhealthy.add(k);
      }
      for (const [k, w] of [...this.open]) {
        if (unhealthy.has(k)) continue;
        const changed = await this.opts.store.failures.resolveWorkload({
          cluster: this.opts.cluster,
          namespace: w.namespace,
          workloadKind: w.kind,
          workloadName: w.name,
          at: now,
        });
        this.open.delete(k);
        if (changed > 0) this.opts.resolved?.({ ...w, at: now });
      }
    } catch (err) {
      this.opts.logger?.warn({ err }, 'monitor: resolution pass failed; retrying on the next tick');
    } finally {
      this.running = false;
    }
  }
}
