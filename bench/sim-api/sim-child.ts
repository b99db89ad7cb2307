import { monitorEventLoopDelay, PerformanceObserver } from 'node:perf_hooks';
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
/** Event-loop delay beyond the sampling interval, ms, and the GC pauses in the same window. */
export interface LoopDelay {
  p50: number;
  p99: number;
  max: number;
  gc: { count: number; totalMs: number; maxMs: number };
}

export interface SimApiChildConfig {
  scenario: 'demo' | 'empty';
  extraNodes: number;
  watchWindow?: number;
}

const cfg = childConfig<SimApiChildConfig>();
const cluster = await startSimCluster({ port: 0, scenario: cfg.scenario, watchWindow: cfg.watchWindow });
for (let i = 0; i < cfg.extraNodes; i++)
  addNode(cluster.service, `bench-node-${i}`, 10 + i, { cpu: '16', memory: '64Gi' });
const RESOLUTION_MS = 10;
const delay = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
delay.enable();
// GC pauses since the last reset: tells a collector's pause from our own work in a delay spike.
let gc = { count: 0, totalMs: 0, maxMs: 0 };
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) {
    gc.count++;
    gc.totalMs += e.duration;
    gc.maxMs = Math.max(gc.maxMs, e.duration);
  }
}).observe({ entryTypes: ['gc'] });

const podDef = cluster.registry.find('', 'v1', 'pods') as ResourceDef;

/**
 * The histogram records each interval between its timer's runs, so an idle loop reads the
 * resolution (10 ms); the delay is what exceeds it, as fastify's under-pressure reports it.
 */
function loopDelay(payload: unknown): LoopDelay {
  const late = (ns: number): number => Math.max(0, ns / 1e6 - RESOLUTION_MS);
  const out = { p50: late(delay.percentile(50)), p99: late(delay.percentile(99)), max: late(delay.max), gc: { ...gc } };
  if ((payload as { reset?: boolean }).reset) {
    delay.reset();
    gc = { count: 0, totalMs: 0, maxMs: 0 };
  }
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
