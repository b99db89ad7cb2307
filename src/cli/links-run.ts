import { resolve } from 'node:path';
import { loadConfig } from '../config/load.ts';
import type { KubeloopConfig } from '../config/schema.ts';
import { t, type Lang } from '../i18n/index.ts';
import { createLink, newLinkSchema } from '../remediation/links.ts';
import { platformBaseUrl } from '../remediation/listen-address.ts';
import { openStore, type Store } from '../store/index.ts';
import { describeIssue } from '../http/validate.ts';
import { UsageError } from './errors.ts';
import type { LinkCreateFlags, LinksFlags } from './links.ts';

async function withStore<T>(flags: LinksFlags, fn: (store: Store, config: KubeloopConfig) => Promise<T>): Promise<T> {
  const config = await loadConfig(flags.config, { required: flags.config !== undefined });
  const store = await openStore({ dataDir: resolve(flags.data ?? config.dataDir), database: config.database });
  try {
    return await fn(store, config);
  } finally {
    await store.close();
  }
}

export async function createLinkCommand(flags: LinkCreateFlags, lang: Lang): Promise<void> {
  const parsed = newLinkSchema.safeParse({ name: flags.name, source: flags.source });
  if (!parsed.success) throw new UsageError(describeIssue(parsed.error, 'body').replace(/^body\./, '--'));
  await withStore(flags, async (store, config) => {
    const { link, path } = await createLink(store, parsed.data).catch((err: unknown) => {
      if ((err as Error).name === 'LinkNameTakenError') throw new UsageError((err as Error).message);
      throw err;
    });
    // Never a guessed default port: `up --port` may have chosen another, so the address comes from
    // server.publicUrl or from what the running `up` recorded; without either, the path and why.
    const base = await platformBaseUrl(store, config.server.publicUrl);
    const text =
      base === undefined
        ? t(lang, 'links.createdNoAddress', { name: link.name, source: link.source, path })
        : t(lang, 'links.created', { name: link.name, source: link.source, url: `${base}${path}` });
    process.stdout.write(`${text}\n`);
  });
}

export async function listLinksCommand(flags: LinksFlags, lang: Lang): Promise<void> {
  await withStore(flags, async (store) => {
    const links = await store.alertLinks.list();
    if (links.length === 0) return void process.stdout.write(`${t(lang, 'links.none')}\n`);
    const when = (ms: number | null): string => (ms === null ? t(lang, 'links.never') : new Date(ms).toISOString());
    const rows = links.map((l) =>
      [
        l.name,
        l.source,
        t(lang, l.revokedAt === null ? 'links.active' : 'links.revoked'),
        when(l.createdAt),
        when(l.lastUsedAt),
      ].join('\t'),
    );
    process.stdout.write(`${[t(lang, 'links.header'), ...rows].join('\n')}\n`);
  });
}

export async function revokeLinkCommand(name: string, flags: LinksFlags, lang: Lang): Promise<void> {
  await withStore(flags, async (store) => {
    if (!(await store.alertLinks.revoke(name))) throw new UsageError(t(lang, 'links.notFound', { name }));
    process.stdout.write(`${t(lang, 'links.revokedOk', { name })}\n`);
  });
}
