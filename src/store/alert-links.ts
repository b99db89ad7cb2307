import { createHash } from 'node:crypto';
import type { Kysely, Selectable } from 'kysely';
import type { AlertLinksTable, Database } from './schema.ts';

export interface AlertLink {
  id: number;
  name: string;
  source: string;
  createdAt: number;
  revokedAt: number | null;
  lastUsedAt: number | null;
}

/** Links are looked up by the sha256 of their token; the token itself is shown once, at creation. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export interface AlertLinkRepo {
  /** Throws LinkNameTakenError when a link (revoked or not) already has this name. */
  create(l: { name: string; source: string; tokenHash: string }, now?: number): Promise<AlertLink>;
  list(): Promise<AlertLink[]>;
  /** The live (not revoked) link whose token hashes to this; marks it used. */
  findActiveByTokenHash(tokenHash: string, now?: number): Promise<AlertLink | undefined>;
  /** Returns false when no live link has this name. */
  revoke(name: string, now?: number): Promise<boolean>;
}

export class LinkNameTakenError extends Error {
  constructor(readonly linkName: string) {
    super(
      `an alert link named "${linkName}" already exists (names stay taken after revocation, so old URLs are never confused with new ones)`,
    );
    this.name = 'LinkNameTakenError';
  }
}

const toLink = (r: Selectable<AlertLinksTable>): AlertLink => ({
  id: r.id,
  name: r.name,
  source: r.source,
  createdAt: r.created_at,
  revokedAt: r.revoked_at,
  lastUsedAt: r.last_used_at,
});

export function createAlertLinkRepo(db: Kysely<Database>): AlertLinkRepo {
  return {
    async create(l, now = Date.now()) {
      const row = await db
        .insertInto('alert_links')
        .values({
          name: l.name,
          source: l.source,
          token_hash: l.tokenHash,
          created_at: now,
          revoked_at: null,
          last_used_at: null,
        })
        .onConflict((oc) => oc.column('name').doNothing())
        .returningAll()
        .executeTakeFirst();
      if (!row) throw new LinkNameTakenError(l.name);
      return toLink(row);
    },
    async list() {
      return (await db.selectFrom('alert_links').selectAll().orderBy('id').execute()).map(toLink);
    },
    async findActiveByTokenHash(tokenHash, now = Date.now()) {
      const row = await db
        .selectFrom('alert_links')
        .selectAll()
        .where('token_hash', '=', tokenHash)
        .where('revoked_at', 'is', null)
        .executeTakeFirst();
      if (!row) return undefined;
      await db.updateTable('alert_links').set({ last_used_at: now }).where('id', '=', row.id).execute();
      return toLink({ ...row, last_used_at: now });
    },
    async revoke(name, now = Date.now()) {
      const r = await db
        .updateTable('alert_links')
        .set({ revoked_at: now })
        .where('name', '=', name)
        .where('revoked_at', 'is', null)
        .executeTakeFirst();
      return Number(r.numUpdatedRows) > 0;
    },
  };
}
