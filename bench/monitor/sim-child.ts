import { startSimCluster, type SimClusterOptions } from '../../src/sim/cluster.ts';
import { addNode } from '../../src/sim/scenarios/index.ts';
import type { ResourceDef } from '../../src/sim/api/registry.ts';
import { childConfig, serveParent } from '../support/child.ts';
import { CrashTruth } from './truth.ts';
import type { WorkloadPlan } from './workloads.ts';
import type { PlannedObject } from './mix-plan.ts';
import { podManagedFields } from './pod-spec.ts';

/**
 * The simulated cluster in its own process for bench/monitor: nodes and kubelet timings from the
 * config, the workload plan created in-process on request, and the crash ground truth recorded
 * at every pod commit (truth.ts). Requests: kubeconfig, setup (a WorkloadPlan), create (planned
 * objects, each after its delay), progress, truth.
 */
export interface SimChildConfig {
  nodes: number;
  kubelet: NonNullable<SimClusterOptions['kubelet']>;
  watchWindow?: number;
  /**
   * Make sure every pod version carries managedFields as a 1.20 apiserver keeps them. The sim now
   * records its own (src/sim/api/fieldmanager), which are kept; this only fills a version without.
   */
  managedFields?: boolean;
}

const cfg = childConfig<SimChildConfig>();
const cluster = await startSimCluster({
  port: 0,
  scenario: 'empty',
  kubelet: cfg.kubelet,
  watchWindow: cfg.watchWindow,
});
for (let i = 0; i < cfg.nodes; i++) addNode(cluster.service, `node-${i}`, i, { cpu: '256', memory: '1Ti' });

const def = (group: string, resource: string): ResourceDef => {
  const d = cluster.registry.find(group, 'v1', resource);
  if (!d) throw new Error(`sim: ${group}/${resource} is not served`);
  return d;
};
const pods = def('', 'pods');
const truth = new CrashTruth();
if (cfg.managedFields) {
  // The bench's fixture, not the sim's behaviour: subscribers run synchronously in the commit and
  // the stored JSON is cached lazily, so lists and watch events carry these fields.
  cluster.store.subscribe(pods, {
    deliver: (e) => {
      const o = e.object.obj;
      if (e.type !== 'DELETED' && !o.metadata.managedFields)
        o.metadata.managedFields = podManagedFields(
          o as unknown as Parameters<typeof podManagedFields>[0],
          o.metadata.creationTimestamp ?? '',
        );
    },
  });
}
cluster.store.subscribe(pods, { deliver: (e) => truth.observe(e.type, e.object.obj) });

/** Creates each object `afterMs` after the call (errors are kept and reported by `progress`). */
const createErrors: string[] = [];
function create(objects: PlannedObject[]): { objects: number } {
  for (const o of objects) {
    const run = (): void => {
      try {
        cluster.service.create(def(o.group, o.resource), o.namespace, o.body);
      } catch (err) {
        createErrors.push(
          `${o.resource} ${o.namespace ?? ''}/${String((o.body['metadata'] as { name?: string } | undefined)?.name)}: ${(err as Error).message}`,
        );
      }
    };
    if (o.afterMs <= 0) run();
    else setTimeout(run, o.afterMs).unref();
  }
  return { objects: objects.length };
}

function setup(plan: WorkloadPlan): { deployments: number } {
  const ns = def('', 'namespaces');
  const deployments = def('apps', 'deployments');
  const services = def('', 'services');
  for (const name of plan.namespaces) cluster.service.create(ns, undefined, { metadata: { name } });
  for (const d of plan.deployments) {
    const labels = { app: d.name };
    cluster.service.create(services, d.namespace, {
      metadata: { name: d.name, namespace: d.namespace },
      spec: { selector: labels, ports: [{ name: 'http', port: 80, targetPort: 8080 }] },
    });
    cluster.service.create(deployments, d.namespace, {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: d.name, namespace: d.namespace, labels },
      spec: {
        replicas: d.replicas,
        selector: { matchLabels: labels },
        template: {
          metadata: { labels, annotations: d.annotations },
          spec: {
            ...(d.nodeName ? { nodeName: d.nodeName } : {}),
            ...(d.podSpec ?? {
              containers: [
                {
                  name: 'app',
                  image: 'kubeloop/httpserver:1.0',
                  ports: [{ name: 'http', containerPort: 8080 }],
                  resources: { requests: { cpu: '10m', memory: '16Mi' } },
                },
              ],
            }),
          },
        },
      },
    });
  }
  return { deployments: plan.deployments.length };
}

serveParent(
  {
    kubeconfig: () => cluster.kubeconfig(),
    setup: (plan) => setup(plan as WorkloadPlan),
    create: (objects) => create(objects as PlannedObject[]),
    progress: () => ({ ...truth.progress(), createErrors }),
    truth: () => truth.snapshot(),
  },
  () => cluster.stop(),
);
