import type { z } from 'zod';
import { AlertParseError } from '../alert.ts';
import { valueAt } from '../../util/value-at.ts';

/**
 * Turns zod failures into the AlertParseError the ingress reports back to the sender: one field path
 * (`alerts[0].labels.severity`) and one reason. Only the first issue is reported: a webhook sender
 * fixes one thing at a time, and a short 4xx body is easier to read in its delivery log.
 */

// Plain names are dotted; anything else (label names like app.kubernetes.io/name) is quoted so the
// path stays unambiguous.
const PLAIN_KEY = /^[\p{L}_$][\p{L}\p{N}_$-]*$/u;

/** `alerts[0].labels.severity`, `labels["app.kubernetes.io/name"]`; the body itself is ''. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else if (typeof seg === 'string' && PLAIN_KEY.test(seg)) out += out === '' ? seg : `.${seg}`;
    else out += `[${JSON.stringify(String(seg))}]`;
  }
  return out;
}

/** A value as a reason quotes it: `"abc"`, `42`, `null`, `an array`, `an object`, `nothing`. */
export function describeValue(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'string') return JSON.stringify(v.length > 80 ? `${v.slice(0, 80)}…` : v);
  return typeof v === 'object' ? 'an object' : String(v);
}

function reasonOf(issue: z.core.$ZodIssue, input: unknown): string {
  if (issue.code === 'invalid_type') {
    // zod's own text ("Invalid input: expected string, received undefined") reads poorly for a
    // missing field, the commonest mistake in a hand-written webhook body.
    const got = valueAt(input, issue.path);
    return got === undefined
      ? `is required (expected ${issue.expected})`
      : `expected ${issue.expected}, got ${describeValue(got)}`;
  }
  return issue.message;
}

/**
 * Validates `value` (found at `at` inside the request body) against `schema`; the first issue is
 * thrown as an AlertParseError whose path is relative to the body.
 */
export function parseAt<S extends z.ZodType>(schema: S, value: unknown, at: readonly PropertyKey[] = []): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  if (!issue) throw new AlertParseError(formatPath(at), 'invalid');
  throw new AlertParseError(formatPath([...at, ...issue.path]), reasonOf(issue, value));
}

/** The whole request body: a JSON object (said so plainly when it is not), then the schema. */
export function parseBody<S extends z.ZodType>(schema: S, body: unknown): z.output<S> {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw new AlertParseError('', `expected a JSON object as the request body, got ${describeValue(body)}`);
  }
  return parseAt(schema, body);
}
