import type { FastifyReply } from 'fastify';
import type { Store } from '../store/index.ts';
import { BadRequest, idParam, iso, parse } from '../http/validate.ts';
import { errorResponse, idPathParam, queryParams, type ApiFeature } from '../http/feature.ts';
import { failureListQuery, findingListQuery } from './api-queries.ts';
import { failureSummaryView, failureView, findingView } from './views.ts';

/** The exception monitor's API: failures with what was captured, Warning-event findings, the overview. */
export function monitorFeature(deps: { store: Store; cluster: string; now?: () => number }): ApiFeature {
  const { store, cluster } = deps;
  const now = deps.now ?? Date.now;
  return {
    name: 'monitor',
    register(app) {
      app.get('/api/v1/failures', async (req) => {
        const q = parse(failureListQuery, req.query, 'query');
        const page = await store.failures
          .list(
            { cluster, namespace: q.namespace, workload: q.workload, reason: q.reason, state: q.state, since: q.since },
            { limit: q.limit, cursor: q.cursor, offset: q.offset },
          )
          .catch((err: unknown) => {
            if (err instanceof RangeError) throw new BadRequest(`query.cursor: ${err.message}`);
            throw err;
          });
        return { items: page.items.map(failureSummaryView), total: page.total, nextCursor: page.nextCursor ?? null };
      });

      app.get('/api/v1/failures/:id', async (req, reply: FastifyReply) => {
        const { id } = parse(idParam, req.params, 'params');
        const f = await store.failures.get(id);
        if (!f || f.cluster !== cluster) return reply.code(404).send({ error: `failure ${id} not found` });
        return failureView(f, await store.outbox.listForFailure(id));
      });

      app.get('/api/v1/findings', async (req) => {
        const q = parse(findingListQuery, req.query, 'query');
        const items = await store.findings.list(
          { cluster, namespace: q.namespace, workload: q.workload, reason: q.reason, since: q.since },
          q.limit,
        );
        return { items: items.map(findingView) };
      });

      app.get('/api/v1/overview', async () => {
        const until = now();
        const since = until - 24 * 3_600_000;
        const [open, timeline] = await Promise.all([
          store.failureStats.openByWorkload(cluster),
          store.failureStats.timeline({ cluster, since, until, bucketMs: 3_600_000 }),
        ]);
        return {
          cluster,
          open: open.map((w) => ({
            namespace: w.namespace,
            workload: { kind: w.workloadKind, name: w.workloadName },
            open: w.open,
            reasons: w.reasons,
            lastDetectedAt: iso(w.lastDetectedAt),
          })),
          timeline: timeline.map((b) => ({ at: iso(b.at), count: b.count })),
        };
      });
    },
    paths: {
      '/api/v1/failures': {
        get: {
          summary: 'Failures, newest first (keyset pages via nextCursor, or offset)',
          parameters: queryParams(failureListQuery),
          responses: { 200: { description: '{items, total, nextCursor}' }, 400: errorResponse },
        },
      },
      '/api/v1/failures/{id}': {
        get: {
          summary: 'One failure with everything captured (logs, owner chain, events, deliveries)',
          parameters: [idPathParam],
          responses: { 200: { description: 'the failure' }, 400: errorResponse, 404: errorResponse },
        },
      },
      '/api/v1/findings': {
        get: {
          summary: 'Warning events recorded as findings',
          parameters: queryParams(findingListQuery),
          responses: { 200: { description: '{items}' }, 400: errorResponse },
        },
      },
      '/api/v1/overview': {
        get: {
          summary: 'Open failures by workload and the last 24 h timeline',
          responses: { 200: { description: '{open, timeline}' } },
        },
      },
    },
  };
}
