import { matchesLabels, type LabelSelector } from '../sim/api/selectors.ts';

/**
 * Which pods a `pods/*` request covers. The HPA sends the scale target's selector; the server
 * needs the pods' labels to apply it, which live in the cluster, so the caller provides them (a
 * kube client, an informer, the sim's store, or a static list in tests).
 */
export type PodsMatching = (namespace: string, selector: LabelSelector, raw: string) => Iterable<string> | Promise<Iterable<string>>;

export interface StaticPod {
  namespace: string;
  name: string;
  labels?: Record<string, string>;
}

/** PodsMatching over a fixed list (tests, demos). */
export function staticPods(pods: readonly StaticPod[]): PodsMatching {
  return (namespace, selector) => pods.filter((p) => p.namespace === namespace && matchesLabels(selector, p.labels ?? {})).map((p) => p.name);
}
