import type { z } from 'zod';
import { describeIssue } from './query.ts';

/** A request part that failed validation: a 400 naming the field, never a 500. */
export class BadRequest extends Error {}

/** Validates a request part once, at the edge; the handler gets the typed value. */
export function parse<T extends z.ZodType>(schema: T, value: unknown, where: 'query' | 'params' | 'body'): z.infer<T> {
  const r = schema.safeParse(value ?? {});
  if (!r.success) throw new BadRequest(describeIssue(r.error, where));
  return r.data;
}
