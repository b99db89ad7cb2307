import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../../../test/support/eventually.ts';
import { isApiStatus } from './target-paths.ts';
import { barePod, deploymentPath, NS, spec, startActionSim, workload, type ActionSim } from './actions.test-support.ts';
import { annotate } from './annotate.ts';
import { captureLogs } from './capture-logs.ts';
import { cordonNode } from './cordon-node.ts';
import { deletePod } from './delete-pod.ts';
import { RESTARTED_AT, rolloutRestart } from './rollout-restart.ts';

interface Obj {
  metadata: { name: string; uid?: string; annotations?: Record<string, string>; ownerReferences?: { name: string }[] };
  spec?: {
    unschedulable?: boolean;
    nodeName?: string;
    paused?: boolean;
    template?: { metadata?: { annotations?: Record<string, string> } };
  };
  status?: { phase?: string; containerStatuses?: { restartCount: number }[] };
}

let s: ActionSim;
const target = (name: string, kind = 'Deployment') => ({ namespace: NS, kind, name });
const pod = (name: string) => ({ namespace: NS, name });
const podPath = (name: string) => `/api/v1/namespaces/${NS}/pods/${name}`;
const running = (name: string) =>
  eventually(`pod ${name} running`, async () => {
    const p = await s.get<Obj>(podPath(name));
    return p.status?.phase === 'Running' ? p : undefined;
  });
const templateAnnotation = async (path: string) =>
  (await s.get<Obj>(path)).spec?.template?.metadata?.annotations?.[RESTARTED_AT];
const replicaSetsOf = async (name: string) =>
  (await s.get<{ items: Obj[] }>(`/apis/apps/v1/namespaces/${NS}/replicasets`)).items.filter((rs) =>
    rs.metadata.ownerReferences?.some((o) => o.name === name),
  );

beforeAll(async () => {
  s = await startActionSim();
  await s.create(`/apis/apps/v1/namespaces/${NS}/deployments`, workload('Deployment', 'web', 2));
  await s.create(`/apis/apps/v1/namespaces/${NS}/deployments`, workload('Deployment', 'frozen', 1, { paused: true }));
  await s.create(`/apis/apps/v1/namespaces/${NS}/statefulsets`, workload('StatefulSet', 'db', 1));
  await s.create(`/apis/apps/v1/namespaces/${NS}/daemonsets`, workload('DaemonSet', 'agent'));
  await s.create(`/api/v1/namespaces/${NS}/pods`, barePod('victim'));
  // Two containers: the API wants a container name then, so capture_logs must pick one itself.
  await s.create(
    `/api/v1/namespaces/${NS}/pods`,
    barePod('talker', { 'sim.kubeloop.dev/log-lines-per-sec': '50' }, ['app', 'sidecar']),
  );
  // The sim's kubelet logs crash-log (\\n, \\t escaped as in a one-line annotation) before each exit.
  await s.create(
    `/api/v1/namespaces/${NS}/pods`,
    barePod('crasher', {
      'sim.kubeloop.dev/crash-after': '150ms',
      'sim.kubeloop.dev/crash-log': 'panic: boom\\n\\tat main.run()',
    }),
  );
  await eventually('the web ReplicaSet', async () => ((await replicaSetsOf('web')).length === 1 ? true : undefined));
});

afterAll(async () => {
  await s?.sim.stop();
});

