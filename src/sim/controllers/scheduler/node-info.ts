import type { KubeObject } from '../../api/registry.ts';
import { asObject, deepEqual } from '../../../util/deep-equal.ts';
import { cpuMillis, parseQuantity } from '../../../util/quantity.ts';
import { isActive } from '../pods.ts';
import { nodeTaints, type Taint } from '../taints.ts';

/** What a pod asks of its node: CPU in millicores, memory in bytes. */
export interface Requests {
  cpu: number;
  memory: number;
}

/** Sum of the pod's container requests. */
export function podRequests(pod: KubeObject): Requests {
  let cpu = 0;
  let memory = 0;
  const containers = asObject(pod.spec)['containers'];
  for (const c of Array.isArray(containers) ? containers : []) {
    const req = asObject(asObject(asObject(c)['resources'])['requests']);
    cpu += cpuMillis(req['cpu']) ?? 0;
    memory += parseQuantity(req['memory']) ?? 0;
  }
  return { cpu, memory };
}

/**
 * One node as the scheduler sees it (the real scheduler's NodeInfo): the facts its filters read,
 * parsed once per node version, and the sum of the requests of the active pods bound to it.
 */
export interface NodeInfo {
  name: string;
  node: KubeObject;
  ready: boolean;
  unschedulable: boolean;
  labels: Record<string, string>;
  taints: Taint[];
  allocatable: { cpu: number; memory: number; pods: number };
  requested: { cpu: number; memory: number; pods: number };
}

interface PodShare {
  node: string;
  cpu: number;
  memory: number;
}

function nodeReady(node: KubeObject): boolean {
  const conds = asObject(node.status)['conditions'];
  return Array.isArray(conds) && conds.some((c) => asObject(c)['type'] === 'Ready' && asObject(c)['status'] === 'True');
}

/**
 * The scheduler's cache of nodes with their aggregated requests, kept incrementally from pod and
 * node events (pkg/scheduler/internal/cache): a placement reads O(nodes), never every pod. A pod
 * counts against its node while it is bound and active, so a bind is visible to the next
 * placement as soon as it is committed (the store delivers events synchronously).
 */
export class NodeInfoCache {
  private readonly nodes = new Map<string, NodeInfo>();
  private readonly shares = new Map<string, PodShare>();
  /** Requests bound to a node the cache has not seen yet, applied when it appears. */
  private readonly orphan = new Map<string, { cpu: number; memory: number; pods: number }>();

  /** A node was added or changed; returns whether a field the filters read changed. */
  upsertNode(node: KubeObject): boolean {
    const name = node.metadata.name ?? '';
    const prev = this.nodes.get(name);
    const alloc = asObject(asObject(node.status)['allocatable']);
    const info: NodeInfo = {
      name,
      node,
      ready: nodeReady(node),
      unschedulable: asObject(node.spec)['unschedulable'] === true,
      labels: node.metadata.labels ?? {},
      taints: nodeTaints(node),
      allocatable: {
        cpu: cpuMillis(alloc['cpu']) ?? 0,
        memory: parseQuantity(alloc['memory']) ?? 0,
        pods: parseQuantity(alloc['pods']) ?? 110,
      },
      requested: prev?.requested ?? this.orphan.get(name) ?? { cpu: 0, memory: 0, pods: 0 },
    };
    this.orphan.delete(name);
    this.nodes.set(name, info);
    return (
      !prev ||
      prev.ready !== info.ready ||
      prev.unschedulable !== info.unschedulable ||
      !deepEqual(prev.labels, info.labels) ||
      !deepEqual(prev.taints, info.taints) ||
      !deepEqual(prev.allocatable, info.allocatable)
    );
  }

  removeNode(name: string): void {
    const info = this.nodes.get(name);
    if (info && info.requested.pods > 0) this.orphan.set(name, info.requested);
    this.nodes.delete(name);
  }

  /** A pod was added, changed or (with `deleted`) removed; returns whether it released requests. */
  updatePod(key: string, pod: KubeObject, deleted = false): boolean {
    const nodeName = asObject(pod.spec)['nodeName'];
    const counts = !deleted && typeof nodeName === 'string' && nodeName !== '' && isActive(pod);
    const prev = this.shares.get(key);
    if (prev && counts && prev.node === nodeName) return false;
    if (prev) {
      this.add(prev.node, prev, -1);
      this.shares.delete(key);
    }
    if (counts) {
      const share = { node: nodeName, ...podRequests(pod) };
      this.shares.set(key, share);
      this.add(nodeName, share, 1);
    }
    return prev !== undefined && !counts;
  }

  private add(node: string, r: Requests, sign: 1 | -1): void {
    const target = this.nodes.get(node)?.requested ?? this.orphanOf(node);
    target.cpu += sign * r.cpu;
    target.memory += sign * r.memory;
    target.pods += sign;
  }

  private orphanOf(node: string): { cpu: number; memory: number; pods: number } {
    let o = this.orphan.get(node);
    if (!o) this.orphan.set(node, (o = { cpu: 0, memory: 0, pods: 0 }));
    return o;
  }

  list(): IterableIterator<NodeInfo> {
    return this.nodes.values();
  }

  get size(): number {
    return this.nodes.size;
  }

  get(name: string): NodeInfo | undefined {
    return this.nodes.get(name);
  }
}
