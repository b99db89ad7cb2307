import type { FastifyInstance } from 'fastify';
import { z } from 'zod';

/** OpenAPI 3.1 path items, keyed by path. */
export type OpenApiPaths = Record<string, Record<string, unknown>>;

/**
 * A capability's share of the REST API: its routes and their OpenAPI description, side by side in
 * the capability's folder. The server mounts the features it is given and knows none of them.
 */
export interface ApiFeature {
  name: string;
  register(app: FastifyInstance): void;
  paths: OpenApiPaths;
}

/** Query parameters of a zod object schema as OpenAPI parameters. */
export function queryParams(schema: z.ZodObject): Record<string, unknown>[] {
  const json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as {
    properties?: Record<string, unknown>;
    required?: string[];
  };
  return Object.entries(json.properties ?? {}).map(([name, s]) => ({
    name,
    in: 'query',
    required: json.required?.includes(name) ?? false,
    schema: s,
  }));
}

export function pathParam(name: string, schema: Record<string, unknown> = { type: 'string' }): Record<string, unknown> {
  return { name, in: 'path', required: true, schema };
}

export const idPathParam = pathParam('id', { type: 'integer', minimum: 1 });

/** Every error answer: `{ error }`, the message naming the field and the reason where there is one. */
export const errorResponse = {
  description: 'Error: the message names the field and the reason',
  content: { 'application/json': { schema: { type: 'object', properties: { error: { type: 'string' } } } } },
};
