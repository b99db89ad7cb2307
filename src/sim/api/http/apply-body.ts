import { parseDocument } from 'yaml';
import { badRequest } from '../../../kube/apimachinery/errors.ts';

export const APPLY_PATCH_TYPE = 'application/apply-patch+yaml';

export function isApplyPatch(contentType: string | undefined): boolean {
  return (contentType ?? '').split(';')[0]?.trim().toLowerCase() === APPLY_PATCH_TYPE;
}

/** The configuration of a server-side apply: one YAML (or JSON) document. */
export function parseApplyBody(raw: Buffer | undefined): unknown {
  const text = raw?.toString('utf8') ?? '';
  if (text.trim() === '') throw badRequest('error decoding YAML: the apply configuration is empty');
  // YAML 1.1 like Go's yaml decoder: `n`, `yes`, `off` are booleans there (a key `n:` is "false").
  const doc = parseDocument(text, { uniqueKeys: true, version: '1.1' });
  if (doc.errors.length > 0)
    throw badRequest(`error decoding YAML: ${doc.errors[0]?.message.split('\n')[0] ?? 'invalid YAML'}`);
  return doc.toJS({ maxAliasCount: 100 });
}
