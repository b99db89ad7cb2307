import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { z } from 'zod';
import type { Difference } from './diff.ts';

const entrySchema = z.object({
  path: z.string().min(1),
  reason: z.string().min(10),
}).strict();

export type AllowEntry = z.infer<typeof entrySchema> & { re: RegExp; used: number };

/**
 * Intended differences between the sim and Kubernetes 1.20, one entry each with its reason.
 * `path` is a pattern over "<scenario>/<step>.<json path>": `*` matches within a segment, `**` across.
 */
export function loadAllowlist(file: string): AllowEntry[] {
  const raw = parse(readFileSync(file, 'utf8')) as unknown;
  const entries = z.array(entrySchema).parse(raw);
  return entries.map((e) => ({ ...e, re: globToRegExp(e.path), used: 0 }));
}

function globToRegExp(glob: string): RegExp {
  const escaped = glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*\*/g, '\u0000').replace(/\*/g, '[^.\\/]*').replace(/\u0000/g, '.*');
  return new RegExp(`^${escaped}$`);
}

export function isAllowed(d: Difference, allow: AllowEntry[]): boolean {
  const hit = allow.find((a) => a.re.test(d.path));
  if (hit) hit.used++;
  return hit !== undefined;
}
