import { AppsV1Api, AutoscalingV2Api, BatchV1Api, CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import type { KubeClients } from './api.ts';

/** `ctx.k8s`: the worker's own KubeConfig (a KubeConfig cannot cross threads) and typed clients. */
export function makeKubeClients(kubeconfig: string): KubeClients {
  const kc = new KubeConfig();
  try {
    kc.loadFromString(kubeconfig);
  } catch (err) {
    throw new Error(`the kubeconfig given to the function cannot be loaded: ${(err as Error).message}`, { cause: err });
  }
  return {
    kc,
    core: kc.makeApiClient(CoreV1Api),
    apps: kc.makeApiClient(AppsV1Api),
    autoscaling: kc.makeApiClient(AutoscalingV2Api),
    batch: kc.makeApiClient(BatchV1Api),
  };
}
