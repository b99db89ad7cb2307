import type { Logger } from 'pino';
import { Cron } from 'croner';
import type { KubeObject, ResourceDef } from '../api/registry.ts';
import type { ResourceService } from '../api/service/resource-service.ts';
import { formatTime } from '../api/service/object-meta.ts';
import { isApiError } from '../../kube/apimachinery/errors.ts';
import { asObject, deepEqual } from '../../util/deep-equal.ts';
import { Controller, splitKey } from './controller.ts';
import { EventRecorder } from './events.ts';
import { controllerRef } from './pods.ts';
import { podOwnerKeys } from './replicaset-controller.ts';
import { deleteDependent, fromTemplate } from './dependents.ts';

type Obj = Record<string, unknown>;

function jobFinished(job: KubeObject): 'Complete' | 'Failed' | undefined {
  const conds = Array.isArray(asObject(job.status)['conditions'])
    ? (asObject(job.status)['conditions'] as unknown[]).map(asObject)
    : [];
  const done = conds.find((c) => (c['type'] === 'Complete' || c['type'] === 'Failed') && c['status'] === 'True');
  return done ? (done['type'] as 'Complete' | 'Failed') : undefined;
}

/** The latest schedule time in (after, now], or undefined; a bad schedule throws. */
function lastDue(schedule: string, after: Date, now: Date): Date | undefined {
  const cron = new Cron(schedule, { paused: true, timezone: 'UTC' });
  let due: Date | undefined;
  let next = cron.nextRun(after);
  // Bounded walk: a sim that was down for long only catches up the latest missed run, as the controller does.
  for (let i = 0; next && next <= now && i < 1000; i++) {
    due = next;
    next = cron.nextRun(next);
  }
  return due;
}

/**
 * The CronJob controller: one Job per schedule time (named by minutes since the epoch), the
 * concurrency policy, and history limits. The annotation sim.kubeloop.dev/keep-finished-jobs
 * ("true") keeps every finished Job, so they pile up as they do when cleanup is forgotten.
 */
export function cronJobController(svc: ResourceService, logger?: Logger): Controller {
  const cjDef = svc.registry.find('batch', 'v1', 'cronjobs') as ResourceDef;
  const jobDef = svc.registry.find('batch', 'v1', 'jobs') as ResourceDef;
  const events = new EventRecorder(svc, { component: 'cronjob-controller' });

  const reconcile = (key: string): void => {
    const { namespace, name } = splitKey(key);
    const current = svc.store.get(cjDef, namespace, name);
    const cj = current?.obj;
    if (!current || !cj || cj.metadata.deletionTimestamp) return;
    const spec = asObject(cj.spec);
    const jobs = svc.store
      .listCurrent(jobDef, namespace)
      .map((so) => so.obj)
      .filter((j) => controllerRef(j)?.uid === cj.metadata.uid);
    const active = jobs.filter((j) => !jobFinished(j));
    const status = asObject(cj.status);
    const now = svc.now();
    let lastSchedule = status['lastScheduleTime'] as string | undefined;
    if (spec['suspend'] !== true) {
      let due: Date | undefined;
      try {
        due = lastDue(
          String(spec['schedule'] ?? ''),
          new Date(Date.parse(lastSchedule ?? cj.metadata.creationTimestamp ?? formatTime(now))),
          now,
        );
      } catch (err) {
        events.record(
          cj,
          'Warning',
          'UnparseableSchedule',
          `unparseable schedule: ${JSON.stringify(spec['schedule'])} : ${(err as Error).message}`,
        );
        return;
      }
      const policy = String(spec['concurrencyPolicy'] ?? 'Allow');
      if (due && !(policy === 'Forbid' && active.length > 0)) {
        if (policy === 'Replace') for (const j of active) remove(cj, j);
        createJob(cj, due);
        lastSchedule = formatTime(due);
      }
    }
    if (cj.metadata.annotations?.['sim.kubeloop.dev/keep-finished-jobs'] !== 'true') {
      prune(
        cj,
        jobs.filter((j) => jobFinished(j) === 'Complete'),
        Number(spec['successfulJobsHistoryLimit'] ?? 3),
      );
      prune(
        cj,
        jobs.filter((j) => jobFinished(j) === 'Failed'),
        Number(spec['failedJobsHistoryLimit'] ?? 1),
      );
    }
    const stillActive = svc.store
      .listCurrent(jobDef, namespace)
      .map((so) => so.obj)
      .filter((j) => controllerRef(j)?.uid === cj.metadata.uid && !jobFinished(j));
    const next: Obj = { ...status, ...(lastSchedule ? { lastScheduleTime: lastSchedule } : {}) };
    if (stillActive.length > 0)
      next['active'] = stillActive.map((j) => ({
        kind: 'Job',
        namespace: j.metadata.namespace,
        name: j.metadata.name,
        uid: j.metadata.uid,
        apiVersion: 'batch/v1',
        resourceVersion: j.metadata.resourceVersion,
      }));
    else delete next['active'];
    const latest = svc.store.get(cjDef, namespace, name);
    if (latest && !deepEqual(latest.obj.status, next))
      svc.commitUpdate(
        { def: cjDef, namespace, name },
        latest,
        { ...structuredClone(latest.obj), status: next },
        'status',
      );
  };

  const createJob = (cj: KubeObject, at: Date): void => {
    const jobName = `${cj.metadata.name ?? ''}-${Math.floor(at.getTime() / 60_000)}`;
    try {
      svc.create(jobDef, cj.metadata.namespace, fromTemplate(cj, asObject(cj.spec)['jobTemplate'], { name: jobName }));
      events.record(cj, 'Normal', 'SuccessfulCreate', `Created job ${jobName}`);
    } catch (err) {
      if (!isApiError(err) || err.code !== 409) throw err;
    }
  };

  const remove = (cj: KubeObject, job: KubeObject): void =>
    deleteDependent(svc, events, cj, jobDef, job, `Deleted job ${job.metadata.name ?? ''}`, {
      propagationPolicy: 'Background',
    });

  const prune = (cj: KubeObject, finished: KubeObject[], keep: number): void => {
    const sorted = [...finished].sort(
      (a, b) => Date.parse(a.metadata.creationTimestamp ?? '') - Date.parse(b.metadata.creationTimestamp ?? ''),
    );
    for (const j of sorted.slice(0, Math.max(0, sorted.length - keep))) remove(cj, j);
  };

  return new Controller(
    svc,
    {
      name: 'cronjob',
      watches: [
        { def: cjDef, keys: (e) => [e.key] },
        { def: jobDef, keys: (e) => podOwnerKeys(e.object.obj, e.prev?.obj, 'CronJob') },
      ],
      allKeys: () => svc.store.listCurrent(cjDef, undefined).map((so) => so.key),
      reconcile,
      resyncMs: 5_000,
    },
    logger,
  );
}
