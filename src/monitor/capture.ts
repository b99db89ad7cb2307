import type { KubeConfig } from '@kubernetes/client-node';
import { kubeGetJson } from '../kube/http.ts';
import { fetchContainerLogs, type LogCapture } from '../kube/logs.ts';
import { controllerOf, slimPod, type SlimPod } from '../kube/pods.ts';
import { OwnerResolver, topWorkload, type OwnerLink } from '../kube/owners.ts';
import { Limiter } from '../util/limit.ts';
import type { FailureSignal } from './detect.ts';
import { instanceWindow, nextRead, placeLines, splitLogTimestamps } from './instance-logs.ts';

export interface EventView {
  reason: string;
  message: string;
  count: number;
  lastTimestamp?: string;
  source?: string;
}

/** Everything recorded about one failure, gathered at detection time. */
export interface CapturedFailure {
  signal: FailureSignal;
  node?: string;
  image?: string;
  ownerChain: OwnerLink[];
  workload: OwnerLink;
  services: string[];
  events: EventView[];
  /** Why the events could not be listed, if they could not. */
  eventsError?: string;
  logs: LogCapture;
}

export interface CaptureOptions {
  tailLines: number;
  limitBytes: number;
  concurrency: number;
  /** The pod as the informer holds it now (restarts may have happened since detection). */
  currentPod?: (uid: string) => SlimPod | undefined;
  /**
   * The pod's Warning events from the monitor's event watch cache (undefined: not available, ask
   * the API). Saves a list call per capture, which the API server answers by scanning events.
   */
  cachedEvents?: (podUid: string) => EventView[] | undefined;
  /** Services of a namespace that select these labels (from the monitor's service cache). */
  servicesFor: (namespace: string, labels: Record<string, string>) => string[];
}

/** The failed container's restart count in this view of the pod (the failure's own if not listed). */
function restartCountIn(pod: SlimPod, signal: FailureSignal): number {
  const status = [...(pod.status.containerStatuses ?? []), ...(pod.status.initContainerStatuses ?? [])].find(
    (c) => c.name === signal.container,
  );
  return status?.restartCount ?? signal.instance;
}

function gone(restarts: number): LogCapture {
  return {
    text: '',
    truncated: false,
    error: `the container restarted ${restarts} times before its logs could be read; the kubelet keeps only the previous instance's`,
  };
}

/**
 * Gathers a failure's context in parallel (logs of the failed instance, owner chain, Services,
 * recent Warning events), at most `concurrency` failures at a time. A part that cannot be fetched
 * is recorded as missing with its reason; the capture itself never fails.
 */
export class Capturer {
  private readonly limiter: Limiter;
  private readonly owners: OwnerResolver;
  private readonly byPod = new Map<string, OwnerLink>();

  constructor(
    private readonly kc: KubeConfig,
    private readonly opts: CaptureOptions,
  ) {
    this.limiter = new Limiter(opts.concurrency);
    this.owners = new OwnerResolver(kc);
  }

  get inFlight(): number {
    return this.limiter.pending;
  }

  /** The owner chain alone (cheap, cached): what grouping and resolution key on. */
  async workloadOf(pod: SlimPod): Promise<{ chain: OwnerLink[]; workload: OwnerLink }> {
    const chain = await this.owners.chain(pod.metadata.namespace, controllerOf(pod.metadata.ownerReferences));
    const workload = topWorkload(chain, pod.metadata.name);
    if (this.byPod.size >= 50_000) this.byPod.clear();
    this.byPod.set(pod.metadata.uid, workload);
    return { chain, workload };
  }

  /**
   * Resolves the owner chains of all these pods' controllers ahead of any failure (a few lookups
   * at a time), so the first crash of a workload is stored without waiting for an owner lookup
   * behind a burst of captures. Returns how many controllers could not be resolved.
   */
  async warmOwners(pods: Iterable<SlimPod>, concurrency = 8): Promise<number> {
    const limiter = new Limiter(concurrency);
    const seen = new Set<string>();
    const lookups: Promise<unknown>[] = [];
    let failed = 0;
    for (const pod of pods) {
      const ref = controllerOf(pod.metadata.ownerReferences);
      if (!ref || seen.has(ref.uid)) continue;
      seen.add(ref.uid);
      lookups.push(limiter.run(() => this.workloadOf(pod)).catch(() => failed++));
    }
    await Promise.all(lookups);
    return failed;
  }

  /** The workload already resolved for a pod, without a lookup (undefined if never resolved). */
  cachedWorkloadOf(pod: SlimPod): OwnerLink | undefined {
    return this.byPod.get(pod.metadata.uid);
  }

  /** The top-level workload of any namespaced object an Event names (a Pod, a ReplicaSet, a Job...). */
  async workloadOfObject(namespace: string, kind: string, name: string): Promise<OwnerLink | undefined> {
    if (kind === 'Pod') {
      const pod = await kubeGetJson(
        this.kc,
        `/api/v1/namespaces/${encodeURIComponent(namespace)}/pods/${encodeURIComponent(name)}`,
        {},
        10_000,
      ).then(
        (raw) => slimPod(raw),
        () => undefined,
      );
      if (!pod || typeof pod === 'string') return { kind: 'Pod', name };
      return (await this.workloadOf(pod)).workload;
    }
    if (!['ReplicaSet', 'Deployment', 'StatefulSet', 'DaemonSet', 'Job', 'CronJob'].includes(kind)) return undefined;
    return topWorkload(await this.owners.chain(namespace, { apiVersion: '', kind, name, uid: '' }), name);
  }

