import { readFile, writeFile } from 'node:fs/promises';
import { isIP } from 'node:net';
import { resolve } from 'node:path';
import type { KubeConfig } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import { parse } from 'yaml';
import { ConfigError } from '../util/config-kit.ts';
import type { MetricsApiConfig } from './config.ts';
import { kubeJson } from '../kube/http.ts';
import { requestHeaderConfigFromConfigMap, type RequestHeaderConfig } from './auth.ts';
import { startMetricsApiServer, type RunningMetricsApiServer } from './https.ts';
import { PodIndex } from './pod-index.ts';
import { DelegatedAuth } from './delegated.ts';
import { compileRules, RuleError, type CompiledRule } from './pull/rules.ts';
import { PrometheusClient } from '../prometheus/client.ts';
import { PullSource } from './pull/source.ts';
import { registerMetricsApi } from './register.ts';

/**
 * The metrics API server as the product runs it (`kubeloop metrics-api`, and inside `kubeloop up`):
 * settings from kubeloop.yaml or flags, the front proxy's CA from the cluster, pod labels from an
 * informer, pull rules against Prometheus, and optionally its own APIService registration.
 */

export interface MetricsApiRuntimeOptions {
  config: MetricsApiConfig;
  kc: KubeConfig;
  logger?: Logger;
  /** Relative files (rulesFile, certDir...) start here. */
  configDir?: string;
  /** Prometheus for pull rules when metricsApi.prometheusUrl is unset (remediation.prometheusUrl). */
  fallbackPrometheusUrl?: string;
  /** Where the serving CA is written for local clients (metrics-api-ca.crt). */
  dataDir?: string;
  env?: NodeJS.ProcessEnv;
}

export interface RunningMetricsApi {
  server: RunningMetricsApiServer;
  pull: PullSource | undefined;
  pods: PodIndex;
  url: string;
  caFile: string | undefined;
  stop(): Promise<void>;
}

async function readText(path: string, what: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    throw new ConfigError(`metricsApi.${what}: cannot read ${path}: ${(err as Error).message}`, { cause: err });
  }
}

async function loadRules(cfg: MetricsApiConfig, dir: string): Promise<CompiledRule[]> {
  try {
    const fromFile = cfg.rulesFile
      ? compileRules(
          parse(await readText(resolve(dir, cfg.rulesFile), 'rulesFile')) as unknown,
          undefined,
          cfg.rulesFile,
        )
      : [];
    return [...fromFile, ...(cfg.rules ? compileRules(cfg.rules, undefined, 'metricsApi.rules') : [])];
  } catch (err) {
    if (err instanceof RuleError || (err as Error).name === 'YAMLParseError')
      throw new ConfigError((err as Error).message, { cause: err });
    throw err;
  }
}

async function requestHeader(
  cfg: MetricsApiConfig,
  kc: KubeConfig,
  dir: string,
  logger?: Logger,
): Promise<RequestHeaderConfig | undefined> {
  if (cfg.requestHeaderClientCaFile) {
    const clientCa = await readText(resolve(dir, cfg.requestHeaderClientCaFile), 'requestHeaderClientCaFile');
    return {
      clientCa,
      allowedNames: cfg.requestHeaderAllowedNames,
      usernameHeaders: ['X-Remote-User'],
      groupHeaders: ['X-Remote-Group'],
    };
  }
  try {
    const cm = await kubeJson<{ data?: Record<string, string> }>(kc, {
      method: 'GET',
      path: '/api/v1/namespaces/kube-system/configmaps/extension-apiserver-authentication',
    });
    return requestHeaderConfigFromConfigMap(cm.data);
  } catch (err) {
    // Without it the aggregator's requests cannot be authenticated: say so loudly, keep token callers working.
    logger?.error(
      { err: (err as Error).message },
      'metrics-api: cannot read kube-system/extension-apiserver-authentication; requests proxied by the aggregator will get 401 (set metricsApi.requestHeaderClientCaFile)',
    );
    return undefined;
  }
}

