import type { FastifyReply, FastifyRequest } from 'fastify';
import { badRequest } from '../../../kube/apimachinery/errors.ts';
import { listObjects } from '../service/list.ts';
import type { DeleteOptions, ListOptions, Target, UserInfo } from '../service/types.ts';
import type { StoredObject } from '../store/stored.ts';
import { patchTypeFromContentType } from '../patch/index.ts';
import { toTable } from '../table/index.ts';
import { WatchSession } from '../watch/watch-session.ts';
import type { SimApiContext } from './context.ts';
import { boolParam, intParam, negotiate, parseJsonBody, sendJson, successStatus } from './respond.ts';
import { HttpWatchSink } from './watch-http.ts';
import { listJson, listStream, STREAM_LIST_ITEMS } from './list-stream.ts';
import { isPlainObject } from '../../../util/deep-equal.ts';
import { invalidOptions, managerName, type OptionsKind } from '../fieldmanager/index.ts';
import { isApplyPatch, parseApplyBody } from './apply-body.ts';

export interface ResourceCall {
  ctx: SimApiContext;
  /** Who is asking (authenticated and authorized before the call is made). */
  user: UserInfo;
  req: FastifyRequest;
  reply: FastifyReply;
  query: URLSearchParams;
  target: Target;
}

function dryRun(query: URLSearchParams): boolean {
  const v = query.getAll('dryRun');
  if (v.some((x) => x !== 'All'))
    throw badRequest(
      `dryRun: Unsupported value: ${JSON.stringify(v.find((x) => x !== 'All'))}: supported values: "All"`,
    );
  return v.length > 0;
}

/** The field manager of a request: ?fieldManager=, else the User-Agent's program name. */
function fieldManager(call: ResourceCall, options: OptionsKind): string {
  return managerName(call.query.get('fieldManager'), call.req.headers['user-agent'], options);
}

function sendObject(call: ResourceCall, code: number, so: StoredObject): void {
  const neg = negotiate(call.req.headers.accept, call.query);
  if (neg.table) {
    const table = toTable(call.target.def, [so.obj], {
      includeObject: neg.includeObject,
      now: call.ctx.service.now(),
      listMeta: { resourceVersion: so.obj.metadata.resourceVersion },
    });
    sendJson(call.reply, code, JSON.stringify(table));
    return;
  }
  sendJson(call.reply, code, so.fullJson(call.target.def));
}

export function listOptions(query: URLSearchParams, namespace: string | undefined): ListOptions {
  return {
    namespace,
    labelSelector: query.get('labelSelector') ?? undefined,
    fieldSelector: query.get('fieldSelector') ?? undefined,
    limit: intParam(query, 'limit'),
    continueToken: query.get('continue') ?? undefined,
    resourceVersion: query.get('resourceVersion') ?? undefined,
    resourceVersionMatch: query.get('resourceVersionMatch') ?? undefined,
  };
}

export function handleGet(call: ResourceCall): void {
  sendObject(call, 200, call.ctx.service.get(call.target));
}

export function handleList(call: ResourceCall): void {
  const { def, namespace } = call.target;
  const neg = negotiate(call.req.headers.accept, call.query);
  const result = listObjects(call.ctx.store, def, listOptions(call.query, namespace));
  const listMeta: Record<string, unknown> = { resourceVersion: result.resourceVersion };
  if (result.continueToken) listMeta['continue'] = result.continueToken;
  if (result.remainingItemCount !== undefined) listMeta['remainingItemCount'] = result.remainingItemCount;
  if (neg.table) {
    const table = toTable(
      def,
      result.items.map((so) => so.obj),
      { includeObject: neg.includeObject, now: call.ctx.service.now(), listMeta },
    );
    sendJson(call.reply, 200, JSON.stringify(table));
    return;
  }
  if (result.items.length > STREAM_LIST_ITEMS) {
    void call.reply
      .code(200)
      .header('content-type', 'application/json')
      .send(listStream(def, listMeta, result.items));
    return;
  }
  sendJson(call.reply, 200, listJson(def, listMeta, result.items));
}

export function handleWatch(call: ResourceCall): void {
  const { ctx, target, query, reply, req } = call;
  const neg = negotiate(req.headers.accept, query);
  const timeoutSeconds = intParam(query, 'timeoutSeconds');
  const fieldSelector = target.name
    ? `metadata.name=${target.name}${query.get('fieldSelector') ? `,${query.get('fieldSelector')}` : ''}`
    : (query.get('fieldSelector') ?? undefined);
  const raw = reply.raw;
  const sink = new HttpWatchSink(raw, { maxBufferedBytes: ctx.watch.maxBufferedBytes });
  // Default like kube-apiserver: a random timeout between the min request timeout and twice it.
  const timeoutMs = timeoutSeconds !== undefined ? timeoutSeconds * 1000 : (1800 + Math.random() * 1800) * 1000;
  const session = new WatchSession(
    ctx.store,
    target.def,
    {
      namespace: target.namespace,
      labelSelector: query.get('labelSelector') ?? undefined,
      fieldSelector,
      resourceVersion: query.get('resourceVersion') ?? undefined,
      allowBookmarks: boolParam(query, 'allowWatchBookmarks'),
      bookmarkIntervalMs: ctx.watch.bookmarkIntervalMs,
      timeoutMs,
      encode: neg.table
        ? (so) =>
            JSON.stringify(
              toTable(target.def, [so.obj], {
                includeObject: neg.includeObject,
                now: ctx.service.now(),
                listMeta: { resourceVersion: so.obj.metadata.resourceVersion },
              }),
            )
        : undefined,
    },
    sink,
  );
  reply.hijack();
  raw.writeHead(200, {
    'content-type': 'application/json',
    'cache-control': 'no-cache, private',
    'transfer-encoding': 'chunked',
  });
  raw.flushHeaders();
  raw.on('close', () => session.close());
  session.start();
}

