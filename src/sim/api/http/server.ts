import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import {
  ApiError,
  isApiError,
  internalError,
  methodNotAllowed,
  notFound,
  tooLarge,
  unauthorized,
  unknownPath,
  forbidden,
} from '../../../kube/apimachinery/errors.ts';
import type { ResourceDef } from '../registry.ts';
import type { UserInfo } from '../service/types.ts';
import { acceptExec, parseExecQuery } from '../exec/index.ts';
import { acceptSpdyExec, isSpdyUpgrade } from '../exec/spdy-exec.ts';
import { authenticate, isPublicPath } from './auth.ts';
import { authorizeAccess, type AccessAttributes } from '../service/authorizer.ts';
import { reviewHandler } from './review-handlers.ts';
import type { SimApiContext } from './context.ts';
import { apiGroup, apiGroupList, apiResourceList, apiVersions, SIM_VERSION } from './discovery.ts';
import { handleLog, resolveContainer } from './log-handler.ts';
import { handleMetrics } from './metrics-handler.ts';
import { serveScrapeEndpoint } from '../../metrics/routes.ts';
import { parseRequestPath, type RequestInfo } from './request-info.ts';
import { OpenApiV3 } from './openapi.ts';
import { OpenApiV2 } from '../openapi/openapi-v2.ts';
import {
  handleCreate,
  handleDelete,
  handleDeleteCollection,
  handleGet,
  handleList,
  handlePatch,
  handleUpdate,
  handleWatch,
  type ResourceCall,
} from './resource-handlers.ts';
import { sendJson, sendStatusError } from './respond.ts';
import { assertSubresource, handleBinding, handleEviction, handleScale } from './subresource-handlers.ts';
import type { Logger } from 'pino';

/** kube-apiserver's default request body limit (3 MiB). */
const MAX_BODY_BYTES = 3 * 1024 * 1024;

export interface BuildServerOptions {
  logger?: Logger;
  https?: { key: string; cert: string };
}

/**
 * The sim's HTTP front: one catch-all route parsed like kube-apiserver's RequestInfoFactory,
 * every error a Status object, and the websocket upgrade for exec.
 */
export function buildSimApiServer(ctx: SimApiContext, opts: BuildServerOptions = {}): FastifyInstance {
  const app = Fastify({
    logger: false,
    bodyLimit: MAX_BODY_BYTES,
    ...(opts.https ? { https: opts.https } : {}),
    // Watches and log follows are long-lived: no server-side request timeout.
    requestTimeout: 0,
    keepAliveTimeout: 75_000,
  }) as unknown as FastifyInstance;
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));

  app.setErrorHandler((err: unknown, _req, reply) => {
    if (isApiError(err)) return sendStatusError(reply, err);
    const code = (err as { code?: string }).code;
    if (code === 'FST_ERR_CTP_BODY_TOO_LARGE') return sendStatusError(reply, tooLarge());
    opts.logger?.error({ err }, 'sim api: unexpected error');
    return sendStatusError(reply, internalError('the server could not handle the request'));
  });
  app.setNotFoundHandler((_req, reply) => {
    void reply.code(404).header('content-type', 'text/plain; charset=utf-8').send('404 page not found\n');
  });

  const openapi = new OpenApiV3(ctx.registry);
  const openapiV2 = new OpenApiV2(SIM_VERSION.gitVersion);
  app.route({
    method: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'],
    url: '/*',
    handler: async (req, reply) => {
      try {
        if (await proxyAggregated(ctx, req, reply)) return reply;
        dispatch(ctx, { v3: openapi, v2: openapiV2 }, req, reply);
      } catch (err) {
        if (isApiError(err)) return sendStatusError(reply, err);
        opts.logger?.error({ err, url: req.url, method: req.method }, 'sim api: unexpected error');
        return sendStatusError(reply, internalError('the server could not handle the request'));
      }
      return reply;
    },
  });

  app.server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    try {
      upgradeExec(ctx, req, socket, head);
    } catch (err) {
      const status = isApiError(err) ? err : internalError('exec failed', err);
      if (!isApiError(err)) opts.logger?.error({ err }, 'sim api: exec upgrade failed');
      rejectUpgrade(socket, status);
    }
  });
  return app;
}

