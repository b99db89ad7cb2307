import type { AppsV1Api, AutoscalingV2Api, BatchV1Api, CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import type { JsonValue } from '../../store/index.ts';
import type { Alert, AlertSource } from '../alert.ts';
import type { ActionNotice } from '../actions/types.ts';

/**
 * What a `run_function` module receives. Import the types (type-only, nothing is loaded at run
 * time) to get completion and checking in the function's editor:
 *
 *   // functions/scale-if-queue-deep.ts
 *   import type { FunctionContext } from '<kubeloop>/src/remediation/functions/api.ts';
 *   import type { Alert } from '<kubeloop>/src/remediation/alert.ts';
 *
 *   export default async (ctx: FunctionContext, alert: Alert | undefined) => {
 *     const namespace = alert?.labels.namespace ?? 'default';
 *     const [depth] = await ctx.query(`sum(queue_depth{namespace="${namespace}"})`);
 *     ctx.log.info('queue depth', depth?.value);
 *     if ((depth?.value ?? 0) < Number(ctx.params.threshold ?? 1000)) return { restarted: 0 };
 *     const pods = await ctx.k8s.core.listNamespacedPod({ namespace, labelSelector: 'app=worker' });
 *     const stuck = pods.items.filter((p) => p.status?.phase === 'Pending');
 *     for (const p of stuck) await ctx.k8s.core.deleteNamespacedPod({ namespace, name: p.metadata?.name ?? '' });
 *     await ctx.notify({ title: 'stuck workers restarted', text: `${stuck.length} pod(s)`, severity: 'info', namespace });
 *     return { restarted: stuck.length };
 *   };
 *
 * The function runs in a worker thread with the action's timeoutMs and memoryMb; its return value
 * (JSON only) and log lines are recorded with the action's result.
 */
export interface FunctionContext {
  /** The action's `params:` from the playbook. */
  params: Record<string, JsonValue>;
  /** The alert that started the playbook run; undefined for failure and schedule triggers. */
  alert: Alert | undefined;
  trigger: FunctionTrigger;
  /** Recorded log lines (console.log/warn/error are captured the same way). */
  log: FunctionLogger;
  /** Clients built from Kubeloop's own kubeconfig: the function acts with Kubeloop's permissions. */
  k8s: KubeClients;
  /**
   * An instant PromQL query against remediation.prometheusUrl (at `time`, default now). Throws
   * when no Prometheus is configured, on HTTP or Prometheus errors, and on unexpected answers.
   */
  query(promql: string, time?: Date): Promise<PromVector>;
  /** Sends a message through Kubeloop's alerting channels; resolves once Kubeloop has queued it. */
  notify(notice: ActionNotice): Promise<void>;
}

/** The module's default export. */
export type FunctionHandler = (ctx: FunctionContext, alert: Alert | undefined) => unknown;

export interface FunctionLogger {
  info(...args: unknown[]): void;
  warn(...args: unknown[]): void;
  error(...args: unknown[]): void;
}

export interface KubeClients {
  kc: KubeConfig;
  core: CoreV1Api;
  apps: AppsV1Api;
  autoscaling: AutoscalingV2Api;
  batch: BatchV1Api;
}

/** One sample of an instant query; a scalar result is one sample with no labels. */
export interface PromSample {
  metric: Record<string, string>;
  /** NaN, +Inf and -Inf arrive as such. */
  value: number;
  /** Epoch milliseconds (Prometheus sends seconds). */
  timestamp: number;
}
export type PromVector = PromSample[];

/** What started the playbook run, as identifiers (the alert itself is `ctx.alert`). */
export type FunctionTrigger =
  | { kind: 'alert'; alertRowId: number; alertId: string; source: AlertSource }
  | {
      kind: 'failure';
      failureId: number;
      namespace: string;
      pod: string;
      container?: string;
      node?: string;
      workloadKind: string;
      workloadName: string;
      reason: string;
    }
  | { kind: 'schedule'; scheduledAt: number };
