import type { KubeConfig } from '@kubernetes/client-node';
import { kubeJson, KubeApiError } from '../../kube/http.ts';
import type { ActionResult, WorkloadTarget } from './types.ts';

/** API group/version and resource name of each kind an action may target. */
const KINDS: Record<string, { apiVersion: string; plural: string }> = {
  Deployment: { apiVersion: 'apps/v1', plural: 'deployments' },
  StatefulSet: { apiVersion: 'apps/v1', plural: 'statefulsets' },
  ReplicaSet: { apiVersion: 'apps/v1', plural: 'replicasets' },
  DaemonSet: { apiVersion: 'apps/v1', plural: 'daemonsets' },
  Job: { apiVersion: 'batch/v1', plural: 'jobs' },
  CronJob: { apiVersion: 'batch/v1', plural: 'cronjobs' },
  Pod: { apiVersion: 'v1', plural: 'pods' },
};

/** Kinds with a /scale subresource whose replicas an action may change. */
export const scaleKinds: ReadonlySet<string> = new Set(['Deployment', 'StatefulSet', 'ReplicaSet']);

const enc = encodeURIComponent;

/** "Deployment shop/web": how summaries name a workload. */
export const describeTarget = (t: WorkloadTarget): string => `${t.kind} ${t.namespace}/${t.name}`;

/** The apiVersion of a kind ("apps/v1"; "v1" for a Pod), or undefined for a kind not listed here. */
export function apiVersionOf(kind: string): string | undefined {
  return KINDS[kind]?.apiVersion;
}

/** The object's path: Deployment -> /apis/apps/v1/namespaces/<ns>/deployments/<name>, Pod -> /api/v1/...; undefined for an unknown kind. */
export function objectPath(t: WorkloadTarget): string | undefined {
  const k = KINDS[t.kind];
  if (!k) return undefined;
  const base = k.apiVersion === 'v1' ? '/api/v1' : `/apis/${k.apiVersion}`;
  return `${base}/namespaces/${enc(t.namespace)}/${k.plural}/${enc(t.name)}`;
}

/** The /scale subresource of a Deployment, StatefulSet or ReplicaSet; undefined for other kinds. */
export function scalePath(t: WorkloadTarget): string | undefined {
  return scaleKinds.has(t.kind) ? `${objectPath(t)}/scale` : undefined;
}

export const podPath = (p: { namespace: string; name: string }): string =>
  `/api/v1/namespaces/${enc(p.namespace)}/pods/${enc(p.name)}`;

export const nodePath = (name: string): string => `/api/v1/nodes/${enc(name)}`;

/** An HPA that manages a workload, as the scale actions need it. */
export interface HpaInfo {
  name: string;
  namespace: string;
  /** 1 when the object leaves it out (the API default). */
  minReplicas: number;
  maxReplicas: number;
  resourceVersion?: string;
  /** "autoscaling/v2", or "autoscaling/v1" on a cluster older than 1.23. */
  apiVersion: string;
  /** The HPA's own path in that version, for a PATCH of minReplicas/maxReplicas. */
  path: string;
}

interface HpaWire {
  metadata: { name: string; resourceVersion?: string };
  spec?: { scaleTargetRef?: { kind?: string; name?: string }; minReplicas?: number; maxReplicas?: number };
}

/**
 * The HorizontalPodAutoscaler whose scaleTargetRef is this workload, or undefined. autoscaling/v2
 * first; a 404 for that group version (clusters before 1.23) falls back to autoscaling/v1, which
 * every cluster serves with the same scaleTargetRef/minReplicas/maxReplicas. Other API errors (403
 * when the credentials may not list HPAs) are thrown as KubeApiError: a caller must not take
 * "could not look" for "there is none" and then fight an HPA it did not see.
 */
export async function findHpaFor(kc: KubeConfig, target: WorkloadTarget): Promise<HpaInfo | undefined> {
  for (const apiVersion of ['autoscaling/v2', 'autoscaling/v1']) {
    const collection = `/apis/${apiVersion}/namespaces/${enc(target.namespace)}/horizontalpodautoscalers`;
    let list: { items?: HpaWire[] };
    try {
      list = await kubeJson<{ items?: HpaWire[] }>(kc, { method: 'GET', path: collection });
    } catch (err) {
      if (err instanceof KubeApiError && err.code === 404 && apiVersion !== 'autoscaling/v1') continue;
      throw err;
    }
    const hpa = (list.items ?? []).find(
      (h) => h.spec?.scaleTargetRef?.kind === target.kind && h.spec.scaleTargetRef.name === target.name,
    );
    if (!hpa) return undefined;
    return {
      name: hpa.metadata.name,
      namespace: target.namespace,
      minReplicas: hpa.spec?.minReplicas ?? 1,
      maxReplicas: hpa.spec?.maxReplicas ?? 0,
      ...(hpa.metadata.resourceVersion ? { resourceVersion: hpa.metadata.resourceVersion } : {}),
      apiVersion,
      path: `${collection}/${enc(hpa.metadata.name)}`,
    };
  }
  return undefined;
}

/**
 * An API refusal (404, 403, 409 after retries, 422) as a 'failed' result naming the object and
 * the API's reason, so the audit log says what went wrong. Anything else is rethrown: a network
 * failure or a bug is the engine's to record.
 */
export function apiFailure(err: unknown, what: string): ActionResult {
  if (err instanceof KubeApiError)
    return { outcome: 'failed', summary: `${what}: ${err.code} ${err.reason}: ${err.detail}` };
  throw err;
}

export function isApiStatus(err: unknown, code: number): err is KubeApiError {
  return err instanceof KubeApiError && err.code === code;
}

/** The Scale subresource as read and written back (resourceVersion kept: a concurrent change gives 409). */
export interface Scale {
  metadata: { resourceVersion?: string };
  /** The API leaves replicas out when it is 0 (omitempty). */
  spec?: { replicas?: number };
}

/** A 409 (the workload changed between our read and our write) is re-read and retried this often. */
export const CONFLICT_RETRIES = 3;
