import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { BenchClient } from '../support/http.ts';
import { startChild, type BenchChild } from '../support/child.ts';
import { sleep, waitFor } from '../support/wait.ts';
import { instanceKey } from './analyze.ts';
import { mixFigures, type EndView, type ModeFigures } from './mix-analyze.ts';
import { mixPlan } from './mix-plan.ts';
import type { MonitorChildStats } from './monitor-child.ts';
import { SCRAPE_INTERVAL_S, startPromSide, type PromSide } from './prom-side.ts';
import type { SimChildConfig } from './sim-child.ts';
import { StoreReader } from './store-reader.ts';
import type { TruthSnapshot } from './truth.ts';

export interface MixFlags {
  perMode: number;
  healthy: number;
  nodes: number;
  windowSeconds: number;
  catchUpSeconds: number;
}

export interface MixRun {
  figures: ModeFigures[];
  /** Scrapes Prometheus made of the kube-state target over the run. */
  scrapes: number;
  /** The API read at the end of the window (pods and logs), ms. */
  apiReadMs: number;
  /** Crashed instances of the window still not stored with their capture when the wait ended. */
  leftAtStop: number;
  monitorRssPeakMiB: number;
  stats: MonitorChildStats;
  warnings: string[];
}

interface PodList {
  items: {
    metadata: { uid: string; namespace: string; name: string };
    status?: { containerStatuses?: (EndView & { name: string })[] };
  }[];
}

function apiClient(kubeconfig: string): BenchClient {
  const kc = new KubeConfig();
  kc.loadFromString(kubeconfig);
  const ca = Buffer.from(kc.getCurrentCluster()?.caData ?? '', 'base64').toString('utf8');
  return new BenchClient({ url: kc.getCurrentCluster()?.server ?? '', token: kc.getCurrentUser()?.token ?? '', ca }, 4);
}

/** What `kubectl get pods -o yaml` and `kubectl logs [--previous]` show at the end, per uid/container. */
async function apiAfter(api: BenchClient): Promise<Map<string, EndView>> {
  const list = (await api.json('GET', '/api/v1/pods')) as PodList;
  const out = new Map<string, EndView>();
  for (const p of list.items) {
    if (!p.metadata.namespace.startsWith('mix-') || p.metadata.namespace === 'mix-healthy') continue;
    for (const cs of p.status?.containerStatuses ?? []) {
      const view: EndView = {
        restartCount: cs.restartCount ?? 0,
        state: cs.state ?? {},
        lastState: cs.lastState ?? {},
      };
      // --previous reads the container before the current one; a dead newest one (terminated, or
      // backing off) is read as it is: that is the instance lastState/state shows.
      const previous =
        !view.state.terminated &&
        view.state.waiting?.reason !== 'CrashLoopBackOff' &&
        view.lastState.terminated !== undefined;
      if (view.state.terminated || view.lastState.terminated) {
        const q = new URLSearchParams({ container: cs.name, ...(previous ? { previous: 'true' } : {}) });
        const r = await api.send('GET', `/api/v1/namespaces/${p.metadata.namespace}/pods/${p.metadata.name}/log?${q}`);
        if (r.status === 200) view.logs = r.text;
      }
      out.set(`${p.metadata.uid}/${cs.name}`, view);
    }
  }
  return out;
}

/**
 * One run: a sim with Kubernetes' kubelet timings, Kubeloop's monitor (compiled, own process,
 * SQLite) and a real Prometheus scraping the sim's kube-state exposition every 15 s, all started
 * on an empty cluster; then the mix is created and runs for the window. Afterwards the monitor gets
 * up to `catchUpSeconds` to store and capture every crash of the window, Prometheus at least one
 * more scrape; the API is read once when the window ends, as a person would with kubectl.
 */
