import type { IncomingHttpHeaders } from 'node:http';
import { timingSafeEqual } from 'node:crypto';
import type { UserInfo } from '../service/types.ts';

/** A further bearer token, as a line of kube-apiserver's --token-auth-file; authorized by RBAC only. */
export interface StaticTokenUser {
  token: string;
  name: string;
  uid?: string;
  groups?: string[];
}

export interface SimTokens {
  admin: string;
  readOnly: string;
  users?: readonly StaticTokenUser[];
}

/** Static users may not take the built-in users' names: the authorizer's viewer policy goes by name. */
export function checkStaticUsers(users: readonly StaticTokenUser[]): void {
  for (const u of users) {
    if (u.name === 'admin' || u.name === 'viewer')
      throw new Error(`sim token users: the name "${u.name}" is reserved for the sim's own token`);
    if (u.token.length < 16)
      throw new Error(`sim token users: the token of "${u.name}" must have 16 or more characters`);
  }
}

/** Bearer-token authentication with the sim's two tokens; undefined means unauthenticated. */
export function authenticate(headers: IncomingHttpHeaders, tokens: SimTokens): UserInfo | undefined {
  const header = headers.authorization;
  if (!header) return undefined;
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (!m || !m[1]) return undefined;
  return authenticateToken(m[1], tokens);
}

/** One token (a request's bearer token, or a TokenReview's spec.token). */
export function authenticateToken(token: string, tokens: SimTokens): UserInfo | undefined {
  if (safeEqual(token, tokens.admin))
    return { name: 'admin', groups: ['system:masters', 'system:authenticated'], readOnly: false };
  if (safeEqual(token, tokens.readOnly)) return { name: 'viewer', groups: ['system:authenticated'], readOnly: true };
  for (const u of tokens.users ?? []) {
    if (!safeEqual(token, u.token)) continue;
    // kube-apiserver adds system:authenticated to every authenticated user (AuthenticatedGroupAdder).
    const groups = [...(u.groups ?? [])];
    if (!groups.includes('system:authenticated')) groups.push('system:authenticated');
    return { name: u.name, ...(u.uid ? { uid: u.uid } : {}), groups, readOnly: false };
  }
  return undefined;
}

function safeEqual(a: string, b: string): boolean {
  const ab = Buffer.from(a);
  const bb = Buffer.from(b);
  return ab.length === bb.length && timingSafeEqual(ab, bb);
}

/** Paths kube-apiserver serves to anyone (system:public-info-viewer). */
export function isPublicPath(pathname: string): boolean {
  return pathname === '/version' || pathname === '/healthz' || pathname === '/readyz' || pathname === '/livez';
}
