import type { z } from 'zod';
import { valueAt } from '../util/value-at.ts';

/**
 * Config error reporting, apart from load.ts so that modules the config schema imports (the channel
 * configs) can use it without an import cycle (load.ts -> schema.ts -> alerting.ts -> channels).
 */

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
export function formatZodIssues(error: z.ZodError, input: unknown, prefix = '', opts: { brackets?: boolean } = {}): string {
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
