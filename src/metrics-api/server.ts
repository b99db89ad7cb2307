import type { IncomingMessage, Server as HttpServer } from 'node:http';
import type { Server as HttpsServer } from 'node:https';
import Fastify, { type FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { z } from 'zod';
import { isApiError, type ApiError } from '../kube/apimachinery/errors.ts';
import {
  Authenticator,
  defaultReadAuthorizer,
  delegatedReadAuthorizer,
  type PeerCertificateSource,
  type ReadAttributes,
  type ReadAuthorizer,
  type RequestHeaderConfig,
} from './auth.ts';
import type { DelegatedAuth } from './delegated.ts';
import { groupDocument, groupListDocument, resourceList, type Advertised } from './discovery.ts';
import { acceptsGzip, EncodedBody } from './encoded-body.ts';
import { acceptsPlainJson } from './negotiate.ts';
import { parseRoute, type Route } from './paths.ts';
import type { PodsMatching } from './pods.ts';
import { readCustom, readExternal } from './read.ts';
import { ResourceTable, type DescribedResource } from './resources.ts';
import {
  forbidden,
  internalError,
  methodNotAllowed,
  notAcceptable,
  pathNotFound,
  tooLarge,
  unauthorized,
} from './status.ts';
import { MetricStore, type MetricGroup } from './store.ts';
import type { PullSource } from './pull/source.ts';
import { CUSTOM_GROUP } from './wire.ts';
import { writeCustom, writeExternal } from './write.ts';

/**
 * The custom.metrics.k8s.io (v1beta1, v1beta2) and external.metrics.k8s.io (v1beta1) API server
 * as a fastify app: discovery, reads for the HPA, and the push path. Transport (HTTPS) is added by
 * startMetricsApiServer (https.ts); this module is transport-agnostic so it can be tested by inject.
 */

/** Plain-data options (what a CLI or config file sets), validated at the edge. */
export const metricsApiSettingsSchema = z.object({
  /** How often the pushing job runs; the default TTL is three times this (the seed's job: 2 min). */
  pushIntervalMs: z.number().int().positive().default(120_000),
  /** TTL of a pushed value; default 3 x pushIntervalMs. */
  ttlMs: z.number().int().positive().optional(),
  /** Upper bound of a per-push ttlSeconds. */
  maxTtlMs: z.number().int().positive().default(3_600_000),
  maxSeries: z.number().int().positive().default(100_000),
  /** How long an expired series stays listed in discovery before it is dropped. */
  retainExpiredMs: z.number().int().nonnegative().default(300_000),
  allowNegativeValues: z.boolean().default(false),
  insecureAllowAnonymous: z.boolean().default(false),
  /** Request body bound for pushes. */
  bodyLimitBytes: z.number().int().positive().default(16_384),
});
export type MetricsApiSettings = z.input<typeof metricsApiSettingsSchema>;

export interface MetricsApiServerOptions extends MetricsApiSettings {
  podsMatching: PodsMatching;
  /** The front-proxy trust: requestheader CA, allowed names and identity headers. */
  requestHeader?: RequestHeaderConfig;
  /** Bearer token the push path requires. Without one, pushes are refused unless insecureAllowAnonymous. */
  writeToken?: string;
  authorizeRead?: ReadAuthorizer;
  /** TokenReview + SubjectAccessReview for callers with a cluster bearer token (not the write token). */
  delegated?: DelegatedAuth;
  /** Where the verified client certificate comes from (default: the TLS socket). Tests substitute it. */
  peerCertificate?: PeerCertificateSource;
  store?: MetricStore;
  /** Prometheus-backed metrics (pull rules); started and stopped by the caller. */
  pull?: PullSource;
  resources?: readonly DescribedResource[];
  advertise?: Advertised;
  logger?: Logger;
  now?: () => number;
}

interface Ctx {
  store: MetricStore;
  resources: ResourceTable;
  auth: Authenticator;
  authorizeRead: ReadAuthorizer;
  podsMatching: PodsMatching;
  pull: PullSource | undefined;
  advertise: Advertised;
  settings: z.output<typeof metricsApiSettingsSchema>;
  writeAllowedAnonymously: boolean;
  ttlMs: number;
  now: () => number;
  logger: Logger | undefined;
}

/** What a handler answers, independent of the server type fastify is generic over. */
interface HttpResult {
  code: number;
  contentType: string;
  body: string | Buffer | EncodedBody;
}

/** The parts of a request the handlers read. */
interface HttpRequest {
  url: string;
  method: string;
  headers: IncomingMessage['headers'];
  raw: IncomingMessage;
  body: unknown;
}

function errorResult(err: ApiError): HttpResult {
  return { code: err.code, contentType: 'application/json', body: JSON.stringify(err.status) };
}

function json(code: number, body: unknown): HttpResult {
  return { code, contentType: 'application/json', body: JSON.stringify(body) };
}

const isRead = (r: Route): boolean =>
  r.kind === 'apis' || r.kind === 'group' || r.kind === 'resources' || r.kind === 'custom' || r.kind === 'external';

/** The request as kube-apiserver's RequestInfo names it, for SubjectAccessReviews of direct callers. */
function readAttributes(r: Route, path: string): Omit<ReadAttributes, 'verb'> {
  switch (r.kind) {
    case 'custom': {
      const t = r.target;
      // namespaces/<ns>/metrics/<metric>: RequestInfo reads resource "metrics", named by the metric, in that namespace.
      if (t.resource === 'namespaces' && t.namespace === '')
        return {
          group: CUSTOM_GROUP,
          version: r.version,
          resource: 'metrics',
          namespace: t.name,
          name: t.metric,
          path,
        };
      return {
        group: CUSTOM_GROUP,
        version: r.version,
        resource: `${t.resource}/${t.metric}`,
        namespace: t.namespace,
        name: t.name,
        path,
      };
    }
    case 'external':
      return { group: 'external.metrics.k8s.io', version: 'v1beta1', resource: r.metric, namespace: r.namespace, path };
    case 'resources':
      return { group: r.group, version: r.version, resource: '', namespace: '', path };
    case 'group':
      return { group: r.group, version: '', resource: '', namespace: '', path };
    default:
      return { group: '', version: '', resource: '', namespace: '', path };
  }
}

async function handle(ctx: Ctx, request: HttpRequest): Promise<HttpResult> {
  const url = new URL(request.url, 'https://metrics-api.invalid');
  const route = parseRoute(url.pathname);
  if (route.kind === 'health') return { code: 200, contentType: 'text/plain; charset=utf-8', body: 'ok' };
  if (route.kind === 'unknown') {
    // Unknown paths need authentication too: an anonymous caller learns nothing about the URL space.
    if ('error' in (await ctx.auth.authenticate(request.raw))) throw unauthorized();
    throw pathNotFound();
  }
  const authn = await ctx.auth.authenticate(request.raw);
  if ('error' in authn) throw unauthorized();
  const { user, via } = authn;

  if (isRead(route)) {
    if (request.method !== 'GET' && request.method !== 'HEAD') throw methodNotAllowed();
    const attrs = readAttributes(route, url.pathname);
    if (!(await ctx.authorizeRead(user, via, { verb: 'get', ...attrs }))) {
      throw forbidden(
        user.name,
        'get',
        attrs.resource ? `${attrs.resource}.${attrs.group}` : `${request.url.split('?')[0]}`,
      );
    }
    if (!acceptsPlainJson(request.headers.accept)) throw notAcceptable();
    const deps = { store: ctx.store, resources: ctx.resources, podsMatching: ctx.podsMatching, pull: ctx.pull };
    const known = (group: MetricGroup) => [...ctx.store.knownMetrics(group), ...(ctx.pull?.knownMetrics(group) ?? [])];
    switch (route.kind) {
      case 'apis':
        return json(200, groupListDocument());
      case 'group':
        return json(200, groupDocument(route.group));
      case 'resources':
        return json(200, resourceList(route.group, route.version, known, ctx.resources, ctx.advertise));
      case 'custom':
        return {
          code: 200,
          contentType: 'application/json',
          body: await readCustom(deps, route.version, route.target, url.searchParams),
        };
      case 'external':
        return json(200, await readExternal(deps, route.namespace, route.metric, url.searchParams));
    }
  }

  // The push path.
  if (request.method !== 'POST') throw methodNotAllowed();
  const mayWrite = via === 'token' || (via === 'anonymous' && ctx.writeAllowedAnonymously);
  if (!mayWrite) throw forbidden(user.name, 'create', 'write-metrics (pushes need the write bearer token)');
  const body = Buffer.isBuffer(request.body) ? request.body : undefined;
  const deps = {
    store: ctx.store,
    resources: ctx.resources,
    ttlMs: ctx.ttlMs,
    maxTtlMs: ctx.settings.maxTtlMs,
    allowNegative: ctx.settings.allowNegativeValues,
    now: ctx.now,
  };
  const res =
    route.kind === 'write-external'
      ? writeExternal(deps, route.namespace, route.metric, body, url.searchParams)
      : route.kind === 'write-custom'
        ? writeCustom(deps, route.target, body, url.searchParams)
        : undefined;
  if (!res) throw pathNotFound();
  return json(200, {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Success',
    details: { expiresAt: res.expiresAt },
    code: 200,
  });
}

/** Installs the API into a fastify instance (HTTP for inject, HTTPS from https.ts). */
export function installMetricsApi<S extends HttpServer | HttpsServer>(
  app: FastifyInstance<S>,
  opts: MetricsApiServerOptions,
): { store: MetricStore; close: () => void } {
  const settings = metricsApiSettingsSchema.parse({
    pushIntervalMs: opts.pushIntervalMs,
    ttlMs: opts.ttlMs,
    maxTtlMs: opts.maxTtlMs,
    maxSeries: opts.maxSeries,
    retainExpiredMs: opts.retainExpiredMs,
    allowNegativeValues: opts.allowNegativeValues,
    insecureAllowAnonymous: opts.insecureAllowAnonymous,
    bodyLimitBytes: opts.bodyLimitBytes,
  });
  const now = opts.now ?? Date.now;
  const store =
    opts.store ?? new MetricStore({ maxSeries: settings.maxSeries, retainExpiredMs: settings.retainExpiredMs, now });
  const ctx: Ctx = {
    store,
    resources: new ResourceTable(opts.resources),
    auth: new Authenticator({
      requestHeader: opts.requestHeader,
      writeToken: opts.writeToken,
      insecureAllowAnonymous: settings.insecureAllowAnonymous,
      peerCertificate: opts.peerCertificate,
      delegated: opts.delegated,
    }),
    authorizeRead:
      opts.authorizeRead ?? (opts.delegated ? delegatedReadAuthorizer(opts.delegated) : defaultReadAuthorizer),
    podsMatching: opts.podsMatching,
    pull: opts.pull,
    advertise: opts.advertise ?? {},
    settings,
    writeAllowedAnonymously: settings.insecureAllowAnonymous && !opts.writeToken,
    ttlMs: settings.ttlMs ?? 3 * settings.pushIntervalMs,
    now,
    logger: opts.logger,
  };

  // Bodies are read raw: the push body may be a bare number, a JSON string or JSON; parsing is ours.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: settings.bodyLimitBytes }, (_req, body, done) =>
    done(null, body),
  );
  const toResult = (err: unknown): HttpResult => {
    if (isApiError(err)) return errorResult(err);
    if ((err as { code?: unknown }).code === 'FST_ERR_CTP_BODY_TOO_LARGE') return errorResult(tooLarge());
    ctx.logger?.error({ err }, 'metrics-api: request failed');
    return errorResult(internalError('the request could not be served'));
  };
  app.setErrorHandler((err: unknown, _request, reply) => {
    const r = toResult(err);
    return reply.code(r.code).header('content-type', r.contentType).send(r.body);
  });
  /** The bytes of an answer in the encoding the client accepts (gzip for shared answers once compressed). */
  const encoded = (r: HttpResult, acceptEncoding: string | undefined): { body: string | Buffer; gzip: boolean } => {
    if (!(r.body instanceof EncodedBody)) return { body: r.body, gzip: false };
    const gz = acceptsGzip(acceptEncoding) ? r.body.gzipIfReady() : undefined;
    const failure = r.body.takeFailure();
    if (failure) ctx.logger?.warn({ err: failure }, 'metrics-api: answers are sent uncompressed');
    return gz ? { body: gz, gzip: true } : { body: r.body.identity, gzip: false };
  };
  for (const url of ['/', '/*']) {
    app.route({
      method: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'],
      url,
      handler: async (request, reply) => {
        const r = await handle(ctx, {
          url: request.url,
          method: request.method,
          headers: request.headers,
          raw: request.raw,
          body: request.body,
        }).catch(toResult);
        const { body, gzip } = encoded(r, request.headers['accept-encoding']);
        if (r.body instanceof EncodedBody) void reply.header('vary', 'Accept-Encoding');
        if (gzip) void reply.header('content-encoding', 'gzip');
        return reply.code(r.code).header('content-type', r.contentType).send(body);
      },
    });
  }

  // Expired series are dropped in the background so memory follows the live series, not history.
  const timer = setInterval(() => store.sweep(), Math.max(1000, Math.min(60_000, settings.retainExpiredMs || 60_000)));
  timer.unref();
  const close = (): void => clearInterval(timer);
  app.addHook('onClose', (_instance, done) => {
    close();
    done();
  });
  return { store, close };
}

export interface MetricsApiApp {
  app: FastifyInstance;
  store: MetricStore;
}

/** The API as a plain fastify instance (no TLS): for inject tests and for embedding. */
export function buildMetricsApiServer(opts: MetricsApiServerOptions): MetricsApiApp {
  const app = Fastify({ logger: false });
  const { store } = installMetricsApi(app, opts);
  return { app, store };
}