export function handleCreate(call: ResourceCall): void {
  const body = parseJsonBody(
    call.req.body as Buffer | undefined,
    call.req.headers['content-type'],
    call.target.def.kind,
  );
  const so = call.ctx.service.create(call.target.def, call.target.namespace, body, {
    dryRun: dryRun(call.query),
    fieldManager: fieldManager(call, 'CreateOptions'),
  });
  sendObject(call, 201, so);
}

export function handleUpdate(call: ResourceCall, subresource?: 'status'): void {
  const body = parseJsonBody(
    call.req.body as Buffer | undefined,
    call.req.headers['content-type'],
    call.target.def.kind,
  );
  const existed =
    call.ctx.store.get(
      call.target.def,
      call.target.def.namespaced ? call.target.namespace : undefined,
      call.target.name,
    ) !== undefined;
  const so = call.ctx.service.update(call.target, body, subresource, {
    dryRun: dryRun(call.query),
    fieldManager: fieldManager(call, 'UpdateOptions'),
  });
  sendObject(call, existed ? 200 : 201, so);
}

export function handlePatch(call: ResourceCall, subresource?: 'status'): void {
  const contentType = call.req.headers['content-type'];
  const force = call.query.get('force');
  if (isApplyPatch(contentType)) {
    const manager = call.query.get('fieldManager');
    if (!manager)
      throw invalidOptions('PatchOptions', 'fieldManager', 'FieldValueRequired', 'is required for apply patch');
    const config = parseApplyBody(call.req.body as Buffer | undefined);
    const r = call.ctx.service.apply(call.target, config, subresource, {
      dryRun: dryRun(call.query),
      fieldManager: fieldManager(call, 'PatchOptions'),
      force: force === 'true',
    });
    sendObject(call, r.created ? 201 : 200, r.object);
    return;
  }
  if (force !== null)
    throw invalidOptions('PatchOptions', 'force', 'FieldValueForbidden', 'may not be specified for non-apply patch');
  const type = patchTypeFromContentType(contentType);
  const body = parseJsonBody(call.req.body as Buffer | undefined, 'application/json');
  const so = call.ctx.service.patch(call.target, type, body, subresource, {
    dryRun: dryRun(call.query),
    fieldManager: fieldManager(call, 'PatchOptions'),
  });
  sendObject(call, 200, so);
}

export function deleteOptions(call: ResourceCall): DeleteOptions {
  const raw = call.req.body as Buffer | undefined;
  let body: Record<string, unknown> = {};
  if (raw && raw.length > 0 && raw.toString('utf8').trim() !== '') {
    const parsed = parseJsonBody(raw, call.req.headers['content-type']);
    if (!isPlainObject(parsed)) throw badRequest('DeleteOptions: the body must be a JSON object');
    body = parsed;
  }
  const q = call.query;
  const grace =
    intParam(q, 'gracePeriodSeconds') ??
    (typeof body['gracePeriodSeconds'] === 'number' ? body['gracePeriodSeconds'] : undefined);
  const policy =
    q.get('propagationPolicy') ??
    (typeof body['propagationPolicy'] === 'string' ? body['propagationPolicy'] : undefined);
  if (policy !== undefined && policy !== 'Orphan' && policy !== 'Background' && policy !== 'Foreground') {
    throw badRequest(
      `propagationPolicy: Unsupported value: ${JSON.stringify(policy)}: supported values: "Foreground", "Background", "Orphan"`,
    );
  }
  const orphanQ = q.get('orphanDependents');
  const orphan =
    orphanQ !== null
      ? orphanQ === 'true'
      : typeof body['orphanDependents'] === 'boolean'
        ? body['orphanDependents']
        : undefined;
  const pre = isPlainObject(body['preconditions']) ? body['preconditions'] : undefined;
  const dry = dryRun(q) || (Array.isArray(body['dryRun']) && body['dryRun'].includes('All'));
  return {
    gracePeriodSeconds: grace,
    propagationPolicy: policy,
    orphanDependents: orphan,
    preconditions: pre
      ? {
          uid: typeof pre['uid'] === 'string' ? pre['uid'] : undefined,
          resourceVersion: typeof pre['resourceVersion'] === 'string' ? pre['resourceVersion'] : undefined,
        }
      : undefined,
    dryRun: dry,
  };
}

export function handleDelete(call: ResourceCall): void {
  const opts = deleteOptions(call);
  const result = call.ctx.service.delete(call.target, opts);
  const code = !result.deleted && opts.orphanDependents === false ? 202 : 200;
  if (result.deleted && !call.target.def.returnDeletedObject) {
    const { def } = call.target;
    sendJson(
      call.reply,
      code,
      successStatus(undefined, {
        name: call.target.name,
        ...(def.group ? { group: def.group } : {}),
        kind: def.resource,
        uid: result.object.obj.metadata.uid,
      }),
    );
    return;
  }
  sendObject(call, code, result.object);
}

export function handleDeleteCollection(call: ResourceCall): void {
  const opts = deleteOptions(call);
  const { def, namespace } = call.target;
  const listed = listObjects(call.ctx.store, def, {
    ...listOptions(call.query, namespace),
    limit: undefined,
    continueToken: undefined,
  });
  const deleted: StoredObject[] = [];
  for (const so of listed.items) {
    const name = so.obj.metadata.name ?? '';
    const r = call.ctx.service.delete({ def, namespace: so.obj.metadata.namespace, name }, opts);
    deleted.push(r.object);
  }
  sendJson(call.reply, 200, listJson(def, { resourceVersion: String(call.ctx.store.currentRevision()) }, deleted));
}
