import { kubeJson } from '../../kube/http.ts';
import type { ActionSpecOf } from './schemas.ts';
import {
  apiFailure,
  CONFLICT_RETRIES,
  describeTarget,
  findHpaFor,
  isApiStatus,
  scaleKinds,
  scalePath,
  type Scale,
} from './target-paths.ts';
import type { ActionEnv, ActionHandler, ActionResult, WorkloadTarget } from './types.ts';

export { CONFLICT_RETRIES };

/** Why a kind has no replica count to lower, for the 'skipped' summary. */
const NOT_SCALABLE_WHY: Record<string, string> = {
  DaemonSet: 'runs one pod per eligible node',
  Job: 'runs to completion; parallelism is not a replica count',
  CronJob: 'creates Jobs on a schedule',
  Pod: 'a bare pod with no controller',
};

/**
 * scale_in: lower a Deployment/StatefulSet/ReplicaSet by `step` replicas, never below `min`. The
 * write is a PUT of the Scale carrying the resourceVersion that was read, so a concurrent change
 * (kubectl scale, a rollout, another action) answers 409 instead of being overwritten; the Scale is
 * then re-read and the decision made again. A workload an HPA manages is left alone: the HPA would
 * undo the change at its next sync, and lowering its minReplicas is more than scale_in promises.
 */
export const scaleIn: ActionHandler<'scale_in'> = {
  action: 'scale_in',
  mutates: true,
  needs: 'workload',
  async run(env, spec) {
    const t = env.target;
    if (!t) return { outcome: 'skipped', summary: 'no target workload' };
    if (!scaleKinds.has(t.kind)) {
      const why = NOT_SCALABLE_WHY[t.kind];
      return { outcome: 'skipped', summary: `not scalable: ${t.kind} ${t.name}${why ? ` (${why})` : ''}` };
    }
    try {
      const hpa = await findHpaFor(env.kc, t);
      if (hpa) {
        return {
          outcome: 'skipped',
          summary: `HPA ${hpa.name} manages the replicas of ${describeTarget(t)} (min ${hpa.minReplicas}, max ${hpa.maxReplicas}); not scaled in`,
          acted: { namespace: t.namespace, kind: 'HorizontalPodAutoscaler', name: hpa.name },
        };
      }
      for (let retry = 0; ; retry++) {
        try {
          return await scaleOnce(env, spec, t);
        } catch (err) {
          if (isApiStatus(err, 409) && retry < CONFLICT_RETRIES) continue;
          throw err;
        }
      }
    } catch (err) {
      return apiFailure(err, `scale_in ${describeTarget(t)}`);
    }
  },
};

async function scaleOnce(env: ActionEnv, spec: ActionSpecOf<'scale_in'>, t: WorkloadTarget): Promise<ActionResult> {
  const path = scalePath(t) ?? '';
  const scale = await kubeJson<Scale>(env.kc, { method: 'GET', path });
  const current = scale.spec?.replicas ?? 0;
  const before = { replicas: current };
  if (current <= spec.min)
    return {
      outcome: 'skipped',
      summary: `${describeTarget(t)} has ${current}: already at the minimum (${spec.min})`,
      before,
    };
  const next = Math.max(current - spec.step, spec.min);
  const after = { replicas: next };
  if (env.dryRun)
    return {
      outcome: 'succeeded',
      summary: `dry run: would scale ${describeTarget(t)} replicas ${current} -> ${next} (min ${spec.min})`,
      before,
      after,
    };
  // The Scale as read, resourceVersion included: the API answers 409 if the workload changed since.
  await kubeJson(env.kc, { method: 'PUT', path, body: { ...scale, spec: { ...scale.spec, replicas: next } } });
  return {
    outcome: 'succeeded',
    summary: `scaled ${describeTarget(t)} replicas ${current} -> ${next} (min ${spec.min})`,
    before,
    after,
  };
}
