import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AppsV1Api,
  CoreV1Api,
  Exec,
  Log,
  Watch,
  makeInformer,
  type ObjectCache,
  type V1Pod,
  type V1Status,
  ApiException,
  PatchStrategy,
  setHeaderOptions,
} from '@kubernetes/client-node';

// client-node 1.x sends JSON patches unless told otherwise.
const merge = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);
import { PassThrough, Writable } from 'node:stream';
import { eventually } from '../support/eventually.ts';
import { simRequest, startTestSim, type TestSim } from '../support/sim.ts';

let t: TestSim;
let core: CoreV1Api;
let apps: AppsV1Api;

beforeAll(async () => {
  t = await startTestSim({ watchBookmarkIntervalMs: 200 });
  core = t.kc.makeApiClient(CoreV1Api);
  apps = t.kc.makeApiClient(AppsV1Api);
  await core.createNamespace({ body: { metadata: { name: 'cn' } } });
});
afterAll(async () => {
  await t.sim.stop();
});

function podBody(name: string, labels: Record<string, string> = {}): V1Pod {
  return { metadata: { name, labels }, spec: { containers: [{ name: 'app', image: 'nginx:1.25' }] } };
}

async function apiError(p: Promise<unknown>): Promise<{ code: number; body: V1Status }> {
  try {
    await p;
  } catch (err) {
    if (err instanceof ApiException) return { code: err.code, body: JSON.parse(err.body as string) as V1Status };
    throw err;
  }
  throw new Error('expected the call to fail');
}

