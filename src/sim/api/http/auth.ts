import type { IncomingHttpHeaders } from 'node:http';
import { timingSafeEqual } from 'node:crypto';
import type { UserInfo } from '../service/types.ts';

export interface SimTokens {
  admin: string;
  readOnly: string;
}

/** Bearer-token authentication with the sim's two tokens; undefined means unauthenticated. */
export function authenticate(headers: IncomingHttpHeaders, tokens: SimTokens): UserInfo | undefined {
  const header = headers.authorization;
  if (!header) return undefined;
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (!m || !m[1]) return undefined;
  const token = m[1];
  if (safeEqual(token, tokens.admin)) return { name: 'admin', groups: ['system:masters', 'system:authenticated'], readOnly: false };
  if (safeEqual(token, tokens.readOnly)) return { name: 'viewer', groups: ['system:authenticated'], readOnly: true };
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

const READ_VERBS = new Set(['get', 'list', 'watch']);

export function canPerform(user: UserInfo, verb: string): boolean {
  return !user.readOnly || READ_VERBS.has(verb);
}
