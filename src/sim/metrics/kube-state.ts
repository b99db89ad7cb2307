import type { KubeObject } from '../api/registry.ts';
import { renderFamilies, type MetricFamily } from './exposition.ts';
import { podFamilies } from './ksm-pods.ts';
import { deploymentFamilies, hpaFamilies, jobFamilies, nodeFamilies } from './ksm-workloads.ts';
import { byNamespacedName } from './objects.ts';

export interface KubeStateInput {
  pods: readonly KubeObject[];
  deployments: readonly KubeObject[];
  jobs: readonly KubeObject[];
  nodes: readonly KubeObject[];
  hpas: readonly KubeObject[];
}

/**
 * A subset of what kube-state-metrics v2 serves at /metrics: its names, HELP text, label names
 * and label order. Like ksm it writes the HELP and TYPE lines of a family with no series, and it
 * emits objects in a stable order (namespace/name) where ksm's follows its informer cache.
 */
export function kubeStateFamilies(input: KubeStateInput): MetricFamily[] {
  const sorted = (xs: readonly KubeObject[]): KubeObject[] => [...xs].sort(byNamespacedName);
  return [
    ...deploymentFamilies(sorted(input.deployments)),
    ...hpaFamilies(sorted(input.hpas)),
    ...jobFamilies(sorted(input.jobs)),
    ...nodeFamilies(sorted(input.nodes)),
    ...podFamilies(sorted(input.pods)),
  ];
}

export function renderKubeState(input: KubeStateInput): string {
  return renderFamilies(kubeStateFamilies(input), { emitEmpty: true });
}
