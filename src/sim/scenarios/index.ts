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

/** A Ready node as a kubelet registers it. */
export function addNode(svc: ResourceService, name: string, index: number, size: { cpu: string; memory: string } = { cpu: '4', memory: '16Gi' }): void {
  svc.create(def(svc, '', 'v1', 'nodes'), undefined, {
    metadata: { name, labels: { 'kubernetes.io/hostname': name, 'kubernetes.io/os': 'linux', 'kubernetes.io/arch': 'amd64', ...(index === 0 ? { 'node-role.kubernetes.io/control-plane': '' } : {}) } },
    spec: { podCIDR: `10.244.${index}.0/24`, podCIDRs: [`10.244.${index}.0/24`] },
    status: {
      capacity: { cpu: size.cpu, memory: size.memory, pods: '110', 'ephemeral-storage': '100Gi' },
      allocatable: { cpu: size.cpu, memory: size.memory, pods: '110', 'ephemeral-storage': '100Gi' },
      conditions: [
        { type: 'MemoryPressure', status: 'False', reason: 'KubeletHasSufficientMemory', message: 'kubelet has sufficient memory available' },
        { type: 'DiskPressure', status: 'False', reason: 'KubeletHasNoDiskPressure', message: 'kubelet has no disk pressure' },
        { type: 'PIDPressure', status: 'False', reason: 'KubeletHasSufficientPID', message: 'kubelet has sufficient PID available' },
        { type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status' },
      ],
      addresses: [{ type: 'InternalIP', address: `10.0.0.${index + 10}` }, { type: 'Hostname', address: name }],
      nodeInfo: { kubeletVersion: 'v1.32.0', kubeProxyVersion: 'v1.32.0', osImage: 'Kubeloop Sim Linux', kernelVersion: '6.1.0-sim', containerRuntimeVersion: 'containerd://1.7.0', operatingSystem: 'linux', architecture: 'amd64', machineID: '', systemUUID: '', bootID: '' },
    },
  });
}

/** A small demo (the full demo cluster arrives with the workload models). */
const demo: Scenario = {
  name: 'demo',
  description: '3 nodes; namespace "demo" with the httpserver Deployment and Service, and a pod whose image cannot be pulled',
  apply(svc) {
    for (let i = 0; i < 3; i++) addNode(svc, `node-${i + 1}`, i);
    svc.create(def(svc, '', 'v1', 'namespaces'), undefined, { metadata: { name: 'demo', labels: { 'kubeloop.dev/scenario': 'demo' } } });
    svc.create(def(svc, '', 'v1', 'configmaps'), 'demo', { metadata: { name: 'httpserver-config' }, data: { LOG_LEVEL: 'info' } });
    svc.create(def(svc, '', 'v1', 'services'), 'demo', {
      metadata: { name: 'httpserver', labels: { app: 'httpserver' } },
      spec: { selector: { app: 'httpserver' }, ports: [{ name: 'http', port: 80, targetPort: 8080 }] },
    });
    svc.create(def(svc, 'apps', 'v1', 'deployments'), 'demo', {
      metadata: { name: 'httpserver', labels: { app: 'httpserver' } },
      spec: {
        replicas: 2,
        selector: { matchLabels: { app: 'httpserver' } },
        template: {
          metadata: { labels: { app: 'httpserver' } },
          spec: { containers: [{ name: 'httpserver', image: 'kubeloop/httpserver:1.0', ports: [{ containerPort: 8080 }], resources: { requests: { cpu: '100m', memory: '64Mi' } } }] },
        },
      },
    });
    svc.create(def(svc, '', 'v1', 'pods'), 'demo', {
      metadata: { name: 'broken-image', labels: { app: 'broken' } },
      spec: { containers: [{ name: 'app', image: 'registry.example/does-not-exist:1.0' }] },
    });
  },
};

const empty: Scenario = { name: 'empty', description: 'only the namespaces of a fresh cluster', apply() {} };

export const SCENARIOS: readonly Scenario[] = [demo, empty];

export function findScenario(name: string): Scenario | undefined {
  return SCENARIOS.find((s) => s.name === name);
}
