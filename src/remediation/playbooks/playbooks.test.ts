import { describe, expect, it } from 'vitest';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../config/load.ts';
import { remediationConfigSchema } from '../config.ts';
import type { Alert } from '../alert.ts';
import { loadPlaybooks } from './load.ts';
import { playbookMatches } from './match.ts';
import { playbookSchema, type PlaybookInput } from './schema.ts';
import { renderTemplate } from '../template.ts';

const alert = (labels: Record<string, string>, over: Partial<Alert> = {}): Alert => ({
  source: 'guance',
  id: 'event-1',
  status: 'firing',
  severity: 'warning',
  labels,
  annotations: {},
  title: 't',
  raw: null,
  ...over,
});
const pb = (p: Partial<PlaybookInput>) =>
  playbookSchema.parse({ name: 'p', trigger: { alert: {} }, actions: [{ action: 'scale_out' }], ...p });

describe('playbooks', () => {
  it('fills action defaults and rejects a misspelt parameter naming it', () => {
    expect(pb({}).actions[0]).toEqual({ action: 'scale_out', max: 5, step: 1 });
    const r = playbookSchema.safeParse({
      name: 'p',
      trigger: { alert: {} },
      actions: [{ action: 'scale_out', maxx: 3 }],
    });
    expect(r.success).toBe(false);
    expect(JSON.stringify(r.error?.issues)).toContain('maxx');
    expect(
      playbookSchema.safeParse({ name: 'p', trigger: { alert: {} }, actions: [{ action: 'reboot' }] }).error?.issues[0]
        ?.message,
    ).toMatch(/unknown action/);
    expect(
      playbookSchema.safeParse({
        name: 'p',
        trigger: { alert: {} },
        conditions: ['namespace=prod'],
        actions: [{ action: 'notify' }],
      }).error?.issues[0]?.message,
    ).toMatch(/expected a matcher/);
  });

  it('matches alerts on source, status, labels, matchers, severity and conditions', () => {
    const p = pb({
      trigger: { alert: { source: 'guance', labels: { namespace: 'gc-dev' }, matchers: ['pod_name=~"ruoyi-.*"'] } },
      conditions: ['severity!="info"'],
    });
    const trigger = (a: Alert) => ({ kind: 'alert' as const, alert: a, alertRowId: 1 });
    expect(playbookMatches(p, trigger(alert({ namespace: 'gc-dev', pod_name: 'ruoyi-system-1' })))).toBe(true);
    expect(playbookMatches(p, trigger(alert({ namespace: 'gc-dev', pod_name: 'nginx-1' })))).toBe(false);
    expect(playbookMatches(p, trigger(alert({ namespace: 'prod', pod_name: 'ruoyi-system-1' })))).toBe(false);
    expect(
      playbookMatches(p, trigger(alert({ namespace: 'gc-dev', pod_name: 'ruoyi-system-1' }, { severity: 'info' }))),
    ).toBe(false);
    expect(
      playbookMatches(p, trigger(alert({ namespace: 'gc-dev', pod_name: 'ruoyi-system-1' }, { status: 'resolved' }))),
    ).toBe(false);
    expect(
      playbookMatches(p, trigger(alert({ namespace: 'gc-dev', pod_name: 'ruoyi-system-1' }, { source: 'generic' }))),
    ).toBe(false);
  });

  it('matches failures on reason, namespace and workload', () => {
    const p = pb({ trigger: { failure: { reasons: ['OOMKilled'], workloads: ['ruoyi-system'] } } });
    const f = {
      id: 1,
      namespace: 'gc-dev',
      pod: 'ruoyi-system-x',
      workloadKind: 'Deployment',
      workloadName: 'ruoyi-system',
      reason: 'OOMKilled',
    };
    expect(playbookMatches(p, { kind: 'failure', failure: f })).toBe(true);
    expect(playbookMatches(p, { kind: 'failure', failure: { ...f, reason: 'Error' } })).toBe(false);
    expect(playbookMatches(p, { kind: 'alert', alert: alert({}), alertRowId: 1 })).toBe(false);
  });

  it('loads a playbooks directory, naming the file and field of a mistake and refusing duplicate names and bad cron', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'playbooks-'));
    try {
      await writeFile(
        join(dir, 'a.yaml'),
        'name: from-file\ntrigger: { schedule: { cron: "0-59/2 * * * *" } }\nactions: [{ action: notify }]\n',
      );
      const cfg = remediationConfigSchema.parse({
        playbooksDir: dir,
        playbooks: [{ name: 'inline', trigger: { alert: {} }, actions: [{ action: 'notify' }] }],
      });
      expect((await loadPlaybooks(cfg)).map((p) => p.name)).toEqual(['inline', 'from-file']);
      await writeFile(
        join(dir, 'b.yaml'),
        '- name: bad\n  trigger: { alert: {} }\n  actions: [{ action: scale_out, max: 0 }]\n',
      );
      await expect(loadPlaybooks(cfg)).rejects.toThrow(/b\.yaml: playbook 0: invalid:[\s\S]*actions\[0\]\.max/);
      await writeFile(join(dir, 'b.yaml'), 'name: inline\ntrigger: { alert: {} }\nactions: [{ action: notify }]\n');
      await expect(loadPlaybooks(cfg)).rejects.toThrow(/duplicate playbook name "inline"/);
      await writeFile(
        join(dir, 'b.yaml'),
        'name: b\ntrigger: { schedule: { cron: "every minute" } }\nactions: [{ action: notify }]\n',
      );
      await expect(loadPlaybooks(cfg)).rejects.toThrow(/b\.yaml\[0\]\.trigger\.schedule\.cron/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('ships a valid seed-000 example (examples/seed-scale-out.yaml)', async () => {
    const config = await loadConfig('examples/seed-scale-out.yaml', { required: true });
    const [p] = await loadPlaybooks(config.remediation);
    expect(p?.name).toBe('seed-scale-out');
    expect(p?.actions).toEqual([{ action: 'scale_out', max: 5, step: 1 }]);
    expect(config.remediation.namespaces.deny).toEqual(['kube-system']);
  });

  it('renders templates against the trigger, missing paths as empty', () => {
    expect(
      renderTemplate('{{alert.labels.pod_name}} in {{ alert.labels.namespace }}{{alert.labels.nope}}', {
        alert: alert({ pod_name: 'p1', namespace: 'ns' }),
      }),
    ).toBe('p1 in ns');
  });
});
