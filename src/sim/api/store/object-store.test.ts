import { describe, expect, it } from 'vitest';
import { ObjectStore } from './object-store.ts';
import { ResourceRegistry, type KubeObject } from '../registry.ts';

const registry = new ResourceRegistry();
const pods = registry.find('', 'v1', 'pods')!;

function pod(ns: string, name: string, labels: Record<string, string> = {}): KubeObject {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: ns, labels } };
}

describe('ObjectStore', () => {
  it('assigns one global, monotonic resourceVersion per commit', () => {
    const s = new ObjectStore();
    const a = s.commit(pods, 'ADDED', pod('a', 'x'));
    const b = s.commit(pods, 'ADDED', pod('b', 'y'));
    expect(Number(b.obj.metadata.resourceVersion)).toBe(Number(a.obj.metadata.resourceVersion) + 1);
    expect(s.currentRevision()).toBe(b.rv);
  });

  it('lists in key order, per namespace or across all', () => {
    const s = new ObjectStore();
    for (const [ns, n] of [
      ['b', 'z'],
      ['a', 'y'],
      ['a', 'x'],
    ] as const)
      s.commit(pods, 'ADDED', pod(ns, n));
    expect(s.listCurrent(pods, undefined).map((o) => o.key)).toEqual(['a/x', 'a/y', 'b/z']);
    expect(s.listCurrent(pods, 'a').map((o) => o.key)).toEqual(['a/x', 'a/y']);
  });

  it('reconstructs the state at an older revision from the event window', () => {
    const s = new ObjectStore();
    s.commit(pods, 'ADDED', pod('a', 'x', { v: '1' }));
    const rv = s.currentRevision();
    s.commit(pods, 'MODIFIED', pod('a', 'x', { v: '2' }));
    s.commit(pods, 'ADDED', pod('a', 'new'));
    s.commit(pods, 'DELETED', pod('a', 'x', { v: '2' }));
    const then = s.listAt(pods, undefined, rv)!;
    expect(then.map((o) => [o.key, o.obj.metadata.labels?.['v']])).toEqual([['a/x', '1']]);
  });

  it('reports a revision outside the window as gone', () => {
    const s = new ObjectStore({ watchWindow: 2 });
    s.commit(pods, 'ADDED', pod('a', '1'));
    const old = s.currentRevision();
    for (let i = 2; i < 6; i++) s.commit(pods, 'ADDED', pod('a', String(i)));
    expect(s.eventsSince(pods, old)).toBeUndefined();
    expect(s.listAt(pods, undefined, old)).toBeUndefined();
    expect(s.eventsSince(pods, s.currentRevision() - 1)?.length).toBe(1);
  });

  it('serializes list items without kind/apiVersion and full objects with them first', () => {
    const s = new ObjectStore();
    const so = s.commit(pods, 'ADDED', pod('a', 'x'));
    expect(JSON.parse(so.itemJson())).not.toHaveProperty('kind');
    expect(so.fullJson(pods).startsWith('{"kind":"Pod","apiVersion":"v1",')).toBe(true);
  });
});
