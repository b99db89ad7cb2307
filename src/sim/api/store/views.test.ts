import { describe, expect, it } from 'vitest';
import { ObjectStore } from './object-store.ts';
import type { StoreEvent } from './stored.ts';
import { ResourceRegistry, type KubeObject, type ResourceDef } from '../registry.ts';
import { ResourceService } from '../service/resource-service.ts';
import { listObjects } from '../service/list.ts';
import { ApiError } from '../../../kube/apimachinery/errors.ts';

const registry = new ResourceRegistry();
const defOf = (group: string, resource: string): ResourceDef => {
  const d = registry.find(group, 'v1', resource);
  if (!d) throw new Error(resource);
  return d;
};
const core = defOf('', 'events');
const v1 = defOf('events.k8s.io', 'events');
const pods = defOf('', 'pods');

const coreEvent = (name: string, extra: Record<string, unknown> = {}): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Event',
  metadata: { name, namespace: 'ns' },
  involvedObject: { kind: 'Pod', namespace: 'ns', name: 'web-0' },
  reason: 'Pulled',
  message: 'pulled',
  type: 'Normal',
  ...extra,
});
const newEvent = (name: string, extra: Record<string, unknown> = {}): KubeObject => ({
  apiVersion: 'events.k8s.io/v1',
  kind: 'Event',
  metadata: { name },
  eventTime: '2024-01-01T00:00:00.000000Z',
  reportingController: 'kubeloop.dev/drill',
  reportingInstance: 'drill-1',
  action: 'Evict',
  reason: 'Drill',
  regarding: { kind: 'Deployment', namespace: 'ns', name: 'web' },
  note: 'evicted',
  type: 'Warning',
  ...extra,
});

function service(): ResourceService {
  const svc = new ResourceService(new ObjectStore(), registry);
  svc.create(defOf('', 'namespaces'), undefined, { metadata: { name: 'ns' } });
  return svc;
}

describe('a resource stored as another (events.k8s.io/v1 Events in core/v1 storage)', () => {
  it('has no storage of its own: one table, one history, both versions', () => {
    expect(registry.stored).toContain(core);
    expect(registry.stored).not.toContain(v1);
    const s = new ObjectStore();
    const stored = s.commit(core, 'ADDED', coreEvent('a'));
    const viewed = s.get(v1, 'ns', 'a');
    expect(viewed?.rv).toBe(stored.rv);
    expect(viewed?.key).toBe(stored.key);
    expect(viewed?.obj['note']).toBe('pulled');
    expect(viewed?.obj['message']).toBeUndefined();
    expect(s.count(v1)).toBe(1);
    expect(s.listCurrent(v1, 'ns').map((o) => o.obj.apiVersion)).toEqual(['events.k8s.io/v1']);
  });

  it("converts each stored version once and never serves one version's cached JSON as the other's", () => {
    const s = new ObjectStore();
    const stored = s.commit(core, 'ADDED', coreEvent('a'));
    const viewed = s.get(v1, 'ns', 'a');
    expect(s.get(v1, 'ns', 'a')).toBe(viewed);
    expect(s.get(core, 'ns', 'a')).toBe(stored);
    expect(JSON.parse(stored.fullJson(core))).toMatchObject({
      apiVersion: 'v1',
      message: 'pulled',
      involvedObject: { name: 'web-0' },
    });
    expect(JSON.parse(viewed?.fullJson(v1) ?? '{}')).toMatchObject({
      apiVersion: 'events.k8s.io/v1',
      note: 'pulled',
      regarding: { name: 'web-0' },
    });
    expect(stored.itemJson()).not.toContain('"note"');
    expect(viewed?.itemJson()).not.toContain('"message"');
  });

  it('stores what is written through the view in the storage version', () => {
    const s = new ObjectStore();
    const written = s.commit(v1, 'ADDED', { ...newEvent('b'), metadata: { name: 'b', namespace: 'ns' } });
    expect(written.obj.apiVersion).toBe('events.k8s.io/v1');
    const stored = s.get(core, 'ns', 'b');
    expect(stored?.obj).toMatchObject({
      apiVersion: 'v1',
      message: 'evicted',
      reportingComponent: 'kubeloop.dev/drill',
      involvedObject: { kind: 'Deployment' },
    });
    expect(stored?.obj.metadata.resourceVersion).toBe(written.obj.metadata.resourceVersion);
  });

  it('delivers every write to watchers of both versions once, each in its own version', () => {
    const s = new ObjectStore();
    const seen: Record<string, StoreEvent[]> = { core: [], v1: [] };
    s.subscribe(core, { deliver: (e) => seen['core']?.push(e) });
    const off = s.subscribe(v1, { deliver: (e) => seen['v1']?.push(e) });
    const rv0 = s.currentRevision();
    s.commit(core, 'ADDED', coreEvent('a'));
    s.commit(v1, 'MODIFIED', { ...newEvent('a'), metadata: { name: 'a', namespace: 'ns' } });
    expect(seen['core']?.map((e) => [e.type, e.rv, e.object.obj.apiVersion])).toEqual([
      ['ADDED', rv0 + 1, 'v1'],
      ['MODIFIED', rv0 + 2, 'v1'],
    ]);
    expect(seen['v1']?.map((e) => [e.type, e.rv, e.object.obj.apiVersion])).toEqual([
      ['ADDED', rv0 + 1, 'events.k8s.io/v1'],
      ['MODIFIED', rv0 + 2, 'events.k8s.io/v1'],
    ]);
    expect(seen['v1']?.[1]?.prev?.obj['note']).toBe('pulled');
    expect(s.eventsSince(v1, rv0)?.map((e) => e.object.obj['note'])).toEqual(['pulled', 'evicted']);
    expect(s.listAt(v1, 'ns', rv0 + 1)?.map((o) => o.obj['note'])).toEqual(['pulled']);
    off();
    s.commit(core, 'DELETED', coreEvent('a'));
    expect(seen['v1']).toHaveLength(2);
    expect(seen['core']).toHaveLength(3);
  });

  it('leaves resources without a view as they were: the stored objects themselves', () => {
    const s = new ObjectStore();
    const p = s.commit(pods, 'ADDED', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'ns' } });
    expect(s.get(pods, 'ns', 'p')).toBe(p);
    expect(s.listCurrent(pods, undefined)[0]).toBe(p);
    expect([...s.values(pods)][0]).toBe(p);
  });
});

