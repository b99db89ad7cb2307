import type { KubeConfig } from '@kubernetes/client-node';
import { kubeGetJson, KubeApiError } from './http.ts';
import type { OwnerReference } from './pods.ts';

export interface OwnerLink {
  kind: string;
  name: string;
  uid?: string;
}

/** Collection paths of the kinds that own pods and their owners. */
const PATHS: Record<string, (ns: string, name: string) => string> = {
  ReplicaSet: (ns, n) => `/apis/apps/v1/namespaces/${ns}/replicasets/${n}`,
  Deployment: (ns, n) => `/apis/apps/v1/namespaces/${ns}/deployments/${n}`,
  StatefulSet: (ns, n) => `/apis/apps/v1/namespaces/${ns}/statefulsets/${n}`,
  DaemonSet: (ns, n) => `/apis/apps/v1/namespaces/${ns}/daemonsets/${n}`,
  Job: (ns, n) => `/apis/batch/v1/namespaces/${ns}/jobs/${n}`,
  CronJob: (ns, n) => `/apis/batch/v1/namespaces/${ns}/cronjobs/${n}`,
};

/**
 * Follows controller owner references upward (Pod -> ReplicaSet -> Deployment, Job -> CronJob, ...)
 * with a cache by owner uid: a ReplicaSet's owner does not change, and a crash storm of one
 * Deployment costs one lookup, not one per crash.
 */
export class OwnerResolver {
  private readonly parents = new Map<string, OwnerLink | null>();
  /** Lookups under way: a burst of crashes of one new ReplicaSet waits for one GET, not one each. */
  private readonly pending = new Map<string, Promise<OwnerLink | null>>();

  constructor(
    private readonly kc: KubeConfig,
    private readonly maxCache = 10_000,
  ) {}

  /** The chain from the pod's controller to the top-level workload; empty for a bare pod. */
  async chain(namespace: string, owner: OwnerReference | undefined): Promise<OwnerLink[]> {
    const out: OwnerLink[] = [];
    let cur: OwnerLink | undefined = owner
      ? { kind: owner.kind, name: owner.name, uid: owner.uid || undefined }
      : undefined;
    for (let depth = 0; cur && depth < 5; depth++) {
      out.push(cur);
      cur = (await this.parentOf(namespace, cur)) ?? undefined;
    }
    return out;
  }

  private async parentOf(namespace: string, link: OwnerLink): Promise<OwnerLink | null> {
    const cacheKey = link.uid ?? `${namespace}/${link.kind}/${link.name}`;
    const cached = this.parents.get(cacheKey);
    if (cached !== undefined) return cached;
    const inFlight = this.pending.get(cacheKey);
    if (inFlight) return inFlight;
    const lookup = this.fetchParent(namespace, link, cacheKey).finally(() => this.pending.delete(cacheKey));
    this.pending.set(cacheKey, lookup);
    return lookup;
  }

  private async fetchParent(namespace: string, link: OwnerLink, cacheKey: string): Promise<OwnerLink | null> {
    const path = PATHS[link.kind];
    if (!path) return null;
    let parent: OwnerLink | null = null;
    try {
      const obj = (await kubeGetJson(
        this.kc,
        path(encodeURIComponent(namespace), encodeURIComponent(link.name)),
        {},
        10_000,
      )) as { metadata?: { ownerReferences?: OwnerReference[] } };
      const ref = obj.metadata?.ownerReferences?.find((r) => r.controller);
      parent = ref ? { kind: ref.kind, name: ref.name, uid: ref.uid } : null;
    } catch (err) {
      // The owner is gone (deleted with its pods): the chain ends here, and that is not cached.
      if (err instanceof KubeApiError && err.code === 404) return null;
      throw err;
    }
    if (this.parents.size >= this.maxCache) this.parents.clear();
    this.parents.set(cacheKey, parent);
    return parent;
  }
}

/** The top-level workload of a chain, or the pod itself. */
export function topWorkload(chain: OwnerLink[], pod: string): OwnerLink {
  return chain.at(-1) ?? { kind: 'Pod', name: pod };
}
