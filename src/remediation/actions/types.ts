import type { KubeConfig } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import type { JsonValue } from '../../store/index.ts';
import type { Alert } from '../alert.ts';
import type { ActionSpecOf, ActionType } from './schemas.ts';

/** A workload an action works on: Deployment, StatefulSet, ReplicaSet, DaemonSet, Job, CronJob, or a bare Pod. */
export interface WorkloadTarget {
  namespace: string;
  kind: string;
  name: string;
}

/** What started the playbook run. */
export type Trigger =
  | { kind: 'alert'; alert: Alert; alertRowId: number }
  | { kind: 'failure'; failure: FailureTrigger }
  | { kind: 'schedule'; scheduledAt: number };

export interface FailureTrigger {
  id: number;
  namespace: string;
  pod: string;
  container?: string;
  node?: string;
  workloadKind: string;
  workloadName: string;
  reason: string;
}

/** A notification an action sends through the alerting channels. */
export interface ActionNotice {
  title: string;
  text: string;
  severity: 'critical' | 'warning' | 'info';
  /** Named channels; absent: the channels the alerting routes choose for this namespace/workload. */
  channels?: string[];
  namespace?: string;
  workload?: { kind: string; name: string };
}

export interface ActionEnv {
  kc: KubeConfig;
  trigger: Trigger;
  /** The workload the trigger points at (resolved once per playbook run); undefined when none. */
  target?: WorkloadTarget;
  /** The pod the trigger names, if any (alert label pod/pod_name, or the failure's pod). */
  pod?: { namespace: string; name: string };
  /** The node the trigger names, if any (alert label node, or the failure's node). */
  node?: string;
  dryRun: boolean;
  /** Queues a message through the notifications capability (stored in the outbox before sending). */
  notify(n: ActionNotice): Promise<void>;
  /** Renders "{{alert.labels.pod_name}}"-style templates against the trigger. */
  render(template: string): string;
  logger?: Logger;
  signal: AbortSignal;
}

/**
 * An action's outcome as the audit log records it. `summary` is one line a person reads in the UI
 * ("replicas 1 -> 2", "limit reached (5/5): manual handling needed"); before/after are the state it
 * changed; detail holds what it produced (captured logs, a function's return value and log lines,
 * an HTTP answer).
 */
export interface ActionResult {
  outcome: 'succeeded' | 'failed' | 'skipped';
  summary: string;
  before?: JsonValue;
  after?: JsonValue;
  detail?: JsonValue;
  /** The object actually acted on, when it differs from env.target (an HPA, a node, a pod). */
  acted?: { namespace?: string; kind: string; name: string };
}

export type Need = 'workload' | 'pod' | 'node' | 'nothing';

export interface ActionHandler<T extends ActionType = ActionType> {
  action: T;
  /** Changes the cluster (counts against cooldown and the budget; dry-run applies). */
  mutates: boolean;
  /**
   * What the action needs from the trigger (or, for an action whose object depends on its
   * parameters, a function of its spec); the engine skips it with a clear result when missing.
   */
  needs: Need | ((spec: ActionSpecOf<T>) => Need);
  run(env: ActionEnv, spec: ActionSpecOf<T>): Promise<ActionResult>;
}
