import { kubeJson } from '../../kube/http.ts';
import { apiFailure, describeTarget, objectPath } from './target-paths.ts';
import type { ActionHandler } from './types.ts';

/** The pod-template annotation `kubectl rollout restart` sets; a new value makes the controller replace every pod. */
export const RESTARTED_AT = 'kubectl.kubernetes.io/restartedAt';

const RESTARTABLE = new Set(['Deployment', 'StatefulSet', 'DaemonSet']);

/** What to do instead, for the kinds `kubectl rollout restart` refuses too. */
const INSTEAD: Record<string, string> = {
  ReplicaSet: 'restart the Deployment that owns it',
  Job: 'a Job runs to completion; nothing rolls',
  CronJob: 'its next Job starts fresh pods anyway',
  Pod: 'a bare pod has no controller to roll it',
};

interface Workload {
  spec?: { paused?: boolean; template?: { metadata?: { annotations?: Record<string, string> } } };
}

/**
 * rollout_restart: exactly what `kubectl rollout restart` does, a strategic-merge patch of the pod
 * template's restartedAt annotation. The controller then replaces the pods by its own rollout
 * strategy (maxSurge/maxUnavailable, a StatefulSet's ordered updates), so the restart is as safe
 * as a normal deploy. The object is read first for the before value and to refuse a paused
 * Deployment, which would take the change but roll nothing (kubectl refuses it the same way).
 */
export const rolloutRestart: ActionHandler<'rollout_restart'> = {
  action: 'rollout_restart',
  mutates: true,
  needs: 'workload',
  async run(env) {
    const t = env.target;
    if (!t) return { outcome: 'skipped', summary: 'no target workload' };
    const path = objectPath(t);
    if (!RESTARTABLE.has(t.kind) || !path) {
      const instead = INSTEAD[t.kind];
      return { outcome: 'skipped', summary: `not restartable: ${t.kind} ${t.name}${instead ? ` (${instead})` : ''}` };
    }
    try {
      const obj = await kubeJson<Workload>(env.kc, { method: 'GET', path });
      if (obj.spec?.paused)
        return {
          outcome: 'skipped',
          summary: `${describeTarget(t)} is paused: a restart would not roll out (resume it first)`,
        };
      const now = new Date().toISOString();
      const before = { restartedAt: obj.spec?.template?.metadata?.annotations?.[RESTARTED_AT] ?? null };
      const after = { restartedAt: now };
      if (env.dryRun)
        return {
          outcome: 'succeeded',
          summary: `dry run: would restart ${describeTarget(t)} (${RESTARTED_AT}=${now})`,
          before,
          after,
        };
      await kubeJson(env.kc, {
        method: 'PATCH',
        path,
        contentType: 'application/strategic-merge-patch+json',
        body: { spec: { template: { metadata: { annotations: { [RESTARTED_AT]: now } } } } },
      });
      return {
        outcome: 'succeeded',
        summary: `restarted ${describeTarget(t)} (${RESTARTED_AT}=${now})`,
        before,
        after,
      };
    } catch (err) {
      return apiFailure(err, `rollout_restart ${describeTarget(t)}`);
    }
  },
};
