import { createHash } from 'node:crypto';
import type { KubeObject } from '../api/registry.ts';
import { parseQuantity } from '../../util/quantity.ts';
import type { Label, MetricFamily, Sample } from './exposition.ts';
import { asObject } from '../../util/deep-equal.ts';
import { byNamespacedName, resources, runningContainers, specContainers, specOf, statusOf, str } from './objects.ts';

/**
 * GPU utilization as NVIDIA's dcgm-exporter reports it with its Kubernetes pod mapping on:
 * DCGM_FI_DEV_GPU_UTIL, a gauge in percent, one series per GPU, labelled gpu (index on the node),
 * UUID, pci_bus_id, device (nvidiaN), modelName, Hostname (the node), DCGM_FI_DRIVER_VERSION and,
 * for a GPU allocated to a container of a pod that has not finished, container, namespace and pod
 * (the device plugin keeps the GPU through restarts; it reads 0 while the container is not
 * running). Labels keep dcgm-exporter's order (it writes its own text, unsorted). A GPU a node has
 * (capacity nvidia.com/gpu) that no container holds is reported with utilization 0, no pod labels.
 *
 * Choices of the sim: GPUs are handed out per node in the order pods were created; the
 * utilization of a container's GPUs is the pod annotation sim.kubeloop.dev/gpu-util (0-100), by
 * default a busy 70-80% with a slow deterministic wobble; the model is the node label
 * nvidia.com/gpu.product (GPU feature discovery), else an A100; UUIDs are derived from node and index.
 * The family is served with the cAdvisor ones on /metrics/cadvisor (see cadvisor.ts), not on a :9400 of its own.
 */
export const GPU_RESOURCE = 'nvidia.com/gpu';
export const GPU_UTIL_ANNOTATION = 'sim.kubeloop.dev/gpu-util';
const DEFAULT_MODEL = 'NVIDIA A100-SXM4-80GB';
const DRIVER_VERSION = '550.90.07';

export interface DcgmInput {
  pods: readonly KubeObject[];
  nodes: readonly KubeObject[];
  now: Date;
}

export function gpuCount(container: Record<string, unknown>): number {
  const q =
    parseQuantity(resources(container, 'limits')[GPU_RESOURCE]) ??
    parseQuantity(resources(container, 'requests')[GPU_RESOURCE]) ??
    0;
  return Math.max(0, Math.floor(q));
}

function gpuUuid(node: string, index: number): string {
  const h = createHash('sha1').update(`${node}/${index}`).digest('hex');
  return `GPU-${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

function utilization(pod: KubeObject, now: Date, index: number): number {
  const raw = pod.metadata.annotations?.[GPU_UTIL_ANNOTATION];
  const n = raw === undefined || raw.trim() === '' ? NaN : Number(raw);
  if (Number.isFinite(n)) return Math.min(100, Math.max(0, Math.round(n)));
  return Math.round(75 + 5 * Math.sin(now.getTime() / 20_000 + index));
}

function created(p: KubeObject): number {
  const t = Date.parse(p.metadata.creationTimestamp ?? '');
  return Number.isNaN(t) ? 0 : t;
}

export function dcgmFamilies(input: DcgmInput): MetricFamily[] {
  const samples: Sample[] = [];
  const nodesByName = new Map(input.nodes.map((n) => [n.metadata.name ?? '', n]));
  const podsByNode = new Map<string, KubeObject[]>();
  for (const pod of input.pods) {
    const node = str(specOf(pod)['nodeName']);
    if (!node) continue;
    podsByNode.set(node, [...(podsByNode.get(node) ?? []), pod]);
  }
  const nodeNames = [...new Set([...nodesByName.keys(), ...podsByNode.keys()])].sort();
  for (const nodeName of nodeNames) {
    const node = nodesByName.get(nodeName);
    const capacity = node ? Math.floor(parseQuantity(asObject(statusOf(node)['capacity'])[GPU_RESOURCE]) ?? 0) : 0;
    const model = node?.metadata.labels?.['nvidia.com/gpu.product'] ?? DEFAULT_MODEL;
    const device = (i: number): Label[] => [
      ['gpu', String(i)],
      ['UUID', gpuUuid(nodeName, i)],
      ['pci_bus_id', `00000000:${(0x1a + i).toString(16).toUpperCase().padStart(2, '0')}:00.0`],
      ['device', `nvidia${i}`],
      ['modelName', model],
      ['Hostname', nodeName],
      ['DCGM_FI_DRIVER_VERSION', DRIVER_VERSION],
    ];
    let next = 0;
    const pods = [...(podsByNode.get(nodeName) ?? [])].sort(
      (a, b) => created(a) - created(b) || byNamespacedName(a, b),
    );
    for (const pod of pods) {
      const phase = str(statusOf(pod)['phase']);
      if (phase === 'Succeeded' || phase === 'Failed') continue;
      const running = new Set(runningContainers(pod).map((c) => c.name));
      for (const c of specContainers(pod)) {
        const name = str(c['name']);
        for (let k = gpuCount(c); k > 0; k--, next++) {
          samples.push({
            labels: [
              ...device(next),
              ['container', name],
              ['namespace', pod.metadata.namespace ?? ''],
              ['pod', pod.metadata.name ?? ''],
            ],
            value: running.has(name) ? utilization(pod, input.now, next) : 0,
          });
        }
      }
    }
    for (; next < capacity; next++) samples.push({ labels: device(next), value: 0 });
  }
  return [{ name: 'DCGM_FI_DEV_GPU_UTIL', help: 'GPU utilization (in %).', type: 'gauge', samples }];
}