describe('the resource service through either version of Events', () => {
  it('creates, reads, updates, patches and deletes the same event through both', () => {
    const svc = service();
    const created = svc.create(v1, 'ns', newEvent('e'));
    const viaCore = svc.get({ def: core, namespace: 'ns', name: 'e' });
    expect(viaCore.obj.metadata.uid).toBe(created.obj.metadata.uid);
    expect(viaCore.obj.metadata.resourceVersion).toBe(created.obj.metadata.resourceVersion);
    const updated = svc.update({ def: core, namespace: 'ns', name: 'e' }, { ...viaCore.obj, message: 'changed' });
    expect(svc.get({ def: v1, namespace: 'ns', name: 'e' }).obj['note']).toBe('changed');
    const patched = svc.patch({ def: v1, namespace: 'ns', name: 'e' }, 'merge', {
      metadata: { labels: { l: 'x' } },
      deprecatedCount: 2,
    });
    expect(Number(patched.obj.metadata.resourceVersion)).toBeGreaterThan(Number(updated.obj.metadata.resourceVersion));
    expect(svc.get({ def: core, namespace: 'ns', name: 'e' }).obj).toMatchObject({
      count: 2,
      metadata: { labels: { l: 'x' } },
    });
    svc.delete({ def: v1, namespace: 'ns', name: 'e' });
    expect(() => svc.get({ def: core, namespace: 'ns', name: 'e' })).toThrow(ApiError);
  });

  it('writes nothing for an update through the view that changes nothing', () => {
    const svc = service();
    svc.create(core, 'ns', coreEvent('e'));
    // The first write through events.k8s.io drops the core/v1 managedFields entry (another group's
    // entry cannot be converted, as in kube-apiserver); an update that changes nothing after it writes nothing.
    const first = svc.get({ def: v1, namespace: 'ns', name: 'e' });
    const { apiVersion: _fa, kind: _fk, ...firstBody } = first.obj;
    svc.update({ def: v1, namespace: 'ns', name: 'e' }, firstBody);
    const before = svc.store.currentRevision();
    const current = svc.get({ def: v1, namespace: 'ns', name: 'e' });
    const { apiVersion: _a, kind: _k, ...body } = current.obj;
    expect(svc.update({ def: v1, namespace: 'ns', name: 'e' }, body)).toBe(current);
    expect(svc.store.currentRevision()).toBe(before);
  });

  it('validates new events strictly through events.k8s.io, in the internal field names, as Event (core)', () => {
    const svc = service();
    const err = ((): ApiError | undefined => {
      try {
        svc.create(v1, 'ns', {
          metadata: { name: 'bad' },
          regarding: { kind: 'Pod', name: 'x', namespace: 'ns' },
          deprecatedCount: 2,
        });
      } catch (e) {
        return e as ApiError;
      }
      return undefined;
    })();
    expect(err?.status.message).toBe(
      'Event "bad" is invalid: [eventTime: Required value, type: Invalid value: "": has invalid value: , count: Invalid value: "": needs to be unset]',
    );
    // Old-style events stay acceptable through core/v1.
    expect(() => svc.create(core, 'ns', coreEvent('ok', { count: 2 }))).not.toThrow();
  });

  it("selects by each version's field labels", () => {
    const svc = service();
    svc.create(core, 'ns', coreEvent('old'));
    svc.create(v1, 'ns', newEvent('new'));
    const names = (def: ResourceDef, fieldSelector: string): unknown =>
      listObjects(svc.store, def, { namespace: 'ns', fieldSelector }).items.map((o) => o.obj.metadata.name);
    expect(names(v1, 'regarding.kind=Deployment')).toEqual(['new']);
    expect(names(v1, 'reportingController=kubeloop.dev/drill')).toEqual(['new']);
    expect(names(core, 'involvedObject.kind=Pod')).toEqual(['old']);
    expect(names(core, 'reportingComponent=kubeloop.dev/drill')).toEqual(['new']);
  });
});