describe('rollout_restart', () => {
  it('sets restartedAt as kubectl does, and the Deployment rolls a new ReplicaSet', async () => {
    const dry = await rolloutRestart.run(s.env({ target: target('web'), dryRun: true }), spec('rollout_restart'));
    expect(dry).toMatchObject({ outcome: 'succeeded', before: { restartedAt: null } });
    expect(dry.summary).toMatch(/^dry run: would restart Deployment actions\/web/);
    expect(await templateAnnotation(deploymentPath('web'))).toBeUndefined();

    const r = await rolloutRestart.run(s.env({ target: target('web') }), spec('rollout_restart'));
    expect(r).toMatchObject({ outcome: 'succeeded', before: { restartedAt: null } });
    const at = (r.after as { restartedAt: string }).restartedAt;
    expect(await templateAnnotation(deploymentPath('web'))).toBe(at);
    const sets = await eventually('a second ReplicaSet', async () => {
      const rs = await replicaSetsOf('web');
      return rs.length === 2 ? rs : undefined;
    });
    expect(sets.some((rs) => rs.spec?.template?.metadata?.annotations?.[RESTARTED_AT] === at)).toBe(true);
  });

  it('restarts StatefulSets and DaemonSets; skips other kinds and paused Deployments', async () => {
    for (const [kind, path] of [
      ['StatefulSet', `/apis/apps/v1/namespaces/${NS}/statefulsets/db`],
      ['DaemonSet', `/apis/apps/v1/namespaces/${NS}/daemonsets/agent`],
    ] as const) {
      const r = await rolloutRestart.run(
        s.env({ target: target(kind === 'StatefulSet' ? 'db' : 'agent', kind) }),
        spec('rollout_restart'),
      );
      expect(r.outcome, r.summary).toBe('succeeded');
      expect(await templateAnnotation(path)).toBe((r.after as { restartedAt: string }).restartedAt);
    }
    for (const kind of ['ReplicaSet', 'Job', 'CronJob', 'Pod']) {
      const r = await rolloutRestart.run(s.env({ target: target('x', kind) }), spec('rollout_restart'));
      expect(r.outcome).toBe('skipped');
      expect(r.summary.startsWith(`not restartable: ${kind} x`)).toBe(true);
    }
    expect(await rolloutRestart.run(s.env({ target: target('frozen') }), spec('rollout_restart'))).toMatchObject({
      outcome: 'skipped',
      summary: expect.stringContaining('paused'),
    });
    expect(await templateAnnotation(deploymentPath('frozen'))).toBeUndefined();
  });

  it('fails, not throws, naming a workload that does not exist', async () => {
    const r = await rolloutRestart.run(s.env({ target: target('missing') }), spec('rollout_restart'));
    expect(r.outcome).toBe('failed');
    expect(r.summary).toMatch(/^rollout_restart Deployment actions\/missing: 404 NotFound/);
  });
});

describe('annotate', () => {
  const annotations = { 'kubeloop.dev/alert': '{{alert.id}}', 'kubeloop.dev/by': 'kubeloop' };

  it('writes rendered values on the workload, reporting the previous ones', async () => {
    const dry = await annotate.run(
      s.env({ target: target('db', 'StatefulSet'), dryRun: true }),
      spec('annotate', { annotations }),
    );
    expect(dry).toMatchObject({ outcome: 'succeeded', after: { 'kubeloop.dev/alert': 'alert-1' } });
    expect(dry.summary.startsWith('dry run: would annotate')).toBe(true);
    expect(
      (await s.get<Obj>(`/apis/apps/v1/namespaces/${NS}/statefulsets/db`)).metadata.annotations?.['kubeloop.dev/alert'],
    ).toBeUndefined();

    const r = await annotate.run(s.env({ target: target('db', 'StatefulSet') }), spec('annotate', { annotations }));
    expect(r).toMatchObject({
      outcome: 'succeeded',
      before: { 'kubeloop.dev/alert': null, 'kubeloop.dev/by': null },
      after: { 'kubeloop.dev/alert': 'alert-1', 'kubeloop.dev/by': 'kubeloop' },
    });
    expect((await s.get<Obj>(`/apis/apps/v1/namespaces/${NS}/statefulsets/db`)).metadata.annotations).toMatchObject({
      'kubeloop.dev/alert': 'alert-1',
      'kubeloop.dev/by': 'kubeloop',
    });
    expect(
      (await annotate.run(s.env({ target: target('db', 'StatefulSet') }), spec('annotate', { annotations }))).outcome,
    ).toBe('skipped');
    const changed = await annotate.run(
      s.env({ target: target('db', 'StatefulSet') }),
      spec('annotate', { annotations: { 'kubeloop.dev/by': 'someone' } }),
    );
    expect(changed).toMatchObject({
      outcome: 'succeeded',
      before: { 'kubeloop.dev/by': 'kubeloop' },
      after: { 'kubeloop.dev/by': 'someone' },
    });
  });

  it("annotates the trigger's pod with on: pod", async () => {
    const r = await annotate.run(
      s.env({ target: target('talker', 'Pod'), pod: pod('talker') }),
      spec('annotate', { annotations, on: 'pod' }),
    );
    expect(r).toMatchObject({ outcome: 'succeeded', acted: { kind: 'Pod', name: 'talker' } });
    expect((await s.get<Obj>(podPath('talker'))).metadata.annotations?.['kubeloop.dev/alert']).toBe('alert-1');
    expect(
      (await annotate.run(s.env({ target: target('web') }), spec('annotate', { annotations, on: 'pod' }))).outcome,
    ).toBe('skipped');
  });
});

