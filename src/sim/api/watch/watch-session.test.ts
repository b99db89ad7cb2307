import { afterEach, describe, expect, it, vi } from 'vitest';
import { ObjectStore } from '../store/object-store.ts';
import { ResourceRegistry, type KubeObject } from '../registry.ts';
import { WatchSession, type WatchSink } from './watch-session.ts';

const pods = new ResourceRegistry().find('', 'v1', 'pods')!;

afterEach(() => {
  vi.useRealTimers();
});

function pod(name: string, labels: Record<string, string> = {}, ns = 'a'): KubeObject {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: ns, labels } };
}

class CollectingSink implements WatchSink {
  lines: string[] = [];
  ended = false;
  constructor(private readonly accept = Infinity) {}
  write(line: string): boolean {
    this.lines.push(line);
    return this.lines.length < this.accept;
  }
  end(): void {
    this.ended = true;
  }
  events(): { type: string; name?: string; code?: number; reason?: string; rv?: string }[] {
    return this.lines.map((l) => {
      const e = JSON.parse(l) as {
        type: string;
        object: { metadata?: { name?: string; resourceVersion?: string }; code?: number; reason?: string };
      };
      return {
        type: e.type,
        name: e.object.metadata?.name,
        code: e.object.code,
        reason: e.object.reason,
        rv: e.object.metadata?.resourceVersion,
      };
    });
  }
}

describe('WatchSession', () => {
  it('replays current state as ADDED from "" and then streams live events', () => {
    const store = new ObjectStore();
    store.commit(pods, 'ADDED', pod('x'));
    const sink = new CollectingSink();
    const s = new WatchSession(store, pods, {}, sink);
    s.start();
    store.commit(pods, 'MODIFIED', pod('x', { v: '2' }));
    expect(sink.events().map((e) => `${e.type}:${e.name}`)).toEqual(['ADDED:x', 'MODIFIED:x']);
    s.close();
    expect(sink.ended).toBe(true);
  });

  it('resumes after a resourceVersion with only the later events', () => {
    const store = new ObjectStore();
    store.commit(pods, 'ADDED', pod('x'));
    const rv = String(store.currentRevision());
    store.commit(pods, 'ADDED', pod('y'));
    store.commit(pods, 'DELETED', pod('x'));
    const sink = new CollectingSink();
    new WatchSession(store, pods, { resourceVersion: rv }, sink).start();
    expect(sink.events().map((e) => `${e.type}:${e.name}`)).toEqual(['ADDED:y', 'DELETED:x']);
  });

  it('answers a compacted resourceVersion with a 410 Expired ERROR event and closes', () => {
    const store = new ObjectStore({ watchWindow: 3 });
    store.commit(pods, 'ADDED', pod('x'));
    const old = String(store.currentRevision());
    for (let i = 0; i < 5; i++) store.commit(pods, 'MODIFIED', pod('x', { i: String(i) }));
    const sink = new CollectingSink();
    new WatchSession(store, pods, { resourceVersion: old }, sink).start();
    expect(sink.events()).toEqual([{ type: 'ERROR', name: undefined, code: 410, reason: 'Expired', rv: undefined }]);
    expect(sink.ended).toBe(true);
  });

  it('turns selector transitions into ADDED and DELETED, and filters by namespace', () => {
    const store = new ObjectStore();
    const sink = new CollectingSink();
    new WatchSession(store, pods, { labelSelector: 'app=web', namespace: 'a' }, sink).start();
    store.commit(pods, 'ADDED', pod('x', { app: 'db' }));
    store.commit(pods, 'MODIFIED', pod('x', { app: 'web' }));
    store.commit(pods, 'ADDED', pod('other-ns', { app: 'web' }, 'b'));
    store.commit(pods, 'MODIFIED', pod('x', { app: 'web', v: '2' }));
    store.commit(pods, 'MODIFIED', pod('x', { app: 'db' }));
    expect(sink.events().map((e) => `${e.type}:${e.name}`)).toEqual(['ADDED:x', 'MODIFIED:x', 'DELETED:x']);
  });

  it('sends bookmarks carrying the current resourceVersion when asked', async () => {
    const store = new ObjectStore();
    store.commit(pods, 'ADDED', pod('x'));
    const sink = new CollectingSink();
    vi.useFakeTimers();
    const s = new WatchSession(store, pods, { allowBookmarks: true, bookmarkIntervalMs: 20 }, sink);
    s.start();
    await vi.advanceTimersByTimeAsync(19);
    expect(sink.events().filter((e) => e.type === 'BOOKMARK')).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(41);
    s.close();
    const bookmarks = sink.events().filter((e) => e.type === 'BOOKMARK');
    expect(bookmarks).toHaveLength(3);
    expect(bookmarks[0]?.rv).toBe(String(store.currentRevision()));
  });

  it('ends the stream after timeoutMs', async () => {
    vi.useFakeTimers();
    const sink = new CollectingSink();
    new WatchSession(new ObjectStore(), pods, { timeoutMs: 20 }, sink).start();
    await vi.advanceTimersByTimeAsync(19);
    expect(sink.ended).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(sink.ended).toBe(true);
  });

  it('closes a watcher that cannot keep up without affecting the others', () => {
    const store = new ObjectStore();
    const slow = new CollectingSink(2);
    const fast = new CollectingSink();
    const closed: string[] = [];
    new WatchSession(store, pods, {}, slow, () => closed.push('slow')).start();
    new WatchSession(store, pods, {}, fast, () => closed.push('fast')).start();
    for (let i = 0; i < 10; i++) store.commit(pods, 'ADDED', pod(`p${i}`));
    expect(closed).toEqual(['slow']);
    expect(slow.ended).toBe(true);
    expect(fast.events()).toHaveLength(10);
  });

  it('rejects bad selectors and a resourceVersion from the future before writing anything', () => {
    const store = new ObjectStore();
    const sink = new CollectingSink();
    expect(() => new WatchSession(store, pods, { labelSelector: 'a in (' }, sink)).toThrow(
      /unable to parse requirement/,
    );
    expect(() => new WatchSession(store, pods, { resourceVersion: '999' }, sink)).toThrow(/Too large resource version/);
    expect(sink.lines).toEqual([]);
  });
});
