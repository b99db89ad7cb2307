import { writeFile, mkdir } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import type { Command } from 'commander';
import { loadConfig } from '../config/load.ts';
import { t, type Lang } from '../i18n/index.ts';
import { createLogger } from '../util/logger.ts';
import { startSimCluster } from '../sim/cluster.ts';
import { parseCount, parsePort } from './flags.ts';
import { registerSimLoadCommand } from './sim-load.ts';

interface SimFlags {
  port?: number;
  host?: string;
  kubeconfigOut?: string;
  scenario?: string;
  tls?: boolean;
  config?: string;
  watchWindow?: number;
}

export function registerSimCommand(program: Command, lang: Lang): void {
  const sim = program
    .command('sim')
    .description('run the simulated Kubernetes cluster in the foreground and write a kubeconfig for it')
    .option('--port <n>', 'port to listen on (0 = any free port)', parsePort)
    .option('--host <addr>', 'address to listen on (default 127.0.0.1)')
    .option('--kubeconfig-out <file>', 'where to write the kubeconfig (default ./data/sim-kubeconfig.yaml)')
    .option('--scenario <name>', 'scenario to load: demo or empty')
    .option('--tls', 'serve HTTPS with a generated self-signed certificate (the default)')
    .option('--no-tls', 'serve plain HTTP (kubectl and client-node will not send the token over it)')
    .option('--config <file>', 'configuration file (default ./kubeloop.yaml if present)')
    .option('--watch-window <n>', 'events kept per resource for watch resumption', parseCount)
    .action(async (flags: SimFlags) => {
      await runSim(flags, lang);
    });
  registerSimLoadCommand(sim, lang);
}

async function runSim(flags: SimFlags, lang: Lang): Promise<void> {
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
