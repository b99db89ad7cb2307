import type { Command } from 'commander';
import type { Lang } from '../i18n/index.ts';
import { parsePort } from './flags.ts';

export interface UpFlags {
  config?: string;
  port?: number;
  data?: string;
  kubeconfig?: string;
  context?: string;
}

export function registerUpCommand(program: Command, lang: Lang): void {
  program
    .command('up')
    .description(
      'run the platform: monitor, store, API and web UI (starts the built-in simulated cluster when no cluster is configured)',
    )
    .option('--config <file>', 'configuration file (default ./kubeloop.yaml if present)')
    .option('--port <n>', 'HTTP port of the API and UI (default 7420)', parsePort)
    .option('--data <dir>', 'data directory for the SQLite database and the sim kubeconfig (default ./data)')
    .option('--kubeconfig <file>', 'kubeconfig of the cluster to watch')
    .option('--context <name>', 'kubeconfig context to use')
    .action(async (flags: UpFlags) => {
      // Loaded on use: `kubeloop --help` should not pay for the store, monitor and sim.
      const { runUp } = await import('./up-run.ts');
      await runUp(flags, lang);
    });
}
