import { kubeJson } from '../../kube/http.ts';
import { apiFailure, isApiStatus, podPath } from './target-paths.ts';
import type { ActionHandler } from './types.ts';

interface Pod {
  metadata: { uid?: string; deletionTimestamp?: string };
  spec?: { nodeName?: string };
  status?: { phase?: string };
}

/**
 * delete_pod: delete the pod the trigger names so its controller replaces it. The pod is read
 * first and the DELETE carries its uid as a precondition: a StatefulSet pod (or any pod recreated
 * under the same name since the alert) that is not the one read is refused with 409, never killed
 * by mistake. A pod already terminating is left alone unless the playbook sets gracePeriodSeconds
 * (then the delete shortens its grace, as `kubectl delete --grace-period` does for a stuck pod).
 */
export const deletePod: ActionHandler<'delete_pod'> = {
  action: 'delete_pod',
  mutates: true,
  needs: 'pod',
  async run(env, spec) {
    const p = env.pod;
    if (!p) return { outcome: 'skipped', summary: 'the trigger names no pod' };
    const name = `pod ${p.namespace}/${p.name}`;
    const acted = { namespace: p.namespace, kind: 'Pod', name: p.name };
    const path = podPath(p);
    try {
      const pod = await kubeJson<Pod>(env.kc, { method: 'GET', path });
      const before = {
        uid: pod.metadata.uid ?? null,
        phase: pod.status?.phase ?? null,
        node: pod.spec?.nodeName ?? null,
      };
      if (pod.metadata.deletionTimestamp && spec.gracePeriodSeconds === undefined) {
        return {
          outcome: 'skipped',
          summary: `${name} is already terminating (deletion requested at ${pod.metadata.deletionTimestamp})`,
          before,
          acted,
        };
      }
      const grace = spec.gracePeriodSeconds === undefined ? '' : ` with a grace period of ${spec.gracePeriodSeconds}s`;
      const after = { deleted: true, gracePeriodSeconds: spec.gracePeriodSeconds ?? null };
      if (env.dryRun)
        return { outcome: 'succeeded', summary: `dry run: would delete ${name}${grace}`, before, after, acted };
      await kubeJson(env.kc, {
        method: 'DELETE',
        path,
        body: {
          apiVersion: 'v1',
          kind: 'DeleteOptions',
          ...(pod.metadata.uid ? { preconditions: { uid: pod.metadata.uid } } : {}),
          ...(spec.gracePeriodSeconds !== undefined ? { gracePeriodSeconds: spec.gracePeriodSeconds } : {}),
        },
      });
      return { outcome: 'succeeded', summary: `deleted ${name}${grace}`, before, after, acted };
    } catch (err) {
      // Gone already (another action, its controller, a person): the goal is met, nothing to do.
      if (isApiStatus(err, 404)) return { outcome: 'skipped', summary: `${name}: pod already gone`, acted };
      return apiFailure(err, `delete_pod ${name}`);
    }
  },
};