async function writeToken(cfg: MetricsApiConfig, dir: string, env: NodeJS.ProcessEnv): Promise<string | undefined> {
  if (cfg.writeTokenFile) {
    const token = (await readText(resolve(dir, cfg.writeTokenFile), 'writeTokenFile')).trim();
    if (token.length < 16)
      throw new ConfigError(
        `metricsApi.writeTokenFile: the token in ${cfg.writeTokenFile} is shorter than 16 characters`,
      );
    return token;
  }
  const fromEnv = env['KUBELOOP_METRICS_WRITE_TOKEN']?.trim();
  if (fromEnv !== undefined && fromEnv.length > 0 && fromEnv.length < 16)
    throw new ConfigError('KUBELOOP_METRICS_WRITE_TOKEN: shorter than 16 characters');
  return fromEnv || undefined;
}

/**
 * The names a generated serving certificate covers: the Service the aggregator verifies, and the
 * address it listens on when that is a specific one, so local clients (pushers) can verify the
 * URL it prints against the CA it writes (127.0.0.1 and localhost are always covered).
 */
export function servingNames(cfg: Pick<MetricsApiConfig, 'host' | 'serviceName' | 'serviceNamespace'>): string[] {
  const wildcard = ['0.0.0.0', '::', '[::]'].includes(cfg.host);
  return [`${cfg.serviceName}.${cfg.serviceNamespace}.svc`, ...(wildcard ? [] : [cfg.host])];
}

export async function startMetricsApi(opts: MetricsApiRuntimeOptions): Promise<RunningMetricsApi> {
  const { config: cfg, kc, logger } = opts;
  const dir = opts.configDir ?? process.cwd();
  const rules = await loadRules(cfg, dir);
  const prometheusUrl = cfg.prometheusUrl ?? opts.fallbackPrometheusUrl;
  if (rules.length > 0 && !prometheusUrl)
    throw new ConfigError('metricsApi.rules: pull rules need metricsApi.prometheusUrl');
  const register = cfg.register === true;
  if (register && isIP(cfg.host) === 0)
    throw new ConfigError(
      `metricsApi.register: host must be an IP address the aggregator can reach (Endpoints take no names), got ${JSON.stringify(cfg.host)}`,
    );
  const token = await writeToken(cfg, dir, opts.env ?? process.env);
  const rh = await requestHeader(cfg, kc, dir, logger);

  const pods = new PodIndex(kc, logger);
  await pods.start();
  const pull =
    rules.length > 0 && prometheusUrl
      ? new PullSource({
          client: new PrometheusClient({ url: prometheusUrl }),
          rules,
          cacheTtlMs: cfg.cacheTtl,
          discoveryIntervalMs: cfg.discoveryInterval,
          allowNegativeValues: cfg.allowNegativeValues,
          logger,
        })
      : undefined;
  await pull?.start();
  let server: RunningMetricsApiServer;
  try {
    server = await startMetricsApiServer({
      host: cfg.host,
      port: cfg.port,
      certDir: cfg.certDir ? resolve(dir, cfg.certDir) : undefined,
      serviceHosts: servingNames(cfg),
      requestHeader: rh,
      writeToken: token,
      podsMatching: pods.podsMatching,
      pull,
      delegated: cfg.delegatedAuth ? new DelegatedAuth(kc, { logger }) : undefined,
      pushIntervalMs: cfg.pushInterval,
      ttlMs: cfg.ttl,
      maxSeries: cfg.maxSeries,
      allowNegativeValues: cfg.allowNegativeValues,
      insecureAllowAnonymous: cfg.insecureAllowAnonymous,
      logger,
    });
  } catch (err) {
    pods.stop();
    pull?.stop();
    throw err;
  }
  const stop = async (): Promise<void> => {
    pods.stop();
    pull?.stop();
    await server.close();
  };
  try {
    let caFile: string | undefined;
    if (opts.dataDir && server.caCert) {
      caFile = resolve(opts.dataDir, 'metrics-api-ca.crt');
      await writeFile(caFile, server.caCert);
    }
    if (register) {
      if (!server.caCert)
        throw new ConfigError(
          'metricsApi.register: the certificate directory has no ca.crt to put in the APIServices caBundle',
        );
      await registerMetricsApi(kc, {
        namespace: cfg.serviceNamespace,
        service: cfg.serviceName,
        ip: cfg.host,
        port: server.port,
        caCert: server.caCert,
      });
    }
    logger?.info(
      { url: server.url, pull: rules.length, registered: register },
      'metrics-api: serving custom.metrics.k8s.io and external.metrics.k8s.io',
    );
    return { server, pull, pods, url: server.url, caFile, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
