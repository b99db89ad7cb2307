import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { hashToken, type AlertLink, type Store } from '../store/index.ts';
import { alertSources } from './alert.ts';

/** Input of `kubeloop links create` and POST /api/v1/links. */
export const newLinkSchema = z
  .object({
    name: z
      .string()
      .min(1)
      .max(63)
      .regex(/^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/, 'must be lower-case letters, digits and "-" (like guance-prod)'),
    source: z.enum(alertSources, { error: `must be one of ${alertSources.join(', ')}` }),
  })
  .strict();

export type NewLink = z.infer<typeof newLinkSchema>;

/** The path a monitoring system posts to; the token is the only secret in it. */
export const alertPath = (token: string): string => `/api/v1/alerts/${token}`;

/**
 * Creates an authorized link: a random 192-bit token, stored only as its sha256, returned once. The
 * caller shows the URL; after that nobody, Kubeloop included, can print it again (revoke and create
 * a new one instead).
 */
export async function createLink(
  store: Store,
  input: NewLink,
): Promise<{ link: AlertLink; token: string; path: string }> {
  const token = randomBytes(24).toString('base64url');
  const link = await store.alertLinks.create({ name: input.name, source: input.source, tokenHash: hashToken(token) });
  return { link, token, path: alertPath(token) };
}

/** The live link a token belongs to (wrong, unknown or revoked: undefined). */
export async function linkForToken(store: Store, token: string): Promise<AlertLink | undefined> {
  // Tokens are base64url of 24 bytes: anything else is not worth a database lookup.
  if (!/^[A-Za-z0-9_-]{32}$/.test(token)) return undefined;
  return store.alertLinks.findActiveByTokenHash(hashToken(token));
}
