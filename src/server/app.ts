import Fastify, { type FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { BadRequest } from '../http/validate.ts';
import type { ApiFeature } from '../http/feature.ts';
import { buildOpenApi } from './openapi.ts';
import { enforceRouteContract } from './route-contract.ts';
import { registerStaticUi } from './static-ui.ts';
import { createMetrics, type MetricsSources } from './metrics.ts';

export interface ServerDeps {
  logger?: Logger;
  /**
   * Undefined when ready, else why not: the monitor has not listed the cluster yet (the UI shows
   * nothing useful before), or its informers cannot reach the API server.
   */
  notReady: () => string | undefined;
  metrics?: MetricsSources;
  /** The capabilities' APIs, mounted under /api/v1 before its catch-all 404 and described in its OpenAPI document. */
  features: ApiFeature[];
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
    return why === undefined
      ? reply.type('text/plain').send('ok')
      : reply.code(503).type('text/plain').send(`not ready: ${why}`);
  });
  app.get('/metrics', async (_req, reply) => reply.type(metrics.contentType).send(await metrics.render()));
  const openApi = buildOpenApi(deps.features);
  enforceRouteContract(app, () => openApi.paths);
  app.get('/api/v1/openapi.json', async () => openApi);
  for (const feature of deps.features) feature.register(app);
  app.get('/api/v1/*', async (req, reply) =>
    reply.code(404).send({ error: `no such endpoint: ${req.method} ${new URL(req.url, 'http://x').pathname}` }),
  );
  if (deps.webDir) registerStaticUi(app, deps.webDir);
  return app;
}
