import { startSimCluster } from '../../src/sim/cluster.ts';
import { addNode } from '../../src/sim/scenarios/index.ts';
import type { ResourceDef } from '../../src/sim/api/registry.ts';
import { childConfig, serveParent } from '../support/child.ts';

/**
 * The cluster whose pods the metrics API servers resolve `labelSelector=app=web` against: the sim
 * in its own process (its CPU stays out of the servers' figures), with the scheduler and kubelet
 * model running, and `pods` pods web-0..web-N-1 labelled app=web in `namespace` (the names the
 * exporter's series carry). The servers reach it only over its HTTPS API, through the product's
 * pod informer (src/metrics-api/pod-index.ts). Requests: kubeconfig, pods -> { total, running }.
 */
export interface MetricsSimConfig {
  namespace: string;
  pods: number;
}

const cfg = childConfig<MetricsSimConfig>();
const cluster = await startSimCluster({ port: 0, scenario: 'empty' });
const def = (resource: string): ResourceDef => {
  const d = cluster.registry.find('', 'v1', resource);
  if (!d) throw new Error(`sim: v1/${resource} is not served`);
  return d;
};
const podDef = def('pods');
// 1,000 small pods fit on four nodes of this size (110 pods per node is the kubelet's default limit).
const nodes = Math.ceil(cfg.pods / 100);
for (let i = 0; i < nodes; i++) addNode(cluster.service, `bench-node-${i}`, i, { cpu: '64', memory: '256Gi' });
cluster.service.create(def('namespaces'), undefined, { metadata: { name: cfg.namespace } });
for (let i = 0; i < cfg.pods; i++) {
  cluster.service.create(podDef, cfg.namespace, {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: `web-${i}`, namespace: cfg.namespace, labels: { app: 'web', 'pod-template-hash': 'bench' } },
    spec: {
      containers: [
        {
          name: 'app',
          image: 'kubeloop/httpserver:1.0',
          ports: [{ name: 'http', containerPort: 8080 }],
          resources: { requests: { cpu: '10m', memory: '16Mi' } },
        },
      ],
    },
  });
}

function pods(): { total: number; running: number } {
  let total = 0;
  let running = 0;
  for (const so of cluster.store.listCurrent(podDef, cfg.namespace)) {
    total++;
    if ((so.obj.status as { phase?: string } | undefined)?.phase === 'Running') running++;
  }
  return { total, running };
}

serveParent({ kubeconfig: () => cluster.kubeconfig(), pods }, () => cluster.stop());
