/**
 * The object kinds a custom metric may describe, by the resource name the metrics API uses in
 * paths and discovery (GroupResource.String(): "pods", "deployments.apps"). The describedObject of
 * a MetricValue needs the kind and apiVersion, which a path alone does not carry.
 */
export interface DescribedResource {
  /** GroupResource.String(): plural, then ".group" unless core. */
  resource: string;
  kind: string;
  group: string;
  version: string;
  namespaced: boolean;
}

const r = (resource: string, kind: string, group: string, version: string, namespaced = true): DescribedResource => ({
  resource: group === '' ? resource : `${resource}.${group}`,
  kind,
  group,
  version,
  namespaced,
});

export const DEFAULT_RESOURCES: readonly DescribedResource[] = [
  r('pods', 'Pod', '', 'v1'),
  r('services', 'Service', '', 'v1'),
  r('namespaces', 'Namespace', '', 'v1', false),
  r('nodes', 'Node', '', 'v1', false),
  r('persistentvolumeclaims', 'PersistentVolumeClaim', '', 'v1'),
  r('replicationcontrollers', 'ReplicationController', '', 'v1'),
  r('deployments', 'Deployment', 'apps', 'v1'),
  r('statefulsets', 'StatefulSet', 'apps', 'v1'),
  r('replicasets', 'ReplicaSet', 'apps', 'v1'),
  r('daemonsets', 'DaemonSet', 'apps', 'v1'),
  r('jobs', 'Job', 'batch', 'v1'),
  r('cronjobs', 'CronJob', 'batch', 'v1'),
  r('ingresses', 'Ingress', 'networking.k8s.io', 'v1'),
  r('horizontalpodautoscalers', 'HorizontalPodAutoscaler', 'autoscaling', 'v2'),
];

/** Resolves "deployments", "deployments.apps" or "Deployment"-free spellings to one known resource. */
export class ResourceTable {
  private readonly byName = new Map<string, DescribedResource>();

  constructor(resources: readonly DescribedResource[] = DEFAULT_RESOURCES) {
    const plurals = new Map<string, DescribedResource[]>();
    for (const d of resources) {
      this.byName.set(d.resource, d);
      const plural = d.resource.split('.')[0] ?? d.resource;
      plurals.set(plural, [...(plurals.get(plural) ?? []), d]);
    }
    // A bare plural ("deployments") is accepted where it is unambiguous, as kubectl resolves it.
    for (const [plural, ds] of plurals)
      if (ds.length === 1 && !this.byName.has(plural)) this.byName.set(plural, ds[0] as DescribedResource);
    // Singulars ("pod", "deployment.apps") as a RESTMapper resolves them: adapter rules write them so.
    for (const d of resources) {
      const singular = d.kind.toLowerCase();
      const full = d.group === '' ? singular : `${singular}.${d.group}`;
      if (!this.byName.has(full)) this.byName.set(full, d);
      if (!this.byName.has(singular) && plurals.get(d.resource.split('.')[0] ?? '')?.length === 1)
        this.byName.set(singular, d);
    }
  }

  find(resource: string): DescribedResource | undefined {
    return this.byName.get(resource.toLowerCase());
  }

  /** Every distinct resource. */
  all(): DescribedResource[] {
    return [...new Set(this.byName.values())];
  }

  names(): string[] {
    return [...new Set([...this.byName.values()].map((d) => d.resource))].sort();
  }
}

/** ObjectReference.apiVersion as custom-metrics-apiserver writes it: group + "/" + version ("/v1" for core). */
export function describedApiVersion(d: DescribedResource): string {
  return `${d.group}/${d.version}`;
}
