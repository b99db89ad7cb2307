import type { JsonValue } from '../../store/index.ts';

/** The return value cannot be stored as JSON; `path` names the offending part (`$.items[2].at`). */
export class NotJsonError extends Error {
  constructor(
    readonly path: string,
    reason: string,
  ) {
    super(`the return value is not JSON-serializable: ${path} ${reason}`);
    this.name = 'NotJsonError';
  }
}

const MAX_DEPTH = 200;

/** Built-ins JSON.stringify would silently turn into {} (or drop): rejected rather than recorded wrong. */
function lossyKind(v: object): string | undefined {
  if (v instanceof Map) return 'a Map (convert it with Object.fromEntries)';
  if (v instanceof Set) return 'a Set (convert it with [...set])';
  if (v instanceof WeakMap || v instanceof WeakSet) return 'a WeakMap/WeakSet';
  if (v instanceof Promise) return 'a Promise (did you forget an await?)';
  if (v instanceof RegExp) return 'a RegExp';
  if (v instanceof Error) return `an Error (${v.message}); return its message, or throw it to fail the run`;
  if (ArrayBuffer.isView(v) || v instanceof ArrayBuffer) return 'binary data (convert it to a string or an array)';
  return undefined;
}

/**
 * The value as JSON.stringify would write it (toJSON honoured, undefined properties omitted,
 * undefined array items as null), except that what JSON would silently lose is an error instead:
 * functions, symbols, bigints, NaN/Infinity, cycles, Maps, Sets and the like.
 */
export function toJsonValue(value: unknown, path = '$', depth = 0, ancestors: object[] = []): JsonValue {
  if (depth > MAX_DEPTH) throw new NotJsonError(path, `is nested more than ${MAX_DEPTH} levels deep`);
  if (value !== null && typeof value === 'object' && typeof (value as { toJSON?: unknown }).toJSON === 'function') {
    value = (value as { toJSON(key: string): unknown }).toJSON('');
  }
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      if (!Number.isFinite(value)) throw new NotJsonError(path, `is ${value} (JSON has no such number)`);
      return value;
    case 'bigint':
      throw new NotJsonError(path, 'is a bigint (convert it with String() or Number())');
    case 'function':
      throw new NotJsonError(path, 'is a function');
    case 'symbol':
      throw new NotJsonError(path, 'is a symbol');
    case 'undefined':
      throw new NotJsonError(path, 'is undefined');
  }
  if (value === null) return null;
  const obj = value as object;
  if (ancestors.includes(obj)) throw new NotJsonError(path, 'refers back to itself (a cycle)');
  const lossy = lossyKind(obj);
  if (lossy) throw new NotJsonError(path, `is ${lossy}`);
  const inner = [...ancestors, obj];
  if (Array.isArray(obj)) {
    return obj.map((item: unknown, i) =>
      item === undefined ? null : toJsonValue(item, `${path}[${i}]`, depth + 1, inner),
    );
  }
  const out: Record<string, JsonValue> = {};
  for (const [key, item] of Object.entries(obj)) {
    if (item === undefined) continue;
    out[key] = toJsonValue(
      item,
      /^[A-Za-z_$][\w$]*$/.test(key) ? `${path}.${key}` : `${path}[${JSON.stringify(key)}]`,
      depth + 1,
      inner,
    );
  }
  return out;
}
