import type { MonitorConfig } from './config.ts';
import type { SlimPod } from '../kube/pods.ts';
import type { OwnerLink } from '../kube/owners.ts';

/** Which pods and reasons the monitor reports (namespace lists, pod-name patterns, ignored reasons). */
export class PodFilter {
  private readonly include: Set<string>;
  private readonly exclude: Set<string>;
  private readonly podPatterns: RegExp[];
  private readonly reasons: Set<string>;

  constructor(private readonly config: MonitorConfig) {
    this.include = new Set(config.namespaces);
    this.exclude = new Set(config.excludeNamespaces);
    this.podPatterns = config.excludePods.map((p) => new RegExp(p));
    this.reasons = new Set(config.ignoreReasons);
  }

  watchesNamespace(ns: string): boolean {
    if (this.exclude.has(ns)) return false;
    return this.include.size === 0 || this.include.has(ns);
  }

  watches(pod: SlimPod): boolean {
    return this.watchesNamespace(pod.metadata.namespace) && !this.podPatterns.some((re) => re.test(pod.metadata.name));
  }

  ignoresReason(reason: string): boolean {
    return this.reasons.has(reason);
  }

  /** Start-up grace of the pod's workload ("namespace/name" entry), else the default. */
  startupGraceMs(pod: SlimPod, workload: OwnerLink | undefined): number {
    const byWorkload = workload
      ? this.config.startupGraceByWorkload[`${pod.metadata.namespace}/${workload.name}`]
      : undefined;
    return byWorkload ?? this.config.startupGrace;
  }
}
