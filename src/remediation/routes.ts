import { z } from 'zod';
import { LinkNameTakenError, type Store } from '../store/index.ts';
import { idParam, parse } from '../http/validate.ts';
import { errorResponse, idPathParam, pathParam, queryParams, type ApiFeature } from '../http/feature.ts';
import { createLink, linkForToken, newLinkSchema } from './links.ts';
import { RejectedAlert } from './processor.ts';
import type { Remediation } from './remediation.ts';
import { actionView, alertView, linkView, playbookView } from './views.ts';

/** Alert bodies above this are refused with 413 before anything is stored. */
export const MAX_ALERT_BODY = 1024 * 1024;

const page = {
  limit: z.coerce.number().int().min(1).max(500).default(50),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
};

export const alertListQuery = z.object({ ...page, source: z.string().min(1).max(32).optional() }).strict();

export const actionListQuery = z
  .object({
    ...page,
    playbook: z.string().min(1).max(63).optional(),
    namespace: z.string().min(1).max(253).optional(),
    state: z.enum(['running', 'succeeded', 'failed', 'skipped', 'interrupted']).optional(),
    alertId: z.coerce.number().int().min(1).optional(),
    failureId: z.coerce.number().int().min(1).optional(),
  })
  .strict();

const tokenParam = z.object({ token: z.string().min(1).max(200) }).strict();
const nameParam = z.object({ name: z.string().min(1).max(63) }).strict();

/**
 * The remediation API: alert ingress at POST /api/v1/alerts/<token> (raw body kept for the inbox;
 * wrong or revoked token 401 with nothing recorded; over 1 MiB 413; not an alert 400 naming the
 * field), alerts with the actions they caused, the audit log, playbooks and alert links.
 */
export function remediationFeature(deps: { store: Store; remediation: Remediation }): ApiFeature {
  return {
    name: 'remediation',
    register: (app) => {
      void app.register(async (scope) => {
        // Any content type, kept as text: the inbox stores exactly what was sent (monitoring systems
        // are not consistent about Content-Type), and it is parsed by the source's own schema.
        scope.removeAllContentTypeParsers();
        scope.addContentTypeParser('*', { parseAs: 'string', bodyLimit: MAX_ALERT_BODY }, (_req, body, done) =>
          done(null, body),
        );
        scope.post('/api/v1/alerts/:token', { bodyLimit: MAX_ALERT_BODY }, async (req, reply) => {
          const { token } = parse(tokenParam, req.params, 'params');
          const link = await linkForToken(deps.store, token);
          if (!link) return reply.code(401).send({ error: 'unknown or revoked alert link' });
          const body = typeof req.body === 'string' ? req.body : '';
          if (body.trim() === '')
            return reply.code(400).send({ error: 'body: empty; expected the alert payload as JSON' });
          // JSON text never holds a raw NUL (not in strings, not between tokens); it means UTF-16 or
          // binary, and PostgreSQL text could not keep it for the inbox either: refused before storing.
          if (body.includes('\u0000'))
            return reply.code(400).send({
              error: 'body: contains a NUL character, which JSON text never does; send the payload as UTF-8 JSON',
              field: null,
            });
          try {
            const r = await deps.remediation.processor.receive(link, body);
            return reply.code(202).send({ inboxId: r.inboxId, accepted: r.accepted, duplicates: r.duplicates });
          } catch (err) {
            if (err instanceof RejectedAlert)
              return reply.code(400).send({ error: err.message, field: err.path || null, inboxId: err.inboxId });
            throw err;
          }
        });
      });

      app.get('/api/v1/alerts', async (req) => {
        const q = parse(alertListQuery, req.query, 'query');
        const page = await deps.store.alerts.list({
          limit: q.limit,
          offset: q.offset,
          ...(q.source ? { source: q.source } : {}),
        });
        return { items: page.items.map(alertView), total: page.total };
      });
      app.get('/api/v1/alerts/:id', async (req, reply) => {
        const { id } = parse(idParam, req.params, 'params');
        const a = await deps.store.alerts.get(id);
        if (!a) return reply.code(404).send({ error: `alert ${id} not found` });
        const actions = await deps.store.actions.list({ alertId: id }, { limit: 500 });
        return { ...alertView(a), raw: a.raw, actions: actions.items.map(actionView) };
      });

      app.get('/api/v1/actions', async (req) => {
        const q = parse(actionListQuery, req.query, 'query');
        const { limit, offset, ...filter } = q;
        const page = await deps.store.actions.list(filter, { limit, offset });
        return { items: page.items.map(actionView), total: page.total };
      });
      app.get('/api/v1/actions/:id', async (req, reply) => {
        const { id } = parse(idParam, req.params, 'params');
        const a = await deps.store.actions.get(id);
        return a ? actionView(a) : reply.code(404).send({ error: `action ${id} not found` });
      });

      app.get('/api/v1/playbooks', async () => {
        const runs = await deps.store.scheduleRuns.list(undefined, 200);
        return {
          items: deps.remediation.playbooks.map((p) => ({
            ...playbookView(p),
            recentRuns: runs
              .filter((r) => r.playbook === p.name)
              .slice(0, 10)
              .map((r) => ({ scheduledAt: new Date(r.scheduledAt).toISOString(), state: r.state })),
          })),
        };
      });

      app.get('/api/v1/links', async () => ({ items: (await deps.store.alertLinks.list()).map(linkView) }));
      app.post('/api/v1/links', async (req, reply) => {
        const input = parse(newLinkSchema, req.body, 'body');
        try {
          const { link, token, path } = await createLink(deps.store, input);
          return reply.code(201).send({ ...linkView(link), token, path });
        } catch (err) {
          if (err instanceof LinkNameTakenError) return reply.code(409).send({ error: err.message });
          throw err;
        }
      });
      app.delete('/api/v1/links/:name', async (req, reply) => {
        const { name } = parse(nameParam, req.params, 'params');
        if (!(await deps.store.alertLinks.revoke(name)))
          return reply.code(404).send({ error: `no active alert link named "${name}"` });
        return reply.code(204).send();
      });
    },
    paths,
  };
}

