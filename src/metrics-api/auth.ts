import { createHash, timingSafeEqual, X509Certificate } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { TLSSocket } from 'node:tls';
import { z } from 'zod';
import type { DelegatedAuth } from './delegated.ts';

/**
 * Authentication as an aggregated API server does it (k8s.io/apiserver requestheader + token):
 * a request proxied by kube-aggregator carries a client certificate issued by the requestheader
 * CA with an allowed CN, and the caller's identity in X-Remote-User / X-Remote-Group. Those headers
 * are trusted only with such a certificate: from anyone else they are ignored. Direct callers
 * (the push job) present the write bearer token; with delegated authentication, any other bearer
 * token is checked by a TokenReview against the cluster (via 'token-review'). Anything else is
 * anonymous, which is refused unless insecureAllowAnonymous is set.
 */

export interface UserInfo {
  name: string;
  groups: string[];
  /** From a TokenReview; passed on in SubjectAccessReviews. */
  uid?: string;
  extra?: Record<string, string[]>;
}

export type AuthVia = 'front-proxy' | 'token' | 'token-review' | 'anonymous';

export interface Authenticated {
  user: UserInfo;
  via: AuthVia;
}

export interface RequestHeaderConfig {
  /** PEM bundle of the requestheader CA (requestheader-client-ca-file). */
  clientCa: string;
  /** CNs allowed to assert identities; empty allows any certificate the CA issued. */
  allowedNames: string[];
  usernameHeaders: string[];
  groupHeaders: string[];
}

const jsonStringList = z.string().transform((s, ctx) => {
  try {
    return z.array(z.string()).parse(JSON.parse(s));
  } catch {
    ctx.addIssue({ code: 'custom', message: 'must be a JSON list of strings' });
    return z.NEVER;
  }
});

const configMapData = z.object({
  'requestheader-client-ca-file': z.string().min(1),
  'requestheader-allowed-names': jsonStringList.optional(),
  'requestheader-username-headers': jsonStringList.optional(),
  'requestheader-group-headers': jsonStringList.optional(),
});

