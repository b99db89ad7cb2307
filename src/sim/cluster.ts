import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { ResourceRegistry, type KubeObject } from './api/registry.ts';
import { ObjectStore } from './api/store/object-store.ts';
import { ResourceService } from './api/service/resource-service.ts';
import { LogStore } from './api/logs/log-store.ts';
import { buildSimApiServer } from './api/http/server.ts';
import { checkStaticUsers, type SimTokens } from './api/http/auth.ts';
import { defaultContainerEnv, type ContainerEnv } from './container/index.ts';
import { NamespaceController } from './controllers/namespace-controller.ts';
import { NamespaceDefaultsController } from './controllers/namespace-defaults-controller.ts';
import { replicaSetController } from './controllers/replicaset-controller.ts';
import { deploymentController } from './controllers/deployment-controller.ts';
import { GarbageCollector } from './controllers/garbage-collector.ts';
import { scheduler } from './controllers/scheduler.ts';
import { endpointsController } from './controllers/endpoints-controller.ts';
import { jobController } from './controllers/job-controller.ts';
import { cronJobController } from './controllers/cronjob-controller.ts';
import { daemonSetController } from './controllers/daemonset-controller.ts';
import { statefulSetController } from './controllers/statefulset-controller.ts';
import { kubelet } from './kubelet/kubelet.ts';
import { nodeLifecycleController, type NodeLifecycleOptions } from './controllers/node-lifecycle-controller.ts';
import { podUsage } from './workloads/usage.ts';
import { LoadModel } from './workloads/load.ts';
import { bootstrapCluster, resolveScenario } from './scenarios/index.ts';
import { generateFrontProxyCerts, generateServingCert } from '../util/certificates.ts';
import { Aggregator } from './api/aggregator/aggregator.ts';
import { publishAuthenticationConfigMap } from './api/aggregator/authentication-configmap.ts';
import { HpaController } from './controllers/hpa/hpa-controller.ts';
import { renderKubeconfig } from './kubeconfig.ts';

export interface SimClusterOptions {
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  /** HTTPS with a generated certificate (default): kubectl and client-node send tokens only over TLS. */
  tls?: boolean;
  scenario?: string;
  tokens?: Partial<SimTokens>;
  logger?: Logger;
  /** Events kept per resource for watch resumption (older resourceVersions get 410). */
  watchWindow?: number;
  watchBookmarkIntervalMs?: number;
  /** Bytes queued for a watcher before it is considered too slow and closed. */
  watchMaxBufferedBytes?: number;
  /**
   * Which in-process controllers run. `workloads` are kube-controller-manager's (ReplicaSet,
   * Deployment, garbage collector); the differential suite turns the rest off to match a control
   * plane without a scheduler or kubelet.
   */
  controllers?: {
    workloads?: boolean;
    scheduler?: boolean;
    kubelet?: boolean;
    /** Node lifecycle + taint manager; defaults to on with the workloads and the kubelet, whose heartbeats it watches. */
    nodeLifecycle?: boolean;
  };
  kubelet?: {
    startDelayMs?: number;
    stopDelayMs?: number;
    backoffBaseMs?: number;
    backoffMaxMs?: number;
    jobRunMs?: number;
    /** Node Lease renewal period (10 s) and the period of unchanged node status posts (5 min). */
    heartbeatIntervalMs?: number;
    statusReportMs?: number;
  };
  /** Node monitor period and grace periods (5 s, 40 s, 60 s); tolerationSecondsScale shrinks eviction delays for tests. */
  nodeLifecycle?: Omit<NodeLifecycleOptions, 'logger'>;
  /** HPA sync period and default scale-down stabilization (kube-controller-manager: 15 s, 5 min). */
  hpa?: {
    syncPeriodMs?: number;
    downscaleStabilizationMs?: number;
    cpuInitializationPeriodMs?: number;
    delayOfInitialReadinessStatusMs?: number;
  };
  /** How often the aggregator probes registered APIServices (30 s). */
  aggregatorProbeIntervalMs?: number;
}

/** A running simulated cluster: its API server plus in-process controllers. */
export interface SimCluster {
  url: string;
  tokens: SimTokens;
  caCert: string | undefined;
  registry: ResourceRegistry;
  store: ObjectStore;
  service: ResourceService;
  logs: LogStore;
  /** A kubeconfig (admin token) for kubectl and @kubernetes/client-node. */
  kubeconfig(user?: 'admin' | 'readOnly'): string;
  /**
   * Stops serving HTTP (every connection dropped, watches included) and serves again on the same
   * port after `downMs`, with the same objects and resourceVersions: what clients see when a
   * kube-apiserver restarts while etcd keeps the state. Controllers and the kubelet keep running.
   */
  restartApiServer(downMs?: number): Promise<void>;
  stop(): Promise<void>;
}

function token(): string {
  return randomBytes(24).toString('base64url');
}