describe('delete_pod', () => {
  it('deletes the pod (dry run first changes nothing); a second run finds it gone', async () => {
    const before = await running('victim');
    const dry = await deletePod.run(s.env({ pod: pod('victim'), dryRun: true }), spec('delete_pod'));
    expect(dry).toMatchObject({ outcome: 'succeeded', before: { uid: before.metadata.uid, phase: 'Running' } });
    expect(dry.summary).toBe(`dry run: would delete pod ${NS}/victim`);
    expect((await s.get<Obj>(podPath('victim'))).metadata.uid).toBe(before.metadata.uid);

    const r = await deletePod.run(s.env({ pod: pod('victim') }), spec('delete_pod', { gracePeriodSeconds: 0 }));
    expect(r).toMatchObject({
      outcome: 'succeeded',
      summary: `deleted pod ${NS}/victim with a grace period of 0s`,
      after: { deleted: true, gracePeriodSeconds: 0 },
    });
    await eventually('the pod gone', async () =>
      s.get(podPath('victim')).then(
        () => undefined,
        (err: unknown) => (isApiStatus(err, 404) ? true : undefined),
      ),
    );
    expect(await deletePod.run(s.env({ pod: pod('victim') }), spec('delete_pod'))).toMatchObject({
      outcome: 'skipped',
      summary: `pod ${NS}/victim: pod already gone`,
    });
  });
});

describe('cordon_node', () => {
  it('marks the node unschedulable once; dry run and a missing node change nothing', async () => {
    expect(await cordonNode.run(s.env({ node: 'node-1', dryRun: true }), spec('cordon_node'))).toMatchObject({
      outcome: 'succeeded',
      summary: 'dry run: would cordon node node-1',
      before: { unschedulable: false },
      after: { unschedulable: true },
    });
    expect((await s.get<Obj>('/api/v1/nodes/node-1')).spec?.unschedulable).toBeFalsy();
    expect(await cordonNode.run(s.env({ node: 'node-1' }), spec('cordon_node'))).toMatchObject({
      outcome: 'succeeded',
      before: { unschedulable: false },
      after: { unschedulable: true },
    });
    expect((await s.get<Obj>('/api/v1/nodes/node-1')).spec?.unschedulable).toBe(true);
    expect(await cordonNode.run(s.env({ node: 'node-1' }), spec('cordon_node'))).toMatchObject({
      outcome: 'skipped',
      before: { unschedulable: true },
    });
    const missing = await cordonNode.run(s.env({ node: 'node-9' }), spec('cordon_node'));
    expect(missing.outcome).toBe('failed');
    expect(missing.summary).toMatch(/^cordon_node node-9: 404 NotFound/);
  });
});

describe('capture_logs', () => {
  type Detail = { container: string; previous: boolean; lines: number; text: string };

  it("reads the first container's last lines when no container is named", async () => {
    await running('talker');
    const r = await eventually('5 log lines', async () => {
      const res = await captureLogs.run(s.env({ pod: pod('talker') }), spec('capture_logs', { tailLines: 5 }));
      return (res.detail as Detail | undefined)?.lines === 5 ? res : undefined;
    });
    expect(r.outcome).toBe('succeeded');
    expect(r.detail).toMatchObject({ container: 'app', previous: false, lines: 5 });
    expect((r.detail as Detail).text).toContain('RequestLogger');
    const sidecar = await captureLogs.run(
      s.env({ pod: pod('talker') }),
      spec('capture_logs', { container: 'sidecar' }),
    );
    expect(sidecar.detail).toMatchObject({ container: 'sidecar' });
  });

  it("reads the crashed instance with previous: true, and fails with the API's reason when there is none", async () => {
    await eventually(
      'a restart',
      async () =>
        ((await s.get<Obj>(podPath('crasher'))).status?.containerStatuses?.[0]?.restartCount ?? 0) >= 1 || undefined,
    );
    const r = await captureLogs.run(s.env({ pod: pod('crasher') }), spec('capture_logs', { previous: true }));
    expect(r).toMatchObject({ outcome: 'succeeded', detail: { container: 'app', previous: true } });
    expect((r.detail as Detail).text).toContain('panic: boom\n\tat main.run()');
    const none = await captureLogs.run(s.env({ pod: pod('talker') }), spec('capture_logs', { previous: true }));
    expect(none.outcome).toBe('failed');
    expect(none.summary).toContain('previous terminated container');
    expect((await captureLogs.run(s.env({ pod: pod('nope') }), spec('capture_logs'))).summary).toMatch(/404 NotFound/);
  });
});
