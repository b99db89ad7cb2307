import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import type { KubeConfig } from '@kubernetes/client-node';
import { loadConfig } from '../config/load.ts';
import type { KubeloopConfig } from '../config/schema.ts';
import { t, type Lang } from '../i18n/index.ts';
import { createLogger } from '../util/logger.ts';
import { projectRoot } from '../util/project-root.ts';
import { loadKubeConfig, noClusterConfigured } from '../kube/client.ts';
import { startSimCluster, type SimCluster } from '../sim/cluster.ts';
import { startPlatform } from '../platform/platform.ts';
import type { UpFlags } from './up.ts';

/** The embedded default: the demo sim in this process, its kubeconfig written next to the database. */
async function embeddedCluster(
  config: KubeloopConfig,
  dataDir: string,
  lang: Lang,
): Promise<{ kc: KubeConfig; sim: SimCluster }> {
  const sim = await startSimCluster({ host: '127.0.0.1', port: 0, scenario: config.sim.scenario, logger: undefined });
  const path = join(dataDir, 'sim-kubeconfig.yaml');
  await writeFile(path, sim.kubeconfig(), { mode: 0o600 });
  process.stdout.write(
    `${t(lang, 'up.embeddedSim', { url: sim.url, scenario: config.sim.scenario })}\n${t(lang, 'sim.kubeconfig', { path })}\n`,
  );
  const { KubeConfig: Kc } = await import('@kubernetes/client-node');
  const kc = new Kc();
  kc.loadFromString(sim.kubeconfig());
  return { kc, sim };
}

export async function runUp(flags: UpFlags, lang: Lang): Promise<void> {
  const config = await loadConfig(flags.config, { required: flags.config !== undefined });
  const logger = createLogger({ level: config.log.level });
  const dataDir = resolve(flags.data ?? config.dataDir);
  await mkdir(dataDir, { recursive: true });
  const clusterOpts = {
    kubeconfig: flags.kubeconfig ?? config.cluster.kubeconfig,
    context: flags.context ?? config.cluster.context,
  };
  let sim: SimCluster | undefined;
  let kc: KubeConfig;
  let cluster: string;
  if (noClusterConfigured(clusterOpts)) {
    ({ kc, sim } = await embeddedCluster(config, dataDir, lang));
    cluster = 'sim';
  } else {
    kc = loadKubeConfig(clusterOpts);
    cluster = kc.getCurrentContext() || 'in-cluster';
  }
  const platform = await startPlatform({
    config,
    kc,
    cluster,
    dataDir,
    port: flags.port ?? config.server.port,
    logger,
    webDir: join(projectRoot(), 'web/dist'),
    // The playbooks and functions directories are relative to the configuration file that names them.
    configDir: flags.config ? dirname(resolve(flags.config)) : process.cwd(),
    embeddedSim: sim !== undefined,
  });
  const url = platform.url;
  process.stdout.write(`${t(lang, 'up.ready', { url, cluster })}\n`);
  const api = platform.metricsApi;
  if (api)
    process.stdout.write(
      `${t(lang, 'metricsApi.ready', { url: api.url, pull: api.pull ? 'on' : 'off', ca: api.caFile ?? '-' })}\n`,
    );
  await new Promise<void>((done) => {
    const stop = (): void => {
      process.stdout.write(`${t(lang, 'up.stopping')}\n`);
      void (async () => {
        await platform.stop();
        await sim?.stop();
      })()
        .catch((err: unknown) => logger.error({ err }, 'up: shutdown failed'))
        .finally(done);
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
}