  capture(pod: SlimPod, signal: FailureSignal): Promise<CapturedFailure> {
    return this.limiter.run(async () => {
      const logs = this.logsOf(pod, signal);
      const [log, owners, events] = await Promise.all([logs, this.workloadOf(pod), this.warningEvents(pod)]);
      const image = pod.spec.containers.find((c) => c.name === signal.container)?.image;
      return {
        signal,
        node: pod.spec.nodeName,
        image,
        ownerChain: owners.chain,
        workload: owners.workload,
        services: this.opts.servicesFor(pod.metadata.namespace, pod.metadata.labels ?? {}),
        events: events.events,
        eventsError: events.error,
        logs: log,
      };
    });
  }

  /**
   * The failed instance's logs: current while it is still the container's newest instance, previous
   * once one newer instance exists; after two restarts the kubelet no longer has them. The restart
   * count is checked against the API after the read: a restart in between (the first restart is
   * immediate) would otherwise return the new instance's lines, so the read is then repeated. The
   * count before the first read comes from the informer's cache (one round trip less per capture):
   * if the cache lagged behind a restart, the fresh count after the read differs and the read is
   * repeated with the fresh one. The kubelet itself may be ahead of the API (its status writes lag
   * after its own restart), so the lines' timestamps are checked against when the instance ran:
   * lines written after it ended mean the kubelet's "current" is already a newer instance.
   */
  private async logsOf(pod: SlimPod, signal: FailureSignal): Promise<LogCapture> {
    if (signal.container === '')
      return { text: '', truncated: false, error: 'pod-level failure: no container to read logs from' };
    // A newer instance already died and is what the kubelet serves as previous and current.
    if (signal.inferred)
      return {
        text: '',
        truncated: false,
        error: "the kubelet never reported this termination; it serves only the newer instance's logs",
      };
    const window = instanceWindow(signal);
    let restarts = restartCountIn(this.opts.currentPod?.(pod.metadata.uid) ?? pod, signal);
    /** Set when the timestamps showed which read the kubelet needs, whatever the API's count says. */
    let forced: boolean | undefined;
    for (let attempt = 0; attempt < 3; attempt++) {
      if (restarts > signal.instance + 1) return gone(restarts - signal.instance);
      const previous = forced ?? restarts > signal.instance;
      const { logs, place } = await this.readLogs(signal, previous);
      const next = nextRead(placeLines(place, window), previous);
      if (next === 'gone') return gone(2);
      if (next === 'older')
        return {
          text: '',
          truncated: false,
          error: "the kubelet's newest instance of the container is older than the one that failed",
        };
      if (next !== 'accept') {
        forced = next === 'previous';
        continue;
      }
      const now = await this.restartCount(pod, signal);
      if (now === restarts || forced !== undefined) return logs;
      restarts = now;
    }
    return { text: '', truncated: false, error: 'the container kept restarting while its logs were read' };
  }

  /** One read, with the kubelet's timestamps taken off the lines (and kept to place them). */
  private async readLogs(signal: FailureSignal, previous: boolean): Promise<{ logs: LogCapture; place: number[] }> {
    const read = await fetchContainerLogs(this.kc, {
      namespace: signal.namespace,
      pod: signal.pod,
      container: signal.container,
      previous,
      timestamps: true,
      tailLines: this.opts.tailLines,
      limitBytes: this.opts.limitBytes,
    });
    if (read.error) return { logs: read, place: [] };
    const { text, times } = splitLogTimestamps(read.text);
    // The kubelet commits to 200 before it opens the log file (a zero-byte write), so a failure
    // after that (the container already removed) arrives as the body: no line carries a time.
    if (times.length === 0 && text.trim() !== '')
      return {
        logs: {
          text: '',
          truncated: false,
          error: `the kubelet could not read the logs: ${text.trim().slice(0, 500)}`,
        },
        place: [],
      };
    return { logs: { ...read, text }, place: times };
  }

  /** The container's restart count as the API server has it now (the cache may lag). */
  private async restartCount(pod: SlimPod, signal: FailureSignal): Promise<number> {
    const fresh = await kubeGetJson(
      this.kc,
      `/api/v1/namespaces/${encodeURIComponent(pod.metadata.namespace)}/pods/${encodeURIComponent(pod.metadata.name)}`,
      {},
      10_000,
    ).then(
      (raw) => slimPod(raw),
      () => undefined,
    );
    const latest =
      fresh && typeof fresh !== 'string' && fresh.metadata.uid === pod.metadata.uid
        ? fresh
        : (this.opts.currentPod?.(pod.metadata.uid) ?? pod);
    return restartCountIn(latest, signal);
  }

  private async warningEvents(pod: SlimPod): Promise<{ events: EventView[]; error?: string }> {
    const cached = this.opts.cachedEvents?.(pod.metadata.uid);
    if (cached) return { events: cached.slice(0, 20) };
    try {
      const body = (await kubeGetJson(
        this.kc,
        `/api/v1/namespaces/${encodeURIComponent(pod.metadata.namespace)}/events`,
        {
          fieldSelector: `involvedObject.uid=${pod.metadata.uid},type=Warning`,
        },
        10_000,
      )) as {
        items?: {
          reason?: string;
          message?: string;
          count?: number;
          lastTimestamp?: string;
          eventTime?: string;
          source?: { component?: string };
        }[];
      };
      const events = (body.items ?? [])
        .map((e) => ({
          reason: e.reason ?? '',
          message: e.message ?? '',
          count: e.count ?? 1,
          lastTimestamp: e.lastTimestamp ?? e.eventTime,
          source: e.source?.component,
        }))
        .sort((a, b) => (b.lastTimestamp ?? '').localeCompare(a.lastTimestamp ?? ''))
        .slice(0, 20);
      return { events };
    } catch (err) {
      // Events are context, not the failure: a list error is noted, the record is still kept.
      return { events: [], error: (err as Error).message };
    }
  }
}
