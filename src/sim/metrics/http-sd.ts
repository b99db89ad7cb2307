import type { KubeObject } from '../api/registry.ts';
import { appContainerName, byNamespacedName, objects, specOf, statusOf, str } from './objects.ts';

/** One target group of Prometheus HTTP service discovery (http_sd_config). */
export interface TargetGroup {
  targets: string[];
  labels: Record<string, string>;
}

/**
 * The http_sd document for every Running pod: each pod's app metrics are served by the sim itself,
 * so every group targets the sim's address and tells pods apart by __metrics_path__ (and
 * __scheme__), which Prometheus takes from target labels before its scrape-config defaults. The
 * __meta_kubernetes_pod_* labels mirror kubernetes_sd's pod role for relabeling (they are dropped
 * after it); `namespace`, `pod` and `container` are set directly so that the series of different
 * pods stay apart without any relabel config, as they would behind one `instance`.
 */
export function podTargetGroups(
  pods: readonly KubeObject[],
  target: { address: string; scheme: 'http' | 'https' },
): TargetGroup[] {
  const groups: TargetGroup[] = [];
  for (const pod of [...pods].sort(byNamespacedName)) {
    const status = statusOf(pod);
    if (status['phase'] !== 'Running') continue;
    const namespace = pod.metadata.namespace ?? '';
    const name = pod.metadata.name ?? '';
    const container = appContainerName(pod) ?? '';
    const ready = objects(status['conditions']).some((c) => c['type'] === 'Ready' && c['status'] === 'True');
    const labels: Record<string, string> = {
      __metrics_path__: `/metrics/pods/${encodeURIComponent(namespace)}/${encodeURIComponent(name)}`,
      __scheme__: target.scheme,
      __meta_kubernetes_namespace: namespace,
      __meta_kubernetes_pod_name: name,
      __meta_kubernetes_pod_uid: pod.metadata.uid ?? '',
      __meta_kubernetes_pod_ip: str(status['podIP']),
      __meta_kubernetes_pod_node_name: str(specOf(pod)['nodeName']),
      __meta_kubernetes_pod_phase: 'Running',
      __meta_kubernetes_pod_ready: ready ? 'true' : 'false',
      __meta_kubernetes_pod_container_name: container,
    };
    for (const [k, v] of Object.entries(pod.metadata.labels ?? {})) {
      const ln = k.replace(/[^a-zA-Z0-9_]/g, '_');
      labels[`__meta_kubernetes_pod_label_${ln}`] = v;
      labels[`__meta_kubernetes_pod_labelpresent_${ln}`] = 'true';
    }
    Object.assign(labels, { namespace, pod: name, container });
    groups.push({ targets: [target.address], labels });
  }
  return groups;
}
