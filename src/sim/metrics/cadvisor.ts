import type { KubeObject } from '../api/registry.ts';
import type { ContainerUsage } from '../workloads/usage.ts';
import { parseQuantity } from '../../util/quantity.ts';
import type { Cumulative } from './counters.ts';
import { renderFamilies, sortLikeClientGolang, type Label, type MetricFamily, type Sample } from './exposition.ts';
import { dcgmFamilies } from './dcgm.ts';
import {
  byNamespacedName,
  cgroupPath,
  instanceKey,
  resources,
  runningContainers,
  specContainers,
  statusOf,
  str,
} from './objects.ts';

/**
 * What a kubelet serves at /metrics/cadvisor (cAdvisor's collector, kubelet's label function):
 * series per container cgroup and per pod cgroup, labelled container, id (the cgroupfs path),
 * image, name (the runtime's container ID), namespace and pod; `cpu="total"` on the CPU counter,
 * as cAdvisor writes it with per-CPU metrics off. No node label: each kubelet serves only its own
 * node and Prometheus tells them apart by `instance`. The sim serves every node from one endpoint.
 * Usage samples carry a timestamp, spec samples do not, as in cAdvisor. The pause container and the
 * QoS/kubepods parent cgroups are left out.
 */
export interface CadvisorInput {
  pods: readonly KubeObject[];
  nodes: readonly KubeObject[];
  now: Date;
  usage: (pod: KubeObject, now: Date) => ContainerUsage[];
  cumulative: Cumulative;
}

/** Page cache a container's cgroup holds on top of its working set (usage_bytes counts it, working set does not). */
const PAGE_CACHE_FRACTION = 0.08;

const HELP = {
  cpu: 'Cumulative cpu time consumed in seconds.',
  usage: 'Current memory usage in bytes, including all memory regardless of when it was accessed',
  workingSet: 'Current working set in bytes.',
  limit: 'Memory limit for the container.',
};

function memoryLimit(spec: Record<string, unknown>): number {
  return parseQuantity(resources(spec, 'limits')['memory']) ?? 0;
}

export function cadvisorFamilies(input: CadvisorInput): MetricFamily[] {
  const { now, cumulative } = input;
  const ts = now.getTime();
  const cpu: Sample[] = [];
  const usage: Sample[] = [];
  const workingSet: Sample[] = [];
  const limit: Sample[] = [];
  for (const pod of [...input.pods].sort(byNamespacedName)) {
    const running = runningContainers(pod);
    if (running.length === 0) continue;
    const used = input.usage(pod, now);
    const namespace = pod.metadata.namespace ?? '';
    const podName = pod.metadata.name ?? '';
    let podCpuRate = 0;
    let podMemory = 0;
    for (const c of running) {
      const u = used.find((x) => x.name === c.name);
      if (!u) continue;
      const base: Label[] = [
        ['container', c.name],
        ['id', cgroupPath(pod, c.containerId)],
        ['image', c.image],
        ['name', c.containerId],
        ['namespace', namespace],
        ['pod', podName],
      ];
      const rate = u.cpuMillis / 1000;
      podCpuRate += rate;
      podMemory += u.memoryBytes;
      cpu.push({
        labels: [...base, ['cpu', 'total']],
        value: cumulative.total(`cpu/${instanceKey(pod, c)}`, c.startMs, rate),
        timestampMs: ts,
      });
      usage.push({ labels: base, value: Math.round(u.memoryBytes * (1 + PAGE_CACHE_FRACTION)), timestampMs: ts });
      workingSet.push({ labels: base, value: u.memoryBytes, timestampMs: ts });
      limit.push({ labels: base, value: memoryLimit(c.spec) });
    }
    // The pod cgroup outlives container restarts: its CPU counter keeps counting across them.
    const podBase: Label[] = [
      ['container', ''],
      ['id', cgroupPath(pod)],
      ['image', ''],
      ['name', ''],
      ['namespace', namespace],
      ['pod', podName],
    ];
    const podStart = Date.parse(str(statusOf(pod)['startTime']));
    const start = Number.isNaN(podStart) ? Math.min(...running.map((c) => c.startMs)) : podStart;
    cpu.push({
      labels: [...podBase, ['cpu', 'total']],
      value: cumulative.total(`cpu/pod/${pod.metadata.uid ?? ''}`, start, podCpuRate),
      timestampMs: ts,
    });
    usage.push({ labels: podBase, value: Math.round(podMemory * (1 + PAGE_CACHE_FRACTION)), timestampMs: ts });
    workingSet.push({ labels: podBase, value: podMemory, timestampMs: ts });
    // The kubelet sets a pod cgroup memory limit only when every container has one.
    const limits = specContainers(pod).map(memoryLimit);
    limit.push({ labels: podBase, value: limits.every((l) => l > 0) ? limits.reduce((a, b) => a + b, 0) : 0 });
  }
  // Gathered families come out sorted by name, as client_golang's registry writes them.
  return [
    { name: 'container_cpu_usage_seconds_total', help: HELP.cpu, type: 'counter' as const, samples: cpu },
    { name: 'container_memory_usage_bytes', help: HELP.usage, type: 'gauge' as const, samples: usage },
    { name: 'container_memory_working_set_bytes', help: HELP.workingSet, type: 'gauge' as const, samples: workingSet },
    { name: 'container_spec_memory_limit_bytes', help: HELP.limit, type: 'gauge' as const, samples: limit },
  ].map(sortLikeClientGolang);
}

/**
 * The /metrics/cadvisor body. DCGM GPU families follow the cAdvisor ones: in a cluster they come
 * from dcgm-exporter's own DaemonSet (:9400/metrics); the sim serves them here so that the one
 * kubelet scrape job collects them too (see dcgm.ts).
 */
export function renderCadvisor(input: CadvisorInput): string {
  return renderFamilies([...cadvisorFamilies(input), ...dcgmFamilies(input)]);
}