export async function mixRun(f: MixFlags, log: (line: string) => void): Promise<MixRun> {
  const dataDir = await mkdtemp(join(tmpdir(), 'kubeloop-bench-mix-'));
  const children: BenchChild[] = [];
  let prom: PromSide | undefined;
  let reader: StoreReader | undefined;
  const api: { c?: BenchClient } = {};
  try {
    const simConfig: SimChildConfig = { nodes: f.nodes, kubelet: {} };
    const sim = await startChild('sim', new URL('./sim-child.ts', import.meta.url), simConfig);
    children.push(sim);
    const kubeconfig = await sim.request<string>('kubeconfig');
    const mon = await startChild(
      'monitor',
      new URL('./monitor-child.ts', import.meta.url),
      { kubeconfig, dataDir, monitor: {} },
      { compiled: true },
    );
    children.push(mon);
    await mon.request<MonitorChildStats>('start', {}, 60_000);
    prom = await startPromSide(kubeconfig);
    const plan = mixPlan(f.perMode, f.healthy, f.windowSeconds * 1000);
    const from = Date.now();
    await sim.request('create', plan.objects, 60_000);
    log(`  mix created; window ${f.windowSeconds} s`);
    let peak = 0;
    const to = from + f.windowSeconds * 1000;
    let lastNote = from;
    while (Date.now() < to) {
      await sleep(Math.min(5_000, Math.max(0, to - Date.now())));
      peak = Math.max(peak, await mon.rssMiB());
      if (Date.now() - lastNote >= 60_000) {
        lastNote = Date.now();
        const p = await sim.request<{ pods: number; crashes: number; createErrors: string[] }>('progress');
        log(
          `    t+${((Date.now() - from) / 1000).toFixed(0)} s: ${p.pods} pods, ${p.crashes} crashed instances so far${p.createErrors.length ? `; create errors: ${p.createErrors.slice(0, 2).join('; ')}` : ''}`,
        );
      }
    }
    const atEnd = await sim.request<TruthSnapshot>('truth', {}, 30_000);
    // Read at once: a crash after the window would replace lastState and its logs (read later, the
    // API would be blamed for a newer failure that is not in the window's count).
    api.c = apiClient(kubeconfig);
    const r0 = Date.now();
    const end = await apiAfter(api.c);
    const apiReadMs = Date.now() - r0;
    const expected = atEnd.containers
      .filter((c) => c.namespace.startsWith('mix-'))
      .flatMap((c) => c.crashes.map((_t, k) => instanceKey(c.uid, c.container, k)));
    reader = new StoreReader(dataDir);
    const db = reader;
    let left = expected.length;
    const warnings: string[] = [];
    try {
      await waitFor(
        'the monitor to store and capture every crash of the window',
        f.catchUpSeconds * 1000,
        async () => {
          const captured = db.captured();
          left = expected.filter((k) => !captured.has(k)).length;
          return left === 0 ? true : undefined;
        },
        () => `${left}/${expected.length} still to store and capture`,
        500,
      );
    } catch (err) {
      warnings.push((err as Error).message);
    }
    // Prometheus gets at least one scrape after the window (its samples up to the end are all read).
    const promUntil = to + (SCRAPE_INTERVAL_S + 2) * 1000;
    await sleep(Math.max(0, promUntil - Date.now()));
    peak = Math.max(peak, await mon.rssMiB());
    const stats = await mon.request<MonitorChildStats>('stats');
    await mon.request('stop', {}, 30_000);
    await mon.stop();
    const samples = await prom.read(from, Date.now(), 'mix-.*');
    const scrapes = await prom.scrapes();
    return {
      figures: mixFigures(atEnd, reader.mixRows(), samples, end),
      scrapes,
      apiReadMs,
      leftAtStop: left,
      monitorRssPeakMiB: peak,
      stats,
      warnings,
    };
  } finally {
    api.c?.close();
    reader?.close();
    await prom?.stop();
    for (const c of children.reverse()) await c.stop().catch(() => undefined);
    await rm(dataDir, { recursive: true, force: true });
  }
}