/** Reads kube-system/extension-apiserver-authentication's data as kube-apiserver publishes it. */
export function requestHeaderConfigFromConfigMap(data: Record<string, string> | undefined): RequestHeaderConfig {
  const parsed = configMapData.safeParse(data ?? {});
  if (!parsed.success)
    throw new Error(
      `extension-apiserver-authentication: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
    );
  const d = parsed.data;
  return {
    clientCa: d['requestheader-client-ca-file'],
    allowedNames: d['requestheader-allowed-names'] ?? [],
    usernameHeaders: d['requestheader-username-headers'] ?? ['X-Remote-User'],
    groupHeaders: d['requestheader-group-headers'] ?? ['X-Remote-Group'],
  };
}

/** The verified client certificate of a request, if any. */
export type PeerCertificateSource = (req: IncomingMessage) => X509Certificate | undefined;

const peerCache = new WeakMap<object, X509Certificate | null>();

/**
 * The default source: the TLS socket's certificate, only when OpenSSL verified its chain against
 * the server's `ca` (the requestheader CA). Parsed once per connection, not per request.
 */
export const tlsPeerCertificate: PeerCertificateSource = (req) => {
  const socket = req.socket as Partial<TLSSocket>;
  if (typeof socket.getPeerCertificate !== 'function') return undefined;
  const cached = peerCache.get(req.socket);
  if (cached !== undefined) return cached ?? undefined;
  let cert: X509Certificate | null = null;
  if (socket.authorized === true) {
    const raw = socket.getPeerCertificate(false).raw;
    if (raw && raw.length > 0) cert = new X509Certificate(raw);
  }
  peerCache.set(req.socket, cert);
  return cert ?? undefined;
};

export function splitPemBundle(pem: string): X509Certificate[] {
  const blocks = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
  return blocks.map((b) => new X509Certificate(b));
}

export function commonName(cert: X509Certificate): string | undefined {
  for (const line of cert.subject.split('\n')) if (line.startsWith('CN=')) return line.slice(3);
  return undefined;
}

/** Every value of a header, one per occurrence (X-Remote-Group is repeated, never comma-joined). */
function headerValues(req: IncomingMessage, name: string): string[] {
  const lower = name.toLowerCase();
  // headersDistinct keeps repeated headers apart; injected test requests may not have it.
  const distinct = (req as Partial<IncomingMessage>).headersDistinct?.[lower];
  if (distinct) return distinct;
  const v = req.headers[lower];
  return v === undefined ? [] : Array.isArray(v) ? v : [v];
}

function digest(s: string): Buffer {
  return createHash('sha256').update(s).digest();
}

export interface AuthenticatorOptions {
  requestHeader?: RequestHeaderConfig;
  /** Bearer token that authenticates direct callers (the write path). */
  writeToken?: string;
  /** TokenReview for any other bearer token; without it such tokens get 401. */
  delegated?: Pick<DelegatedAuth, 'reviewToken'>;
  insecureAllowAnonymous?: boolean;
  peerCertificate?: PeerCertificateSource;
  now?: () => number;
}

export const WRITER_USER: UserInfo = { name: 'kubeloop:metrics-writer', groups: ['system:authenticated'] };
export const ANONYMOUS_USER: UserInfo = { name: 'system:anonymous', groups: ['system:unauthenticated'] };

export type AuthResult = Authenticated | { error: 'unauthenticated' };

export class Authenticator {
  private readonly cas: X509Certificate[];
  private readonly token: Buffer | undefined;
  private readonly peer: PeerCertificateSource;
  private readonly now: () => number;
  /** fingerprint256 -> whether that certificate may assert identities (a connection reuses one). */
  private readonly verified = new Map<string, boolean>();

  constructor(private readonly opts: AuthenticatorOptions) {
    this.cas = opts.requestHeader ? splitPemBundle(opts.requestHeader.clientCa) : [];
    if (opts.requestHeader && this.cas.length === 0)
      throw new Error('requestheader client CA: no certificate in the PEM');
    this.token = opts.writeToken ? digest(opts.writeToken) : undefined;
    this.peer = opts.peerCertificate ?? tlsPeerCertificate;
    this.now = opts.now ?? Date.now;
  }

  async authenticate(req: IncomingMessage): Promise<AuthResult> {
    const authz = req.headers.authorization;
    if (authz !== undefined) {
      // Presented credentials that do not verify are a 401 even when anonymous access is on.
      const m = /^Bearer\s+(\S+)\s*$/i.exec(authz);
      if (!m) return { error: 'unauthenticated' };
      const token = m[1] as string;
      if (this.token && timingSafeEqual(digest(token), this.token)) return { user: WRITER_USER, via: 'token' };
      // reviewToken never throws: a cluster that cannot answer leaves the caller unauthenticated.
      const user = this.opts.delegated ? await this.opts.delegated.reviewToken(token) : undefined;
      return user ? { user, via: 'token-review' } : { error: 'unauthenticated' };
    }
    const fromProxy = this.frontProxyUser(req);
    if (fromProxy) return { user: fromProxy, via: 'front-proxy' };
    if (this.opts.insecureAllowAnonymous) return { user: ANONYMOUS_USER, via: 'anonymous' };
    return { error: 'unauthenticated' };
  }

  private frontProxyUser(req: IncomingMessage): UserInfo | undefined {
    const rh = this.opts.requestHeader;
    if (!rh) return undefined;
    const cert = this.peer(req);
    if (!cert || !this.mayAssert(cert, rh)) return undefined;
    const name = rh.usernameHeaders.map((h) => headerValues(req, h)[0]).find((v) => v !== undefined && v !== '');
    if (name === undefined) return undefined;
    const groups = rh.groupHeaders.flatMap((h) => headerValues(req, h));
    return { name, groups };
  }

  private mayAssert(cert: X509Certificate, rh: RequestHeaderConfig): boolean {
    const now = this.now();
    if (Date.parse(cert.validFrom) > now || Date.parse(cert.validTo) < now) return false;
    const key = cert.fingerprint256;
    const known = this.verified.get(key);
    if (known !== undefined) return known;
    // Issued (and signed) by one of the requestheader CAs, and carrying an allowed CN.
    const issued = this.cas.some((ca) => cert.checkIssued(ca) && cert.verify(ca.publicKey));
    const cn = commonName(cert);
    const ok = issued && (rh.allowedNames.length === 0 || (cn !== undefined && rh.allowedNames.includes(cn)));
    if (this.verified.size > 1000) this.verified.clear();
    this.verified.set(key, ok);
    return ok;
  }
}

export interface ReadAttributes {
  verb: 'get';
  group: string;
  version: string;
  /** e.g. "pods/http_requests_qps", "" for discovery. */
  resource: string;
  namespace: string;
  /** The object read ("*" for pods/*), as RequestInfo names it; SubjectAccessReviews carry it when set. */
  name?: string;
  /** The request path; for discovery it is the non-resource path asked about (default /apis[/group[/version]]). */
  path?: string;
}

/** Who may read: by default every authenticated caller (the aggregator already authorized the user). */
export type ReadAuthorizer = (user: UserInfo, via: AuthVia, attrs: ReadAttributes) => boolean | Promise<boolean>;

export const defaultReadAuthorizer: ReadAuthorizer = () => true;

/**
 * Reads by callers that came in with a cluster token are authorized by a SubjectAccessReview;
 * everyone else as by defaultReadAuthorizer (the aggregator authorized proxied users already,
 * the write token and anonymous access are this server's own configuration).
 */
export function delegatedReadAuthorizer(delegated: Pick<DelegatedAuth, 'authorize'>): ReadAuthorizer {
  return (user, via, attrs) =>
    via === 'token-review' ? delegated.authorize(user, attrs) : defaultReadAuthorizer(user, via, attrs);
}
