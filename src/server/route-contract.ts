import type { FastifyInstance } from 'fastify';
import type { OpenApiPaths } from '../http/feature.ts';

/**
 * Holds the API to its OpenAPI document: every route registered under /api/v1 must be documented
 * and every documented operation served, or the app refuses to start (`ready()` rejects). Call
 * before the features register their routes.
 */
export function enforceRouteContract(app: FastifyInstance, document: () => OpenApiPaths): void {
  const served = new Set<string>();
  app.addHook('onRoute', (route) => {
    if (!route.url.startsWith('/api/v1/') || route.url.endsWith('*') || route.url === '/api/v1/openapi.json') return;
    for (const method of [route.method].flat())
      if (method !== 'HEAD') served.add(`${method} ${route.url.replace(/:(\w+)/g, '{$1}')}`);
  });
  app.addHook('onReady', async () => {
    const documented = new Set(
      Object.entries(document()).flatMap(([path, item]) => Object.keys(item).map((m) => `${m.toUpperCase()} ${path}`)),
    );
    const undocumented = [...served].filter((r) => !documented.has(r));
    const unserved = [...documented].filter((r) => !served.has(r));
    if (undocumented.length > 0 || unserved.length > 0) {
      throw new Error(
        `the API and its OpenAPI document disagree: served but not documented [${undocumented.join(', ')}]; documented but not served [${unserved.join(', ')}]`,
      );
    }
  });
}
