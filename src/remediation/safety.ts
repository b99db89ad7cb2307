import type { RemediationConfig } from './config.ts';
import type { Store } from '../store/index.ts';
import type { WorkloadTarget } from './actions/types.ts';

/** Namespaces remediation may touch: the deny list wins; a non-empty allow list is exhaustive. */
export function namespaceRule(cfg: RemediationConfig['namespaces'], namespace: string): string | undefined {
  if (cfg.deny.includes(namespace)) return `namespace ${namespace} is denied (remediation.namespaces.deny)`;
  if (cfg.allow.length > 0 && !cfg.allow.includes(namespace))
    return `namespace ${namespace} is not in remediation.namespaces.allow`;
  return undefined;
}

/**
 * Why a change to this target must not happen now, or undefined: the target's cooldown (a change
 * by another trigger within the window) and the global budget of changes per period. Read from
 * the audit log, so both hold across restarts and replicas sharing a database.
 */
export async function changeBlocked(
  store: Store,
  rules: { cooldownMs: number; budget: RemediationConfig['budget'] },
  target: WorkloadTarget | undefined,
  runKey: string,
  now: number,
): Promise<string | undefined> {
  if (target && rules.cooldownMs > 0) {
    const last = await store.actions.lastMutationOn(target, now - rules.cooldownMs, `${runKey}/`);
    if (last) {
      const left = Math.ceil((last.startedAt + rules.cooldownMs - now) / 1000);
      return `cooldown: ${target.kind} ${target.namespace}/${target.name} was changed by action #${last.id} (${last.playbook}/${last.action}) ${Math.round((now - last.startedAt) / 1000)} s ago; next change allowed in ${left} s`;
    }
  }
  const used = await store.actions.countMutationsSince(now - rules.budget.per);
  if (used >= rules.budget.actions)
    return `budget: ${used} changes in the last ${Math.round(rules.budget.per / 60_000)} min (remediation.budget allows ${rules.budget.actions})`;
  return undefined;
}
