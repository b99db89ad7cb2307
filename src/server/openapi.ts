import { z } from 'zod';
import { failureListQuery, findingListQuery } from './query.ts';

/** Query parameters of a zod object schema as OpenAPI parameters. */
function queryParams(schema: z.ZodObject): Record<string, unknown>[] {
  const json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as { properties?: Record<string, unknown>; required?: string[] };
  return Object.entries(json.properties ?? {}).map(([name, s]) => ({ name, in: 'query', required: json.required?.includes(name) ?? false, schema: s }));
}

const error = { description: 'Bad request: the message names the field and the reason', content: { 'application/json': { schema: { type: 'object', properties: { error: { type: 'string' } } } } } };

/** The REST API's OpenAPI 3.1 document, generated from the same zod schemas that validate requests. */
export function buildOpenApi(): Record<string, unknown> {
  return {
    openapi: '3.1.0',
    info: { title: 'Kubeloop API', version: 'v1', description: 'Failures captured by the exception monitor, findings, notification channels.' },
    paths: {
      '/api/v1/failures': { get: { summary: 'Failures, newest first (keyset pages via nextCursor, or offset)', parameters: queryParams(failureListQuery), responses: { 200: { description: '{items, total, nextCursor}' }, 400: error } } },
      '/api/v1/failures/{id}': { get: { summary: 'One failure with everything captured (logs, owner chain, events, deliveries)', parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'integer', minimum: 1 } }], responses: { 200: { description: 'the failure' }, 400: error, 404: error } } },
      '/api/v1/findings': { get: { summary: 'Warning events recorded as findings', parameters: queryParams(findingListQuery), responses: { 200: { description: '{items}' }, 400: error } } },
      '/api/v1/overview': { get: { summary: 'Open failures by workload and the last 24 h timeline', responses: { 200: { description: '{open, timeline}' } } } },
      '/api/v1/channels': { get: { summary: 'Configured notification channels (no secrets)', responses: { 200: { description: '{items}' } } } },
      '/api/v1/channels/{name}/test': { post: { summary: 'Queue a test message to a channel', parameters: [{ name: 'name', in: 'path', required: true, schema: { type: 'string' } }], responses: { 202: { description: '{deliveryId}' }, 404: error } } },
    },
  };
}
