import { matchesLabels, type LabelSelector } from '../kube/apimachinery/labels.ts';

/**
 * Which pods a `pods/*` request covers. The HPA sends the scale target's selector; the server
 * needs the pods' labels to apply it, which live in the cluster, so the caller provides them (a
 * kube client, an informer, the sim's store, or a static list in tests).
 */
export type PodsMatching = (
  namespace: string,
  selector: LabelSelector,
  raw: string,
) => Iterable<string> | Promise<Iterable<string>>;

export interface StaticPod {
  namespace: string;
  name: string;
  labels?: Record<string, string>;
}

/**
 * The names a selector matches, remembered per namespace until that namespace's pods change: every
 * HPA asks the same question each sync period, and matching 1,000 pods' labels per request showed
 * up in the cost of a cache hit. Bounded per namespace (selectors are per HPA, not per request).
 */
export class MatchMemo {
  private readonly byNamespace = new Map<string, Map<string, readonly string[]>>();

  constructor(private readonly maxSelectorsPerNamespace = 256) {}

  get(namespace: string, rawSelector: string, compute: () => readonly string[]): readonly string[] {
    let bySelector = this.byNamespace.get(namespace);
    if (!bySelector) this.byNamespace.set(namespace, (bySelector = new Map()));
    let names = bySelector.get(rawSelector);
    if (names === undefined) {
      if (bySelector.size >= this.maxSelectorsPerNamespace) bySelector.clear();
      bySelector.set(rawSelector, (names = compute()));
    }
    return names;
  }

  /** The pods of a namespace changed: its answers are recomputed on next use. */
  invalidate(namespace: string): void {
    this.byNamespace.delete(namespace);
  }
}

/** PodsMatching over a fixed list (tests, demos). */
export function staticPods(pods: readonly StaticPod[]): PodsMatching {
  const memo = new MatchMemo();
  return (namespace, selector, raw) =>
    memo.get(namespace, raw, () =>
      pods.filter((p) => p.namespace === namespace && matchesLabels(selector, p.labels ?? {})).map((p) => p.name),
    );
}
