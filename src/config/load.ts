import { readFile } from 'node:fs/promises';
import { parse, YAMLParseError } from 'yaml';
import type { z } from 'zod';
import { configSchema, type KubeloopConfig } from './schema.ts';

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

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let cur = input;
  for (const k of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<PropertyKey, unknown>)[k];
  }
  return cur;
}

/** `sim.port: expected number, got "abc"`: one line per problem, the path first. */
export function formatZodIssues(error: z.ZodError, input: unknown, prefix = ''): string {
  return error.issues
    .map((issue) => {
      const path = [prefix, ...issue.path.map(String)].filter((p) => p !== '').join('.');
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

export function parseConfig(raw: unknown, source = 'config'): KubeloopConfig {
  const result = configSchema.safeParse(raw ?? {});
  if (!result.success) throw new ConfigError(`${source}: invalid configuration:\n${formatZodIssues(result.error, raw)}`);
  return result.data;
}

/** Reads kubeloop.yaml; a missing optional file yields the defaults. */
export async function loadConfig(path: string | undefined, opts: { required: boolean }): Promise<KubeloopConfig> {
  const file = path ?? 'kubeloop.yaml';
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT' && !opts.required) return parseConfig({});
    throw new ConfigError(`${file}: cannot read the configuration file: ${(err as Error).message}`, { cause: err });
  }
  let raw: unknown;
  try {
    raw = parse(text);
  } catch (err) {
    const where = err instanceof YAMLParseError && err.linePos ? ` (line ${err.linePos[0].line})` : '';
    throw new ConfigError(`${file}: not valid YAML${where}: ${(err as Error).message}`, { cause: err });
  }
  return parseConfig(raw, file);
}
