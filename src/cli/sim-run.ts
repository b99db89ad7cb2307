import { writeFile, mkdir } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { loadConfig } from '../config/load.ts';
import { t, type Lang } from '../i18n/index.ts';
import { createLogger } from '../util/logger.ts';
import { startSimCluster } from '../sim/cluster.ts';
import type { SimFlags } from './sim.ts';

export async function runSim(flags: SimFlags, lang: Lang): Promise<void> {
  const config = await loadConfig(flags.config, { required: flags.config !== undefined });
  const logger = createLogger({ level: config.log.level });
  const sim = config.sim;
  const cluster = await startSimCluster({
    host: flags.host ?? sim.host,
    port: flags.port ?? sim.port,
    tls: flags.tls ?? sim.tls,
    scenario: flags.scenario ?? sim.scenario,
    tokens: { admin: sim.adminToken, readOnly: sim.readOnlyToken },
    watchWindow: flags.watchWindow ?? sim.watchWindow,
    logger,
  });
  const out = resolve(flags.kubeconfigOut ?? sim.kubeconfigOut ?? 'data/sim-kubeconfig.yaml');
  await mkdir(dirname(out), { recursive: true });
  await writeFile(out, cluster.kubeconfig(), { mode: 0o600 });
  process.stdout.write(`${t(lang, 'sim.started', { url: cluster.url, scenario: flags.scenario ?? sim.scenario })}\n`);
  process.stdout.write(`${t(lang, 'sim.kubeconfig', { path: out })}\n`);
  await new Promise<void>((done) => {
    const stop = (): void => {
      process.stdout.write(`${t(lang, 'sim.stopping')}\n`);
      void cluster.stop().then(done, done);
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
}
