import { resolve } from 'node:path';
import { loadConfig } from '../config/load.ts';
import { ConfigError, formatZodIssues } from '../util/config-kit.ts';
import { metricsApiConfigSchema, type MetricsApiConfig } from '../metrics-api/config.ts';
import { t, type Lang } from '../i18n/index.ts';
import { createLogger } from '../util/logger.ts';
import { cliKubeConfig } from './cluster-kubeconfig.ts';
import { UsageError } from './errors.ts';
import type { ManifestsFlags, MetricsApiFlags } from './metrics-api.ts';

/** kubeloop.yaml's metricsApi section with the flags on top; each flag checked as its config key is. */
export function metricsApiSettings(base: MetricsApiConfig, flags: MetricsApiFlags): MetricsApiConfig {
  const raw: Record<string, unknown> = {};
  if (flags.securePort !== undefined) raw['port'] = flags.securePort;
  if (flags.bindAddress !== undefined) raw['host'] = flags.bindAddress;
  if (flags.certDir !== undefined) raw['certDir'] = resolve(flags.certDir);
  if (flags.prometheusUrl !== undefined) raw['prometheusUrl'] = flags.prometheusUrl;
  if (flags.rules !== undefined) raw['rulesFile'] = resolve(flags.rules);
  if (flags.requestheaderClientCaFile !== undefined)
    raw['requestHeaderClientCaFile'] = resolve(flags.requestheaderClientCaFile);
  if (flags.insecureAllowAnonymous) raw['insecureAllowAnonymous'] = true;
  if (flags.register) raw['register'] = true;
  if (flags.pushInterval !== undefined) raw['pushInterval'] = flags.pushInterval;
  if (flags.cacheTtl !== undefined) raw['cacheTtl'] = flags.cacheTtl;
  const overrides = metricsApiConfigSchema.partial().safeParse(raw);
  if (!overrides.success) {
    const flagOf: Record<string, string> = {
      port: '--secure-port',
      host: '--bind-address',
      prometheusUrl: '--prometheus-url',
      pushInterval: '--push-interval',
      cacheTtl: '--cache-ttl',
    };
    throw new UsageError(
      formatZodIssues(overrides.error, raw).replace(/^(\w+):/gm, (_m, k: string) => `${flagOf[k] ?? k}:`),
    );
  }
  // Only the flags given: the schema would also fill its defaults for the others.
  const defined = Object.fromEntries(Object.entries(overrides.data).filter(([k]) => k in raw));
  return { ...base, ...defined, enabled: true };
}

export async function runMetricsApi(flags: MetricsApiFlags, lang: Lang): Promise<void> {
  const config = await loadConfig(flags.config, { required: flags.config !== undefined });
  const settings = metricsApiSettings(config.metricsApi, flags);
  const logger = createLogger({ level: config.log.level });
  const kc = cliKubeConfig(flags);
  const { startMetricsApi } = await import('../metrics-api/run.ts');
  const running = await startMetricsApi({
    config: settings,
    kc,
    logger,
    fallbackPrometheusUrl: config.remediation.prometheusUrl,
    dataDir: flags.data ? resolve(flags.data) : undefined,
    configDir: flags.config ? resolve(flags.config, '..') : process.cwd(),
  });
  process.stdout.write(
    `${t(lang, 'metricsApi.ready', { url: running.url, pull: running.pull ? 'on' : 'off', ca: running.caFile ?? '-' })}\n`,
  );
  await new Promise<void>((done) => {
    const stop = (): void =>
      void running
        .stop()
        .catch((err: unknown) => logger.error({ err }, 'metrics-api: shutdown failed'))
        .finally(done);
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
}

export async function runManifests(flags: ManifestsFlags): Promise<void> {
  const { manifestsToYaml, metricsApiManifestOptionsSchema, readCaBundle, renderMetricsApiManifests } =
    await import('../metrics-api/manifests.ts');
  const caBundle = flags.certDir
    ? await readCaBundle(resolve(flags.certDir)).catch((err: unknown) => {
        throw new ConfigError(`--cert-dir: ${(err as Error).message}`, { cause: err });
      })
    : undefined;
  const parsed = metricsApiManifestOptionsSchema.safeParse({
    namespace: flags.namespace,
    image: flags.image,
    caBundle,
  });
  if (!parsed.success) throw new UsageError(formatZodIssues(parsed.error, flags).replace(/^(\w+):/gm, '--$1:'));
  process.stdout.write(
    manifestsToYaml(renderMetricsApiManifests({ namespace: flags.namespace, image: flags.image, caBundle })),
  );
}
