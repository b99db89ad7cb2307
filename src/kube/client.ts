import { existsSync } from 'node:fs';
import { KubeConfig } from '@kubernetes/client-node';

export interface ClusterAccessOptions {
  /** A kubeconfig file; default: $KUBECONFIG, ~/.kube/config, or the in-cluster service account. */
  kubeconfig?: string;
  context?: string;
}

export class ClusterAccessError extends Error {
  override name = 'ClusterAccessError';
}

const IN_CLUSTER_TOKEN = '/var/run/secrets/kubernetes.io/serviceaccount/token';

/** Whether no cluster is configured at all (then `kubeloop up` starts the built-in sim). */
export function noClusterConfigured(opts: ClusterAccessOptions): boolean {
  if (opts.kubeconfig) return false;
  if (process.env['KUBECONFIG']) return false;
  if (process.env['KUBERNETES_SERVICE_HOST'] && existsSync(IN_CLUSTER_TOKEN)) return false;
  const home = process.env['HOME'] ?? '';
  return !existsSync(`${home}/.kube/config`);
}

/**
 * The KubeConfig Kubeloop talks through, as kubectl would pick it: an explicit file, else the
 * default chain, else the in-cluster service account when running in a pod.
 */
export function loadKubeConfig(opts: ClusterAccessOptions): KubeConfig {
  const kc = new KubeConfig();
  try {
    if (opts.kubeconfig) kc.loadFromFile(opts.kubeconfig);
    else if (!process.env['KUBECONFIG'] && process.env['KUBERNETES_SERVICE_HOST'] && existsSync(IN_CLUSTER_TOKEN))
      kc.loadFromCluster();
    else kc.loadFromDefault();
  } catch (err) {
    throw new ClusterAccessError(
      `cannot load the kubeconfig${opts.kubeconfig ? ` ${opts.kubeconfig}` : ''}: ${(err as Error).message}`,
      { cause: err },
    );
  }
  if (opts.context) {
    if (!kc.getContexts().some((c) => c.name === opts.context)) {
      throw new ClusterAccessError(
        `context "${opts.context}" is not in the kubeconfig (have: ${
          kc
            .getContexts()
            .map((c) => c.name)
            .join(', ') || 'none'
        })`,
      );
    }
    kc.setCurrentContext(opts.context);
  }
  if (!kc.getCurrentCluster()) throw new ClusterAccessError('the kubeconfig has no current cluster');
  return kc;
}
