import type { KubeConfig } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import type { MonitorConfig } from './config.ts';
import { ListWatch } from '../kube/list-watch.ts';
import type { InformerHealthReport } from '../kube/informer-health.ts';
import { controllerOf, slimPod, type SlimPod } from '../kube/pods.ts';
import type { OwnerLink } from '../kube/owners.ts';
import type { Store } from '../store/open.ts';
import { Capturer } from './capture.ts';
import { detectFailures, type FailureSignal } from './detect.ts';
import { PodFilter } from './filter.ts';
import { ServiceIndex } from './services.ts';
import { WorkloadHealth } from './resolve.ts';
import { lastSeenOf, WarningEventWatcher } from './warning-events.ts';
import { toNewFailure, captureUpdate } from './record.ts';
import { UnreportedTerminations } from './unreported.ts';
import { BackgroundTasks } from '../util/background-tasks.ts';

function fallbackOwners(pod: SlimPod): { chain: OwnerLink[]; workload: OwnerLink } {
  const ref = controllerOf(pod.metadata.ownerReferences);
  const chain = ref ? [{ kind: ref.kind, name: ref.name, uid: ref.uid }] : [];
  return { chain, workload: chain[0] ?? { kind: 'Pod', name: pod.metadata.name } };
}

export interface MonitorEvents {
  /** A failure was stored for the first time (notification routing hooks in here). */
  recorded?: (id: number, signal: FailureSignal, preExisting: boolean) => void;
  /** A workload's failures were resolved (all its pods healthy for `resolveAfter`). */
  resolved?: (w: { namespace: string; kind: string; name: string; at: number }) => void;
}

export interface MonitorOptions {
  kc: KubeConfig;
  store: Store;
  config: MonitorConfig;
  cluster: string;
  logger?: Logger;
  events?: MonitorEvents;
}

/**
 * The exception monitor: a pod informer whose every add/update is read for failures; each new key
 * is stored first (so nothing is lost), then its context is captured and attached. Level-based:
 * a relist after a disconnect or restart re-reads every pod, and the store's unique key makes
 * recording idempotent.
 */
export class Monitor {
  private readonly pods: ListWatch<SlimPod>[];
  private readonly services: ServiceIndex;
  private readonly capturer: Capturer;
  private readonly filter: PodFilter;
  private readonly health: WorkloadHealth;
  private readonly warnings: WarningEventWatcher | undefined;
  /** Keys handled by this process; the store dedups across restarts. Pruned when pods go away. */
  private readonly known = new Map<string, Set<string>>();
  private readonly unreported = new UnreportedTerminations();
  private synced = false;
  private firstStartAt = 0;
  private readonly background = new BackgroundTasks();
  readonly stats = { detected: 0, recorded: 0, duplicates: 0, captureErrors: 0 };

  constructor(private readonly opts: MonitorOptions) {
    const { kc, config, logger } = opts;
    this.filter = new PodFilter(config);
    this.services = new ServiceIndex(kc, config.namespaces, logger);
    this.capturer = new Capturer(kc, {
      tailLines: config.logs.tailLines,
      limitBytes: config.logs.maxBytes,
      concurrency: config.captureConcurrency,
      servicesFor: (ns, labels) => this.services.selecting(ns, labels),
      currentPod: (uid) => this.podByUid(uid),
      cachedEvents: (uid) =>
        this.warnings?.eventsFor(uid)?.map((e) => ({
          reason: e.reason,
          message: e.message,
          count: e.count ?? 1,
          lastTimestamp: lastSeenOf(e) || undefined,
        })),
    });
    const paths =
      config.namespaces.length > 0
        ? config.namespaces.map((ns) => `/api/v1/namespaces/${encodeURIComponent(ns)}/pods`)
        : ['/api/v1/pods'];
    this.pods = paths.map(
      (path) =>
        new ListWatch<SlimPod>(
          { kc, path, slim: slimPod, logger },
          {
            upsert: (pod) => this.observe(pod),
            delete: (pod) => this.forget(pod),
          },
        ),
    );
    this.health = new WorkloadHealth({
      store: opts.store,
      cluster: opts.cluster,
      resolveAfterMs: config.resolveAfter,
      pods: () => this.allPods(),
      workloadOf: async (p) => (await this.capturer.workloadOf(p)).workload,
      resolved: (w) => opts.events?.resolved?.(w),
      logger,
    });
    this.warnings = config.warningEvents
      ? new WarningEventWatcher({
          kc,
          store: opts.store,
          cluster: opts.cluster,
          namespaces: config.namespaces,
          filter: this.filter,
          workloadOf: (ns, kind, name) => this.capturer.workloadOfObject(ns, kind, name),
          logger,
        })
      : undefined;
  }