function dispatch(
  ctx: SimApiContext,
  openapi: { v2: OpenApiV2; v3: OpenApiV3 },
  req: FastifyRequest,
  reply: FastifyReply,
): void {
  const url = new URL(req.url, 'http://sim');
  if (url.pathname === '/healthz' || url.pathname === '/readyz' || url.pathname === '/livez') {
    void reply.code(200).header('content-type', 'text/plain; charset=utf-8').send('ok');
    return;
  }
  // Scrape endpoints (/metrics/cadvisor, /metrics/kube-state, /metrics/pods/..., /sd/pods) need no token.
  if (serveScrapeEndpoint(ctx, req, reply, url.pathname)) return;
  const user = authenticate(req.headers, ctx.tokens);
  if (!user && !isPublicPath(url.pathname)) throw unauthorized();
  if (url.pathname === '/version') return sendJson(reply, 200, JSON.stringify(SIM_VERSION));
  if (url.pathname === '/openapi/v2' && req.method === 'GET') {
    const r = openapi.v2.serve(req.headers);
    void reply.code(r.status).headers(r.headers).send(r.body);
    return;
  }
  if (url.pathname === '/openapi/v3') return sendJson(reply, 200, openapi.v3.root());
  if (url.pathname.startsWith('/openapi/v3/')) {
    const doc = openapi.v3.document(url.pathname.slice('/openapi/v3/'.length));
    if (doc) return sendJson(reply, 200, doc);
  }
  const info = parseRequestPath(url.pathname);
  if (info.type === 'other') {
    void reply.code(404).header('content-type', 'text/plain; charset=utf-8').send('404 page not found\n');
    return;
  }
  if (info.type === 'discovery') return serveDiscovery(ctx, req, reply, info);
  const def = ctx.registry.find(info.group, info.version, info.resource);
  if (!def && !ctx.registry.groups().get(info.group)?.includes(info.version)) {
    // A group/version nobody serves falls through to the apiserver's plain 404 handler.
    void reply.code(404).header('content-type', 'text/plain; charset=utf-8').send('404 page not found\n');
    return;
  }
  if (!def) throw unknownPath();
  if (!def.namespaced && info.namespace !== undefined) throw unknownPath();
  const verb = verbFor(req.method, info, url.searchParams);
  if (!user) throw unauthorized();
  authorize(ctx, user, verb, def, info);
  const call: ResourceCall = {
    ctx,
    user,
    req,
    reply,
    query: url.searchParams,
    target: { def, namespace: info.namespace, name: info.name ?? '' },
  };
  runVerb(call, verb, info.subresource, req.method);
}

/** Requests for a group/version an APIService registers go to its backend, as kube-aggregator does. */
async function proxyAggregated(ctx: SimApiContext, req: FastifyRequest, reply: FastifyReply): Promise<boolean> {
  if (!ctx.aggregator) return false;
  const m = /^\/apis\/([^/]+)\/([^/?]+)/.exec(req.url);
  const rv = m ? ctx.aggregator.remote(m[1] as string, m[2] as string) : undefined;
  if (!rv) return false;
  const user = authenticate(req.headers, ctx.tokens);
  if (!user) throw unauthorized();
  // kube-aggregator authorizes before proxying; the backend trusts the identity it is handed.
  const url = new URL(req.url, 'http://sim');
  const info = parseRequestPath(url.pathname);
  if (info.type === 'resource') {
    // A PUT/PATCH on a collection is the backend's to refuse; it is still an update/patch to authorize.
    const verb =
      (req.method === 'PUT' || req.method === 'PATCH') && info.name === undefined
        ? req.method === 'PUT'
          ? 'update'
          : 'patch'
        : verbFor(req.method, info, url.searchParams);
    authorize(ctx, user, verb, { group: info.group, version: info.version, resource: info.resource }, info);
  }
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string') headers[k] = v;
  const res = await ctx.aggregator.forward(rv, {
    method: req.method,
    path: req.url,
    headers,
    body: req.body as Buffer | undefined,
    user,
  });
  void reply.code(res.status);
  // content-encoding travels with the bytes: the client's Accept-Encoding went to the backend, which may have compressed.
  for (const h of ['content-type', 'content-encoding', 'vary', 'cache-control', 'warning'])
    if (res.headers[h]) void reply.header(h, res.headers[h]);
  void reply.send(res.body);
  return true;
}

function serveDiscovery(
  ctx: SimApiContext,
  req: FastifyRequest,
  reply: FastifyReply,
  info: Extract<RequestInfo, { type: 'discovery' }>,
): void {
  if (req.method !== 'GET') throw methodNotAllowed();
  let doc: Record<string, unknown> | undefined;
  if (info.path === 'api') doc = apiVersions(req.headers.host ?? '127.0.0.1');
  else if (info.path === 'apis') doc = apiGroupList(ctx.registry, ctx.aggregator?.services.groups());
  else if (info.path === 'group') doc = apiGroup(ctx.registry, info.group, ctx.aggregator?.services.groups());
  else doc = apiResourceList(ctx.registry, info.group, info.version);
  if (!doc) {
    void reply.code(404).header('content-type', 'text/plain; charset=utf-8').send('404 page not found\n');
    return;
  }
  sendJson(reply, 200, JSON.stringify(doc));
}

type VerbName = 'get' | 'list' | 'watch' | 'create' | 'update' | 'patch' | 'delete' | 'deletecollection';

