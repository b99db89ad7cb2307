import type { KubeObject, ResourceDef, ResourceRegistry } from '../api/registry.ts';
import type { ObjectStore } from '../api/store/object-store.ts';
import { asObject } from '../../util/deep-equal.ts';
import { podRequestRate } from '../metrics/request-rate.ts';

/** Requests per second sent to a Service (kubeloop sim load, or a scenario's background load). */
export const LOAD_RPS = 'sim.kubeloop.dev/load-rps';
/** RFC 3339 time after which the Service's load stops (absent: until removed). */
export const LOAD_UNTIL = 'sim.kubeloop.dev/load-until';

export interface ServiceLoad {
  rps: number;
  until?: Date;
}

/** A Service's load from its annotations; invalid values mean no load (the CLI validates what it writes). */
export function serviceLoad(service: KubeObject, now: Date): ServiceLoad | undefined {
  const a = service.metadata.annotations ?? {};
  const raw = a[LOAD_RPS];
  if (raw === undefined) return undefined;
  const rps = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(rps) || rps <= 0) return undefined;
  const until = a[LOAD_UNTIL] ? new Date(a[LOAD_UNTIL]) : undefined;
  if (until && (Number.isNaN(until.getTime()) || until.getTime() <= now.getTime())) return undefined;
  return { rps, until };
}

/**
 * Where traffic goes: each loaded Service's rate is spread evenly over its ready endpoints (the
 * addresses of its Endpoints object, as kube-proxy would balance them); pods that are not ready get
 * none. A pod's own sim.kubeloop.dev/rps annotation adds direct traffic.
 */
export class LoadModel {
  private readonly services: ResourceDef;
  private readonly endpoints: ResourceDef;

  constructor(
    private readonly store: ObjectStore,
    registry: ResourceRegistry,
  ) {
    const s = registry.find('', 'v1', 'services');
    const e = registry.find('', 'v1', 'endpoints');
    if (!s || !e) throw new Error('load model: services or endpoints missing from the registry');
    this.services = s;
    this.endpoints = e;
  }

  rateOf(pod: KubeObject, now: Date): number {
    let rate = podRequestRate(pod, now);
    const ns = pod.metadata.namespace;
    const name = pod.metadata.name;
    for (const so of this.store.listCurrent(this.services, ns)) {
      const load = serviceLoad(so.obj, now);
      if (!load) continue;
      const ready = this.readyPods(ns, so.obj.metadata.name ?? '');
      if (name !== undefined && ready.includes(name)) rate += load.rps / ready.length;
    }
    return rate;
  }

  /** Pod names among the Service's ready addresses. */
  readyPods(namespace: string | undefined, service: string): string[] {
    const ep = this.store.get(this.endpoints, namespace, service)?.obj;
    const subsets = Array.isArray(ep?.['subsets']) ? (ep['subsets'] as unknown[]).map(asObject) : [];
    const out: string[] = [];
    for (const s of subsets) {
      const addresses = Array.isArray(s['addresses']) ? s['addresses'].map(asObject) : [];
      for (const a of addresses) {
        const ref = asObject(a['targetRef']);
        if (ref['kind'] === 'Pod' && typeof ref['name'] === 'string') out.push(ref['name']);
      }
    }
    return out;
  }
}
