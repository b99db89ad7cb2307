import { Command, CommanderError } from 'commander';
import { parseLang, t, type Lang } from '../i18n/index.ts';
import { registerSimCommand } from './sim.ts';
import { registerUpCommand } from './up.ts';
import { registerLinksCommand } from './links.ts';
import { registerMetricsApiCommand } from './metrics-api.ts';
import { registerMetricsCommand } from './metrics.ts';
import { UsageError } from './errors.ts';

/** Exit codes: 0 ok, 1 runtime failure, 2 bad usage or configuration. */
export const EXIT_USAGE = 2;

export { UsageError };

/**
 * Configuration errors (config file, scenario file, kubeconfig) exit 2. Matched by name so that
 * this module does not import the config schema, the sim or the Kubernetes client: `--help` stays fast.
 */
const CONFIGURATION_ERRORS = new Set(['ConfigError', 'ScenarioError', 'ClusterAccessError']);

function isConfigurationProblem(err: unknown): err is Error {
  return err instanceof Error && CONFIGURATION_ERRORS.has(err.name);
}

export function langFromArgv(argv: string[]): Lang {
  const i = argv.findIndex((a) => a === '--lang' || a.startsWith('--lang='));
  if (i < 0) return 'en';
  const arg = argv[i] ?? '';
  const raw = arg.includes('=') ? arg.slice(arg.indexOf('=') + 1) : argv[i + 1];
  return parseLang(raw) ?? 'en';
}

export function buildProgram(lang: Lang): Command {
  const program = new Command();
  program
    .name('kubeloop')
    .description('Closes the reliability loop for Kubernetes: observe -> alert -> heal -> drill.')
    .option('--lang <lang>', 'language of messages: en or zh-CN', 'en')
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });
  registerUpCommand(program, lang);
  registerSimCommand(program, lang);
  registerLinksCommand(program, lang);
  registerMetricsApiCommand(program, lang);
  registerMetricsCommand(program, lang);
  return program;
}

export async function main(argv: string[]): Promise<number> {
  const rawLang = argv.find((_a, i) => argv[i - 1] === '--lang') ?? argv.find((a) => a.startsWith('--lang='))?.slice(7);
  const lang = langFromArgv(argv);
  if (rawLang !== undefined && parseLang(rawLang) === undefined) {
    process.stderr.write(`${t('en', 'cli.unknownLang', { lang: rawLang })}\n`);
    return EXIT_USAGE;
  }
  const program = buildProgram(lang);
  try {
    await program.parseAsync(argv);
    return 0;
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help')
        return 0;
      return EXIT_USAGE;
    }
    if (isConfigurationProblem(err)) {
      process.stderr.write(`${t(lang, 'cli.configError', { detail: err.message })}\n`);
      return EXIT_USAGE;
    }
    if (err instanceof UsageError) {
      process.stderr.write(`${err.message}\n`);
      return EXIT_USAGE;
    }
    process.stderr.write(`${t(lang, 'cli.failed', { detail: (err as Error).message })}\n`);
    return 1;
  }
}