describe('typed APIs against the sim', () => {
  it('creates, reads, updates and deletes a pod with apiserver semantics', async () => {
    const created = await core.createNamespacedPod({ namespace: 'cn', body: podBody('p1', { app: 'a' }) });
    expect(created.metadata?.uid).toMatch(/^[0-9a-f-]{36}$/);
    expect(created.metadata?.resourceVersion).toBeTruthy();
    expect(created.status?.phase).toBe('Pending');
    expect(created.spec?.restartPolicy).toBe('Always');
    const got = await core.readNamespacedPod({ namespace: 'cn', name: 'p1' });
    expect(got.metadata?.resourceVersion).toBe(created.metadata?.resourceVersion);
    got.metadata!.labels = { app: 'b' };
    const updated = await core.replaceNamespacedPod({ namespace: 'cn', name: 'p1', body: got });
    expect(Number(updated.metadata?.resourceVersion)).toBeGreaterThan(Number(created.metadata?.resourceVersion));
    const deleted = await core.deleteNamespacedPod({ namespace: 'cn', name: 'p1' });
    expect(deleted.metadata?.name).toBe('p1');
    expect((await apiError(core.readNamespacedPod({ namespace: 'cn', name: 'p1' }))).code).toBe(404);
  });

  it('rejects a stale resourceVersion with 409 Conflict', async () => {
    const cm = await core.createNamespacedConfigMap({
      namespace: 'cn',
      body: { metadata: { name: 'c1' }, data: { a: '1' } },
    });
    await core.replaceNamespacedConfigMap({ namespace: 'cn', name: 'c1', body: { ...cm, data: { a: '2' } } });
    const err = await apiError(
      core.replaceNamespacedConfigMap({ namespace: 'cn', name: 'c1', body: { ...cm, data: { a: '3' } } }),
    );
    expect(err.code).toBe(409);
    expect(err.body.reason).toBe('Conflict');
    expect(err.body.message).toContain('the object has been modified');
  });

  it('rejects an invalid name with 422 and causes', async () => {
    const err = await apiError(
      core.createNamespacedConfigMap({ namespace: 'cn', body: { metadata: { name: 'Bad_Name' } } }),
    );
    expect(err.code).toBe(422);
    expect(err.body.reason).toBe('Invalid');
    expect(err.body.details?.causes?.[0]?.field).toBe('metadata.name');
  });

  it('generates names, bumps generation on spec changes only and keeps status separate', async () => {
    const dep = await apps.createNamespacedDeployment({
      namespace: 'cn',
      body: {
        metadata: { generateName: 'web-' },
        spec: {
          replicas: 1,
          selector: { matchLabels: { app: 'web' } },
          template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'w', image: 'nginx' }] } },
        },
      },
    });
    const name = dep.metadata!.name!;
    expect(name).toMatch(/^web-[a-z0-9]{5}$/);
    expect(dep.metadata?.generation).toBe(1);
    const labelled = await apps.patchNamespacedDeployment(
      { namespace: 'cn', name, body: { metadata: { labels: { x: 'y' } } } },
      merge,
    );
    expect(labelled.metadata?.generation).toBe(1);
    const scaled = await apps.patchNamespacedDeployment(
      { namespace: 'cn', name, body: { spec: { replicas: 3 } } },
      merge,
    );
    expect(scaled.metadata?.generation).toBe(2);
    // The deployment controller writes status concurrently: these PUTs are unconditional (no resourceVersion).
    const unconditional = { ...scaled.metadata, resourceVersion: undefined };
    const withStatus = await apps.replaceNamespacedDeploymentStatus({
      namespace: 'cn',
      name,
      body: {
        ...scaled,
        metadata: unconditional,
        spec: { ...scaled.spec!, replicas: 9 },
        status: { replicas: 3, observedGeneration: 2 },
      },
    });
    expect(withStatus.spec?.replicas).toBe(3);
    expect(withStatus.status?.replicas).toBe(3);
    const mainPut = await apps.replaceNamespacedDeployment({
      namespace: 'cn',
      name,
      body: {
        ...withStatus,
        metadata: { ...withStatus.metadata, resourceVersion: undefined },
        status: { replicas: 0, observedGeneration: 99 },
      },
    });
    expect(mainPut.status?.observedGeneration).not.toBe(99);
    const scale = await apps.readNamespacedDeploymentScale({ namespace: 'cn', name });
    expect(scale.spec?.replicas).toBe(3);
    expect(scale.status?.selector).toBe('app=web');
  });

  it('keeps an object with finalizers until they are removed', async () => {
    await core.createNamespacedConfigMap({
      namespace: 'cn',
      body: { metadata: { name: 'fin', finalizers: ['kubeloop.dev/hold'] } },
    });
    await core.deleteNamespacedConfigMap({ namespace: 'cn', name: 'fin' });
    const held = await core.readNamespacedConfigMap({ namespace: 'cn', name: 'fin' });
    expect(held.metadata?.deletionTimestamp).toBeTruthy();
    await core.patchNamespacedConfigMap({
      namespace: 'cn',
      name: 'fin',
      body: [{ op: 'remove', path: '/metadata/finalizers' }],
    });
    expect((await apiError(core.readNamespacedConfigMap({ namespace: 'cn', name: 'fin' }))).code).toBe(404);
  });

  it('lists with label and field selectors and pages with limit/continue', async () => {
    await core.createNamespace({ body: { metadata: { name: 'paging' } } });
    for (let i = 0; i < 7; i++)
      await core.createNamespacedPod({ namespace: 'paging', body: podBody(`p${i}`, { tier: i % 2 ? 'odd' : 'even' }) });
    const odd = await core.listNamespacedPod({ namespace: 'paging', labelSelector: 'tier=odd' });
    expect(odd.items.map((p) => p.metadata?.name)).toEqual(['p1', 'p3', 'p5']);
    const byName = await core.listPodForAllNamespaces({ fieldSelector: 'metadata.name=p4' });
    expect(byName.items).toHaveLength(1);
    const names: string[] = [];
    let cont: string | undefined;
    do {
      const page = await core.listNamespacedPod({ namespace: 'paging', limit: 3, _continue: cont });
      names.push(...page.items.map((p) => p.metadata!.name!));
      cont = page.metadata?._continue;
    } while (cont);
    expect(names).toEqual(['p0', 'p1', 'p2', 'p3', 'p4', 'p5', 'p6']);
  });
});

