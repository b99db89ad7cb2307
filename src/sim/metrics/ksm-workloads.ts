import type { KubeObject } from '../api/registry.ts';
import { asObject } from '../../util/deep-equal.ts';
import type { Label, MetricFamily, Sample } from './exposition.ts';
import { conditionSamples, family, resourceSample, stable } from './ksm-common.ts';
import { num, objects, specOf, statusOf, str } from './objects.ts';

/**
 * kube-state-metrics v2 families for Deployments, Jobs, Nodes and HorizontalPodAutoscalers
 * (internal/store/{deployment,job,node,horizontalpodautoscaler}.go).
 */

function one(labels: readonly Label[], value: number): Sample[] {
  return [{ labels: [...labels], value }];
}

function deploymentLabels(d: KubeObject): Label[] {
  return [
    ['namespace', d.metadata.namespace ?? ''],
    ['deployment', d.metadata.name ?? ''],
  ];
}

export function deploymentFamilies(deployments: readonly KubeObject[]): MetricFamily[] {
  const g = (name: string, help: string, value: (d: KubeObject) => number): MetricFamily =>
    family(
      name,
      stable(help),
      deployments.flatMap((d) => one(deploymentLabels(d), value(d))),
    );
  return [
    g('kube_deployment_spec_replicas', 'Number of desired pods for a deployment.', (d) =>
      num(specOf(d)['replicas'], 1),
    ),
    g('kube_deployment_status_replicas', 'The number of replicas per deployment.', (d) => num(statusOf(d)['replicas'])),
    g('kube_deployment_status_replicas_available', 'The number of available replicas per deployment.', (d) =>
      num(statusOf(d)['availableReplicas']),
    ),
    g('kube_deployment_status_replicas_unavailable', 'The number of unavailable replicas per deployment.', (d) =>
      num(statusOf(d)['unavailableReplicas']),
    ),
  ];
}

const JOB_FAILURE_REASONS = ['BackoffLimitExceeded', 'DeadlineExceeded', 'Evicted'] as const;

function jobLabels(j: KubeObject): Label[] {
  return [
    ['namespace', j.metadata.namespace ?? ''],
    ['job_name', j.metadata.name ?? ''],
  ];
}

/**
 * No reason label while nothing failed; with a Failed condition one series per known reason
 * (1 for the condition's), an unknown or missing reason as reason="" with the failed count.
 */
function jobFailed(j: KubeObject): Sample[] {
  const failed = num(statusOf(j)['failed']);
  if (failed === 0) return one(jobLabels(j), 0);
  const conds = objects(statusOf(j)['conditions']).filter((c) => c['type'] === 'Failed');
  if (conds.length === 0) return one([...jobLabels(j), ['reason', '']], failed);
  return conds.flatMap((c) => {
    const reason = str(c['reason']);
    const known = (JOB_FAILURE_REASONS as readonly string[]).includes(reason);
    const out: Sample[] = JOB_FAILURE_REASONS.map((r) => ({
      labels: [...jobLabels(j), ['reason', r]],
      value: r === reason ? 1 : 0,
    }));
    return known ? out : [...out, { labels: [...jobLabels(j), ['reason', '']], value: failed }];
  });
}

function jobCondition(j: KubeObject, type: string): Sample[] {
  return objects(statusOf(j)['conditions'])
    .filter((c) => c['type'] === type)
    .flatMap((c) => conditionSamples(jobLabels(j), 'condition', str(c['status'])));
}

export function jobFamilies(jobs: readonly KubeObject[]): MetricFamily[] {
  const each = (fn: (j: KubeObject) => Sample[]): Sample[] => jobs.flatMap(fn);
  return [
    family(
      'kube_job_status_succeeded',
      stable('The number of pods which reached Phase Succeeded.'),
      each((j) => one(jobLabels(j), num(statusOf(j)['succeeded']))),
    ),
    family(
      'kube_job_status_failed',
      stable('The number of pods which reached Phase Failed and the reason for failure.'),
      each(jobFailed),
    ),
    family(
      'kube_job_status_active',
      stable('The number of actively running pods.'),
      each((j) => one(jobLabels(j), num(statusOf(j)['active']))),
    ),
    family(
      'kube_job_complete',
      stable('The job has completed its execution.'),
      each((j) => jobCondition(j, 'Complete')),
    ),
    family(
      'kube_job_failed',
      stable('The job has failed its execution.'),
      each((j) => jobCondition(j, 'Failed')),
    ),
  ];
}

export function nodeFamilies(nodes: readonly KubeObject[]): MetricFamily[] {
  const nodeLabels = (n: KubeObject): Label[] => [['node', n.metadata.name ?? '']];
  const conditions = nodes.flatMap((n) =>
    objects(statusOf(n)['conditions']).flatMap((c) =>
      conditionSamples(nodeLabels(n), 'status', str(c['status']), [['condition', str(c['type'])]]),
    ),
  );
  const allocatable = nodes.flatMap((n) =>
    Object.entries(asObject(statusOf(n)['allocatable'])).flatMap(([name, q]): Sample[] => {
      const r = resourceSample(name, q, { allowPods: true });
      return r ? one([...nodeLabels(n), ['resource', r.resource], ['unit', r.unit]], r.value) : [];
    }),
  );
  return [
    family('kube_node_status_condition', stable('The condition of a cluster node.'), conditions),
    family(
      'kube_node_status_allocatable',
      stable('The allocatable for different resources of a node that are available for scheduling.'),
      allocatable,
    ),
  ];
}

export function hpaFamilies(hpas: readonly KubeObject[]): MetricFamily[] {
  const labels = (h: KubeObject): Label[] => [
    ['namespace', h.metadata.namespace ?? ''],
    ['horizontalpodautoscaler', h.metadata.name ?? ''],
  ];
  const g = (name: string, help: string, value: (h: KubeObject) => number): MetricFamily =>
    family(
      name,
      stable(help),
      hpas.flatMap((h) => one(labels(h), value(h))),
    );
  return [
    g(
      'kube_horizontalpodautoscaler_spec_max_replicas',
      'Upper limit for the number of pods that can be set by the autoscaler; cannot be smaller than MinReplicas.',
      (h) => num(specOf(h)['maxReplicas']),
    ),
    g(
      'kube_horizontalpodautoscaler_spec_min_replicas',
      'Lower limit for the number of pods that can be set by the autoscaler, default 1.',
      (h) => num(specOf(h)['minReplicas'], 1),
    ),
    g(
      'kube_horizontalpodautoscaler_status_current_replicas',
      'Current number of replicas of pods managed by this autoscaler.',
      (h) => num(statusOf(h)['currentReplicas']),
    ),
  ];
}
