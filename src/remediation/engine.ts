import type { KubeConfig } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import type { RemediationConfig } from './config.ts';
import { OwnerResolver } from '../kube/owners.ts';
import type { ActionRecord, JsonValue, Store } from '../store/index.ts';
import { KeyedMutex } from '../util/keyed-mutex.ts';
import type { ActionSpec } from './actions/schemas.ts';
import type { ActionEnv, ActionHandler, ActionNotice, ActionResult, Need, Trigger } from './actions/types.ts';
import { playbookMatches } from './playbooks/match.ts';
import type { Playbook } from './playbooks/schema.ts';
import { changeBlocked, namespaceRule } from './safety.ts';
import { resolveTarget, type Resolved } from './target.ts';
import { renderTemplate, triggerView } from './template.ts';

export type HandlerRegistry = { [T in ActionSpec['action']]: ActionHandler<T> };

export interface EngineOptions {
  kc: KubeConfig;
  store: Store;
  config: RemediationConfig;
  playbooks: Playbook[];
  handlers: HandlerRegistry;
  notify: (n: ActionNotice) => Promise<void>;
  logger?: Logger;
  now?: () => number;
  /** Longest any one action may take before it is aborted (default 10 min; run_function has its own timeout). */
  actionTimeoutMs?: number;
}

/** Where a trigger's actions are recorded: its audit-key prefix and the row it links to. */
export interface TriggerRef {
  /** Unique per trigger occurrence: "alert/12", "failure/845", "schedule/<playbook>/<ms>". */
  key: string;
  alertId?: number;
  failureId?: number;
  scheduledAt?: number;
}

/**
 * Runs the playbooks a trigger matches. Each action is written to the audit log before it runs
 * and completed after; the audit key (trigger/playbook/index) makes a resumed run skip what was
 * already done, and an action found 'running' after a crash is marked interrupted rather than
 * repeated (its effect is unknown; a blind repeat could scale twice). Mutating actions on a workload
 * run under that workload's lock, after the namespace rule, its cooldown and the global budget.
 */
export class PlaybookEngine {
  private readonly locks = new KeyedMutex();
  private readonly owners: OwnerResolver;

  constructor(private readonly opts: EngineOptions) {
    this.owners = new OwnerResolver(opts.kc);
  }

  private now(): number {
    return (this.opts.now ?? Date.now)();
  }

  matching(trigger: Trigger, only?: string): Playbook[] {
    return this.opts.playbooks.filter((p) => (only === undefined || p.name === only) && playbookMatches(p, trigger));
  }

  /** Runs every matching playbook (or just `only`, for a schedule); returns the audit records. */
  async run(trigger: Trigger, ref: TriggerRef, only?: string): Promise<ActionRecord[]> {
    const playbooks = this.matching(trigger, only);
    if (playbooks.length === 0) return [];
    let resolved: Resolved;
    try {
      resolved = await resolveTarget(this.opts.kc, trigger, this.owners);
    } catch (err) {
      resolved = { problem: `could not look up the target: ${(err as Error).message}` };
    }
    const out: ActionRecord[] = [];
    for (const p of playbooks) {
      for (const [index, spec] of p.actions.entries())
        out.push(await this.runAction(p, index, spec, trigger, ref, resolved));
    }
    return out;
  }

