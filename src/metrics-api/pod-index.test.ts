import { CoreV1Api } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestSim, type TestSim } from '../../test/support/sim.ts';
import { eventually } from '../../test/support/eventually.ts';
import { parseLabelSelector } from '../kube/apimachinery/labels.ts';
import { PodIndex } from './pod-index.ts';

/**
 * The pod index behind `pods/*?labelSelector=`: answers are memoized per namespace and selector,
 * so every change that alters which pods match (a new pod, new labels, a deletion) must show.
 */

let t: TestSim;
let core: CoreV1Api;
let index: PodIndex;

const matching = (namespace: string, raw: string): string[] =>
  [...(index.podsMatching(namespace, parseLabelSelector(raw), raw) as Iterable<string>)].sort();
const pod = (name: string, labels: Record<string, string>) => ({
  metadata: { name, labels },
  spec: { containers: [{ name: 'app', image: 'kubeloop/app:1' }] },
});

beforeAll(async () => {
  t = await startTestSim({ controllers: { workloads: false, scheduler: false, kubelet: false } });
  core = t.kc.makeApiClient(CoreV1Api);
  for (const ns of ['a', 'b']) await core.createNamespace({ body: { metadata: { name: ns } } });
  await core.createNamespacedPod({ namespace: 'a', body: pod('web-1', { app: 'web' }) });
  await core.createNamespacedPod({ namespace: 'a', body: pod('web-2', { app: 'web' }) });
  await core.createNamespacedPod({ namespace: 'b', body: pod('web-9', { app: 'web' }) });
  index = new PodIndex(t.kc);
  await index.start();
}, 30_000);

afterAll(async () => {
  index?.stop();
  await t?.sim.stop();
});

describe('PodIndex', () => {
  it('answers per namespace and follows pods that are added, relabelled and deleted', async () => {
    expect(matching('a', 'app=web')).toEqual(['web-1', 'web-2']);
    expect(matching('b', 'app=web')).toEqual(['web-9']);
    // The same question twice gets the memoized list.
    expect(index.podsMatching('a', parseLabelSelector('app=web'), 'app=web')).toBe(
      index.podsMatching('a', parseLabelSelector('app=web'), 'app=web'),
    );

    await core.createNamespacedPod({ namespace: 'a', body: pod('web-3', { app: 'web' }) });
    await eventually('web-3 matches', async () => (matching('a', 'app=web').length === 3 ? true : undefined), 5_000);

    await core.patchNamespacedPod({
      namespace: 'a',
      name: 'web-1',
      body: [{ op: 'replace', path: '/metadata/labels/app', value: 'api' }],
    });
    await eventually(
      'web-1 relabelled',
      async () => (matching('a', 'app=web').join() === 'web-2,web-3' ? true : undefined),
      5_000,
    );
    expect(matching('a', 'app=api')).toEqual(['web-1']);

    await core.deleteNamespacedPod({ namespace: 'a', name: 'web-2', gracePeriodSeconds: 0 });
    await eventually('web-2 gone', async () => (matching('a', 'app=web').join() === 'web-3' ? true : undefined), 5_000);
    expect(matching('b', 'app=web')).toEqual(['web-9']);
  });
});
