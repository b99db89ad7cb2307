import type { Logger } from 'pino';
import type { KubeObject, ResourceDef } from '../api/registry.ts';
import type { ResourceService } from '../api/service/resource-service.ts';
import { formatTime } from '../api/service/object-meta.ts';
import { asObject, deepEqual } from '../../util/deep-equal.ts';
import { Controller, splitKey } from './controller.ts';
import { EventRecorder } from './events.ts';
import { controllerRef, isActive } from './pods.ts';
import { podOwnerKeys } from './replicaset-controller.ts';
import { deleteDependent, fromTemplate } from './dependents.ts';

type Obj = Record<string, unknown>;

/**
 * The Job controller: runs up to `parallelism` pods until `completions` succeeded, counts
 * failures against `backoffLimit`, and reports Complete or Failed conditions.
 */
export function jobController(svc: ResourceService, logger?: Logger): Controller {
  const jobDef = svc.registry.find('batch', 'v1', 'jobs') as ResourceDef;
  const podDef = svc.registry.find('', 'v1', 'pods') as ResourceDef;
  const events = new EventRecorder(svc, { component: 'job-controller' });

  const reconcile = (key: string): void => {
    const { namespace, name } = splitKey(key);
    const job = svc.store.get(jobDef, namespace, name)?.obj;
    if (!job || job.metadata.deletionTimestamp) return;
    const spec = asObject(job.spec);
    const status = asObject(job.status);
    if (finished(status)) return;
    const pods = svc.store
      .listCurrent(podDef, namespace)
      .map((so) => so.obj)
      .filter((p) => controllerRef(p)?.uid === job.metadata.uid);
    const active = pods.filter(isActive);
    const succeeded = pods.filter((p) => asObject(p.status)['phase'] === 'Succeeded').length;
    const failed = pods.filter((p) => asObject(p.status)['phase'] === 'Failed').length;
    const parallelism = Number(spec['parallelism'] ?? 1);
    const completions =
      spec['completions'] === undefined || spec['completions'] === null ? undefined : Number(spec['completions']);
    const backoffLimit = Number(spec['backoffLimit'] ?? 6);
    const now = formatTime(svc.now());
    const next: Obj = { ...status, startTime: status['startTime'] ?? now };
    let condition: Obj | undefined;
    if (failed > backoffLimit) {
      for (const p of active) remove(job, p);
      condition = {
        type: 'Failed',
        status: 'True',
        lastProbeTime: now,
        lastTransitionTime: now,
        reason: 'BackoffLimitExceeded',
        message: 'Job has reached the specified backoff limit',
      };
      events.record(job, 'Warning', 'BackoffLimitExceeded', 'Job has reached the specified backoff limit');
    } else if (
      (completions !== undefined && succeeded >= completions) ||
      (completions === undefined && succeeded > 0 && active.length === 0)
    ) {
      condition = { type: 'Complete', status: 'True', lastProbeTime: now, lastTransitionTime: now };
      next['completionTime'] = now;
      events.record(job, 'Normal', 'Completed', 'Job completed');
    } else {
      const want =
        completions === undefined ? (succeeded > 0 ? 0 : parallelism) : Math.min(parallelism, completions - succeeded);
      for (let i = active.length; i < want; i++) active.push(create(job));
      if (active.length > want) for (const p of active.splice(want)) remove(job, p);
    }
    if (condition)
      next['conditions'] = [...(Array.isArray(status['conditions']) ? status['conditions'] : []), condition];
    next['active'] = condition ? 0 : active.length;
    next['succeeded'] = succeeded;
    next['failed'] = failed;
    for (const k of ['active', 'succeeded', 'failed']) if (next[k] === 0) delete next[k];
    const current = svc.store.get(jobDef, namespace, name);
    if (current && !deepEqual(current.obj.status, next))
      svc.commitUpdate(
        { def: jobDef, namespace, name },
        current,
        { ...structuredClone(current.obj), status: next },
        'status',
      );
  };

  const create = (job: KubeObject): KubeObject => {
    const pod = svc.create(podDef, job.metadata.namespace, fromTemplate(job, asObject(job.spec)['template'])).obj;
    events.record(job, 'Normal', 'SuccessfulCreate', `Created pod: ${pod.metadata.name ?? ''}`);
    return pod;
  };

  const remove = (job: KubeObject, pod: KubeObject): void =>
    deleteDependent(svc, events, job, podDef, pod, `Deleted pod: ${pod.metadata.name ?? ''}`);

  return new Controller(
    svc,
    {
      name: 'job',
      watches: [
        { def: jobDef, keys: (e) => [e.key] },
        { def: podDef, keys: (e) => podOwnerKeys(e.object.obj, e.prev?.obj, 'Job') },
      ],
      allKeys: () => svc.store.listCurrent(jobDef, undefined).map((so) => so.key),
      reconcile,
      resyncMs: 5_000,
    },
    logger,
  );
}

function finished(status: Obj): boolean {
  const conds = Array.isArray(status['conditions']) ? status['conditions'].map(asObject) : [];
  return conds.some((c) => (c['type'] === 'Complete' || c['type'] === 'Failed') && c['status'] === 'True');
}
