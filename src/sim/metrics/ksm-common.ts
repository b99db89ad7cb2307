import type { Label, MetricFamily, MetricType, Sample } from './exposition.ts';
import { parseQuantity } from '../../util/quantity.ts';

/**
 * Shared pieces of the kube-state-metrics v2 renderers (ksm v2.13-v2.15 text: metrics promoted to
 * STABLE carry "[STABLE] " in their HELP). Series of one object keep ksm's label order: the
 * object's identifying labels first, then the family's own.
 */

export function family(name: string, help: string, samples: Sample[], type: MetricType = 'gauge'): MetricFamily {
  return { name, help, type, samples };
}

export function stable(help: string): string {
  return `[STABLE] ${help}`;
}

/** ksm's addConditionMetrics: one series per status, true/false/unknown, the current one 1. */
export function conditionSamples(
  base: readonly Label[],
  key: string,
  status: string,
  more: readonly Label[] = [],
): Sample[] {
  const s = status.toLowerCase();
  const current = s === 'true' || s === 'false' ? s : 'unknown';
  return (['true', 'false', 'unknown'] as const).map((v) => ({
    labels: [...base, ...more, [key, v]],
    value: v === current ? 1 : 0,
  }));
}

/** ksm's SanitizeLabelName: every character outside [a-zA-Z0-9_] becomes `_` (nvidia.com/gpu -> nvidia_com_gpu). */
export function sanitizeLabelName(s: string): string {
  return s.replace(/[^a-zA-Z0-9_]/g, '_');
}

/**
 * A resource quantity as ksm reports it in *_resource_requests/limits and node allocatable:
 * cpu in cores; memory, storage, ephemeral-storage, hugepages-* and attachable-volumes-* in bytes;
 * pods and extended resources (a domain-qualified name such as nvidia.com/gpu) as integers. Other
 * names are skipped, as ksm skips them.
 */
export function resourceSample(
  name: string,
  quantity: unknown,
  opts: { allowPods: boolean },
): { resource: string; unit: string; value: number } | undefined {
  const v = parseQuantity(quantity);
  if (v === undefined) return undefined;
  const resource = sanitizeLabelName(name);
  if (name === 'cpu') return { resource, unit: 'core', value: Math.ceil(Math.round(v * 1e9) / 1e6) / 1000 };
  if (
    name === 'memory' ||
    name === 'storage' ||
    name === 'ephemeral-storage' ||
    name.startsWith('hugepages-') ||
    name.startsWith('attachable-volumes-')
  ) {
    return { resource, unit: 'byte', value: Math.ceil(v) };
  }
  if (name === 'pods' && opts.allowPods) return { resource, unit: 'integer', value: Math.ceil(v) };
  if (isExtendedResourceName(name)) return { resource, unit: 'integer', value: Math.ceil(v) };
  return undefined;
}

/** Not native (domain-qualified, outside kubernetes.io) and not a quota "requests." name. */
function isExtendedResourceName(name: string): boolean {
  if (name.startsWith('requests.')) return false;
  const slash = name.indexOf('/');
  if (slash <= 0) return false;
  const domain = name.slice(0, slash);
  return domain !== 'kubernetes.io' && !domain.endsWith('.kubernetes.io');
}
