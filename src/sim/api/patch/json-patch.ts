import { ApiError, badRequest } from '../../../kube/apimachinery/errors.ts';
import { isPlainObject } from '../../../util/deep-equal.ts';

/**
 * RFC 6902 JSON Patch. Errors follow kube-apiserver: an undecodable patch is 400, an operation
 * that cannot apply is 422 with the json-patch library's message as the cause.
 */
type Json = unknown;

interface Operation {
  op: string;
  path: string;
  from?: string;
  value?: Json;
}

/**
 * kube-apiserver answers a JSON patch that cannot apply with a generic 422 that does not say why;
 * the reason is kept on the error's cause for logs.
 */
export function cannotApply(message: string): ApiError {
  return new ApiError(
    {
      message: 'the server rejected our request due to an error in our request',
      reason: 'Invalid',
      details: {},
      code: 422,
    },
    { cause: new Error(message) },
  );
}

function decodeOps(patch: unknown): Operation[] {
  if (!Array.isArray(patch)) throw badRequest('json: cannot unmarshal object into Go value of type jsonpatch.Patch');
  return patch.map((op) => {
    if (!isPlainObject(op)) throw badRequest('json: cannot unmarshal into Go value of type jsonpatch.Operation');
    return op as unknown as Operation;
  });
}

function parsePointer(path: string | undefined, name = 'path'): string[] {
  if (path === undefined) throw cannotApply(`missing ${name} in operation`);
  if (path === '') return [];
  if (!path.startsWith('/')) throw cannotApply(`doc is missing path: "${path}": missing value`);
  return path
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

interface Parent {
  container: Record<string, Json> | Json[];
  key: string;
}

function resolveParent(doc: Json, tokens: string[], path: string): Parent {
  let cur: Json = doc;
  for (let i = 0; i < tokens.length - 1; i++) {
    const t = tokens[i] as string;
    if (Array.isArray(cur)) {
      const idx = Number(t);
      if (!/^\d+$/.test(t) || idx >= cur.length) throw cannotApply(`doc is missing path: "${path}": missing value`);
      cur = cur[idx];
    } else if (isPlainObject(cur)) {
      if (!(t in cur)) throw cannotApply(`doc is missing path: "${path}": missing value`);
      cur = cur[t];
    } else {
      throw cannotApply(`doc is missing path: "${path}": missing value`);
    }
  }
  if (!Array.isArray(cur) && !isPlainObject(cur)) throw cannotApply(`doc is missing path: "${path}": missing value`);
  return { container: cur, key: tokens[tokens.length - 1] as string };
}

function getAt(doc: Json, path: string): Json {
  const tokens = parsePointer(path);
  if (tokens.length === 0) return doc;
  const { container, key } = resolveParent(doc, tokens, path);
  if (Array.isArray(container)) {
    const idx = Number(key);
    if (!/^\d+$/.test(key) || idx >= container.length)
      throw cannotApply(`Unable to access invalid index: ${key}: invalid index referenced`);
    return container[idx];
  }
  if (!(key in container)) throw cannotApply(`doc is missing path: "${path}": missing value`);
  return container[key];
}

function addAt(doc: Json, path: string, value: Json): Json {
  const tokens = parsePointer(path);
  if (tokens.length === 0) return value;
  const { container, key } = resolveParent(doc, tokens, path);
  if (Array.isArray(container)) {
    const idx = key === '-' ? container.length : Number(key);
    if (key !== '-' && (!/^\d+$/.test(key) || idx > container.length))
      throw cannotApply(`Unable to access invalid index: ${key}: invalid index referenced`);
    container.splice(idx, 0, value);
  } else {
    container[key] = value;
  }
  return doc;
}

function removeAt(doc: Json, path: string): Json {
  const tokens = parsePointer(path);
  const { container, key } = resolveParent(doc, tokens, path);
  if (Array.isArray(container)) {
    const idx = Number(key);
    if (!/^\d+$/.test(key) || idx >= container.length)
      throw cannotApply(`Unable to remove invalid index: ${key}: invalid index referenced`);
    container.splice(idx, 1);
  } else {
    if (!(key in container)) throw cannotApply(`Unable to remove nonexistent key: ${key}: missing value`);
    delete container[key];
  }
  return doc;
}

function replaceAt(doc: Json, path: string, value: Json): Json {
  const tokens = parsePointer(path);
  if (tokens.length === 0) return value;
  const { container, key } = resolveParent(doc, tokens, path);
  if (Array.isArray(container)) {
    const idx = Number(key);
    if (!/^\d+$/.test(key) || idx >= container.length)
      throw cannotApply(`Unable to access invalid index: ${key}: invalid index referenced`);
    container[idx] = value;
  } else {
    if (!(key in container))
      throw cannotApply(`replace operation does not apply: doc is missing key: ${path}: missing value`);
    container[key] = value;
  }
  return doc;
}

export function applyJsonPatch(original: Json, patch: unknown): Json {
  let doc = structuredClone(original);
  for (const op of decodeOps(patch)) {
    switch (op.op) {
      case 'add':
        doc = addAt(doc, op.path, structuredClone(op.value ?? null));
        break;
      case 'remove':
        doc = removeAt(doc, op.path);
        break;
      case 'replace':
        doc = replaceAt(doc, op.path, structuredClone(op.value ?? null));
        break;
      case 'move': {
        const v = getAt(doc, op.from ?? '');
        doc = removeAt(doc, op.from ?? '');
        doc = addAt(doc, op.path, v);
        break;
      }
      case 'copy':
        doc = addAt(doc, op.path, structuredClone(getAt(doc, op.from ?? '')));
        break;
      case 'test': {
        const actual = getAt(doc, op.path);
        if (JSON.stringify(actual) !== JSON.stringify(op.value))
          throw cannotApply(`testing value ${op.path} failed: test failed`);
        break;
      }
      default:
        throw cannotApply(`Unexpected kind: ${op.op}`);
    }
  }
  return doc;
}