  async start(): Promise<void> {
    const stored = await this.opts.store.meta.get('monitor.firstStartAt');
    this.firstStartAt = stored ? Number(stored) : Date.now();
    if (!stored) await this.opts.store.meta.set('monitor.firstStartAt', String(this.firstStartAt));
    await this.services.start();
    await Promise.all(this.pods.map((p) => p.start()));
    this.synced = true;
    // In the background: failures are stored meanwhile (an owner lookup then happens on demand).
    void this.capturer.warmOwners(this.allPods()).then((failed) => {
      if (failed > 0)
        this.opts.logger?.warn(
          { failed },
          'monitor: some owner chains could not be resolved ahead; they are looked up when a failure needs them',
        );
    });
    await this.settle();
    this.health.start();
    await this.warnings?.start();
  }

  stop(): void {
    for (const p of this.pods) p.stop();
    this.services.stop();
    this.health.stop();
    this.warnings?.stop();
  }

  /** Waits until every failure seen so far is stored and captured (tests, graceful shutdown). */
  async settle(): Promise<void> {
    await this.background.settle();
  }

  private podByUid(uid: string): SlimPod | undefined {
    for (const lw of this.pods) {
      const p = lw.get(uid);
      if (p) return p;
    }
    return undefined;
  }

  *allPods(): Iterable<SlimPod> {
    for (const lw of this.pods) yield* lw.values();
  }

  /** The pod informers' health (for /readyz). */
  informerHealth(): InformerHealthReport[] {
    return this.pods.map((lw) => lw.health());
  }

  get watchStats(): { lists: number; watches: number; relistsOn410: number; rejected: number; cachedPods: number } {
    const sum = { lists: 0, watches: 0, relistsOn410: 0, rejected: 0, cachedPods: 0 };
    for (const lw of this.pods) {
      sum.lists += lw.stats.lists;
      sum.watches += lw.stats.watches;
      sum.relistsOn410 += lw.stats.relistsOn410;
      sum.rejected += lw.stats.rejected;
      sum.cachedPods += lw.size;
    }
    return sum;
  }

  /**
   * Reads one pod's state for failures. The promise settles once every new failure is stored (not
   * yet captured): if a store write fails, it rejects and the informer delivers the pod again later.
   */
  private observe(pod: SlimPod): Promise<void> | undefined {
    if (!this.filter.watches(pod)) return undefined;
    const shown = detectFailures(pod, {
      startupGraceMs: (p) => this.filter.startupGraceMs(p, this.capturer.cachedWorkloadOf(p)),
    });
    const signals = [...this.unreported.infer(pod, shown), ...shown];
    if (signals.length === 0) return undefined;
    let keys = this.known.get(pod.metadata.uid);
    if (!keys) this.known.set(pod.metadata.uid, (keys = new Set()));
    const stored: Promise<void>[] = [];
    for (const s of signals) {
      if (keys.has(s.key) || this.filter.ignoresReason(s.reason)) continue;
      keys.add(s.key);
      this.stats.detected++;
      const preExisting = !this.synced && (s.occurredAt === undefined || Date.parse(s.occurredAt) < this.firstStartAt);
      const task = this.record(pod, s, preExisting).catch((err: unknown) => {
        // Not stored: forget the key so the redelivery (or the next status update) tries again.
        keys.delete(s.key);
        throw new Error(`monitor: could not record ${s.key}: ${err instanceof Error ? err.message : String(err)}`, {
          cause: err,
        });
      });
      this.background.track(task);
      stored.push(task);
    }
    return stored.length === 0 ? undefined : Promise.all(stored).then(() => undefined);
  }

  /** Stores the failure (the promise settles then), and captures its context in the background. */
  private async record(pod: SlimPod, s: FailureSignal, preExisting: boolean): Promise<void> {
    const detectedAt = Date.now();
    // The owner lookup is an API call; if it fails the failure is still stored now (under the pod's
    // controller, or the pod) rather than dropped: in a crash loop the status moves on and it would be lost.
    const owners = await this.capturer.workloadOf(pod).catch((err: unknown) => {
      this.opts.logger?.warn(
        { err, pod: `${pod.metadata.namespace}/${pod.metadata.name}` },
        'monitor: owner lookup failed; recording under the controller reference',
      );
      return fallbackOwners(pod);
    });
    const { created, id } = await this.opts.store.failures.insertOnce(
      toNewFailure(this.opts.cluster, pod, s, owners, preExisting, detectedAt),
    );
    if (!created) {
      this.stats.duplicates++;
      return;
    }
    this.stats.recorded++;
    this.health.opened(owners.workload, pod.metadata.namespace);
    this.background.track(this.captureAndAnnounce(pod, s, id, preExisting));
  }

  private async captureAndAnnounce(pod: SlimPod, s: FailureSignal, id: number, preExisting: boolean): Promise<void> {
    try {
      const captured = await this.capturer.capture(pod, s);
      await this.opts.store.failures.attachCapture(id, captureUpdate(captured));
    } catch (err) {
      this.stats.captureErrors++;
      this.opts.logger?.warn({ err, failure: s.key }, 'monitor: capture failed; the failure is stored without it');
    }
    this.opts.events?.recorded?.(id, s, preExisting);
  }

  private forget(pod: SlimPod): void {
    this.known.delete(pod.metadata.uid);
    this.unreported.forget(pod.metadata.uid);
  }
}
