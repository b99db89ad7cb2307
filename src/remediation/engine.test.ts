import { afterEach, describe, expect, it } from 'vitest';
import { KubeConfig } from '@kubernetes/client-node';
import { remediationConfigSchema } from './config.ts';
import { tempStore } from '../alerting/test-support.ts';
import type { Alert } from './alert.ts';
import type { ActionHandler } from './actions/types.ts';
import { PlaybookEngine, type HandlerRegistry } from './engine.ts';
import { playbookSchema } from './playbooks/schema.ts';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

/** Handlers that only count their calls: the engine's rules are under test, not the cluster. */
function countingHandlers(): { handlers: HandlerRegistry; calls: string[] } {
  const calls: string[] = [];
  const h = (action: string, mutates: boolean): ActionHandler => ({
    action: action as 'notify',
    mutates,
    needs: 'workload',
    run: async (env) => {
      calls.push(`${action} ${env.target?.name ?? ''}${env.dryRun ? ' (dry)' : ''}`);
      return { outcome: 'succeeded', summary: `${action} done` };
    },
  });
  const names = [
    'scale_out',
    'scale_in',
    'rollout_restart',
    'delete_pod',
    'cordon_node',
    'capture_logs',
    'annotate',
    'notify',
    'http_request',
    'run_function',
  ];
  return {
    calls,
    handlers: Object.fromEntries(
      names.map((n) => [n, h(n, !['notify', 'capture_logs'].includes(n))]),
    ) as unknown as HandlerRegistry,
  };
}

const alert = (id: string, deployment: string): Alert => ({
  source: 'generic',
  id,
  status: 'firing',
  severity: 'warning',
  labels: { namespace: 'shop', deployment },
  annotations: {},
  title: id,
  raw: null,
});

async function setup(config: Record<string, unknown>, playbooks: unknown[]) {
  const t = await tempStore();
  cleanups.push(t.cleanup);
  const { handlers, calls } = countingHandlers();
  const engine = new PlaybookEngine({
    kc: new KubeConfig(),
    store: t.store,
    config: remediationConfigSchema.parse(config),
    playbooks: playbooks.map((p) => playbookSchema.parse(p)),
    handlers,
    notify: async () => undefined,
  });
  let n = 0;
  const fire = async (a: Alert) => engine.run({ kind: 'alert', alert: a, alertRowId: ++n }, { key: `alert/${n}` });
  return { engine, calls, fire, store: t.store };
}

describe('the playbook engine', () => {
  it('stops at the global budget, recording why', async () => {
    const { fire, calls } = await setup({ cooldown: '0s', budget: { actions: 2, per: '1h' } }, [
      { name: 'p', trigger: { alert: {} }, actions: [{ action: 'scale_out' }] },
    ]);
    const results = [];
    for (const d of ['a', 'b', 'c']) results.push(...(await fire(alert(d, d))));
    expect(results.map((r) => r.state)).toEqual(['succeeded', 'succeeded', 'skipped']);
    expect(results[2]?.summary).toMatch(/^budget: 2 changes in the last 60 min \(remediation.budget allows 2\)/);
    expect(calls).toEqual(['scale_out a', 'scale_out b']);
  });

  it('does not cool down the actions of one run against each other, and notify is not a change', async () => {
    const { fire, calls } = await setup({}, [
      {
        name: 'p',
        trigger: { alert: {} },
        actions: [{ action: 'scale_out' }, { action: 'annotate', annotations: { a: 'b' } }, { action: 'notify' }],
      },
    ]);
    expect((await fire(alert('1', 'api'))).map((r) => r.state)).toEqual(['succeeded', 'succeeded', 'succeeded']);
    const second = await fire(alert('2', 'api'));
    expect(second.map((r) => r.state)).toEqual(['skipped', 'skipped', 'succeeded']);
    expect(calls).toEqual(['scale_out api', 'annotate api', 'notify api', 'notify api']);
  });

  it('dry-run (global or per playbook) runs handlers in dry mode, outside cooldown and budget', async () => {
    const { fire, calls } = await setup({ dryRun: true, budget: { actions: 1, per: '1h' } }, [
      { name: 'p', trigger: { alert: {} }, actions: [{ action: 'scale_out' }] },
    ]);
    for (const d of ['1', '2', '3']) await fire(alert(d, 'api'));
    expect(calls).toEqual(['scale_out api (dry)', 'scale_out api (dry)', 'scale_out api (dry)']);
  });

  it('honours a namespace allow list and skips actions whose target is missing', async () => {
    const { fire, calls } = await setup({ namespaces: { allow: ['prod'], deny: [] } }, [
      { name: 'p', trigger: { alert: {} }, actions: [{ action: 'scale_out' }] },
    ]);
    const [r] = await fire(alert('1', 'api'));
    expect(r).toMatchObject({ state: 'skipped', summary: 'namespace shop is not in remediation.namespaces.allow' });
    const [none] = await fire({ ...alert('2', 'api'), labels: { alertname: 'x' } });
    expect(none?.summary).toMatch(/^no target workload: the alert has no namespace label/);
    expect(calls).toEqual([]);
  });

  it('marks an action found running after a crash as interrupted instead of repeating it', async () => {
    const { engine, store, calls } = await setup({}, [
      { name: 'p', trigger: { alert: {} }, actions: [{ action: 'scale_out' }] },
    ]);
    await store.actions.begin({
      key: 'alert/9/p/0',
      playbook: 'p',
      action: 'scale_out',
      triggerKind: 'alert',
      dryRun: false,
      mutates: true,
      spec: {},
      namespace: 'shop',
      targetKind: 'Deployment',
      targetName: 'api',
    });
    const [r] = await engine.run({ kind: 'alert', alert: alert('9', 'api'), alertRowId: 9 }, { key: 'alert/9' });
    expect(r?.state).toBe('interrupted');
    expect(calls).toEqual([]);
  });
});
