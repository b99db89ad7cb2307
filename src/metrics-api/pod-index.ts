import type { KubeConfig } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import { z } from 'zod';
import { ListWatch } from '../kube/list-watch.ts';
import { matchesLabels } from '../kube/apimachinery/labels.ts';
import { MatchMemo, type PodsMatching } from './pods.ts';

/**
 * Pod labels for `pods/*?labelSelector=...`, from an informer (list, then watch; relist on 410),
 * indexed by namespace so a request costs the pods of its namespace, not of the cluster. Only the
 * name, labels and deletion mark are kept per pod.
 */

interface IndexedPod {
  metadata: {
    uid: string;
    name: string;
    namespace: string;
    resourceVersion?: string;
    labels: Record<string, string>;
    deleting: boolean;
  };
}

const podSchema = z.object({
  metadata: z.object({
    uid: z.string().min(1),
    name: z.string().min(1),
    namespace: z.string().min(1),
    resourceVersion: z.string().optional(),
    labels: z.record(z.string(), z.string()).optional(),
    deletionTimestamp: z.string().optional(),
  }),
});

function slim(raw: unknown): IndexedPod | string {
  const p = podSchema.safeParse(raw);
  if (!p.success) return `pod without ${p.error.issues[0]?.path.join('.') ?? 'metadata'}`;
  const m = p.data.metadata;
  return {
    metadata: {
      uid: m.uid,
      name: m.name,
      namespace: m.namespace,
      resourceVersion: m.resourceVersion,
      labels: m.labels ?? {},
      deleting: m.deletionTimestamp !== undefined,
    },
  };
}

function samePodSelection(a: IndexedPod, b: IndexedPod): boolean {
  const x = a.metadata;
  const y = b.metadata;
  if (x.name !== y.name || x.namespace !== y.namespace || x.deleting !== y.deleting) return false;
  const keys = Object.keys(x.labels);
  return keys.length === Object.keys(y.labels).length && keys.every((k) => x.labels[k] === y.labels[k]);
}

export class PodIndex {
  private readonly byNamespace = new Map<string, Map<string, IndexedPod>>();
  private readonly watch: ListWatch<IndexedPod>;
  private readonly matches = new MatchMemo();

  constructor(kc: KubeConfig, logger?: Logger) {
    this.watch = new ListWatch<IndexedPod>(
      { kc, path: '/api/v1/pods', slim, logger },
      {
        upsert: (pod, old) => {
          if (old && old.metadata.namespace !== pod.metadata.namespace) this.remove(old);
          // Status-only updates (most pod events) change neither the name, the labels nor the deletion mark.
          if (!old || !samePodSelection(old, pod)) this.matches.invalidate(pod.metadata.namespace);
          let ns = this.byNamespace.get(pod.metadata.namespace);
          if (!ns) this.byNamespace.set(pod.metadata.namespace, (ns = new Map()));
          ns.set(pod.metadata.uid, pod);
        },
        delete: (pod) => this.remove(pod),
      },
    );
  }

  start(): Promise<void> {
    return this.watch.start();
  }

  stop(): void {
    this.watch.stop();
  }

  get size(): number {
    return this.watch.size;
  }

  /** Pods being deleted are left out: the HPA does not count them either. */
  readonly podsMatching: PodsMatching = (namespace, selector, raw) =>
    this.matches.get(namespace, raw, () => {
      const out: string[] = [];
      for (const p of this.byNamespace.get(namespace)?.values() ?? []) {
        if (!p.metadata.deleting && matchesLabels(selector, p.metadata.labels)) out.push(p.metadata.name);
      }
      return out;
    });

  private remove(pod: IndexedPod): void {
    this.matches.invalidate(pod.metadata.namespace);
    const ns = this.byNamespace.get(pod.metadata.namespace);
    ns?.delete(pod.metadata.uid);
    if (ns?.size === 0) this.byNamespace.delete(pod.metadata.namespace);
  }
}
