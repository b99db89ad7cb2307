import { badRequest } from '../../../kube/apimachinery/errors.ts';
import { isPlainObject } from '../../../util/deep-equal.ts';
import type { FieldMeta, TypeMeta } from './patch-meta.ts';

type Obj = Record<string, unknown>;

const EMPTY: TypeMeta = { fields: {} };
const SET_ORDER = '$setElementOrder/';
const DELETE_PRIMITIVE = '$deleteFromPrimitiveList/';

/**
 * Strategic merge patch (k8s.io/apimachinery/pkg/util/strategicpatch): lists with a merge key
 * merge element by element, directives ($patch, $retainKeys, $setElementOrder,
 * $deleteFromPrimitiveList) steer the merge, everything else behaves like a JSON merge patch.
 */
export function applyStrategicMerge(original: Obj, patch: unknown, meta: TypeMeta): Obj {
  if (!isPlainObject(patch))
    throw badRequest('unable to find api field in struct for the patch: the patch must be a JSON object');
  const merged = mergeMap(original, patch, meta);
  if (merged === undefined) throw badRequest('unable to apply a $patch: delete to the whole object');
  return merged;
}

function mergeMap(original: Obj, patch: Obj, meta: TypeMeta): Obj | undefined {
  const directive = patch['$patch'];
  if (directive !== undefined) {
    if (directive === 'replace') return stripDirectives(withoutKey(patch, '$patch'), meta) as Obj;
    if (directive === 'delete') return undefined;
    if (directive !== 'merge') throw badRequest(`Unknown patch type: ${String(directive)}`);
  }
  const out: Obj = { ...original };
  const retainKeys = patch['$retainKeys'];
  for (const [key, pv] of Object.entries(patch)) {
    if (key === '$patch' || key === '$retainKeys' || key.startsWith(SET_ORDER)) continue;
    if (key.startsWith(DELETE_PRIMITIVE)) {
      const field = key.slice(DELETE_PRIMITIVE.length);
      if (!Array.isArray(pv)) throw badRequest(`invalid patch: ${key} must be a list`);
      const cur = out[field];
      if (Array.isArray(cur)) out[field] = cur.filter((v) => !pv.some((d) => d === v));
      continue;
    }
    const fm = meta.fields[key] ?? {};
    if (pv === null) {
      delete out[key];
      continue;
    }
    const ov = out[key];
    if (isPlainObject(pv) && isPlainObject(ov)) {
      const m = mergeMap(ov, pv, fm.type ?? EMPTY);
      if (m === undefined) delete out[key];
      else out[key] = m;
    } else if (
      Array.isArray(pv) &&
      Array.isArray(ov) &&
      fm.strategy?.includes('merge') &&
      fm.strategy !== 'retainKeys'
    ) {
      out[key] = mergeList(ov, pv, fm);
    } else if (isPlainObject(pv)) {
      const m = mergeMap({}, pv, fm.type ?? EMPTY);
      if (m === undefined) delete out[key];
      else out[key] = m;
    } else if (Array.isArray(pv)) {
      out[key] =
        fm.strategy?.includes('merge') && fm.strategy !== 'retainKeys'
          ? mergeList([], pv, fm)
          : stripDirectives(pv, fm.type ?? EMPTY);
    } else {
      out[key] = pv;
    }
  }
  for (const key of Object.keys(patch)) {
    if (!key.startsWith(SET_ORDER)) continue;
    const field = key.slice(SET_ORDER.length);
    const order = patch[key];
    const cur = out[field];
    if (!Array.isArray(order)) throw badRequest(`invalid patch: ${key} must be a list`);
    if (Array.isArray(cur)) out[field] = applyOrder(cur, order, meta.fields[field]?.mergeKey);
  }
  if (retainKeys !== undefined) {
    if (!Array.isArray(retainKeys))
      throw badRequest("doesn't match the format for $retainKeys: the value must be a list");
    for (const k of Object.keys(out)) if (!retainKeys.includes(k)) delete out[k];
  }
  return out;
}

function mergeList(original: unknown[], patch: unknown[], fm: FieldMeta): unknown[] {
  const key = fm.mergeKey;
  if (!key || patch.every((p) => !isPlainObject(p))) {
    // A merge-strategy list of primitives is a set union, original order first.
    const out = [...original];
    for (const v of patch) if (!out.some((o) => o === v)) out.push(v);
    return out;
  }
  if (patch.some((p) => isPlainObject(p) && p['$patch'] === 'replace')) {
    return patch
      .filter((p) => !(isPlainObject(p) && p['$patch'] === 'replace'))
      .map((p) => stripDirectives(p, fm.type ?? EMPTY));
  }
  const out = [...original];
  for (const p of patch) {
    if (!isPlainObject(p))
      throw badRequest(`unable to find merge key "${key}" in a list element that is not an object`);
    if (!(key in p)) {
      // kube-apiserver answers this one with a bare 500; a client error deserves a 400.
      throw badRequest(`map: ${JSON.stringify(p)} does not contain declared merge key: ${key}`);
    }
    const idx = out.findIndex((o) => isPlainObject(o) && o[key] === p[key]);
    if (p['$patch'] === 'delete') {
      if (idx >= 0) out.splice(idx, 1);
      continue;
    }
    if (idx >= 0) {
      const m = mergeMap(out[idx] as Obj, p, fm.type ?? EMPTY);
      if (m === undefined) out.splice(idx, 1);
      else out[idx] = m;
    } else {
      out.push(stripDirectives(p, fm.type ?? EMPTY));
    }
  }
  return out;
}

/** $setElementOrder: listed elements in the given order, the others after them in their order. */
function applyOrder(list: unknown[], order: unknown[], mergeKey: string | undefined): unknown[] {
  const keyOf = (v: unknown): unknown => (mergeKey && isPlainObject(v) ? v[mergeKey] : v);
  const orderKeys = order.map((o) => keyOf(o));
  const ranked = list.map((v, i) => ({ v, rank: orderKeys.indexOf(keyOf(v)), i }));
  ranked.sort((a, b) => {
    const ra = a.rank < 0 ? Number.MAX_SAFE_INTEGER : a.rank;
    const rb = b.rank < 0 ? Number.MAX_SAFE_INTEGER : b.rank;
    return ra - rb || a.i - b.i;
  });
  return ranked.map((r) => r.v);
}

function withoutKey(o: Obj, key: string): Obj {
  const { [key]: _drop, ...rest } = o;
  return rest;
}

/** New content carries no directives into the stored object. */
function stripDirectives(v: unknown, meta: TypeMeta): unknown {
  if (Array.isArray(v))
    return v.filter((e) => !(isPlainObject(e) && e['$patch'] === 'delete')).map((e) => stripDirectives(e, meta));
  if (!isPlainObject(v)) return v;
  const out: Obj = {};
  for (const [k, val] of Object.entries(v)) {
    if (k === '$patch' || k === '$retainKeys' || k.startsWith(SET_ORDER) || k.startsWith(DELETE_PRIMITIVE)) continue;
    if (val === null) continue;
    out[k] = stripDirectives(val, meta.fields[k]?.type ?? EMPTY);
  }
  return out;
}
