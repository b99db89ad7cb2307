import { z } from 'zod';
import { parseDuration } from '../util/duration.ts';

/** `since` as an ISO time or a look-back duration ("24h", "15m"), to epoch ms. */
const since = z.string().transform((raw, ctx) => {
  const back = parseDuration(raw);
  if (back !== undefined) return Date.now() - back;
  const t = Date.parse(raw);
  if (Number.isNaN(t)) {
    ctx.addIssue({
      code: 'custom',
      message: 'expected an RFC 3339 time (2026-11-30T10:00:00Z) or a duration (24h, 15m)',
    });
    return z.NEVER;
  }
  return t;
});

const name = z.string().min(1).max(253);

export const failureListQuery = z
  .object({
    namespace: name.optional(),
    workload: name.optional(),
    reason: z.string().min(1).max(128).optional(),
    state: z.enum(['open', 'resolved']).optional(),
    since: since.optional(),
    limit: z.coerce.number().int().min(1).max(500).default(50),
    cursor: z
      .string()
      .regex(/^[A-Za-z0-9_-]+$/, 'expected the nextCursor of a previous page')
      .max(200)
      .optional(),
    offset: z.coerce.number().int().min(0).max(1_000_000).optional(),
  })
  .strict();

export const findingListQuery = z
  .object({
    namespace: name.optional(),
    workload: name.optional(),
    reason: z.string().min(1).max(128).optional(),
    since: since.optional(),
    limit: z.coerce.number().int().min(1).max(500).default(100),
  })
  .strict();
