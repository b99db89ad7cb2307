import type { KubeObject } from '../api/registry.ts';
import { asObject } from '../../util/deep-equal.ts';
import { cpuMillis, parseQuantity } from '../../util/quantity.ts';
import { parseModel } from './model.ts';

export interface ContainerUsage {
  name: string;
  cpuMillis: number;
  memoryBytes: number;
}

const MiB = 1024 * 1024;

/**
 * What each running container of a pod uses now, from its workload model: steady CPU and memory
 * (defaulting to a share of its requests), CPU growing with the requests/s the pod serves, plus
 * linear memory growth since its start when it leaks. A small deterministic wobble (per pod phase)
 * stands in for noise without randomness in tests.
 */
export function podUsage(pod: KubeObject, now: Date, rps = 0): ContainerUsage[] {
  const { model } = parseModel(pod);
  const statuses = Array.isArray(asObject(pod.status)['containerStatuses'])
    ? (asObject(pod.status)['containerStatuses'] as unknown[]).map(asObject)
    : [];
  const specs = Array.isArray(asObject(pod.spec)['containers'])
    ? (asObject(pod.spec)['containers'] as unknown[]).map(asObject)
    : [];
  const out: ContainerUsage[] = [];
  for (const c of specs) {
    const st = statuses.find((s) => s['name'] === c['name']);
    const running = asObject(asObject(st?.['state'])['running']);
    if (!running['startedAt']) continue;
    const requests = asObject(asObject(c['resources'])['requests']);
    const uptimeMin = Math.max(0, (now.getTime() - Date.parse(String(running['startedAt']))) / 60_000);
    const phase = [...(pod.metadata.name ?? '')].reduce(
      (h, ch) => (h * 31 + ch.charCodeAt(0)) % 1000,
      String(c['name']).length,
    );
    const wobble = 1 + 0.1 * Math.sin(now.getTime() / 15_000 + phase);
    // Traffic reaches the first container (the app); sidecars keep their steady use.
    const served = c === specs[0] ? rps : 0;
    const cpu =
      (model.cpuMillicores ?? Math.max(1, Math.round((cpuMillis(requests['cpu']) ?? 20) * 0.3))) +
      served * model.cpuMillicoresPerRps;
    const baseMem = baseMemoryBytes(model, c);
    out.push({
      name: String(c['name']),
      cpuMillis: Math.max(0, Math.round(cpu * wobble)),
      memoryBytes: Math.round(baseMem + model.leakMemoryMiBPerMin * MiB * uptimeMin),
    });
  }
  return out;
}

/** A container's steady memory: its model's memory-mib, else half its memory request (64 MiB without one). */
export function baseMemoryBytes(model: { memoryMiB?: number }, container: Record<string, unknown>): number {
  const requests = asObject(asObject(container['resources'])['requests']);
  return model.memoryMiB !== undefined
    ? model.memoryMiB * MiB
    : Math.round((parseQuantity(requests['memory']) ?? 64 * MiB) * 0.5);
}

/** The container's memory limit in bytes, if it has one. */
export function memoryLimitBytes(container: Record<string, unknown>): number | undefined {
  return parseQuantity(asObject(asObject(container['resources'])['limits'])['memory']);
}
