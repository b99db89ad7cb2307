import type { KubeObject } from '../registry.ts';
import { ApiError, badRequest, conflict, notFound, STALE_OBJECT_MESSAGE } from '../../../kube/apimachinery/errors.ts';
import { applyPatch, patchTypeFromContentType } from '../patch/index.ts';
import { isPlainObject } from '../../../util/deep-equal.ts';
import { managerName } from '../fieldmanager/index.ts';
import { formatLabelSelector, labelSelectorFromObject, matchesLabels } from '../selectors.ts';
import type { ResourceCall } from './resource-handlers.ts';
import { deleteOptions } from './resource-handlers.ts';
import { parseJsonBody, sendJson, successStatus } from './respond.ts';

/** autoscaling/v1 Scale view of a workload, as the /scale subresource serves it. */
export function scaleOf(obj: KubeObject): Record<string, unknown> {
  const spec = isPlainObject(obj.spec) ? obj.spec : {};
  const status = isPlainObject(obj.status) ? obj.status : {};
  const selector = isPlainObject(spec['selector'])
    ? formatLabelSelector(labelSelectorFromObject(spec['selector'] as Parameters<typeof labelSelectorFromObject>[0]))
    : '';
  const m = obj.metadata;
  return {
    kind: 'Scale',
    apiVersion: 'autoscaling/v1',
    metadata: {
      name: m.name,
      namespace: m.namespace,
      uid: m.uid,
      resourceVersion: m.resourceVersion,
      creationTimestamp: m.creationTimestamp,
    },
    // ScaleSpec.replicas is omitempty: zero replicas is an empty spec.
    spec: typeof spec['replicas'] === 'number' && spec['replicas'] !== 0 ? { replicas: spec['replicas'] } : {},
    status: { replicas: typeof status['replicas'] === 'number' ? status['replicas'] : 0, selector },
  };
}

export function handleScale(call: ResourceCall, method: string): void {
  const { service } = call.ctx;
  const current = service.get(call.target);
  if (method === 'GET') {
    sendJson(call.reply, 200, JSON.stringify(scaleOf(current.obj)));
    return;
  }
  let scale: unknown;
  if (method === 'PATCH') {
    const type = patchTypeFromContentType(call.req.headers['content-type']);
    scale = applyPatch(
      type,
      scaleOf(current.obj),
      parseJsonBody(call.req.body as Buffer | undefined, 'application/json'),
      { group: 'autoscaling', version: 'v1', kind: 'Scale' },
    );
  } else {
    scale = parseJsonBody(call.req.body as Buffer | undefined, call.req.headers['content-type']);
  }
  if (!isPlainObject(scale) || !isPlainObject(scale['spec'])) throw badRequest('Scale: spec is required');
  const replicas = scale['spec']['replicas'];
  const meta = isPlainObject(scale['metadata']) ? scale['metadata'] : {};
  const rv = meta['resourceVersion'];
  if (typeof rv === 'string' && rv !== '' && rv !== current.obj.metadata.resourceVersion) {
    throw conflict(call.target.def, call.target.name, STALE_OBJECT_MESSAGE);
  }
  if (typeof replicas !== 'number' || !Number.isInteger(replicas) || replicas < 0) {
    throw new ApiError({
      message: `Scale.autoscaling "${call.target.name}" is invalid: spec.replicas: Invalid value: ${String(replicas)}: must be greater than or equal to 0`,
      reason: 'Invalid',
      details: {
        name: call.target.name,
        group: 'autoscaling',
        kind: 'Scale',
        causes: [
          {
            reason: 'FieldValueInvalid',
            message: `Invalid value: ${String(replicas)}: must be greater than or equal to 0`,
            field: 'spec.replicas',
          },
        ],
      },
      code: 422,
    });
  }
  const next = structuredClone(current.obj);
  next.spec = { ...(isPlainObject(next.spec) ? next.spec : {}), replicas };
  const manager = managerName(
    call.query.get('fieldManager'),
    call.req.headers['user-agent'],
    method === 'PATCH' ? 'PatchOptions' : 'UpdateOptions',
  );
  const so = service.commitUpdate(call.target, current, next, undefined, { fieldManager: manager });
  sendJson(call.reply, 200, JSON.stringify(scaleOf(so.obj)));
}

