import type { KubeObject } from '../api/registry.ts';
import { asObject } from '../../util/deep-equal.ts';

/** Reading the loosely typed store objects the exporters describe. */

export type Obj = Record<string, unknown>;

export function str(v: unknown): string {
  if (typeof v === 'string') return v;
  return v === undefined || v === null ? '' : String(v);
}

export function num(v: unknown, fallback = 0): number {
  return typeof v === 'number' && Number.isFinite(v) ? v : fallback;
}

export function objects(v: unknown): Obj[] {
  return Array.isArray(v) ? v.map(asObject) : [];
}

export function specOf(o: KubeObject): Obj {
  return asObject(o.spec);
}

export function statusOf(o: KubeObject): Obj {
  return asObject(o.status);
}

export function byNamespacedName(a: KubeObject, b: KubeObject): number {
  const ka = `${a.metadata.namespace ?? ''}/${a.metadata.name ?? ''}`;
  const kb = `${b.metadata.namespace ?? ''}/${b.metadata.name ?? ''}`;
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}

export function specContainers(pod: KubeObject): Obj[] {
  return objects(specOf(pod)['containers']);
}

export function containerStatuses(pod: KubeObject): Obj[] {
  return objects(statusOf(pod)['containerStatuses']);
}

export function resources(container: Obj, kind: 'requests' | 'limits'): Obj {
  return asObject(asObject(container['resources'])[kind]);
}

/** One run of a container: what a runtime would report while it runs. */
export interface RunningContainer {
  name: string;
  image: string;
  /** The runtime's ID without the `containerd://` scheme. */
  containerId: string;
  startedAt: string;
  startMs: number;
  restartCount: number;
  spec: Obj;
}

export function runningContainers(pod: KubeObject): RunningContainer[] {
  const statuses = containerStatuses(pod);
  const out: RunningContainer[] = [];
  for (const spec of specContainers(pod)) {
    const st = statuses.find((s) => s['name'] === spec['name']);
    if (!st) continue;
    const startedAt = str(asObject(asObject(st['state'])['running'])['startedAt']);
    const startMs = Date.parse(startedAt);
    if (!startedAt || Number.isNaN(startMs)) continue;
    out.push({
      name: str(spec['name']),
      image: str(st['image']) || str(spec['image']),
      containerId: str(st['containerID']).replace(/^[a-z0-9-]+:\/\//, ''),
      startedAt,
      startMs,
      restartCount: num(st['restartCount']),
      spec,
    });
  }
  return out;
}

/** The key of one process run: a restart (new container ID and start time) starts a new counter. */
export function instanceKey(pod: KubeObject, c: RunningContainer): string {
  return `${pod.metadata.uid ?? ''}/${c.name}/${c.containerId}/${c.startedAt}`;
}

/** The container an app's /metrics is served from: kubectl's default-container annotation, else the first. */
export function appContainerName(pod: KubeObject): string | undefined {
  const annotated = pod.metadata.annotations?.['kubectl.kubernetes.io/default-container'];
  const names = specContainers(pod).map((c) => str(c['name']));
  return annotated && names.includes(annotated) ? annotated : names[0];
}

/** The kubelet's QoS cgroup level: none for Guaranteed pods, `burstable` or `besteffort` otherwise. */
export function qosCgroup(pod: KubeObject): string {
  const qos = str(statusOf(pod)['qosClass']);
  if (qos === 'Guaranteed') return '';
  if (qos === 'BestEffort') return 'besteffort';
  return 'burstable';
}

/** The cgroupfs path cAdvisor reports as `id`: /kubepods[/<qos>]/pod<uid>[/<container id>]. */
export function cgroupPath(pod: KubeObject, containerId?: string): string {
  const qos = qosCgroup(pod);
  const podPath = `/kubepods${qos ? `/${qos}` : ''}/pod${pod.metadata.uid ?? ''}`;
  return containerId ? `${podPath}/${containerId}` : podPath;
}
