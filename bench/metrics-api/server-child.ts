import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { KubeConfig } from '@kubernetes/client-node';
import { startMetricsApiServer } from '../../src/metrics-api/https.ts';
import { PodIndex } from '../../src/metrics-api/pod-index.ts';
import { compileRules } from '../../src/metrics-api/pull/rules.ts';
import { PrometheusClient } from '../../src/prometheus/client.ts';
import { PullSource } from '../../src/metrics-api/pull/source.ts';
import { childConfig, serveParent } from '../support/child.ts';
import { waitFor } from '../support/wait.ts';
import { startAdapterPatternServer } from './adapter.ts';

/**
 * The metrics API server alone in its own process (its RSS and CPU are figures), in one of two modes:
 *   kubeloop: startMetricsApiServer (https.ts) with a PullSource (counterRate preset) on the real
 *             Prometheus, default cache TTL: Kubeloop as it would run.
 *   adapter:  the same HTTPS stack answering with a stand-in of prometheus-adapter's query pattern (adapter.ts).
 * Both authenticate the front-proxy client certificate and X-Remote-User like an aggregated API,
 * and both resolve labelSelectors through the product's pod informer (PodIndex: list, then watch
 * of the sim's pods over its HTTPS API, as `kubeloop metrics-api` does), started before the load.
 * Requests: start -> { url, caCert }, discovery { times } -> timings, stats.
 */
export interface ServerChildConfig {
  mode: 'kubeloop' | 'adapter';
  promUrl: string;
  namespace: string;
  pods: number;
  window: string;
  /** The requestheader CA (front-proxy) the server trusts. */
  frontProxyCa: string;
  /** The sim cluster whose pods the informer follows. */
  kubeconfig: string;
}

export interface DiscoveryTiming {
  durationsMs: number[];
  /** Series Prometheus returned to the last discovery call. */
  series: number;
  customMetrics: number;
  error?: string;
}

export interface ServerChildStats {
  /** Prometheus queries sent so far. */
  queries: number;
  cache?: { hits: number; misses: number; entries: number };
  heapUsedMiB: number;
  loopDelayMs: { p99: number; max: number };
}

/** Counts the series each discovery call gets back. */
class CountingClient extends PrometheusClient {
  lastSeries = 0;
  override async series(match: string, startMs: number, endMs: number): Promise<Record<string, string>[]> {
    const s = await super.series(match, startMs, endMs);
    this.lastSeries = s.length;
    return s;
  }
}

const cfg = childConfig<ServerChildConfig>();
const client = new CountingClient({ url: cfg.promUrl });
const source = new PullSource({ client, rules: compileRules({ presets: [{ counterRate: { window: cfg.window } }] }) });
const kc = new KubeConfig();
kc.loadFromString(cfg.kubeconfig);
const podIndex = new PodIndex(kc);
const requestHeader = {
  clientCa: cfg.frontProxyCa,
  allowedNames: ['front-proxy-client'],
  usernameHeaders: ['X-Remote-User'],
  groupHeaders: ['X-Remote-Group'],
};
const loop = monitorEventLoopDelay({ resolution: 1 });
let close: (() => Promise<void>) | undefined;
let adapterQueries: (() => number) | undefined;

async function timeDiscovery(times: number): Promise<DiscoveryTiming> {
  const durationsMs: number[] = [];
  for (let i = 0; i < times; i++) {
    const t0 = performance.now();
    await source.refresh();
    durationsMs.push(performance.now() - t0);
  }
  return {
    durationsMs,
    series: client.lastSeries,
    customMetrics: source.status.customMetrics,
    ...(source.status.error ? { error: source.status.error } : {}),
  };
}

serveParent(
  {
    async start() {
      await podIndex.start();
      await waitFor(
        `the pod informer to hold ${cfg.pods} pods`,
        60_000,
        async () => (podIndex.size >= cfg.pods ? true : undefined),
        () => `${podIndex.size} so far`,
        100,
      );
      await source.start();
      if (source.status.error) throw new Error(`discovery failed: ${source.status.error}`);
      const podsMatching = podIndex.podsMatching;
      if (cfg.mode === 'kubeloop') {
        const s = await startMetricsApiServer({
          podsMatching,
          pull: source,
          requestHeader,
          host: '127.0.0.1',
          port: 0,
        });
        close = s.close;
        loop.enable();
        return { url: s.url, caCert: s.caCert };
      }
      const s = await startAdapterPatternServer({
        pull: source,
        prometheus: new PrometheusClient({ url: cfg.promUrl }),
        podsMatching,
        requestHeader,
      });
      close = s.close;
      adapterQueries = s.queries;
      loop.enable();
      return { url: s.url, caCert: s.caCert };
    },
    discovery: (payload) => timeDiscovery((payload as { times: number }).times),
    stats(): ServerChildStats {
      const c = source.cacheStats();
      const stats: ServerChildStats = {
        queries: adapterQueries ? adapterQueries() : c.queries,
        heapUsedMiB: process.memoryUsage().heapUsed / 1048576,
        loopDelayMs: { p99: loop.percentile(99) / 1e6, max: loop.max / 1e6 },
      };
      if (!adapterQueries) stats.cache = { hits: c.hits, misses: c.misses, entries: c.entries };
      loop.reset();
      return stats;
    },
  },
  async () => {
    podIndex.stop();
    source.stop();
    await close?.();
  },
);
