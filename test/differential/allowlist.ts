import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { z } from 'zod';
import type { Difference } from './diff.ts';

const entrySchema = z
  .object({
    path: z.string().min(1),
    reason: z.string().min(10),
    /** A regular expression the real side's value (as JSON; a missing value reads "undefined") must match in full for the entry to apply. */
    real: z.string().min(1).optional(),
    /** The same for the sim's value. */
    sim: z.string().min(1).optional(),
    /** Both are strings and the sim's is where the real one starts (1.20 appends what the sim leaves out). */
    simPrefixOfReal: z.literal(true).optional(),
  })
  .strict();

/** `matched`: the differences this entry explained in this run (an entry that explains none fails the suite). */
export type AllowEntry = z.infer<typeof entrySchema> & {
  re: RegExp;
  realRe?: RegExp;
  simRe?: RegExp;
  used: number;
  matched: Difference[];
};

/**
 * Intended differences between the sim and Kubernetes 1.20, one entry each with its reason.
 * `path` is a pattern over "<scenario>/<step>.<json path>": `*` matches within a segment, `**` across.
 * `real`, `sim` and `simPrefixOfReal` narrow an entry to the values it is meant for.
 */
export function loadAllowlist(file: string): AllowEntry[] {
  const raw = parse(readFileSync(file, 'utf8')) as unknown;
  const entries = z.array(entrySchema).parse(raw);
  return entries.map((e) => ({
    ...e,
    re: globToRegExp(e.path),
    ...(e.real ? { realRe: new RegExp(`^(?:${e.real})$`) } : {}),
    ...(e.sim ? { simRe: new RegExp(`^(?:${e.sim})$`) } : {}),
    used: 0,
    matched: [],
  }));
}

function globToRegExp(glob: string): RegExp {
  const segment = (s: string): string => s.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^.\\/]*');
  return new RegExp(`^${glob.split('**').map(segment).join('.*')}$`);
}

function json(v: unknown): string {
  return JSON.stringify(v) ?? 'undefined';
}

function applies(a: AllowEntry, d: Difference): boolean {
  if (!a.re.test(d.path)) return false;
  if (a.realRe && !a.realRe.test(json(d.real))) return false;
  if (a.simRe && !a.simRe.test(json(d.sim))) return false;
  if (
    a.simPrefixOfReal &&
    !(typeof d.real === 'string' && typeof d.sim === 'string' && d.sim !== '' && d.real.startsWith(d.sim))
  )
    return false;
  return true;
}

export function isAllowed(d: Difference, allow: AllowEntry[]): boolean {
  const hit = allow.find((a) => applies(a, d));
  if (hit) {
    hit.used++;
    hit.matched.push(d);
  }
  return hit !== undefined;
}

/** Entries that explained nothing: stale (the difference is gone) or mistyped; the suite fails on them. */
export function unusedEntries(allow: AllowEntry[]): AllowEntry[] {
  return allow.filter((a) => a.used === 0);
}