function verbFor(method: string, info: Extract<RequestInfo, { type: 'resource' }>, query: URLSearchParams): VerbName {
  const watch = query.get('watch') === 'true' || query.get('watch') === '1';
  const named = info.name !== undefined;
  switch (method) {
    case 'GET':
      if (watch) return 'watch';
      return named ? 'get' : 'list';
    case 'POST':
      return 'create';
    case 'PUT':
      if (!named) throw methodNotAllowed();
      return 'update';
    case 'PATCH':
      if (!named) throw methodNotAllowed();
      return 'patch';
    case 'DELETE':
      return named ? 'delete' : 'deletecollection';
    default:
      throw methodNotAllowed();
  }
}

function authorize(
  ctx: SimApiContext,
  user: UserInfo,
  verb: string,
  def: Pick<ResourceDef, 'group' | 'version' | 'resource'>,
  info: Extract<RequestInfo, { type: 'resource' }>,
): void {
  const attrs: AccessAttributes = {
    kind: 'resource',
    verb,
    group: def.group,
    version: def.version,
    resource: def.resource,
    subresource: info.subresource,
    namespace: info.namespace,
    name: info.name,
  };
  if (authorizeAccess(ctx.store, ctx.registry, { user: user.name, groups: user.groups }, attrs).allowed) return;
  const resource = info.subresource ? `${def.resource}/${info.subresource}` : def.resource;
  throw forbidden(user.name, verb, { group: def.group, resource }, info.namespace, info.name);
}

function runVerb(call: ResourceCall, verb: VerbName, sub: string | undefined, method: string): void {
  const { def } = call.target;
  const review = reviewHandler(def);
  if (review) {
    if (sub !== undefined || verb !== 'create' || call.target.name !== '') throw methodNotAllowed();
    return review(call);
  }
  if (def.computed) {
    if (sub !== undefined || (verb !== 'get' && verb !== 'list')) throw methodNotAllowed();
    return handleMetrics(call);
  }
  if (sub !== undefined) {
    assertSubresource(call, sub);
    if (sub === 'status') {
      if (verb === 'get') return handleGet(call);
      if (verb === 'update') return handleUpdate(call, 'status');
      if (verb === 'patch') return handlePatch(call, 'status');
    }
    if (sub === 'scale' && (verb === 'get' || verb === 'update' || verb === 'patch')) return handleScale(call, method);
    if (sub === 'log' && verb === 'get') return handleLog(call);
    if (sub === 'binding' && verb === 'create') return handleBinding(call);
    if (sub === 'eviction' && verb === 'create') return handleEviction(call);
    if (sub === 'exec') throw new ApiError({ message: 'Upgrade request required', reason: 'BadRequest', code: 400 });
    throw methodNotAllowed();
  }
  if (!def.verbs.includes(verb)) throw methodNotAllowed();
  if (verb === 'create' && call.target.name !== '') throw methodNotAllowed();
  switch (verb) {
    case 'get':
      return handleGet(call);
    case 'list':
      return handleList(call);
    case 'watch':
      return handleWatch(call);
    case 'create':
      return handleCreate(call);
    case 'update':
      return handleUpdate(call);
    case 'patch':
      return handlePatch(call);
    case 'delete':
      return handleDelete(call);
    case 'deletecollection':
      return handleDeleteCollection(call);
  }
}

function upgradeExec(ctx: SimApiContext, req: IncomingMessage, socket: Duplex, head: Buffer): void {
  const url = new URL(req.url ?? '/', 'http://sim');
  const info = parseRequestPath(url.pathname);
  if (
    info.type !== 'resource' ||
    info.resource !== 'pods' ||
    info.subresource !== 'exec' ||
    !info.name ||
    info.group !== ''
  )
    throw unknownPath();
  const user = authenticate(req.headers, ctx.tokens);
  if (!user) throw unauthorized();
  const def = ctx.registry.find('', 'v1', 'pods');
  if (!def) throw unknownPath();
  // exec is a "create" on pods/exec: the read-only user may not run commands.
  authorize(ctx, user, 'create', def, info);
  const pod = ctx.store.get(def, info.namespace, info.name)?.obj;
  if (!pod) throw notFound(def, info.name);
  const request = parseExecQuery(url);
  const container = resolveContainer(pod, request.container || null);
  const accept = isSpdyUpgrade(req.headers) ? acceptSpdyExec : acceptExec;
  accept({ req, socket, head, request: { ...request, container }, env: ctx.containerEnv(pod, container) });
}

function rejectUpgrade(socket: Duplex, err: ApiError): void {
  const body = JSON.stringify(err.status);
  socket.end(
    `HTTP/1.1 ${err.code} ${err.status.reason ?? 'Error'}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
  );
}
