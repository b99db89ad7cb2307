import { z } from 'zod';

/** A request part that failed validation: a 400 naming the field, never a 500. */
export class BadRequest extends Error {}

/** A zod error as the API reports it: the first issue's field path and reason. */
export function describeIssue(err: z.ZodError, where: 'query' | 'params' | 'body'): string {
  const issue = err.issues[0];
  if (!issue) return `${where}: invalid`;
  const path = issue.path.length > 0 ? `${where}.${issue.path.join('.')}` : where;
  if (issue.code === 'unrecognized_keys')
    return `${where}: unknown parameter ${issue.keys.map((k) => JSON.stringify(k)).join(', ')}`;
  return `${path}: ${issue.message}`;
}

/** Validates a request part once, at the edge; the handler gets the typed value. */
export function parse<T extends z.ZodType>(schema: T, value: unknown, where: 'query' | 'params' | 'body'): z.infer<T> {
  const r = schema.safeParse(value ?? {});
  if (!r.success) throw new BadRequest(describeIssue(r.error, where));
  return r.data;
}

export const idParam = z.object({ id: z.coerce.number().int().min(1) }).strict();

/** Epoch ms -> RFC 3339 at the API edge (the store keeps numbers). */
export function iso(ms: number | null | undefined): string | null {
  return ms === null || ms === undefined ? null : new Date(ms).toISOString();
}
