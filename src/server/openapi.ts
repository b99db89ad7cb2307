import { z } from 'zod';
import { failureListQuery, findingListQuery } from './query.ts';
import { actionListQuery, alertListQuery } from '../remediation/routes.ts';
import { newLinkSchema } from '../remediation/links.ts';

/** Query parameters of a zod object schema as OpenAPI parameters. */
function queryParams(schema: z.ZodObject): Record<string, unknown>[] {
  const json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as { properties?: Record<string, unknown>; required?: string[] };
  return Object.entries(json.properties ?? {}).map(([name, s]) => ({ name, in: 'query', required: json.required?.includes(name) ?? false, schema: s }));
}

const error = { description: 'Bad request: the message names the field and the reason', content: { 'application/json': { schema: { type: 'object', properties: { error: { type: 'string' } } } } } };

const idParam = { name: 'id', in: 'path', required: true, schema: { type: 'integer', minimum: 1 } };

/** The REST API's OpenAPI 3.1 document, generated from the same zod schemas that validate requests. */
export function buildOpenApi(): Record<string, unknown> {
  return {
    openapi: '3.1.0',
    info: { title: 'Kubeloop API', version: 'v1', description: 'Failures captured by the exception monitor, findings, notification channels, alert-driven remediation.' },
    paths: {
      '/api/v1/failures': { get: { summary: 'Failures, newest first (keyset pages via nextCursor, or offset)', parameters: queryParams(failureListQuery), responses: { 200: { description: '{items, total, nextCursor}' }, 400: error } } },
      '/api/v1/failures/{id}': { get: { summary: 'One failure with everything captured (logs, owner chain, events, deliveries)', parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'integer', minimum: 1 } }], responses: { 200: { description: 'the failure' }, 400: error, 404: error } } },
      '/api/v1/findings': { get: { summary: 'Warning events recorded as findings', parameters: queryParams(findingListQuery), responses: { 200: { description: '{items}' }, 400: error } } },
      '/api/v1/overview': { get: { summary: 'Open failures by workload and the last 24 h timeline', responses: { 200: { description: '{open, timeline}' } } } },
      '/api/v1/channels': { get: { summary: 'Configured notification channels (no secrets)', responses: { 200: { description: '{items}' } } } },
      '/api/v1/alerts/{token}': { post: { summary: 'Alert ingress: a monitoring system posts its payload (guance, alertmanager v4, grafana, generic: the link decides) to its link URL; stored, then parsed and acted on', parameters: [{ name: 'token', in: 'path', required: true, schema: { type: 'string' } }], responses: { 202: { description: '{inboxId, accepted, duplicates}' }, 400: error, 401: error, 413: error } } },
      '/api/v1/alerts': { get: { summary: 'Alerts received, newest first', parameters: queryParams(alertListQuery), responses: { 200: { description: '{items, total}' }, 400: error } } },
      '/api/v1/alerts/{id}': { get: { summary: 'One alert with its raw payload and the actions it caused', parameters: [idParam], responses: { 200: { description: 'the alert' }, 404: error } } },
      '/api/v1/actions': { get: { summary: 'The remediation audit log, newest first', parameters: queryParams(actionListQuery), responses: { 200: { description: '{items, total}' }, 400: error } } },
      '/api/v1/actions/{id}': { get: { summary: 'One audited action: trigger, target, before/after, result', parameters: [idParam], responses: { 200: { description: 'the action' }, 404: error } } },
      '/api/v1/playbooks': { get: { summary: 'Loaded playbooks with their recent scheduled runs', responses: { 200: { description: '{items}' } } } },
      '/api/v1/links': {
        get: { summary: 'Alert links (tokens are never shown again)', responses: { 200: { description: '{items}' } } },
        post: { summary: 'Create an alert link; the answer carries the token and path once', requestBody: { content: { 'application/json': { schema: z.toJSONSchema(newLinkSchema) } } }, responses: { 201: { description: 'the link with token and path' }, 400: error, 409: error } },
      },
      '/api/v1/links/{name}': { delete: { summary: 'Revoke an alert link (its URL answers 401 afterwards)', parameters: [{ name: 'name', in: 'path', required: true, schema: { type: 'string' } }], responses: { 204: { description: 'revoked' }, 404: error } } },
      '/api/v1/channels/{name}/test': { post: { summary: 'Queue a test message to a channel', parameters: [{ name: 'name', in: 'path', required: true, schema: { type: 'string' } }], responses: { 202: { description: '{deliveryId}' }, 404: error } } },
    },
  };
}
