import { startSimCluster, type SimClusterOptions } from '../../src/sim/cluster.ts';
import { addNode } from '../../src/sim/scenarios/index.ts';
import type { ResourceDef } from '../../src/sim/api/registry.ts';
import { childConfig, serveParent } from '../support/child.ts';
import { CrashTruth } from './truth.ts';
import type { WorkloadPlan } from './workloads.ts';

/**
 * The simulated cluster in its own process for bench/monitor: nodes and kubelet timings from the
 * config, the workload plan created in-process on request, and the crash ground truth recorded
 * at every pod commit (truth.ts). Requests: kubeconfig, setup, progress, truth.
 */
export interface SimChildConfig {
  nodes: number;
  kubelet: NonNullable<SimClusterOptions['kubelet']>;
  watchWindow?: number;
}

const cfg = childConfig<SimChildConfig>();
const cluster = await startSimCluster({ port: 0, scenario: 'empty', kubelet: cfg.kubelet, watchWindow: cfg.watchWindow });
for (let i = 0; i < cfg.nodes; i++) addNode(cluster.service, `node-${i}`, i, { cpu: '256', memory: '1Ti' });

const def = (group: string, resource: string): ResourceDef => {
  const d = cluster.registry.find(group, 'v1', resource);
  if (!d) throw new Error(`sim: ${group}/${resource} is not served`);
  return d;
};
const pods = def('', 'pods');
const truth = new CrashTruth();
cluster.store.subscribe(pods, { deliver: (e) => truth.observe(e.type, e.object.obj) });

function setup(plan: WorkloadPlan): { deployments: number } {
  const ns = def('', 'namespaces');
  const deployments = def('apps', 'deployments');
  const services = def('', 'services');
  for (const name of plan.namespaces) cluster.service.create(ns, undefined, { metadata: { name } });
  for (const d of plan.deployments) {
    const labels = { app: d.name };
    cluster.service.create(services, d.namespace, { metadata: { name: d.name, namespace: d.namespace }, spec: { selector: labels, ports: [{ name: 'http', port: 80, targetPort: 8080 }] } });
    cluster.service.create(deployments, d.namespace, {
      apiVersion: 'apps/v1', kind: 'Deployment',
      metadata: { name: d.name, namespace: d.namespace, labels },
      spec: {
        replicas: d.replicas,
        selector: { matchLabels: labels },
        template: {
          metadata: { labels, annotations: d.annotations },
          spec: { ...(d.nodeName ? { nodeName: d.nodeName } : {}), containers: [{ name: 'app', image: 'kubeloop/httpserver:1.0', ports: [{ name: 'http', containerPort: 8080 }], resources: { requests: { cpu: '10m', memory: '16Mi' } } }] },
        },
      },
    });
  }
  return { deployments: plan.deployments.length };
}

serveParent({
  kubeconfig: () => cluster.kubeconfig(),
  setup: (plan) => setup(plan as WorkloadPlan),
  progress: () => truth.progress(),
  truth: () => truth.snapshot(),
}, () => cluster.stop());
