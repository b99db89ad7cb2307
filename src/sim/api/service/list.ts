import type { ResourceDef } from '../registry.ts';
import type { ObjectStore } from '../store/object-store.ts';
import type { StoredObject } from '../store/stored.ts';
import { ApiError, badRequest, expired, invalid } from '../../../kube/apimachinery/errors.ts';
import { goJsonError } from '../go-json.ts';
import { isEverything, matchesFields, matchesLabels, parseFieldSelector, parseLabelSelector } from '../selectors.ts';
import type { ListOptions } from './types.ts';

export interface ListResult {
  items: StoredObject[];
  resourceVersion: string;
  continueToken?: string;
  remainingItemCount?: number;
}

interface ContinueState {
  rv: number;
  start: string;
}

const TOO_OLD_CONTINUE =
  'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.';

/** Parses a resourceVersion parameter; the wire form is an opaque decimal string. */
export function parseResourceVersion(raw: string): number {
  if (!/^\d+$/.test(raw))
    throw badRequest(
      `resourceVersion: Invalid value: ${JSON.stringify(raw)}: strconv.ParseUint: parsing ${JSON.stringify(raw)}: invalid syntax`,
    );
  return Number(raw);
}

export function tooLargeResourceVersion(requested: number, current: number): ApiError {
  return new ApiError({
    message: `Too large resource version: ${requested}, current: ${current}`,
    reason: 'Timeout',
    details: {
      causes: [{ reason: 'ResourceVersionTooLarge', message: 'Too large resource version' }],
      retryAfterSeconds: 1,
    },
    code: 504,
  });
}

/** Continue tokens as the etcd3 storage writes them: unpadded base64url of a small JSON document. */
export function encodeContinue(state: ContinueState): string {
  return Buffer.from(JSON.stringify({ v: 'meta.k8s.io/v1', rv: state.rv, start: state.start })).toString('base64url');
}

function invalidContinue(why: string): ApiError {
  return badRequest(`invalid continue token: continue key is not valid: ${why}`);
}

function decodeContinue(token: string): ContinueState {
  if (!/^[A-Za-z0-9_-]*$/.test(token)) {
    const at = token.search(/[^A-Za-z0-9_-]/);
    throw invalidContinue(`illegal base64 data at input byte ${at}`);
  }
  const text = Buffer.from(token, 'base64url').toString('latin1');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw invalidContinue(goJsonError(text, err as Error));
  }
  const p = parsed as { v?: unknown; rv?: unknown; start?: unknown } | null;
  if (!p || p.v !== 'meta.k8s.io/v1') throw invalidContinue('server does not recognize this encoded key');
  if (typeof p.rv !== 'number' || p.rv <= 0)
    throw invalidContinue('incorrect encoded start resourceVersion (version meta.k8s.io/v1)');
  if (typeof p.start !== 'string' || p.start === '') throw invalidContinue('encoded start key empty');
  return { rv: p.rv, start: p.start };
}

/**
 * LIST with selectors, resourceVersion semantics and limit/continue paging. Pages are read at
 * the first page's revision (a snapshot), like etcd-backed lists.
 */
export function listObjects(store: ObjectStore, def: ResourceDef, opts: ListOptions): ListResult {
  const labelSel = parseLabelSelector(opts.labelSelector ?? '');
  const fieldSel = parseFieldSelector(opts.fieldSelector ?? '', def);
  const filtered = !isEverything(labelSel) || (opts.fieldSelector ?? '').trim() !== '';
  const namespace = def.namespaced ? opts.namespace : undefined;
  const current = store.currentRevision();
  const rvParam = opts.resourceVersion ?? '';
  const match = opts.resourceVersionMatch ?? '';
  if (match !== '' && match !== 'Exact' && match !== 'NotOlderThan') {
    throw badRequest(`resourceVersionMatch: Unsupported value: "${match}": supported values: "Exact", "NotOlderThan"`);
  }
  if (match !== '' && rvParam === '') {
    throw invalid({ group: 'meta.k8s.io', kind: 'ListOptions' }, '', [
      {
        type: 'FieldValueForbidden',
        field: 'resourceVersionMatch',
        detail: 'resourceVersionMatch is forbidden unless resourceVersion is provided',
      },
    ]);
  }
  if (opts.continueToken && rvParam !== '' && rvParam !== '0') {
    throw badRequest('resourceVersion: Forbidden: specifying resource version is not allowed when using continue');
  }

  let atRv = current;
  let start = '';
  let limit = opts.limit && opts.limit > 0 ? opts.limit : 0;
  if (opts.continueToken) {
    const c = decodeContinue(opts.continueToken);
    atRv = c.rv;
    start = c.start;
  } else if (rvParam !== '') {
    const rv = parseResourceVersion(rvParam);
    if (rv > current) throw tooLargeResourceVersion(rv, current);
    if (match === 'Exact') atRv = rv;
    // resourceVersion=0 is served from the watch cache, which ignores limit.
    else if (rv === 0 && match === '') limit = 0;
  }

  const source = store.listAt(def, namespace, atRv);
  if (!source) {
    // Both come from etcd in kube-apiserver: ResourceExpired (410, reason Expired).
    throw expired(opts.continueToken ? TOO_OLD_CONTINUE : 'The resourceVersion for the provided list is too old.');
  }
  const startIdx = start === '' ? 0 : firstIndexAtOrAfter(source, start);
  const items: StoredObject[] = [];
  let i = startIdx;
  for (; i < source.length; i++) {
    const so = source[i] as StoredObject;
    if (namespace !== undefined && so.obj.metadata.namespace !== namespace) continue;
    // etcd stops at the first key after a full page, matching or not.
    if (limit > 0 && items.length === limit) break;
    if (!matchesLabels(labelSel, so.obj.metadata.labels)) continue;
    if (!matchesFields(fieldSel, so.obj, def)) continue;
    items.push(so);
  }
  const result: ListResult = { items, resourceVersion: String(atRv) };
  // etcd semantics: a page is full and more keys follow (matching or not) -> a continue token.
  const last = items[items.length - 1];
  if (limit > 0 && last && items.length === limit && hasKeyAfter(source, i, namespace)) {
    result.continueToken = encodeContinue({ rv: atRv, start: `${last.key}\u0000` });
    if (!filtered) result.remainingItemCount = countInScope(source, i, namespace);
  }
  return result;
}

function hasKeyAfter(source: StoredObject[], from: number, namespace: string | undefined): boolean {
  return countInScope(source, from, namespace, 1) > 0;
}

function countInScope(source: StoredObject[], from: number, namespace: string | undefined, stopAt = Infinity): number {
  let n = 0;
  for (let j = from; j < source.length && n < stopAt; j++) {
    if (namespace === undefined || (source[j] as StoredObject).obj.metadata.namespace === namespace) n++;
  }
  return n;
}

function firstIndexAtOrAfter(source: StoredObject[], key: string): number {
  let lo = 0;
  let hi = source.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((source[mid] as StoredObject).key < key) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
