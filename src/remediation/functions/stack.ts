import { sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { inspect } from 'node:util';

/**
 * An error as the run records it: the message, then only the stack frames in the functions
 * directory. Frames of Kubeloop's worker, tsx and Node say nothing to the function's author.
 */
export function describeError(err: unknown, functionsDir: string): string {
  if (!(err instanceof Error) && !isErrorLike(err)) {
    return typeof err === 'string'
      ? err
      : `a non-Error value was thrown: ${inspect(err, { depth: 2, breakLength: Infinity })}`;
  }
  const name = err.name || 'Error';
  const head = `${name}: ${err.message}`;
  if (typeof err.stack !== 'string') return head;
  const dir = functionsDir.endsWith(sep) ? functionsDir : functionsDir + sep;
  const dirUrl = pathToFileURL(dir).href;
  const frames = err.stack.split('\n').filter((l) => /^\s+at /.test(l) && (l.includes(dir) || l.includes(dirUrl)));
  return [head, ...frames].join('\n');
}

/** Errors rebuilt from another thread may not pass instanceof; their shape is what matters. */
function isErrorLike(v: unknown): v is Error {
  return typeof v === 'object' && v !== null && typeof (v as { message?: unknown }).message === 'string';
}
