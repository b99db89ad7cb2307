import type { KubeConfig } from '@kubernetes/client-node';
import { kubeGetJson, KubeApiError } from '../kube/http.ts';
import { OwnerResolver, topWorkload } from '../kube/owners.ts';
import { controllerOf, slimPod } from '../kube/pods.ts';
import type { Trigger, WorkloadTarget } from './actions/types.ts';

/** What a trigger points at: the top-level workload, the pod and node it names, or why not. */
export interface Resolved {
  target?: WorkloadTarget;
  pod?: { namespace: string; name: string };
  node?: string;
  /** Why there is no workload target (no namespace label, the pod is gone...). */
  problem?: string;
}

/** Label names monitoring systems use for the same thing (Prometheus, kube-state-metrics, Guance, OTel). */
const NAMESPACE = ['namespace', 'kubernetes_namespace', 'exported_namespace', 'k8s_namespace_name'];
const POD = ['pod', 'pod_name', 'kubernetes_pod_name', 'exported_pod', 'k8s_pod_name'];
const NODE = ['node', 'nodename', 'kubernetes_node', 'k8s_node_name'];
const WORKLOADS: [string, string[]][] = [
  ['Deployment', ['deployment', 'deployment_name', 'k8s_deployment_name']],
  ['StatefulSet', ['statefulset', 'statefulset_name', 'k8s_statefulset_name']],
  ['DaemonSet', ['daemonset', 'daemonset_name', 'k8s_daemonset_name']],
];

const first = (labels: Record<string, string>, names: string[]): string | undefined => {
  for (const n of names) if (labels[n]) return labels[n];
  return undefined;
};

/**
 * Finds the workload behind a trigger, as seed 000's function does by hand: a workload label wins
 * (deployment=..., statefulset=...); otherwise the pod label is followed through its owner
 * references (Pod -> ReplicaSet -> Deployment, StatefulSet, DaemonSet, Job -> CronJob); a pod with
 * no controller is its own target (a bare pod, which is "not scalable").
 */
export async function resolveTarget(kc: KubeConfig, trigger: Trigger, owners: OwnerResolver): Promise<Resolved> {
  if (trigger.kind === 'schedule') return {};
  if (trigger.kind === 'failure') {
    const f = trigger.failure;
    return {
      target: { namespace: f.namespace, kind: f.workloadKind, name: f.workloadName },
      pod: { namespace: f.namespace, name: f.pod },
      ...(f.node ? { node: f.node } : {}),
    };
  }
  const labels = trigger.alert.labels;
  const namespace = first(labels, NAMESPACE);
  const podName = first(labels, POD);
  const nodeLabel = first(labels, NODE);
  const out: Resolved = nodeLabel ? { node: nodeLabel } : {};
  if (!namespace) return { ...out, problem: `the alert has no namespace label (looked for ${NAMESPACE.join(', ')})` };
  if (podName) out.pod = { namespace, name: podName };
  for (const [kind, names] of WORKLOADS) {
    const name = first(labels, names);
    if (name) return { ...out, target: { namespace, kind, name } };
  }
  if (!podName)
    return {
      ...out,
      problem: `the alert names no workload or pod (looked for ${[...WORKLOADS.flatMap(([, n]) => n), ...POD].join(', ')})`,
    };
  let raw: unknown;
  try {
    raw = await kubeGetJson(
      kc,
      `/api/v1/namespaces/${encodeURIComponent(namespace)}/pods/${encodeURIComponent(podName)}`,
      {},
      10_000,
    );
  } catch (err) {
    if (err instanceof KubeApiError && err.code === 404)
      return { ...out, problem: `pod ${namespace}/${podName} not found (deleted or renamed since the alert fired)` };
    throw err;
  }
  const pod = slimPod(raw);
  if (typeof pod === 'string') return { ...out, problem: `pod ${namespace}/${podName} could not be read: ${pod}` };
  if (!out.node && pod.spec.nodeName) out.node = pod.spec.nodeName;
  const chain = await owners.chain(namespace, controllerOf(pod.metadata.ownerReferences));
  const top = topWorkload(chain, podName);
  return { ...out, target: { namespace, kind: top.kind, name: top.name } };
}