  private async runAction(
    p: Playbook,
    index: number,
    spec: ActionSpec,
    trigger: Trigger,
    ref: TriggerRef,
    resolved: Resolved,
  ): Promise<ActionRecord> {
    const handler = this.opts.handlers[spec.action] as ActionHandler;
    const runKey = `${ref.key}/${p.name}`;
    const dryRun = p.dryRun ?? this.opts.config.dryRun;
    const target = resolved.target;
    const scope = target?.namespace ?? resolved.pod?.namespace;
    const base = {
      key: `${runKey}/${index}`,
      playbook: p.name,
      action: spec.action,
      triggerKind: trigger.kind,
      dryRun,
      mutates: handler.mutates,
      spec: spec as unknown as JsonValue,
      ...(ref.alertId !== undefined ? { alertId: ref.alertId } : {}),
      ...(ref.failureId !== undefined ? { failureId: ref.failureId } : {}),
      ...(ref.scheduledAt !== undefined ? { scheduledAt: ref.scheduledAt } : {}),
      ...(target
        ? { namespace: target.namespace, targetKind: target.kind, targetName: target.name }
        : scope
          ? { namespace: scope }
          : {}),
    };
    const missing = this.missing(typeof handler.needs === 'function' ? handler.needs(spec) : handler.needs, resolved);
    const denied = scope ? namespaceRule(this.opts.config.namespaces, scope) : undefined;
    const skip = missing ?? denied;
    if (skip) return this.skipped(base, skip);
    const work = async (): Promise<ActionRecord> => {
      if (handler.mutates && !dryRun) {
        const cooldownMs = p.cooldown ?? this.opts.config.cooldown;
        const blocked = await changeBlocked(
          this.opts.store,
          { cooldownMs, budget: this.opts.config.budget },
          target,
          runKey,
          this.now(),
        );
        if (blocked) return this.skipped(base, blocked);
      }
      const { created, record } = await this.opts.store.actions.begin(base, this.now());
      if (!created) return this.resumed(record);
      return this.execute(record, handler, spec, trigger, resolved, dryRun);
    };
    const lockKey = target
      ? `${target.namespace}/${target.kind}/${target.name}`
      : resolved.node
        ? `node/${resolved.node}`
        : `run/${runKey}`;
    return handler.mutates ? this.locks.run(lockKey, work) : work();
  }

  private missing(need: Need, r: Resolved): string | undefined {
    if (need === 'workload' && !r.target) return `no target workload: ${r.problem ?? 'the trigger names none'}`;
    if (need === 'pod' && !r.pod) return 'the trigger names no pod';
    if (need === 'node' && !r.node) return 'the trigger names no node (and its pod has none)';
    return undefined;
  }

  private async skipped(base: Parameters<Store['actions']['begin']>[0], summary: string): Promise<ActionRecord> {
    const { created, record } = await this.opts.store.actions.begin({ ...base, skipped: { summary } }, this.now());
    return created ? record : this.resumed(record);
  }

  /** A record that already exists: done before (nothing to do) or cut off by a crash (interrupted). */
  private async resumed(record: ActionRecord): Promise<ActionRecord> {
    if (record.state !== 'running') return record;
    const summary = 'interrupted: Kubeloop stopped while this action ran; it was not repeated, check the target';
    await this.opts.store.actions.complete(record.id, { state: 'interrupted', summary }, this.now());
    return { ...record, state: 'interrupted', summary };
  }

  private async execute(
    record: ActionRecord,
    handler: ActionHandler,
    spec: ActionSpec,
    trigger: Trigger,
    r: Resolved,
    dryRun: boolean,
  ): Promise<ActionRecord> {
    const signal = AbortSignal.timeout(this.opts.actionTimeoutMs ?? 600_000);
    const view = triggerView(trigger, { target: r.target, pod: r.pod, node: r.node });
    const env: ActionEnv = {
      kc: this.opts.kc,
      trigger,
      dryRun,
      signal,
      notify: this.opts.notify,
      render: (t) => renderTemplate(t, view),
      ...(r.target ? { target: r.target } : {}),
      ...(r.pod ? { pod: r.pod } : {}),
      ...(r.node ? { node: r.node } : {}),
      ...(this.opts.logger ? { logger: this.opts.logger } : {}),
    };
    let result: ActionResult;
    try {
      result = await (handler.run as (e: ActionEnv, s: ActionSpec) => Promise<ActionResult>)(env, spec);
    } catch (err) {
      result = { outcome: 'failed', summary: `${spec.action} failed: ${(err as Error).message}` };
      this.opts.logger?.error({ err, action: record.id }, 'remediation: action threw');
    }
    const completion = {
      state: result.outcome,
      summary: result.summary,
      ...(result.before !== undefined ? { before: result.before } : {}),
      ...(result.after !== undefined ? { after: result.after } : {}),
      ...(result.detail !== undefined || result.acted
        ? {
            detail: {
              ...(result.acted ? { acted: result.acted } : {}),
              ...(result.detail !== undefined ? { result: result.detail } : {}),
            },
          }
        : {}),
      ...(result.outcome === 'failed' ? { error: result.summary } : {}),
    };
    await this.opts.store.actions.complete(record.id, completion, this.now());
    return { ...record, ...completion, state: result.outcome, finishedAt: this.now() } as ActionRecord;
  }
}