describe('Watch, informer, logs and exec', () => {
  it('streams ADDED/MODIFIED/DELETED in order from a resourceVersion', async () => {
    await core.createNamespace({ body: { metadata: { name: 'w' } } });
    const list = await core.listNamespacedConfigMap({ namespace: 'w' });
    const seen: string[] = [];
    const watch = new Watch(t.kc);
    const done = new Promise<void>((resolve) => {
      void watch.watch(
        '/api/v1/namespaces/w/configmaps',
        { resourceVersion: list.metadata?.resourceVersion },
        (type, obj: { metadata: { name: string } }) => {
          seen.push(`${type}:${obj.metadata.name}`);
          if (type === 'DELETED') resolve();
        },
        () => {},
      );
    });
    await core.createNamespacedConfigMap({ namespace: 'w', body: { metadata: { name: 'a' } } });
    await core.patchNamespacedConfigMap({ namespace: 'w', name: 'a', body: { data: { k: 'v' } } }, merge);
    await core.deleteNamespacedConfigMap({ namespace: 'w', name: 'a' });
    await done;
    expect(seen).toEqual(['ADDED:a', 'MODIFIED:a', 'DELETED:a']);
  });

  it('answers a watch from a compacted resourceVersion with a 410 ERROR event', async () => {
    const small = await startTestSim({ watchWindow: 100 });
    try {
      const c = small.kc.makeApiClient(CoreV1Api);
      await c.createNamespace({ body: { metadata: { name: 'churn' } } });
      const first = await c.createNamespacedConfigMap({ namespace: 'churn', body: { metadata: { name: 'x' } } });
      for (let i = 0; i < 150; i++)
        await c.patchNamespacedConfigMap({ namespace: 'churn', name: 'x', body: { data: { i: String(i) } } }, merge);
      const events: { type: string; obj: { code?: number; reason?: string } }[] = [];
      await new Promise<void>((resolve) => {
        void new Watch(small.kc).watch(
          '/api/v1/namespaces/churn/configmaps',
          { resourceVersion: first.metadata?.resourceVersion },
          (type, obj: { code?: number; reason?: string }) => {
            events.push({ type, obj });
          },
          () => resolve(),
        );
      });
      expect(events[0]?.type).toBe('ERROR');
      expect(events[0]?.obj.code).toBe(410);
      expect(events[0]?.obj.reason).toBe('Expired');
    } finally {
      await small.sim.stop();
    }
  });

  it('keeps an informer cache in sync', async () => {
    await core.createNamespace({ body: { metadata: { name: 'inf' } } });
    const informer = makeInformer(t.kc, '/api/v1/namespaces/inf/pods', () =>
      core.listNamespacedPod({ namespace: 'inf' }),
    );
    const added = new Promise<string>((resolve) => informer.on('add', (p: V1Pod) => resolve(p.metadata!.name!)));
    await informer.start();
    await core.createNamespacedPod({ namespace: 'inf', body: podBody('i1') });
    expect(await added).toBe('i1');
    expect((informer as unknown as ObjectCache<V1Pod>).list().map((p) => p.metadata?.name)).toContain('i1');
    await informer.stop();
  });

  it('serves container logs with tailLines, previous and follow', async () => {
    const pod = await core.createNamespacedPod({ namespace: 'cn', body: podBody('logger') });
    const uid = pod.metadata!.uid!;
    for (let i = 1; i <= 5; i++) t.sim.logs.append(uid, 'app', `line ${i}`);
    const tail = await core.readNamespacedPodLog({ namespace: 'cn', name: 'logger', tailLines: 2 });
    expect(tail).toBe('line 4\nline 5\n');
    t.sim.logs.startInstance(uid, 'app', 1);
    t.sim.logs.append(uid, 'app', 'after restart');
    expect(await core.readNamespacedPodLog({ namespace: 'cn', name: 'logger', previous: true, tailLines: 1 })).toBe(
      'line 5\n',
    );
    const out = new PassThrough();
    let text = '';
    out.on('data', (c: Buffer) => (text += c.toString()));
    const req = await new Log(t.kc).log('cn', 'logger', 'app', out, { follow: true, tailLines: 1 });
    try {
      await eventually('the tail line streamed', async () => (text === 'after restart\n' ? true : undefined));
      t.sim.logs.append(uid, 'app', 'streamed');
      await eventually('the appended line streamed', async () => (text.endsWith('streamed\n') ? true : undefined));
    } finally {
      req.abort();
    }
    expect(text).toBe('after restart\nstreamed\n');
  });

  it('runs commands through Exec with exit status', async () => {
    await core.createNamespacedPod({ namespace: 'cn', body: podBody('shell') });
    const run = (command: string[]): Promise<{ out: string; err: string; status: V1Status }> =>
      new Promise((resolve, reject) => {
        let out = '';
        let err = '';
        const stdout = new Writable({
          write(c: Buffer, _e, cb) {
            out += c.toString();
            cb();
          },
        });
        const stderr = new Writable({
          write(c: Buffer, _e, cb) {
            err += c.toString();
            cb();
          },
        });
        new Exec(t.kc)
          .exec('cn', 'shell', 'app', command, stdout, stderr, null, false, (status) => resolve({ out, err, status }))
          .catch(reject);
      });
    const ok = await run(['sh', '-c', 'echo hello; hostname']);
    expect(ok.out).toBe('hello\nshell\n');
    expect(ok.status.status).toBe('Success');
    const bad = await run(['sh', '-c', 'echo oops >&2; exit 3']);
    expect(bad.err).toBe('oops\n');
    expect(bad.status.status).toBe('Failure');
    expect(bad.status.details?.causes?.[0]?.message).toBe('3');
    // runc cannot start a program the image lacks: an InternalError Status, as containerd answers.
    const missing = await run(['no-such-tool']);
    expect(missing.status).toMatchObject({ status: 'Failure', reason: 'InternalError', code: 500 });
    expect(missing.status.message).toMatch(/exec: "no-such-tool": executable file not found in \$PATH: unknown$/);
    const inShell = await run(['sh', '-c', 'no-such-tool']);
    expect(inShell.err).toBe('sh: no-such-tool: not found\n');
    expect(inShell.status.details?.causes?.[0]?.message).toBe('127');
  });
});

