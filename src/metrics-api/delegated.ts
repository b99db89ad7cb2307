import { createHash, createHmac, randomBytes } from 'node:crypto';
import type { KubeConfig } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import { z } from 'zod';
import { kubeJson } from '../kube/http.ts';
import type { ReadAttributes, UserInfo } from './auth.ts';

/**
 * Delegated authentication and authorization, as k8s.io/apiserver's DelegatingAuthenticator and
 * DelegatingAuthorizer give an aggregated API server: a caller's bearer token is checked with a
 * TokenReview against the cluster, and what it may read with a SubjectAccessReview.
 *
 * Both answers are cached as k8s.io/apiserver does it (10 s for an authenticated token and for an
 * allowed or denied review), so an HPA poll burst costs one review of each kind; concurrent
 * requests for the same key share one review in flight. Unauthenticated answers are cached
 * shorter (5 s), so a token created just now works soon. Errors (the cluster down, a timeout, a
 * malformed answer) are never cached, never allow, and are logged with the reason.
 *
 * Tokens are never kept: the token cache is keyed by an HMAC-SHA256 of the token with a key drawn
 * per instance, so a memory dump reveals no token and keys cannot be precomputed.
 */

export interface DelegatedAuthOptions {
  /** spec.audiences of each TokenReview; empty asks for the API server's own audiences. */
  audiences?: string[];
  /** Per review request (k8s.io/apiserver: 10 s). */
  timeoutMs?: number;
  authenticatedTtlMs?: number;
  unauthenticatedTtlMs?: number;
  allowedTtlMs?: number;
  deniedTtlMs?: number;
  /** Entries per cache (tokens, reviews); the least recently used go first. */
  maxCacheEntries?: number;
  logger?: Logger;
  now?: () => number;
}

const TOKEN_REVIEWS = '/apis/authentication.k8s.io/v1/tokenreviews';
const SUBJECT_ACCESS_REVIEWS = '/apis/authorization.k8s.io/v1/subjectaccessreviews';

const tokenReviewResponse = z.object({
  apiVersion: z.literal('authentication.k8s.io/v1'),
  kind: z.literal('TokenReview'),
  status: z.object({
    authenticated: z.boolean().optional(),
    user: z
      .object({
        username: z.string().optional(),
        uid: z.string().optional(),
        groups: z.array(z.string()).optional(),
        extra: z.record(z.string(), z.array(z.string())).optional(),
      })
      .optional(),
    audiences: z.array(z.string()).optional(),
    error: z.string().optional(),
  }),
});

const subjectAccessReviewResponse = z.object({
  apiVersion: z.literal('authorization.k8s.io/v1'),
  kind: z.literal('SubjectAccessReview'),
  status: z.object({
    allowed: z.boolean(),
    denied: z.boolean().optional(),
    reason: z.string().optional(),
    evaluationError: z.string().optional(),
  }),
});

/** SubjectAccessReviewSpec as the authorization.k8s.io/v1 wire has it. */
export interface SubjectAccessReviewSpec {
  resourceAttributes?: {
    namespace?: string;
    verb: string;
    group: string;
    version?: string;
    resource: string;
    subresource?: string;
    name?: string;
  };
  nonResourceAttributes?: { path: string; verb: string };
  user: string;
  groups: string[];
  uid?: string;
  extra?: Record<string, string[]>;
}

/** What a review came to: an answer (cached) or an error (not cached). */
type Outcome<V> = { ok: true; value: V } | { ok: false; reason: string };

/** A bounded map whose entries expire; reads refresh recency, inserts past the bound drop the oldest. */
class ExpiringCache<V> {
  private readonly entries = new Map<string, { value: V; expiresAt: number }>();

  constructor(
    private readonly max: number,
    private readonly now: () => number,
  ) {}

  get(key: string): { value: V } | undefined {
    const e = this.entries.get(key);
    if (!e) return undefined;
    this.entries.delete(key);
    if (e.expiresAt <= this.now()) return undefined;
    this.entries.set(key, e);
    return { value: e.value };
  }

