import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ApiException,
  AppsV1Api,
  CoreV1Api,
  EventsV1Api,
  PatchStrategy,
  V1MicroTime,
  Watch,
  setHeaderOptions,
  type CoreV1Event,
  type EventsV1Event,
} from '@kubernetes/client-node';
import { startTestSim, type TestSim } from '../support/sim.ts';
import { eventually } from '../support/eventually.ts';

const merge = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);
const NS = 'ev';

let t: TestSim;
let core: CoreV1Api;
let events: EventsV1Api;

beforeAll(async () => {
  t = await startTestSim();
  core = t.kc.makeApiClient(CoreV1Api);
  events = t.kc.makeApiClient(EventsV1Api);
  await core.createNamespace({ body: { metadata: { name: NS } } });
});
afterAll(async () => {
  await t.sim.stop();
});

function oldStyle(name: string): CoreV1Event {
  const when = new Date('2024-01-01T00:00:00Z');
  return {
    metadata: { name },
    involvedObject: { kind: 'Pod', namespace: NS, name: 'web-0', apiVersion: 'v1', fieldPath: 'spec.containers{web}' },
    reason: 'Pulled',
    message: 'Container image "nginx" already present',
    type: 'Normal',
    source: { component: 'kubelet', host: 'node-1' },
    firstTimestamp: when,
    lastTimestamp: when,
    count: 2,
  };
}

function newStyle(name: string): EventsV1Event {
  return {
    metadata: { name },
    eventTime: new V1MicroTime('2024-01-01T00:00:00.000Z'),
    reportingController: 'kubeloop.dev/drill',
    reportingInstance: 'drill-1',
    action: 'Evict',
    reason: 'Drill',
    regarding: { kind: 'Deployment', namespace: NS, name: 'web', apiVersion: 'apps/v1' },
    note: 'evicted one pod',
    type: 'Warning',
  };
}

async function status(p: Promise<unknown>): Promise<number> {
  try {
    await p;
    return 200;
  } catch (err) {
    if (err instanceof ApiException) return err.code;
    throw err;
  }
}

