import type { KubeObject, ResourceDef } from '../registry.ts';
import { defaultPodSpec } from './pod.ts';
import { defaultWorkload } from './workloads.ts';
import { defaultService } from './service.ts';
import { defaultHpa } from './hpa.ts';

/**
 * Fills the fields kube-apiserver's defaulting (pkg/apis/<group>/v1/defaults.go) and default
 * admission plugins set, so objects read back as they would from a real cluster.
 */
export function applyDefaults(def: ResourceDef, obj: KubeObject): void {
  switch (def.kind) {
    case 'Pod':
      defaultPodSpec(obj);
      break;
    case 'Deployment':
    case 'ReplicaSet':
    case 'StatefulSet':
    case 'DaemonSet':
    case 'Job':
    case 'CronJob':
      defaultWorkload(def.kind, obj);
      break;
    case 'Service':
      defaultService(obj);
      break;
    case 'HorizontalPodAutoscaler':
      defaultHpa(obj);
      break;
    default:
      break;
  }
}
