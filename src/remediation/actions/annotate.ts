import { kubeJson } from '../../kube/http.ts';
import { apiFailure, describeTarget, objectPath } from './target-paths.ts';
import type { ActionHandler, WorkloadTarget } from './types.ts';

interface Meta {
  metadata?: { annotations?: Record<string, string> };
}

/**
 * annotate: marks the workload (or, `on: pod`, the trigger's pod) with annotations whose values
 * are templates ("{{alert.id}}", "{{now}}"), e.g. to tie an object to the alert that touched it.
 * A JSON merge patch of just those keys, so annotations others own are untouched and no
 * resourceVersion is needed. The object is read first: before/after show each key's old and new
 * value, and when every value is already in place nothing is written.
 */
export const annotate: ActionHandler<'annotate'> = {
  action: 'annotate',
  mutates: true,
  // Static per handler: `on: pod` also works when the engine resolved a workload, and reads env.pod.
  needs: (spec) => (spec.on === 'pod' ? 'pod' : 'workload'),
  async run(env, spec) {
    const obj: WorkloadTarget | undefined =
      spec.on === 'pod' ? (env.pod ? { ...env.pod, kind: 'Pod' } : undefined) : env.target;
    if (!obj)
      return { outcome: 'skipped', summary: spec.on === 'pod' ? 'the trigger names no pod' : 'no target workload' };
    const path = objectPath(obj);
    if (!path) return { outcome: 'skipped', summary: `cannot annotate ${describeTarget(obj)}: unknown kind` };
    const values = Object.fromEntries(Object.entries(spec.annotations).map(([k, v]) => [k, env.render(v)]));
    const keys = Object.keys(values).join(', ');
    const acted = { namespace: obj.namespace, kind: obj.kind, name: obj.name };
    try {
      const current = await kubeJson<Meta>(env.kc, { method: 'GET', path });
      const before = Object.fromEntries(
        Object.keys(values).map((k) => [k, current.metadata?.annotations?.[k] ?? null]),
      );
      if (Object.entries(values).every(([k, v]) => before[k] === v))
        return {
          outcome: 'skipped',
          summary: `${describeTarget(obj)} already has ${keys} with these values`,
          before,
          acted,
        };
      if (env.dryRun)
        return {
          outcome: 'succeeded',
          summary: `dry run: would annotate ${describeTarget(obj)}: ${keys}`,
          before,
          after: values,
          acted,
        };
      await kubeJson(env.kc, {
        method: 'PATCH',
        path,
        contentType: 'application/merge-patch+json',
        body: { metadata: { annotations: values } },
      });
      return {
        outcome: 'succeeded',
        summary: `annotated ${describeTarget(obj)}: ${keys}`,
        before,
        after: values,
        acted,
      };
    } catch (err) {
      return apiFailure(err, `annotate ${describeTarget(obj)}`);
    }
  },
};
