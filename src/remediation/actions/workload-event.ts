import type { KubeConfig } from '@kubernetes/client-node';
import { kubeJson } from '../../kube/http.ts';
import type { WorkloadTarget } from './types.ts';

const API: Record<string, string> = {
  Deployment: 'apps/v1',
  StatefulSet: 'apps/v1',
  ReplicaSet: 'apps/v1',
  DaemonSet: 'apps/v1',
  Job: 'batch/v1',
  CronJob: 'batch/v1',
  Pod: 'v1',
};

/**
 * A core/v1 Event on a workload, as a controller would record it: `kubectl describe deployment x`
 * and `kubectl get events` show what Kubeloop did or could not do. The object's uid is read first
 * so the Event links to this object and not a later one of the same name.
 */
export async function emitWorkloadEvent(
  kc: KubeConfig,
  t: WorkloadTarget,
  e: { reason: string; message: string; type: 'Normal' | 'Warning' },
): Promise<void> {
  const apiVersion = API[t.kind] ?? 'v1';
  const base = apiVersion === 'v1' ? '/api/v1' : `/apis/${apiVersion}`;
  const plural = `${t.kind.toLowerCase()}s`;
  const obj = await kubeJson<{ metadata?: { uid?: string; resourceVersion?: string } }>(kc, {
    method: 'GET',
    path: `${base}/namespaces/${encodeURIComponent(t.namespace)}/${plural}/${encodeURIComponent(t.name)}`,
  });
  const now = new Date().toISOString();
  await kubeJson(kc, {
    method: 'POST',
    path: `/api/v1/namespaces/${encodeURIComponent(t.namespace)}/events`,
    body: {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { generateName: `${t.name}.kubeloop-`, namespace: t.namespace },
      involvedObject: {
        apiVersion,
        kind: t.kind,
        name: t.name,
        namespace: t.namespace,
        uid: obj.metadata?.uid,
        resourceVersion: obj.metadata?.resourceVersion,
      },
      reason: e.reason,
      message: e.message.slice(0, 1024),
      type: e.type,
      source: { component: 'kubeloop' },
      reportingComponent: 'kubeloop',
      reportingInstance: 'kubeloop',
      firstTimestamp: now,
      lastTimestamp: now,
      count: 1,
    },
  });
}
