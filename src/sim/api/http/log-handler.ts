import type { KubeObject } from '../registry.ts';
import { badRequest, invalid as invalidObject, type FieldError } from '../../../kube/apimachinery/errors.ts';
import { forbidden, invalid } from '../validation/field.ts';
import { isPlainObject } from '../../../util/deep-equal.ts';
import type { ResourceCall } from './resource-handlers.ts';
import { boolParam, intParam } from './respond.ts';

function containerNames(pod: KubeObject, list: string): string[] {
  const spec = isPlainObject(pod.spec) ? pod.spec : {};
  const cs = spec[list];
  return Array.isArray(cs)
    ? cs.map((c) => (isPlainObject(c) && typeof c['name'] === 'string' ? c['name'] : '')).filter((n) => n !== '')
    : [];
}

/** Picks the container as the apiserver does (kubectl.kubernetes.io/default-container, single container). */
export function resolveContainer(pod: KubeObject, requested: string | null): string {
  const name = pod.metadata.name ?? '';
  const main = containerNames(pod, 'containers');
  const all = [...main, ...containerNames(pod, 'initContainers')];
  if (requested) {
    if (!all.includes(requested)) throw badRequest(`container ${requested} is not valid for pod ${name}`);
    return requested;
  }
  const preferred = pod.metadata.annotations?.['kubectl.kubernetes.io/default-container'];
  if (preferred && main.includes(preferred)) return preferred;
  if (main.length === 1 && main[0]) return main[0];
  throw badRequest(`a container name must be specified for pod ${name}, choose one of: [${main.join(' ')}]`);
}

function waitingReason(pod: KubeObject, container: string): string | undefined {
  const status = isPlainObject(pod.status) ? pod.status : {};
  const statuses = [...asArray(status['containerStatuses']), ...asArray(status['initContainerStatuses'])];
  const cs = statuses.find((s) => isPlainObject(s) && s['name'] === container);
  if (!isPlainObject(cs) || !isPlainObject(cs['state'])) return undefined;
  const waiting = cs['state']['waiting'];
  // Backing off after a crash, the dead container is still the newest one: its logs are served, as
  // the kubelet does. Only a container that never ran has nothing to show.
  const ranBefore = isPlainObject(cs['lastState']) && isPlainObject(cs['lastState']['terminated']);
  return isPlainObject(waiting) && !ranBefore
    ? waitingDetail(String(waiting['reason'] ?? 'ContainerCreating'))
    : undefined;
}

/** validateContainerLogStatus: the two image pull failures are explained in words, other reasons named. */
function waitingDetail(reason: string): string {
  if (reason === 'ErrImagePull') return "image can't be pulled";
  if (reason === 'ImagePullBackOff') return 'trying and failing to pull image';
  return reason;
}

/** ValidatePodLogOptions: a 422 on PodLogOptions, as the apiserver's log REST storage answers. */
function validateLogOptions(
  pod: string,
  o: { tailLines?: number; limitBytes?: number; sinceSeconds?: number; sinceTime: string | null },
): void {
  const errs: FieldError[] = [];
  if (o.tailLines !== undefined && o.tailLines < 0)
    errs.push(invalid('tailLines', o.tailLines, 'must be greater than or equal to 0'));
  if (o.limitBytes !== undefined && o.limitBytes < 1)
    errs.push(invalid('limitBytes', o.limitBytes, 'must be greater than 0'));
  // The apiserver's path for this error is the empty root, which it prints as "[]".
  if (o.sinceSeconds !== undefined && o.sinceTime)
    errs.push(forbidden('[]', 'at most one of `sinceTime` or `sinceSeconds` may be specified'));
  else if (o.sinceSeconds !== undefined && o.sinceSeconds < 1)
    errs.push(invalid('sinceSeconds', o.sinceSeconds, 'must be greater than 0'));
  if (errs.length > 0) throw invalidObject({ group: '', kind: 'PodLogOptions' }, pod, errs);
}

function asArray(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

/** GET pods/{name}/log: the container's buffered log, or a stream with follow=true. */
export function handleLog(call: ResourceCall): void {
  const { ctx, query, reply } = call;
  const pod = ctx.service.get(call.target).obj;
  const podName = pod.metadata.name ?? '';
  const container = resolveContainer(pod, query.get('container'));
  const uid = pod.metadata.uid ?? '';
  const previous = boolParam(query, 'previous');
  const tailLines = intParam(query, 'tailLines');
  const limitBytes = intParam(query, 'limitBytes');
  const sinceSeconds = intParam(query, 'sinceSeconds');
  const sinceTimeRaw = query.get('sinceTime');
  validateLogOptions(podName, { tailLines, limitBytes, sinceSeconds, sinceTime: sinceTimeRaw });
  const timestamps = boolParam(query, 'timestamps');
  const now = ctx.service.now().getTime();
  const sinceTime =
    sinceSeconds !== undefined
      ? new Date(now - sinceSeconds * 1000)
      : sinceTimeRaw
        ? new Date(sinceTimeRaw)
        : undefined;
  if (sinceTime && Number.isNaN(sinceTime.getTime()))
    throw badRequest(`sinceTime: Invalid value: ${JSON.stringify(sinceTimeRaw)}: must be an RFC3339 time`);

  if (previous) {
    if (!ctx.logs.hasPrevious(uid, container))
      throw badRequest(`previous terminated container "${container}" in pod "${podName}" not found`);
  } else {
    const waiting = waitingReason(pod, container);
    if (waiting) throw badRequest(`container "${container}" in pod "${podName}" is waiting to start: ${waiting}`);
  }
  const text = ctx.logs.read(uid, container, { previous, tailLines, limitBytes, sinceTime, timestamps });
  if (!boolParam(query, 'follow') || previous) {
    void reply.code(200).header('content-type', 'text/plain').send(text);
    return;
  }
  reply.hijack();
  const raw = reply.raw;
  raw.writeHead(200, { 'content-type': 'text/plain', 'transfer-encoding': 'chunked' });
  raw.write(text);
  let sent = Buffer.byteLength(text);
  const stop = ctx.logs.follow(
    uid,
    container,
    (line) => {
      if (line === null) {
        raw.end();
        return;
      }
      if (limitBytes !== undefined && sent + Buffer.byteLength(line) > limitBytes) {
        raw.end(Buffer.from(line).subarray(0, limitBytes - sent));
        stop();
        return;
      }
      sent += Buffer.byteLength(line);
      raw.write(line);
    },
    timestamps,
  );
  raw.on('close', stop);
}