export async function startSimCluster(opts: SimClusterOptions = {}): Promise<SimCluster> {
  const scenario = resolveScenario(opts.scenario ?? 'empty');
  const registry = new ResourceRegistry();
  const store = new ObjectStore({ watchWindow: opts.watchWindow });
  const service = new ResourceService(store, registry);
  const logs = new LogStore();
  const tokens: SimTokens = {
    admin: opts.tokens?.admin ?? token(),
    readOnly: opts.tokens?.readOnly ?? token(),
    users: opts.tokens?.users ?? [],
  };
  checkStaticUsers(tokens.users ?? []);
  const envs = new Map<string, ContainerEnv>();
  const containerEnv = (pod: KubeObject, container: string): ContainerEnv => {
    const key = `${pod.metadata.uid ?? ''}/${container}`;
    let env = envs.get(key);
    if (!env) {
      const podDef = registry.find('', 'v1', 'pods');
      const currentPod = (): KubeObject | undefined =>
        podDef ? store.get(podDef, pod.metadata.namespace, pod.metadata.name ?? '')?.obj : undefined;
      env = defaultContainerEnv({
        hostname: pod.metadata.name ?? 'pod',
        pod,
        container,
        now: () => service.now(),
        currentPod,
      });
      envs.set(key, env);
    }
    return env;
  };

  const load = new LoadModel(store, registry);
  const requestRate = (pod: KubeObject, now: Date): number => load.rateOf(pod, now);
  const usage = (pod: KubeObject, now: Date): ReturnType<typeof podUsage> => podUsage(pod, now, requestRate(pod, now));

  const cert = opts.tls === false ? undefined : await generateServingCert();
  bootstrapCluster(service);
  const frontProxy = await generateFrontProxyCerts();
  publishAuthenticationConfigMap(service, { clientCa: cert?.caCert ?? '', requestHeaderCa: frontProxy.caCert });
  const aggregator = new Aggregator(service, {
    identity: frontProxy,
    probeIntervalMs: opts.aggregatorProbeIntervalMs,
    logger: opts.logger,
  });
  const namespaces = new NamespaceController(service, { logger: opts.logger });
  const namespaceDefaults = new NamespaceDefaultsController(service, {
    caCert: cert?.caCert ?? '',
    logger: opts.logger,
  });
  const running: { start(): void; stop(): void }[] = [namespaces, namespaceDefaults, aggregator];
  if (opts.controllers?.workloads !== false) {
    running.push(
      replicaSetController(service, opts.logger),
      deploymentController(service, opts.logger),
      endpointsController(service, opts.logger),
      jobController(service, opts.logger),
      cronJobController(service, opts.logger),
      daemonSetController(service, opts.logger),
      statefulSetController(service, opts.logger),
      new GarbageCollector(service, { logger: opts.logger }),
      new HpaController(service, { ...opts.hpa, aggregator, usage, logger: opts.logger }),
    );
  }
  if (opts.controllers?.scheduler !== false) running.push(scheduler(service, { logger: opts.logger }));
  if (opts.controllers?.kubelet !== false)
    running.push(kubelet(service, { ...opts.kubelet, logs, logger: opts.logger }));
  if (
    opts.controllers?.nodeLifecycle ??
    (opts.controllers?.workloads !== false && opts.controllers?.kubelet !== false)
  ) {
    running.push(nodeLifecycleController(service, { ...opts.nodeLifecycle, logger: opts.logger }));
  }
  for (const c of running) c.start();
  scenario.apply(service);
  const buildApp = (): FastifyInstance =>
    buildSimApiServer(
      {
        registry,
        store,
        service,
        logs,
        tokens,
        containerEnv,
        usage,
        requestRate,
        aggregator,
        watch: {
          bookmarkIntervalMs: opts.watchBookmarkIntervalMs ?? 60_000,
          maxBufferedBytes: opts.watchMaxBufferedBytes ?? 64 * 1024 * 1024,
        },
      },
      { logger: opts.logger, https: cert ? { key: cert.key, cert: cert.cert } : undefined },
    );
  let app = buildApp();
  const host = opts.host ?? '127.0.0.1';
  await app.listen({ host, port: opts.port ?? 0 });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : (opts.port ?? 0);
  const url = `${cert ? 'https' : 'http'}://${host}:${port}`;

  return {
    url,
    tokens,
    caCert: cert?.caCert,
    registry,
    store,
    service,
    logs,
    kubeconfig: (user = 'admin') =>
      renderKubeconfig({ server: url, token: user === 'admin' ? tokens.admin : tokens.readOnly, caCert: cert?.caCert }),
    async restartApiServer(downMs = 0) {
      app.server.closeAllConnections();
      await app.close();
      if (downMs > 0) await new Promise((r) => setTimeout(r, downMs));
      app = buildApp();
      await app.listen({ host, port });
    },
    async stop() {
      for (const c of running) c.stop();
      // Long-lived watches would hold close() open: end every connection.
      app.server.closeAllConnections();
      await app.close();
    },
  };
}