const paths = {
  '/api/v1/alerts/{token}': {
    post: {
      summary:
        'Alert ingress: a monitoring system posts its payload (guance, alertmanager v4, grafana, generic: the link decides) to its link URL; stored, then parsed and acted on',
      parameters: [pathParam('token')],
      responses: {
        202: { description: '{inboxId, accepted, duplicates}' },
        400: errorResponse,
        401: errorResponse,
        413: errorResponse,
      },
    },
  },
  '/api/v1/alerts': {
    get: {
      summary: 'Alerts received, newest first',
      parameters: queryParams(alertListQuery),
      responses: { 200: { description: '{items, total}' }, 400: errorResponse },
    },
  },
  '/api/v1/alerts/{id}': {
    get: {
      summary: 'One alert with its raw payload and the actions it caused',
      parameters: [idPathParam],
      responses: { 200: { description: 'the alert' }, 404: errorResponse },
    },
  },
  '/api/v1/actions': {
    get: {
      summary: 'The remediation audit log, newest first',
      parameters: queryParams(actionListQuery),
      responses: { 200: { description: '{items, total}' }, 400: errorResponse },
    },
  },
  '/api/v1/actions/{id}': {
    get: {
      summary: 'One audited action: trigger, target, before/after, result',
      parameters: [idPathParam],
      responses: { 200: { description: 'the action' }, 404: errorResponse },
    },
  },
  '/api/v1/playbooks': {
    get: {
      summary: 'Loaded playbooks with their recent scheduled runs',
      responses: { 200: { description: '{items}' } },
    },
  },
  '/api/v1/links': {
    get: { summary: 'Alert links (tokens are never shown again)', responses: { 200: { description: '{items}' } } },
    post: {
      summary: 'Create an alert link; the answer carries the token and path once',
      requestBody: { content: { 'application/json': { schema: z.toJSONSchema(newLinkSchema) } } },
      responses: { 201: { description: 'the link with token and path' }, 400: errorResponse, 409: errorResponse },
    },
  },
  '/api/v1/links/{name}': {
    delete: {
      summary: 'Revoke an alert link (its URL answers 401 afterwards)',
      parameters: [pathParam('name')],
      responses: { 204: { description: 'revoked' }, 404: errorResponse },
    },
  },
};
