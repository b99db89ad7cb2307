import { statSync } from 'node:fs';
import { extname, isAbsolute, relative, resolve } from 'node:path';

/** What a function module may be; tsx compiles the TypeScript ones in the worker. */
export const FUNCTION_EXTENSIONS = ['.ts', '.mts', '.js', '.mjs'] as const;

export type ResolvedFile = { ok: true; path: string; functionsDir: string } | { ok: false; error: string };

/**
 * The spec's `function:` as an absolute path inside the functions directory. The playbook schema
 * checks the name already; this checks again because runFunction is callable with any string, and
 * it is the last point before a file is executed with Kubeloop's credentials.
 */
export function resolveFunctionFile(functionsDir: string, file: string): ResolvedFile {
  if (file.trim() === '') return { ok: false, error: 'no function file named' };
  if (isAbsolute(file) || /^[A-Za-z]:|^[\\/]/.test(file))
    return { ok: false, error: `function file "${file}": must be a path relative to the functions directory` };
  if (file.split(/[\\/]/).includes('..'))
    return { ok: false, error: `function file "${file}": must stay inside the functions directory (no "..")` };
  const ext = extname(file);
  if (!(FUNCTION_EXTENSIONS as readonly string[]).includes(ext)) {
    return { ok: false, error: `function file "${file}": must end in ${FUNCTION_EXTENSIONS.join(', ')}` };
  }
  const dir = resolve(functionsDir);
  const path = resolve(dir, file);
  const rel = relative(dir, path);
  if (rel === '' || rel.startsWith('..') || isAbsolute(rel))
    return { ok: false, error: `function file "${file}": must stay inside the functions directory` };
  let isFile: boolean;
  try {
    isFile = statSync(path).isFile();
  } catch {
    return { ok: false, error: `function file "${file}" not found in ${dir}` };
  }
  if (!isFile) return { ok: false, error: `function file "${file}" in ${dir} is not a file` };
  return { ok: true, path, functionsDir: dir };
}
