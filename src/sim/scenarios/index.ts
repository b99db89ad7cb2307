import type { ResourceService } from '../api/service/resource-service.ts';
import type { ResourceDef } from '../api/registry.ts';

export interface Scenario {
  name: string;
  description: string;
  apply(svc: ResourceService): void;
}

function def(svc: ResourceService, group: string, version: string, resource: string): ResourceDef {
  const d = svc.registry.find(group, version, resource);
  if (!d) throw new Error(`scenario: resource ${group}/${version}/${resource} is not served`);
  return d;
}

/** The cluster every sim starts with: the namespaces a fresh kube-apiserver creates. */
export function bootstrapCluster(svc: ResourceService): void {
  const ns = def(svc, '', 'v1', 'namespaces');
  for (const name of ['default', 'kube-system', 'kube-public', 'kube-node-lease']) {
    if (!svc.store.get(ns, undefined, name)) svc.create(ns, undefined, { metadata: { name } });
  }
}

/** A small demo namespace (the full demo cluster arrives with the controllers and workload models). */
const demo: Scenario = {
  name: 'demo',
  description: 'namespace "demo" with a ConfigMap, a Service and two pods that have logs',
  apply(svc) {
    svc.create(def(svc, '', 'v1', 'namespaces'), undefined, { metadata: { name: 'demo', labels: { 'kubeloop.dev/scenario': 'demo' } } });
    svc.create(def(svc, '', 'v1', 'configmaps'), 'demo', { metadata: { name: 'httpserver-config' }, data: { 'LOG_LEVEL': 'info' } });
    svc.create(def(svc, '', 'v1', 'services'), 'demo', {
      metadata: { name: 'httpserver', labels: { app: 'httpserver' } },
      spec: { selector: { app: 'httpserver' }, ports: [{ name: 'http', port: 80, targetPort: 8080 }] },
    });
    for (const i of [0, 1]) {
      svc.create(def(svc, '', 'v1', 'pods'), 'demo', {
        metadata: { name: `httpserver-${i}`, labels: { app: 'httpserver' } },
        spec: { containers: [{ name: 'httpserver', image: 'kubeloop/httpserver:1.0', ports: [{ containerPort: 8080 }] }] },
      });
    }
  },
};

const empty: Scenario = { name: 'empty', description: 'only the namespaces of a fresh cluster', apply() {} };

export const SCENARIOS: readonly Scenario[] = [demo, empty];

export function findScenario(name: string): Scenario | undefined {
  return SCENARIOS.find((s) => s.name === name);
}