/** POST pods/{name}/binding: what the scheduler does to place a pod. */
export function handleBinding(call: ResourceCall): void {
  const body = parseJsonBody(call.req.body as Buffer | undefined, call.req.headers['content-type']);
  const target = isPlainObject(body) && isPlainObject(body['target']) ? body['target'] : undefined;
  const nodeName = target?.['name'];
  if (typeof nodeName !== 'string' || nodeName === '') throw badRequest('Binding: target.name is required');
  const current = call.ctx.service.get(call.target);
  const spec = isPlainObject(current.obj.spec) ? current.obj.spec : {};
  const binding = { group: '', resource: 'pods/binding' };
  if (current.obj.metadata.deletionTimestamp)
    throw conflict(binding, call.target.name, 'pod is being deleted, cannot be assigned to a host');
  if (spec['nodeName'])
    throw conflict(
      binding,
      call.target.name,
      `pod ${call.target.name} is already assigned to node "${String(spec['nodeName'])}"`,
    );
  const next = structuredClone(current.obj);
  next.spec = { ...spec, nodeName };
  const status = isPlainObject(next.status) ? next.status : {};
  const conditions = Array.isArray(status['conditions'])
    ? status['conditions'].filter((c) => !(isPlainObject(c) && c['type'] === 'PodScheduled'))
    : [];
  conditions.push({
    type: 'PodScheduled',
    status: 'True',
    lastProbeTime: null,
    lastTransitionTime: new Date(call.ctx.service.now()).toISOString().replace(/\.\d{3}Z$/, 'Z'),
  });
  next.status = { ...status, conditions };
  call.ctx.store.commit(call.target.def, 'MODIFIED', next);
  sendJson(call.reply, 201, successStatus(201));
}

/** POST pods/{name}/eviction: a delete that respects PodDisruptionBudgets. */
export function handleEviction(call: ResourceCall): void {
  const body = parseJsonBody(call.req.body as Buffer | undefined, call.req.headers['content-type']);
  if (!isPlainObject(body)) throw badRequest('Eviction: the body must be a JSON object');
  const meta = isPlainObject(body['metadata']) ? body['metadata'] : {};
  if (meta['name'] !== undefined && meta['name'] !== call.target.name)
    throw badRequest('name in URL does not match name in Eviction object');
  const pod = call.ctx.service.get(call.target).obj;
  checkDisruptionBudgets(call, pod);
  const opts = isPlainObject(body['deleteOptions']) ? body['deleteOptions'] : {};
  const fromUrl = deleteOptions(call);
  call.ctx.service.delete(call.target, {
    ...fromUrl,
    gracePeriodSeconds:
      typeof opts['gracePeriodSeconds'] === 'number' ? opts['gracePeriodSeconds'] : fromUrl.gracePeriodSeconds,
  });
  sendJson(call.reply, 201, successStatus(201));
}

function checkDisruptionBudgets(call: ResourceCall, pod: KubeObject): void {
  const def = call.ctx.registry.find('policy', 'v1', 'poddisruptionbudgets');
  if (!def) return;
  const status = isPlainObject(pod.status) ? pod.status : {};
  if (status['phase'] === 'Succeeded' || status['phase'] === 'Failed' || status['phase'] === 'Pending') return;
  for (const so of call.ctx.store.listCurrent(def, pod.metadata.namespace)) {
    const spec = isPlainObject(so.obj.spec) ? so.obj.spec : {};
    if (!isPlainObject(spec['selector'])) continue;
    const sel = labelSelectorFromObject(spec['selector'] as Parameters<typeof labelSelectorFromObject>[0]);
    if (!matchesLabels(sel, pod.metadata.labels)) continue;
    const pdbStatus = isPlainObject(so.obj.status) ? so.obj.status : {};
    const allowed = typeof pdbStatus['disruptionsAllowed'] === 'number' ? pdbStatus['disruptionsAllowed'] : 0;
    if (allowed < 1) {
      throw new ApiError({
        message: "Cannot evict pod as it would violate the pod's disruption budget.",
        reason: 'TooManyRequests',
        details: {
          causes: [
            {
              reason: 'DisruptionBudget',
              message: `The disruption budget ${String(so.obj.metadata.name)} needs ${String(pdbStatus['desiredHealthy'] ?? 0)} healthy pods and has ${String(pdbStatus['currentHealthy'] ?? 0)} currently`,
            },
          ],
        },
        code: 429,
      });
    }
  }
}

export function assertSubresource(call: ResourceCall, sub: string): void {
  if (!call.target.def.subresources.includes(sub as never))
    throw notFound(call.target.def, `${call.target.name}/${sub}`);
}
