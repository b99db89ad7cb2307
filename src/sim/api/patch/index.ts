import { badRequest, unsupportedMediaType } from '../../../kube/apimachinery/errors.ts';
import { isPlainObject } from '../../../util/deep-equal.ts';
import { applyJsonPatch } from './json-patch.ts';
import { applyMergePatch } from './merge-patch.ts';
import { DEFAULT_META, KIND_META } from './patch-meta.ts';
import { applyStrategicMerge } from './strategic-merge.ts';

export type PatchType = 'json' | 'merge' | 'strategic';

export function patchTypeFromContentType(contentType: string | undefined): PatchType {
  const type = (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  if (type === 'application/json-patch+json') return 'json';
  if (type === 'application/merge-patch+json') return 'merge';
  if (type === 'application/strategic-merge-patch+json') return 'strategic';
  throw unsupportedMediaType();
}

/** Applies a PATCH body to a copy of `original`; the original is never modified. */
export function applyPatch(
  type: PatchType,
  original: Record<string, unknown>,
  patch: unknown,
  target: { group: string; version: string; kind: string },
): Record<string, unknown> {
  let result: unknown;
  if (type === 'json') result = applyJsonPatch(original, patch);
  else if (type === 'merge') {
    if (!isPlainObject(patch))
      throw badRequest('json: cannot unmarshal array into Go value of type map[string]interface {}');
    result = applyMergePatch(original, patch);
  } else result = applyStrategicMerge(original, patch, KIND_META[target.kind] ?? DEFAULT_META);
  if (!isPlainObject(result)) throw badRequest('the patched object is not a JSON object');
  return result;
}