describe('authentication and bad input', () => {
  it('refuses requests without a token (401) and writes with the read-only token (403)', async () => {
    const res = await simRequest(t.sim, 'GET', '/api/v1/namespaces', { token: null });
    expect(res.status).toBe(401);
    expect(res.json<V1Status>().reason).toBe('Unauthorized');
    const wrong = await simRequest(t.sim, 'GET', '/api/v1/namespaces', { token: 'not-a-real-token' });
    expect(wrong.status).toBe(401);
    const viewer = t.viewer.makeApiClient(CoreV1Api);
    expect((await viewer.listNamespace()).items.length).toBeGreaterThan(0);
    const err = await apiError(viewer.createNamespace({ body: { metadata: { name: 'nope' } } }));
    expect(err.code).toBe(403);
    expect(err.body.reason).toBe('Forbidden');
  });

  it('answers malformed JSON, wrong kinds and unknown resources with Status errors', async () => {
    const json = { 'content-type': 'application/json' };
    const malformed = await simRequest(t.sim, 'POST', '/api/v1/namespaces/cn/configmaps', {
      headers: json,
      body: '{"metadata": ',
    });
    expect(malformed.status).toBe(400);
    expect(malformed.json<V1Status>().reason).toBe('BadRequest');
    const wrongKind = await simRequest(t.sim, 'POST', '/api/v1/namespaces/cn/configmaps', {
      headers: json,
      body: JSON.stringify({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' } }),
    });
    expect(wrongKind.status).toBe(400);
    const wrongType = await simRequest(t.sim, 'POST', '/api/v1/namespaces/cn/configmaps', {
      headers: json,
      body: '[1,2]',
    });
    expect(wrongType.status).toBe(400);
    const unknown = await simRequest(t.sim, 'GET', '/api/v1/namespaces/cn/widgets');
    expect(unknown.status).toBe(404);
    expect(unknown.json<V1Status>().reason).toBe('NotFound');
    const badSelector = await simRequest(t.sim, 'GET', `/api/v1/pods?labelSelector=${encodeURIComponent('a in (')}`);
    expect(badSelector.status).toBe(400);
    const badField = await simRequest(t.sim, 'GET', `/api/v1/pods?fieldSelector=${encodeURIComponent('spec.bogus=1')}`);
    expect(badField.status).toBe(400);
    expect(badField.json<V1Status>().message).toBe('field label not supported: spec.bogus');
    const putCollection = await simRequest(t.sim, 'PUT', '/api/v1/namespaces/cn/configmaps', {
      headers: json,
      body: '{}',
    });
    expect(putCollection.status).toBe(405);
    expect(putCollection.json<V1Status>().reason).toBe('MethodNotAllowed');
    const badPatchType = await simRequest(t.sim, 'PATCH', '/api/v1/namespaces/cn/configmaps/c1', {
      headers: { 'content-type': 'text/plain' },
      body: '{}',
    });
    expect(badPatchType.status).toBe(415);
    const huge = await simRequest(t.sim, 'POST', '/api/v1/namespaces/cn/configmaps', {
      headers: json,
      body: JSON.stringify({ metadata: { name: 'big' }, data: { a: 'x'.repeat(4 * 1024 * 1024) } }),
    });
    expect(huge.status).toBe(413);
    const missingNs = await simRequest(t.sim, 'POST', '/api/v1/namespaces/nowhere/configmaps', {
      headers: json,
      body: JSON.stringify({ metadata: { name: 'x' } }),
    });
    expect(missingNs.status).toBe(404);
    expect(missingNs.json<V1Status>().message).toBe('namespaces "nowhere" not found');
  });

  it('cascades namespace deletion', async () => {
    await core.createNamespace({ body: { metadata: { name: 'doomed' } } });
    await core.createNamespacedConfigMap({ namespace: 'doomed', body: { metadata: { name: 'c' } } });
    const ns = await core.deleteNamespace({ name: 'doomed' });
    expect(ns).toBeTruthy();
    await eventually(
      'namespace "doomed" deleted',
      async () => {
        try {
          await core.readNamespace({ name: 'doomed' });
          return undefined;
        } catch (err) {
          if (err instanceof ApiException && err.code === 404) return true;
          throw err;
        }
      },
      30_000,
      100,
    );
  });
});
