import type { Command } from 'commander';
import type { Lang } from '../i18n/index.ts';

export interface LinksFlags {
  config?: string;
  data?: string;
}

export interface LinkCreateFlags extends LinksFlags {
  name: string;
  source: string;
}

/**
 * `kubeloop links create|list|revoke`: authorized alert links. Works on the store directly (the
 * same --config/--data as `kubeloop up`), so it works whether or not the platform is running.
 */
export function registerLinksCommand(program: Command, lang: Lang): void {
  const links = program.command('links').description('manage the authorized links monitoring systems post alerts to');
  const common = (c: Command): Command =>
    c
      .option('--config <file>', 'configuration file (default ./kubeloop.yaml if present)')
      .option('--data <dir>', 'data directory (default ./data)');
  common(links.command('create').description('create a link and print its URL (the token is shown once)'))
    .requiredOption('--name <name>', 'link name, e.g. guance-prod')
    .requiredOption('--source <source>', 'payload format: guance, alertmanager, grafana or generic')
    .action(async (flags: LinkCreateFlags) => (await import('./links-run.ts')).createLinkCommand(flags, lang));
  common(links.command('list').description('list links (tokens are never shown again)')).action(
    async (flags: LinksFlags) => (await import('./links-run.ts')).listLinksCommand(flags, lang),
  );
  common(
    links
      .command('revoke')
      .description('revoke a link: its URL answers 401 from now on')
      .argument('<name>', 'link name'),
  ).action(async (name: string, flags: LinksFlags) =>
    (await import('./links-run.ts')).revokeLinkCommand(name, flags, lang),
  );
}
