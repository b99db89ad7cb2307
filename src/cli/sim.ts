import type { Command } from 'commander';
import type { Lang } from '../i18n/index.ts';
import { parseCount, parsePort } from './flags.ts';
import { registerSimLoadCommand } from './sim-load.ts';

export interface SimFlags {
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
      const { runSim } = await import('./sim-run.ts');
      await runSim(flags, lang);
    });
  registerSimLoadCommand(sim, lang);
}
