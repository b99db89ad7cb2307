import { z } from 'zod';
import { valueAt } from './value-at.ts';
import { parseDuration } from './duration.ts';

/**
 * What every capability's configuration schema is built with: the duration type and the error
 * reporting. It lives in util so that a capability owning its schema never imports config/, which
 * only composes the capabilities' schemas.
 */

/** A Go-style duration ("90s", "5m") as milliseconds; a bad one names the field and the format. */
export const durationMs = z.string().transform((raw, ctx) => {
  const ms = parseDuration(raw.trim());
  if (ms === undefined) {
    ctx.addIssue({ code: 'custom', message: `expected a duration such as 30s, 5m or 1h, got ${JSON.stringify(raw)}` });
    return z.NEVER;
  }
  return ms;
});

/** A configuration problem the CLI reports with exit code 2. */
export class ConfigError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ConfigError';
  }
}

function describeValue(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v);
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  return typeof v === 'object' ? 'object' : String(v);
}

/** "a.b.0.c", or "a.b[0].c" with `brackets` (the style kubeloop.yaml errors use for list items). */
function pathText(prefix: string, path: readonly PropertyKey[], brackets: boolean): string {
  let out = prefix;
  for (const seg of path) {
    if (brackets && typeof seg === 'number') out += `[${seg}]`;
    else out += `${out === '' ? '' : '.'}${String(seg)}`;
  }
  return out;
}

/**
 * `sim.port: expected number, got "abc"`: one line per problem, the path first. `brackets` writes
 * list indexes as `routes[0]` (kept optional: other callers' messages and tests use `nodes.0`).
 */
export function formatZodIssues(
  error: z.ZodError,
  input: unknown,
  prefix = '',
  opts: { brackets?: boolean } = {},
): string {
  return error.issues
    .map((issue) => {
      const path = pathText(prefix, issue.path, opts.brackets ?? false);
      if (issue.code === 'unrecognized_keys') {
        return issue.keys.map((k) => `${path ? `${path}.` : ''}${k}: unknown key`).join('\n');
      }
      if (issue.code === 'invalid_type') {
        const got = valueAt(input, issue.path);
        return `${path || '(root)'}: expected ${issue.expected}, got ${got === undefined ? 'nothing' : describeValue(got)}`;
      }
      return `${path || '(root)'}: ${issue.message}`;
    })
    .join('\n');
}
