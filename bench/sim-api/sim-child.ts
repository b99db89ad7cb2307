import { monitorEventLoopDelay } from 'node:perf_hooks';
import { startSimCluster } from '../../src/sim/cluster.ts';
import { addNode } from '../../src/sim/scenarios/index.ts';
import type { ResourceDef } from '../../src/sim/api/registry.ts';
import { childConfig, serveParent } from '../support/child.ts';

/**
 * The sim for bench/sim-api in its own process, with every controller, the scheduler and the
 * kubelet model running: a scenario (`demo` or `empty`) plus `extraNodes` added nodes. It samples
 * its own event loop's delay (perf_hooks, 10 ms resolution), which a client cannot see from outside.
 * Requests: kubeconfig, loopDelay ({ reset } -> percentiles in ms since the last reset), pods
 * ({ namespace } -> counts).
 */
export interface SimApiChildConfig {
  scenario: 'demo' | 'empty';
  extraNodes: number;
  watchWindow?: number;
}

const cfg = childConfig<SimApiChildConfig>();
const cluster = await startSimCluster({ port: 0, scenario: cfg.scenario, watchWindow: cfg.watchWindow });
for (let i = 0; i < cfg.extraNodes; i++) addNode(cluster.service, `bench-node-${i}`, 10 + i, { cpu: '16', memory: '64Gi' });
const delay = monitorEventLoopDelay({ resolution: 10 });
delay.enable();

const podDef = cluster.registry.find('', 'v1', 'pods') as ResourceDef;

function loopDelay(payload: unknown): { p50: number; p99: number; max: number } {
  const ms = (ns: number): number => ns / 1e6;
  const out = { p50: ms(delay.percentile(50)), p99: ms(delay.percentile(99)), max: ms(delay.max) };
  if ((payload as { reset?: boolean }).reset) delay.reset();
  return out;
}

const eventDef = cluster.registry.find('', 'v1', 'events') as ResourceDef;

/** Pod counts (all, Running) in a namespace or everywhere, and the number of Events stored. */
function pods(payload: unknown): { total: number; running: number; events: number } {
  const ns = (payload as { namespace?: string }).namespace;
  let total = 0;
  let running = 0;
  for (const so of ns ? cluster.store.listCurrent(podDef, ns) : cluster.store.values(podDef)) {
    total++;
    if ((so.obj.status as { phase?: string } | undefined)?.phase === 'Running') running++;
  }
  return { total, running, events: cluster.store.count(eventDef) };
}

serveParent({ kubeconfig: () => cluster.kubeconfig(), loopDelay, pods }, () => cluster.stop());
