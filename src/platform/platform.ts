import { resolve } from 'node:path';
import type { KubeConfig } from '@kubernetes/client-node';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { KubeloopConfig } from '../config/schema.ts';
import { openStore, type Store } from '../store/index.ts';
import { Monitor } from '../monitor/monitor.ts';
import { Notifier } from '../alerting/notifier.ts';
import { buildServer } from '../server/app.ts';
import { builtInHandlers } from '../remediation/actions/index.ts';
import { loadPlaybooks } from '../remediation/playbooks/load.ts';
import { Remediation } from '../remediation/remediation.ts';
import { recordListenUrl, reachableUrl } from '../remediation/listen-address.ts';
import { remediationFeature } from '../remediation/routes.ts';
import { monitorFeature } from '../monitor/routes.ts';
import { alertingFeature } from '../alerting/routes.ts';
import type { RunningMetricsApi } from '../metrics-api/run.ts';
import { notReadyReason } from '../kube/informer-health.ts';

export interface PlatformOptions {
  config: KubeloopConfig;
  kc: KubeConfig;
  /** The cluster's name in records (the kubeconfig context, or "sim"). */
  cluster: string;
  dataDir: string;
  port: number;
  webDir?: string;
  logger?: Logger;
  /** Where relative paths of the configuration (playbooks and functions directories) start; default the working directory. */
  configDir?: string;
  /** The cluster is the built-in sim: the metrics API server starts and registers itself unless configured otherwise. */
  embeddedSim?: boolean;
}

export interface Platform {
  url: string;
  store: Store;
  monitor: Monitor;
  notifier: Notifier;
  remediation: Remediation;
  /** The custom/external metrics API server, when enabled. */
  metricsApi: RunningMetricsApi | undefined;
  app: FastifyInstance;
  stop(): Promise<void>;
}

/**
 * The platform's parts wired together in the order that keeps promises: the store opens first, the
 * notifier starts before the monitor (nothing recorded goes unannounced) and stops after it, and
 * the HTTP server reports ready once the cluster has been listed.
 */
export async function startPlatform(opts: PlatformOptions): Promise<Platform> {
  const { config, kc, cluster, logger } = opts;
  // Playbooks first: a broken playbook is a configuration error before anything starts.
  const playbooks = await loadPlaybooks(config.remediation, opts.configDir);
  const store = await openStore({ dataDir: opts.dataDir, database: config.database });
  // The server listens first: links in notifications need its real address when the port is 0.
  let ready = false;
  let notifier: Notifier | undefined;
  let monitor: Monitor | undefined;
  const rem = new Remediation({
    kc,
    store,
    config: config.remediation,
    playbooks,
    logger,
    handlers: builtInHandlers({
      functionsDir: resolve(opts.configDir ?? '.', config.remediation.functionsDir),
      ...(config.remediation.prometheusUrl ? { prometheusUrl: config.remediation.prometheusUrl } : {}),
    }),
    notify: async (n) => {
      if (!notifier) throw new Error('the notifier is not running yet');
      return notifier.sendNotice(n);
    },
  });
  const app = buildServer({
    logger,
    notReady: () =>
      !ready || !monitor
        ? 'the cluster has not been listed yet'
        : notReadyReason(monitor.informerHealth(), Date.now(), config.monitor.watchUnhealthyAfter),
    metrics: {
      monitor: () =>
        monitor
          ? { ...monitor.stats, ...monitor.watchStats }
          : { detected: 0, recorded: 0, duplicates: 0, captureErrors: 0, cachedPods: 0, relistsOn410: 0, rejected: 0 },
    },
    features: [
      monitorFeature({ store, cluster }),
      alertingFeature({
        channels: () => notifier?.channelList() ?? [],
        routing: () => ({
          routes: config.alerting.routes.map((r) => ({
            match: { ...r.match },
            channels: r.channels,
            continue: r.continue,
          })),
          groupingWindowSeconds: config.alerting.grouping.window / 1000,
          rateLimit: { messages: config.alerting.rateLimit.messages, perSeconds: config.alerting.rateLimit.per / 1000 },
        }),
        sendTest: async (name) => {
          if (!notifier) throw new Error('the notifier is not running yet');
          return { deliveryId: (await notifier.sendTest(name)).id };
        },
      }),
      remediationFeature({ store, remediation: rem }),
    ],
    webDir: opts.webDir,
  });
  await app.listen({ host: config.server.host, port: opts.port });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : opts.port;
  const url = `http://${config.server.host}:${port}`;
  // `kubeloop links create` runs as its own process: it reads this to print a URL that reaches us.
  await recordListenUrl(store, reachableUrl(config.server.host, port));
  const publicUrl = config.alerting.publicUrl ?? config.server.publicUrl ?? url;
  const n = new Notifier({
    store,
    config: config.alerting,
    cluster,
    publicUrl,
    notifyExisting: config.monitor.notifyExisting,
    logger,
  });
  notifier = n;
  const m = new Monitor({
    kc,
    store,
    config: config.monitor,
    cluster,
    logger,
    events: {
      recorded: (id, _signal, preExisting) => {
        void n.failureRecorded(id);
        rem.failureRecorded(id, preExisting);
      },
      resolved: (w) =>
        void n.failureResolved({
          cluster,
          namespace: w.namespace,
          workloadKind: w.kind,
          workloadName: w.name,
          resolvedAt: w.at,
        }),
    },
  });
  monitor = m;
  await n.start();
  await rem.start();
  await m.start();
  const metricsApi = await startMetricsApiIfEnabled(opts);
  ready = true;
  return {
    url,
    store,
    monitor: m,
    notifier: n,
    remediation: rem,
    metricsApi,
    app,
    async stop() {
      await metricsApi?.stop();
      m.stop();
      await m.settle();
      await rem.stop();
      await n.stop();
      await app.close();
      await store.close();
    },
  };
}

async function startMetricsApiIfEnabled(opts: PlatformOptions): Promise<RunningMetricsApi | undefined> {
  const cfg = opts.config.metricsApi;
  if (!(cfg.enabled ?? opts.embeddedSim === true)) return undefined;
  const { startMetricsApi } = await import('../metrics-api/run.ts');
  return startMetricsApi({
    config: { ...cfg, register: cfg.register ?? opts.embeddedSim === true },
    kc: opts.kc,
    logger: opts.logger,
    configDir: opts.configDir,
    dataDir: opts.dataDir,
    fallbackPrometheusUrl: opts.config.remediation.prometheusUrl,
  });
}
