import { kubeJson, KubeApiError } from '../../kube/http.ts';
import type { ActionEnv, ActionHandler, ActionResult, WorkloadTarget } from './types.ts';
import type { ScaleOutSpec } from './schemas.ts';
import { emitWorkloadEvent } from './workload-event.ts';
import { CONFLICT_RETRIES, findHpaFor, scalePath, type HpaInfo, type Scale } from './target-paths.ts';

/**
 * Seed 000's reaction, made safe: add `step` replicas up to the soft limit `max`. At the limit
 * nothing is scaled; the record says manual handling is needed, a Warning Event goes on the workload
 * and a notification goes out. When an HPA manages the workload its minReplicas is raised instead
 * (a replicas patch would be undone by the HPA at its next sync). Writes carry the resourceVersion
 * they read, and a 409 Conflict re-reads and retries, so a concurrent change is never overwritten.
 */
export const scaleOut: ActionHandler<'scale_out'> = {
  action: 'scale_out',
  mutates: true,
  needs: 'workload',
  async run(env, spec) {
    const t = env.target;
    if (!t) return { outcome: 'skipped', summary: 'no target workload' };
    const path = scalePath(t);
    if (!path)
      return {
        outcome: 'skipped',
        summary: `not scalable: ${t.kind} ${t.namespace}/${t.name}${t.kind === 'DaemonSet' ? ' runs one pod per node' : t.kind === 'Pod' ? ' is a bare pod with no controller' : ''}`,
      };
    for (let attempt = 1; ; attempt++) {
      try {
        const hpa = await findHpaFor(env.kc, t);
        return hpa ? await raiseHpaMin(env, spec, t, hpa) : await scaleReplicas(env, spec, t, path);
      } catch (err) {
        if (err instanceof KubeApiError && err.code === 409 && attempt < CONFLICT_RETRIES) continue;
        if (err instanceof KubeApiError)
          return {
            outcome: 'failed',
            summary: `scale_out ${t.kind} ${t.namespace}/${t.name}: ${err.code} ${err.reason}: ${err.detail}`,
          };
        throw err;
      }
    }
  },
};

async function scaleReplicas(
  env: ActionEnv,
  spec: ScaleOutSpec,
  t: WorkloadTarget,
  path: string,
): Promise<ActionResult> {
  const scale = await kubeJson<Scale>(env.kc, { method: 'GET', path });
  const current = scale.spec?.replicas ?? 0;
  if (current >= spec.max) return limitReached(env, t, current, spec.max, 'replicas');
  const next = Math.min(current + spec.step, spec.max);
  if (env.dryRun)
    return {
      outcome: 'succeeded',
      summary: `dry run: would scale ${t.kind} ${t.namespace}/${t.name} replicas ${current} -> ${next}`,
      before: { replicas: current },
      after: { replicas: next },
    };
  // A replace of the Scale with the resourceVersion read: 409 if anything changed it meanwhile.
  await kubeJson(env.kc, { method: 'PUT', path, body: { ...scale, spec: { ...scale.spec, replicas: next } } });
  return {
    outcome: 'succeeded',
    summary: `scaled ${t.kind} ${t.namespace}/${t.name} replicas ${current} -> ${next} (limit ${spec.max})`,
    before: { replicas: current },
    after: { replicas: next },
  };
}

async function raiseHpaMin(env: ActionEnv, spec: ScaleOutSpec, t: WorkloadTarget, hpa: HpaInfo): Promise<ActionResult> {
  const current = hpa.minReplicas;
  // minReplicas may not exceed the HPA's own maxReplicas (the API rejects it), nor our soft limit.
  const ceiling = Math.min(spec.max, hpa.maxReplicas);
  const acted = { namespace: t.namespace, kind: 'HorizontalPodAutoscaler', name: hpa.name };
  if (current >= ceiling) return limitReached(env, t, current, ceiling, `HPA ${hpa.name} minReplicas`);
  const next = Math.min(current + spec.step, ceiling);
  const why = `HPA ${hpa.name} manages ${t.kind} ${t.name}, so its minReplicas was raised instead of patching replicas (the HPA would undo that)`;
  if (env.dryRun)
    return {
      outcome: 'succeeded',
      summary: `dry run: would raise ${why.replace('was raised', 'be raised')}: ${current} -> ${next}`,
      before: { minReplicas: current },
      after: { minReplicas: next },
      acted,
    };
  await kubeJson(env.kc, {
    method: 'PATCH',
    path: hpa.path,
    contentType: 'application/merge-patch+json',
    body: { metadata: { resourceVersion: hpa.resourceVersion }, spec: { minReplicas: next } },
  });
  return {
    outcome: 'succeeded',
    summary: `${why}: minReplicas ${current} -> ${next} (limit ${ceiling})`,
    before: { minReplicas: current },
    after: { minReplicas: next },
    acted,
  };
}

async function limitReached(
  env: ActionEnv,
  t: WorkloadTarget,
  current: number,
  limit: number,
  what: string,
): Promise<ActionResult> {
  const summary = `limit reached: ${t.kind} ${t.namespace}/${t.name} ${what} ${current} >= soft limit ${limit}; not scaled, manual handling needed`;
  if (env.dryRun)
    return {
      outcome: 'skipped',
      summary: `dry run: ${summary} (no Event, no notification)`,
      before: { [what]: current },
    };
  const event = await emitWorkloadEvent(env.kc, t, {
    reason: 'ScaleOutLimitReached',
    message: summary,
    type: 'Warning',
  }).then(
    () => 'Event emitted',
    (err: unknown) => `the Event could not be emitted: ${(err as Error).message}`,
  );
  const notified = await env
    .notify({
      title: `Scale-out limit reached: ${t.namespace}/${t.name}`,
      text: summary,
      severity: 'warning',
      namespace: t.namespace,
      workload: { kind: t.kind, name: t.name },
    })
    .then(
      () => 'notification queued',
      (err: unknown) => `the notification could not be queued: ${(err as Error).message}`,
    );
  return { outcome: 'skipped', summary, before: { [what]: current }, detail: { event, notified } };
}
