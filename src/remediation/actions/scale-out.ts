import type { KubeConfig } from '@kubernetes/client-node';
import { kubeJson, KubeApiError } from '../../kube/http.ts';
import type { ActionEnv, ActionHandler, ActionResult, WorkloadTarget } from './types.ts';
import type { ScaleOutSpec } from './schemas.ts';
import { emitWorkloadEvent } from './workload-event.ts';

/** Kinds with a /scale subresource that a replicas change is meant for. */
const SCALABLE: Record<string, string> = { Deployment: 'deployments', StatefulSet: 'statefulsets', ReplicaSet: 'replicasets' };

interface Scale {
  metadata: { resourceVersion?: string };
  spec?: { replicas?: number };
}

interface Hpa {
  metadata: { name: string; resourceVersion?: string };
  spec: { scaleTargetRef: { kind: string; name: string }; minReplicas?: number; maxReplicas: number };
  /** The collection it was read from (the patch goes to the same API version). */
  collection: string;
}

/** autoscaling/v2 since Kubernetes 1.23; older clusters serve v2beta2 (1.12+) and always v1. */
const HPA_VERSIONS = ['v2', 'v2beta2', 'v1'];

const CONFLICT_RETRIES = 3;

function scalePath(t: WorkloadTarget, plural: string): string {
  return `/apis/apps/v1/namespaces/${encodeURIComponent(t.namespace)}/${plural}/${encodeURIComponent(t.name)}/scale`;
}

/** The HPA whose scaleTargetRef is this workload, if any, from the newest autoscaling version served. */
export async function hpaFor(kc: KubeConfig, t: WorkloadTarget): Promise<Hpa | undefined> {
  for (const version of HPA_VERSIONS) {
    const collection = `/apis/autoscaling/${version}/namespaces/${encodeURIComponent(t.namespace)}/horizontalpodautoscalers`;
    let list: { items?: Omit<Hpa, 'collection'>[] };
    try {
      list = await kubeJson(kc, { method: 'GET', path: collection });
    } catch (err) {
      if (err instanceof KubeApiError && err.code === 404 && version !== 'v1') continue;
      throw err;
    }
    const hpa = (list.items ?? []).find((h) => h.spec?.scaleTargetRef?.kind === t.kind && h.spec.scaleTargetRef.name === t.name);
    return hpa ? { ...hpa, collection } : undefined;
  }
  return undefined;
}

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
    const plural = SCALABLE[t.kind];
    if (!plural) return { outcome: 'skipped', summary: `not scalable: ${t.kind} ${t.namespace}/${t.name}${t.kind === 'DaemonSet' ? ' runs one pod per node' : t.kind === 'Pod' ? ' is a bare pod with no controller' : ''}` };
    for (let attempt = 1; ; attempt++) {
      try {
        const hpa = await hpaFor(env.kc, t);
        return hpa ? await raiseHpaMin(env, spec, t, hpa) : await scaleReplicas(env, spec, t, plural);
      } catch (err) {
        if (err instanceof KubeApiError && err.code === 409 && attempt < CONFLICT_RETRIES) continue;
        if (err instanceof KubeApiError) return { outcome: 'failed', summary: `scale_out ${t.kind} ${t.namespace}/${t.name}: ${err.code} ${err.reason}: ${err.detail}` };
        throw err;
      }
    }
  },
};

async function scaleReplicas(env: ActionEnv, spec: ScaleOutSpec, t: WorkloadTarget, plural: string): Promise<ActionResult> {
  const scale = await kubeJson<Scale>(env.kc, { method: 'GET', path: scalePath(t, plural) });
  const current = scale.spec?.replicas ?? 0;
  if (current >= spec.max) return limitReached(env, t, current, spec.max, 'replicas');
  const next = Math.min(current + spec.step, spec.max);
  if (env.dryRun) return { outcome: 'succeeded', summary: `dry run: would scale ${t.kind} ${t.namespace}/${t.name} replicas ${current} -> ${next}`, before: { replicas: current }, after: { replicas: next } };
  // A replace of the Scale with the resourceVersion read: 409 if anything changed it meanwhile.
  await kubeJson(env.kc, { method: 'PUT', path: scalePath(t, plural), body: { ...scale, spec: { ...scale.spec, replicas: next } } });
  return { outcome: 'succeeded', summary: `scaled ${t.kind} ${t.namespace}/${t.name} replicas ${current} -> ${next} (limit ${spec.max})`, before: { replicas: current }, after: { replicas: next } };
}

async function raiseHpaMin(env: ActionEnv, spec: ScaleOutSpec, t: WorkloadTarget, hpa: Hpa): Promise<ActionResult> {
  const current = hpa.spec.minReplicas ?? 1;
  // minReplicas may not exceed the HPA's own maxReplicas (the API rejects it), nor our soft limit.
  const ceiling = Math.min(spec.max, hpa.spec.maxReplicas);
  const acted = { namespace: t.namespace, kind: 'HorizontalPodAutoscaler', name: hpa.metadata.name };
  if (current >= ceiling) return limitReached(env, t, current, ceiling, `HPA ${hpa.metadata.name} minReplicas`);
  const next = Math.min(current + spec.step, ceiling);
  const why = `HPA ${hpa.metadata.name} manages ${t.kind} ${t.name}, so its minReplicas was raised instead of patching replicas (the HPA would undo that)`;
  if (env.dryRun) return { outcome: 'succeeded', summary: `dry run: would raise ${why.replace('was raised', 'be raised')}: ${current} -> ${next}`, before: { minReplicas: current }, after: { minReplicas: next }, acted };
  await kubeJson(env.kc, {
    method: 'PATCH', path: `${hpa.collection}/${encodeURIComponent(hpa.metadata.name)}`,
    contentType: 'application/merge-patch+json',
    body: { metadata: { resourceVersion: hpa.metadata.resourceVersion }, spec: { minReplicas: next } },
  });
  return { outcome: 'succeeded', summary: `${why}: minReplicas ${current} -> ${next} (limit ${ceiling})`, before: { minReplicas: current }, after: { minReplicas: next }, acted };
}

async function limitReached(env: ActionEnv, t: WorkloadTarget, current: number, limit: number, what: string): Promise<ActionResult> {
  const summary = `limit reached: ${t.kind} ${t.namespace}/${t.name} ${what} ${current} >= soft limit ${limit}; not scaled, manual handling needed`;
  if (env.dryRun) return { outcome: 'skipped', summary: `dry run: ${summary} (no Event, no notification)`, before: { [what]: current } };
  const event = await emitWorkloadEvent(env.kc, t, { reason: 'ScaleOutLimitReached', message: summary, type: 'Warning' })
    .then(() => 'Event emitted', (err: unknown) => `the Event could not be emitted: ${(err as Error).message}`);
  const notified = await env.notify({ title: `Scale-out limit reached: ${t.namespace}/${t.name}`, text: summary, severity: 'warning', namespace: t.namespace, workload: { kind: t.kind, name: t.name } })
    .then(() => 'notification queued', (err: unknown) => `the notification could not be queued: ${(err as Error).message}`);
  return { outcome: 'skipped', summary, before: { [what]: current }, detail: { event, notified } };
}
