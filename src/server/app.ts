import Fastify, { type FastifyInstance, type FastifyReply } from 'fastify';
import type { Logger } from 'pino';
import type { Store } from '../store/index.ts';
import { failureListQuery, findingListQuery, idParam } from './query.ts';
import { BadRequest, parse } from './validate.ts';
import { failureSummaryView, failureView, findingView, iso } from './views.ts';
import { buildOpenApi } from './openapi.ts';
import { registerStaticUi } from './static-ui.ts';
import { createMetrics, type MetricsSources } from './metrics.ts';

export interface ChannelInfo {
  name: string;
  type: string;
}

export interface RoutingInfo {
  routes: { match: Record<string, unknown>; channels: string[]; continue: boolean }[];
  groupingWindowSeconds: number;
  rateLimit: { messages: number; perSeconds: number };
}

export interface ServerDeps {
  store: Store;
  cluster: string;
  logger?: Logger;
  /**
   * Undefined when ready, else why not: the monitor has not listed the cluster yet (the UI shows
   * nothing useful before), or its informers cannot reach the API server.
   */
  notReady: () => string | undefined;
  metrics?: MetricsSources;
  channels?: () => ChannelInfo[];
  /** Routing as configured (routes, grouping window, rate limits), shown read-only in the UI. */
  routing?: () => RoutingInfo;
  sendTest?: (channel: string) => Promise<{ deliveryId: number }>;
  /** More routes (a capability's API), registered before the catch-all 404 of /api/v1. */
  routes?: ((app: FastifyInstance) => void)[];
  webDir?: string;
}


/**
 * The platform's HTTP app: the REST API under /api/v1 (documented at /api/v1/openapi.json),
 * /healthz and /readyz, Prometheus /metrics, and the web UI's files.
 */
export function buildServer(deps: ServerDeps): FastifyInstance {
  const app = Fastify({ logger: false, bodyLimit: 1024 * 1024 }) as unknown as FastifyInstance;
  const metrics = createMetrics(deps.metrics);

  app.setErrorHandler((err: unknown, req, reply) => {
    if (err instanceof BadRequest) return reply.code(400).send({ error: err.message });
    const e = err as { statusCode?: number; message?: string; code?: string };
    if (typeof e.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500) {
      return reply.code(e.statusCode).send({ error: e.message ?? 'bad request' });
    }
    deps.logger?.error({ err, url: req.url }, 'server: request failed');
    return reply.code(500).send({ error: 'internal error' });
  });

  app.get('/healthz', async (_req, reply) => reply.type('text/plain').send('ok'));
  app.get('/readyz', async (_req, reply) => {
    const why = deps.notReady();
    return why === undefined ? reply.type('text/plain').send('ok') : reply.code(503).type('text/plain').send(`not ready: ${why}`);
  });
  app.get('/metrics', async (_req, reply) => reply.type(metrics.contentType).send(await metrics.render()));
  app.get('/api/v1/openapi.json', async () => buildOpenApi());

  app.get('/api/v1/failures', async (req) => {
    const q = parse(failureListQuery, req.query, 'query');
    const page = await deps.store.failures.list(
      { cluster: deps.cluster, namespace: q.namespace, workload: q.workload, reason: q.reason, state: q.state, since: q.since },
      { limit: q.limit, cursor: q.cursor, offset: q.offset },
    ).catch((err: unknown) => {
      if (err instanceof RangeError) throw new BadRequest(`query.cursor: ${err.message}`);
      throw err;
    });
    return { items: page.items.map(failureSummaryView), total: page.total, nextCursor: page.nextCursor ?? null };
  });

  app.get('/api/v1/failures/:id', async (req, reply: FastifyReply) => {
    const { id } = parse(idParam, req.params, 'params');
    const f = await deps.store.failures.get(id);
    if (!f || f.cluster !== deps.cluster) return reply.code(404).send({ error: `failure ${id} not found` });
    return failureView(f, await deps.store.outbox.listForFailure(id));
  });

  app.get('/api/v1/findings', async (req) => {
    const q = parse(findingListQuery, req.query, 'query');
    const items = await deps.store.findings.list({ cluster: deps.cluster, namespace: q.namespace, workload: q.workload, reason: q.reason, since: q.since }, q.limit);
    return { items: items.map(findingView) };
  });

  app.get('/api/v1/overview', async () => {
    const until = Date.now();
    const since = until - 24 * 3_600_000;
    const [open, timeline] = await Promise.all([
      deps.store.failureStats.openByWorkload(deps.cluster),
      deps.store.failureStats.timeline({ cluster: deps.cluster, since, until, bucketMs: 3_600_000 }),
    ]);
    return {
      cluster: deps.cluster,
      open: open.map((w) => ({ namespace: w.namespace, workload: { kind: w.workloadKind, name: w.workloadName }, open: w.open, reasons: w.reasons, lastDetectedAt: iso(w.lastDetectedAt) })),
      timeline: timeline.map((b) => ({ at: iso(b.at), count: b.count })),
    };
  });

  app.get('/api/v1/channels', async () => ({ items: deps.channels?.() ?? [], routing: deps.routing?.() ?? null }));
  app.post('/api/v1/channels/:name/test', async (req, reply) => {
    const { name } = req.params as { name: string };
    if (!deps.sendTest || !(deps.channels?.() ?? []).some((c) => c.name === name)) return reply.code(404).send({ error: `channel "${name}" is not configured` });
    return reply.code(202).send(await deps.sendTest(name));
  });

  for (const register of deps.routes ?? []) register(app);
  app.get('/api/v1/*', async (req, reply) => reply.code(404).send({ error: `no such endpoint: ${req.method} ${new URL(req.url, 'http://x').pathname}` }));
  if (deps.webDir) registerStaticUi(app, deps.webDir);
  return app;
}
