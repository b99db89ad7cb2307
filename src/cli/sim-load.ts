import { InvalidArgumentError, type Command } from 'commander';
import type { Lang } from '../i18n/index.ts';
import { parseDuration } from '../util/duration.ts';

export interface LoadFlags {
  namespace: string;
  service: string;
  rps: number;
  duration: number;
  kubeconfig?: string;
  context?: string;
  detach?: boolean;
}

function parseRps(raw: string): number {
  const n = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(n) || n < 0 || n > 1_000_000)
    throw new InvalidArgumentError(
      `expected a number of requests per second from 0 to 1000000, got ${JSON.stringify(raw)}`,
    );
  return n;
}

function parseDurationFlag(raw: string): number {
  const ms = parseDuration(raw.trim());
  if (ms === undefined || ms <= 0)
    throw new InvalidArgumentError(`expected a duration such as 90s, 10m or 1h, got ${JSON.stringify(raw)}`);
  return ms;
}

export function registerSimLoadCommand(sim: Command, lang: Lang): void {
  sim
    .command('load')
    .description('send simulated HTTP load to a Service of the simulated cluster (spread over its ready endpoints)')
    .requiredOption('--service <name>', 'the Service that receives the load')
    .option('--namespace <ns>', 'namespace of the Service', 'default')
    .requiredOption('--rps <n>', 'requests per second (0 stops a running load)', parseRps)
    .option('--duration <d>', 'how long the load lasts (Go duration: 90s, 10m, 1h)', parseDurationFlag, 10 * 60_000)
    .option('--kubeconfig <file>', 'kubeconfig of the simulated cluster (default ./data/sim-kubeconfig.yaml)')
    .option('--context <name>', 'kubeconfig context to use')
    .option('--detach', 'set the load and exit; it ends by itself after --duration')
    .action(async (flags: LoadFlags) => {
      const { runLoad } = await import('./sim-load-run.ts');
      await runLoad(flags, lang);
    });
}