  set(key: string, value: V, ttlMs: number): void {
    if (ttlMs <= 0) return;
    this.entries.delete(key);
    this.entries.set(key, { value, expiresAt: this.now() + ttlMs });
    for (const oldest of this.entries.keys()) {
      if (this.entries.size <= this.max) break;
      this.entries.delete(oldest);
    }
  }

  get size(): number {
    return this.entries.size;
  }
}

function describeError(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function issues(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
}

/**
 * The SubjectAccessReview spec for a read, with the attributes k8s.io/apiserver's RequestInfo
 * would give: "pods/http_requests_qps" is resource pods, subresource http_requests_qps; an
 * external metric is a resource of its own; discovery (no resource) is a non-resource path.
 */
export function subjectAccessReviewSpec(user: UserInfo, attrs: ReadAttributes): SubjectAccessReviewSpec {
  const who = {
    user: user.name,
    groups: user.groups,
    ...(user.uid ? { uid: user.uid } : {}),
    ...(user.extra ? { extra: user.extra } : {}),
  };
  if (attrs.resource === '') {
    const path =
      attrs.path ??
      (attrs.group === ''
        ? '/apis'
        : attrs.version === ''
          ? `/apis/${attrs.group}`
          : `/apis/${attrs.group}/${attrs.version}`);
    return { ...who, nonResourceAttributes: { path, verb: attrs.verb } };
  }
  const slash = attrs.resource.indexOf('/');
  const resource = slash < 0 ? attrs.resource : attrs.resource.slice(0, slash);
  const subresource = slash < 0 ? undefined : attrs.resource.slice(slash + 1);
  return {
    ...who,
    resourceAttributes: {
      ...(attrs.namespace ? { namespace: attrs.namespace } : {}),
      verb: attrs.verb,
      group: attrs.group,
      version: attrs.version,
      resource,
      ...(subresource ? { subresource } : {}),
      ...(attrs.name ? { name: attrs.name } : {}),
    },
  };
}

export class DelegatedAuth {
  private readonly tokenKey = randomBytes(32);
  private readonly tokens: ExpiringCache<UserInfo | undefined>;
  private readonly decisions: ExpiringCache<boolean>;
  private readonly flights = new Map<string, Promise<unknown>>();
  private readonly o: Required<Omit<DelegatedAuthOptions, 'logger'>> & { logger: Logger | undefined };

  constructor(
    private readonly kc: KubeConfig,
    opts: DelegatedAuthOptions = {},
  ) {
    const now = opts.now ?? Date.now;
    this.o = {
      audiences: opts.audiences ?? [],
      timeoutMs: opts.timeoutMs ?? 10_000,
      authenticatedTtlMs: opts.authenticatedTtlMs ?? 10_000,
      unauthenticatedTtlMs: opts.unauthenticatedTtlMs ?? 5_000,
      allowedTtlMs: opts.allowedTtlMs ?? 10_000,
      deniedTtlMs: opts.deniedTtlMs ?? 10_000,
      maxCacheEntries: opts.maxCacheEntries ?? 4096,
      logger: opts.logger,
      now,
    };
    this.tokens = new ExpiringCache(this.o.maxCacheEntries, now);
    this.decisions = new ExpiringCache(this.o.maxCacheEntries, now);
  }

  /** Who the token belongs to, or undefined: unknown, expired, for another audience, or the cluster did not answer. */
  async reviewToken(token: string): Promise<UserInfo | undefined> {
    const key = `token:${createHmac('sha256', this.tokenKey).update(token).digest('base64url')}`;
    const hit = this.tokens.get(key);
    if (hit) return hit.value;
    const outcome = await this.once(key, async () => {
      const o = await this.sendTokenReview(token);
      if (o.ok) this.tokens.set(key, o.value, o.value ? this.o.authenticatedTtlMs : this.o.unauthenticatedTtlMs);
      else
        this.o.logger?.warn(
          { reason: o.reason },
          'metrics-api: TokenReview failed; the caller is treated as unauthenticated',
        );
      return o;
    });
    return outcome.ok ? outcome.value : undefined;
  }

  /** Whether the cluster's authorizer lets `user` do `attrs`; false when it cannot be asked. */
  async authorize(user: UserInfo, attrs: ReadAttributes): Promise<boolean> {
    const spec = subjectAccessReviewSpec(user, attrs);
    const key = `sar:${createHash('sha256').update(JSON.stringify(spec)).digest('base64url')}`;
    const hit = this.decisions.get(key);
    if (hit) return hit.value;
    const outcome = await this.once(key, async () => {
      const o = await this.sendSubjectAccessReview(spec);
      if (o.ok) this.decisions.set(key, o.value, o.value ? this.o.allowedTtlMs : this.o.deniedTtlMs);
      else
        this.o.logger?.warn(
          { reason: o.reason, user: user.name },
          'metrics-api: SubjectAccessReview failed; the read is refused',
        );
      return o;
    });
    return outcome.ok && outcome.value;
  }

  /** Cached entries (tokens, decisions), for metrics and tests. */
  cacheSizes(): { tokens: number; decisions: number } {
    return { tokens: this.tokens.size, decisions: this.decisions.size };
  }

  /** One review in flight per key: the callers of a burst share its answer; it is cached and logged once. */
  private once<V>(key: string, send: () => Promise<Outcome<V>>): Promise<Outcome<V>> {
    const pending = this.flights.get(key) as Promise<Outcome<V>> | undefined;
    if (pending) return pending;
    const p = send().finally(() => this.flights.delete(key));
    this.flights.set(key, p);
    return p;
  }

  private async post(path: string, body: unknown): Promise<Outcome<unknown>> {
    try {
      return {
        ok: true,
        value: await kubeJson<unknown>(this.kc, { method: 'POST', path, body, timeoutMs: this.o.timeoutMs }),
      };
    } catch (err) {
      return { ok: false, reason: `POST ${path}: ${describeError(err)}` };
    }
  }

  private async sendTokenReview(token: string): Promise<Outcome<UserInfo | undefined>> {
    const audiences = this.o.audiences;
    const sent = await this.post(TOKEN_REVIEWS, {
      apiVersion: 'authentication.k8s.io/v1',
      kind: 'TokenReview',
      spec: { token, ...(audiences.length > 0 ? { audiences } : {}) },
    });
    if (!sent.ok) return sent;
    const parsed = tokenReviewResponse.safeParse(sent.value);
    if (!parsed.success) return { ok: false, reason: `TokenReview: malformed response: ${issues(parsed.error)}` };
    const status = parsed.data.status;
    if (status.authenticated !== true) {
      this.o.logger?.debug({ error: status.error }, 'metrics-api: TokenReview did not authenticate the token');
      return { ok: true, value: undefined };
    }
    const username = status.user?.username;
    if (!username) return { ok: false, reason: 'TokenReview: authenticated, but without a username' };
    if (audiences.length > 0 && !(status.audiences ?? []).some((a) => audiences.includes(a))) {
      this.o.logger?.debug(
        { want: audiences, got: status.audiences },
        'metrics-api: the token is for none of our audiences',
      );
      return { ok: true, value: undefined };
    }
    const user = status.user ?? {};
    return {
      ok: true,
      value: {
        name: username,
        groups: user.groups ?? [],
        ...(user.uid ? { uid: user.uid } : {}),
        ...(user.extra && Object.keys(user.extra).length > 0 ? { extra: user.extra } : {}),
      },
    };
  }

  private async sendSubjectAccessReview(spec: SubjectAccessReviewSpec): Promise<Outcome<boolean>> {
    const sent = await this.post(SUBJECT_ACCESS_REVIEWS, {
      apiVersion: 'authorization.k8s.io/v1',
      kind: 'SubjectAccessReview',
      spec,
    });
    if (!sent.ok) return sent;
    const parsed = subjectAccessReviewResponse.safeParse(sent.value);
    if (!parsed.success)
      return { ok: false, reason: `SubjectAccessReview: malformed response: ${issues(parsed.error)}` };
    const { allowed, denied, reason, evaluationError } = parsed.data.status;
    // An evaluation error with allowed=false is the authorizer's "no opinion": a denial, cached as one.
    if (!allowed || denied)
      this.o.logger?.debug({ user: spec.user, reason, evaluationError }, 'metrics-api: SubjectAccessReview denied');
    return { ok: true, value: allowed && denied !== true };
  }
}