describe('core/v1 and events.k8s.io/v1 Events are one storage', () => {
  it('reads an event created through CoreV1Api through EventsV1Api, and a watch of events.k8s.io sees it', async () => {
    const listed = await events.listNamespacedEvent({ namespace: NS });
    const seen: { type: string; obj: EventsV1Event }[] = [];
    const watch = new Watch(t.kc);
    const added = new Promise<void>((resolve) => {
      void watch.watch(
        `/apis/events.k8s.io/v1/namespaces/${NS}/events`,
        { resourceVersion: listed.metadata?.resourceVersion },
        (type, obj: EventsV1Event) => {
          seen.push({ type, obj });
          if (type === 'ADDED') resolve();
        },
        () => {},
      );
    });
    const created = await core.createNamespacedEvent({ namespace: NS, body: oldStyle('pulled') });
    const read = await events.readNamespacedEvent({ namespace: NS, name: 'pulled' });
    expect(read.metadata?.uid).toBe(created.metadata?.uid);
    expect(read.metadata?.resourceVersion).toBe(created.metadata?.resourceVersion);
    expect(read).toMatchObject({
      apiVersion: 'events.k8s.io/v1',
      note: 'Container image "nginx" already present',
      reason: 'Pulled',
      type: 'Normal',
      deprecatedCount: 2,
      regarding: { kind: 'Pod', name: 'web-0', fieldPath: 'spec.containers{web}' },
      deprecatedSource: { component: 'kubelet', host: 'node-1' },
    });
    expect(read.deprecatedFirstTimestamp?.toISOString()).toBe('2024-01-01T00:00:00.000Z');
    await added;
    expect(seen.map((e) => e.type)).toEqual(['ADDED']);
    expect(seen[0]?.obj).toMatchObject({
      apiVersion: 'events.k8s.io/v1',
      note: 'Container image "nginx" already present',
      metadata: { name: 'pulled', resourceVersion: created.metadata?.resourceVersion },
    });
  });

  it('reads an event created through EventsV1Api through CoreV1Api', async () => {
    const created = await events.createNamespacedEvent({ namespace: NS, body: newStyle('drill') });
    expect(created.reportingController).toBe('kubeloop.dev/drill');
    const read = await core.readNamespacedEvent({ namespace: NS, name: 'drill' });
    expect(read.metadata?.uid).toBe(created.metadata?.uid);
    expect(read.metadata?.resourceVersion).toBe(created.metadata?.resourceVersion);
    expect(read).toMatchObject({
      apiVersion: 'v1',
      message: 'evicted one pod',
      reason: 'Drill',
      action: 'Evict',
      type: 'Warning',
      reportingComponent: 'kubeloop.dev/drill',
      reportingInstance: 'drill-1',
      involvedObject: { kind: 'Deployment', name: 'web', apiVersion: 'apps/v1' },
    });
    expect(String(read.eventTime)).toBe('2024-01-01T00:00:00.000000Z');
    const bySource = await core.listNamespacedEvent({
      namespace: NS,
      fieldSelector: 'reportingComponent=kubeloop.dev/drill',
    });
    expect(bySource.items.map((e) => e.metadata?.name)).toEqual(['drill']);
    const byRegarding = await events.listNamespacedEvent({ namespace: NS, fieldSelector: 'regarding.kind=Pod' });
    expect(byRegarding.items.map((e) => e.metadata?.name)).toEqual(['pulled']);
  });

  it('patches through one version, deletes through the other', async () => {
    await core.createNamespacedEvent({ namespace: NS, body: oldStyle('short-lived') });
    const patched = await events.patchNamespacedEvent(
      { namespace: NS, name: 'short-lived', body: { note: 'patched', deprecatedCount: 5 } },
      merge,
    );
    expect(patched.note).toBe('patched');
    const viaCore = await core.readNamespacedEvent({ namespace: NS, name: 'short-lived' });
    expect([viaCore.message, viaCore.count, viaCore.metadata?.resourceVersion]).toEqual([
      'patched',
      5,
      patched.metadata?.resourceVersion,
    ]);
    await core.deleteNamespacedEvent({ namespace: NS, name: 'short-lived' });
    expect(await status(events.readNamespacedEvent({ namespace: NS, name: 'short-lived' }))).toBe(404);
  });

  it('refuses an old-style event through events.k8s.io/v1 with its strict rules', async () => {
    // No eventTime: the typed client's type requires one, the server refuses its absence.
    const loose = {
      metadata: { name: 'loose' },
      regarding: { kind: 'Pod', name: 'x', namespace: NS },
      note: 'n',
    } as EventsV1Event;
    const err = await events.createNamespacedEvent({ namespace: NS, body: loose }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiException);
    expect(JSON.parse(String((err as ApiException<string>).body))).toMatchObject({
      code: 422,
      message: 'Event "loose" is invalid: [eventTime: Required value, type: Invalid value: "": has invalid value: ]',
    });
  });

  it('shows what the controllers record through core/v1 to events.k8s.io/v1 readers', async () => {
    const apps = t.kc.makeApiClient(AppsV1Api);
    await apps.createNamespacedDeployment({
      namespace: NS,
      body: {
        metadata: { name: 'web' },
        spec: {
          replicas: 1,
          selector: { matchLabels: { app: 'web' } },
          template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'nginx' }] } },
        },
      },
    });
    const recorded = await eventually('a ScalingReplicaSet event through events.k8s.io', async () => {
      const list = await events.listNamespacedEvent({
        namespace: NS,
        fieldSelector: 'regarding.kind=Deployment,regarding.name=web,reason=ScalingReplicaSet',
      });
      return list.items[0];
    });
    expect(recorded).toMatchObject({
      type: 'Normal',
      deprecatedSource: { component: 'deployment-controller' },
      regarding: { apiVersion: 'apps/v1' },
    });
  });
});
