import { BenchClient } from '../support/http.ts';
import { percentile } from '../support/stats.ts';
import { createPods } from './create-load.ts';
import { createNamespaces, timeGet } from './measure.ts';
import type { Side } from './sides.ts';
import type { LoopDelay } from './sim-child.ts';

/** What one round (a fresh API server, one connection mode) measured. */
export interface RoundResult {
  created: number;
  failed: number;
  /** Pods created per second of wall time, all clients together. */
  rate: number;
  /** Per request, connection included: p99 and max, ms. */
  p99: number;
  max: number;
  /** A reader listing one namespace every 250 ms while the writers ran: its slowest answer, ms. */
  readMaxDuringWrites: number;
  listAllMs: number;
  listAllBytes: number;
  listOneMs: number;
  /** Event-loop delay p99 / max while writing and while reading afterwards (sim only), ms. */
  loopWrite?: LoopDelay;
  loopRead?: LoopDelay;
  peakRssMiB: number;
  events?: number;
  failures: string[];
}

export interface RoundOptions {
  pods: number;
  namespaces: number;
  clients: number;
  connection: 'new-tls' | 'keep-alive';
}

/** Creates `pods` pods in `namespaces` namespaces on a fresh side, then times the lists. */
export async function writeRound(side: Side, o: RoundOptions): Promise<RoundResult> {
  const namespaces = Array.from({ length: o.namespaces }, (_, i) => `load-${i}`);
  await createNamespaces(side.target, namespaces);
  await side.loopDelay();
  let reading = true;
  let readMax = 0;
  const reader = (async () => {
    const api = new BenchClient(side.target, 1);
    try {
      while (reading) {
        const t0 = performance.now();
        await api.send('GET', `/api/v1/namespaces/${namespaces[0] ?? 'default'}/pods`);
        readMax = Math.max(readMax, performance.now() - t0);
        await new Promise((r) => setTimeout(r, 250));
      }
    } finally {
      api.close();
    }
  })();
  const load = await createPods({
    target: side.target,
    namespaces,
    podsPerNamespace: Math.ceil(o.pods / o.namespaces),
    clients: o.clients,
    connection: o.connection,
    prefix: 'pod',
  });
  reading = false;
  await reader;
  const loopWrite = await side.loopDelay();
  const all = await timeGet(side.target, '/api/v1/pods', 5);
  const one = await timeGet(
    side.target,
    `/api/v1/namespaces/${namespaces[7 % namespaces.length] ?? 'default'}/pods`,
    20,
  );
  const loopRead = await side.loopDelay();
  const counts = await side.counts();
  return {
    created: load.created,
    failed: load.failed,
    rate: load.rate,
    p99: percentile(load.latencies, 99),
    max: percentile(load.latencies, 100),
    readMaxDuringWrites: readMax,
    listAllMs: all.median,
    listAllBytes: all.bytes,
    listOneMs: one.median,
    loopWrite,
    loopRead,
    peakRssMiB: await side.peakRssMiB(),
    events: counts?.events,
    failures: load.failures,
  };
}
