import type { ResourceDef } from '../registry.ts';
import { apiVersionOf } from '../registry.ts';
import type { ObjectStore } from '../store/object-store.ts';
import type { StoreEvent, StoredObject } from '../store/stored.ts';
import { expired } from '../../../kube/apimachinery/errors.ts';
import { matchesFields, matchesLabels, parseFieldSelector, parseLabelSelector } from '../selectors.ts';
import { parseResourceVersion, tooLargeResourceVersion } from '../service/list.ts';

/** Where a watch writes: one JSON event per call; returns false when the client is too slow. */
export interface WatchSink {
  write(line: string): boolean;
  end(): void;
}

export interface WatchOptions {
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
  resourceVersion?: string;
  allowBookmarks?: boolean;
  bookmarkIntervalMs?: number;
  timeoutMs?: number;
  /** Renders an event's object; defaults to the object's JSON (kubectl get -w asks for Tables). */
  encode?: (so: StoredObject) => string;
}

/**
 * One watch: a replay (synthetic ADDED for "", "0"; the event window after a given
 * resourceVersion) followed by live events, filtered by namespace and selectors with the
 * apiserver's transition rules (an object leaving the selection is DELETED, entering is ADDED).
 * Selector and resourceVersion errors are thrown before anything is written.
 */
export class WatchSession {
  private lastRv: number;
  private unsubscribe: (() => void) | undefined;
  private readonly timers: NodeJS.Timeout[] = [];
  private closed = false;
  private replaying = true;
  private readonly pending: StoreEvent[] = [];
  private readonly labelSel;
  private readonly fieldSel;

  constructor(
    private readonly store: ObjectStore,
    private readonly def: ResourceDef,
    private readonly opts: WatchOptions,
    private readonly sink: WatchSink,
    private readonly onClose: () => void = () => {},
  ) {
    this.labelSel = parseLabelSelector(opts.labelSelector ?? '');
    this.fieldSel = parseFieldSelector(opts.fieldSelector ?? '', def);
    const rvParam = opts.resourceVersion ?? '';
    this.lastRv = rvParam === '' || rvParam === '0' ? -1 : parseResourceVersion(rvParam);
    if (this.lastRv > store.currentRevision()) throw tooLargeResourceVersion(this.lastRv, store.currentRevision());
  }

  start(): void {
    // Subscribe first so nothing committed during the replay is missed; dedupe by resourceVersion.
    this.unsubscribe = this.store.subscribe(this.def, { deliver: (e) => this.onLive(e) });
    if (this.lastRv < 0) this.replayCurrentState();
    else if (!this.replayWindow()) return;
    this.replaying = false;
    for (const e of this.pending.splice(0)) this.emitEvent(e);
    if (this.opts.allowBookmarks && this.opts.bookmarkIntervalMs) {
      const t = setInterval(() => this.sendBookmark(), this.opts.bookmarkIntervalMs);
      t.unref();
      this.timers.push(t);
    }
    if (this.opts.timeoutMs !== undefined) {
      const t = setTimeout(() => this.close(), this.opts.timeoutMs);
      t.unref();
      this.timers.push(t);
      // Like the apiserver's cacher: a bookmark 2 s before the deadline, so the client resumes cheaply.
      if (this.opts.allowBookmarks && this.opts.timeoutMs > 2_000) {
        const b = setTimeout(() => this.sendBookmark(), this.opts.timeoutMs - 2_000);
        b.unref();
        this.timers.push(b);
      }
    }
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.unsubscribe?.();
    for (const t of this.timers) clearTimeout(t);
    this.sink.end();
    this.onClose();
  }

  private replayCurrentState(): void {
    const rv = this.store.currentRevision();
    const ns = this.def.namespaced ? this.opts.namespace : undefined;
    for (const so of this.store.listCurrent(this.def, ns)) {
      if (this.matches(so)) this.send('ADDED', so);
      if (this.closed) return;
    }
    this.lastRv = rv;
  }

  private replayWindow(): boolean {
    const events = this.store.eventsSince(this.def, this.lastRv);
    if (!events) {
      const status = expired(
        `too old resource version: ${this.lastRv} (${this.store.oldestResumable(this.def)})`,
      ).status;
      this.sink.write(`{"type":"ERROR","object":${JSON.stringify(status)}}\n`);
      this.close();
      return false;
    }
    for (const e of events) {
      this.emitEvent(e);
      if (this.closed) return false;
    }
    return true;
  }

  private onLive(e: StoreEvent): void {
    if (this.closed) return;
    if (this.replaying) this.pending.push(e);
    else this.emitEvent(e);
  }

  private emitEvent(e: StoreEvent): void {
    if (e.rv <= this.lastRv) return;
    this.lastRv = e.rv;
    if (this.opts.namespace !== undefined && this.def.namespaced && e.namespace !== this.opts.namespace) return;
    const now = e.type !== 'DELETED' && this.matches(e.object);
    const before = e.type === 'DELETED' ? this.matches(e.object) : e.prev !== undefined && this.matches(e.prev);
    if (e.type === 'DELETED') {
      if (before) this.send('DELETED', e.object);
    } else if (now && before) this.send('MODIFIED', e.object);
    else if (now) this.send('ADDED', e.object);
    else if (before) this.send('DELETED', e.object);
  }

  private matches(so: StoredObject): boolean {
    return matchesLabels(this.labelSel, so.obj.metadata.labels) && matchesFields(this.fieldSel, so.obj, this.def);
  }

  private send(type: string, so: StoredObject): void {
    if (this.closed) return;
    const body = this.opts.encode ? this.opts.encode(so) : so.fullJson(this.def);
    const ok = this.sink.write(`{"type":"${type}","object":${body}}\n`);
    // A watcher that cannot keep up is closed, as kube-apiserver does; the client re-watches.
    if (!ok) this.close();
  }

  private sendBookmark(): void {
    if (this.closed || this.lastRv < 0) return;
    // Store delivery is synchronous, so every event of this resource up to the current revision
    // has been sent: the bookmark may carry the current revision (fewer 410s on resume).
    this.lastRv = Math.max(this.lastRv, this.store.currentRevision());
    const obj = {
      kind: this.def.kind,
      apiVersion: apiVersionOf(this.def),
      metadata: { resourceVersion: String(this.lastRv), creationTimestamp: null },
    };
    if (!this.sink.write(`{"type":"BOOKMARK","object":${JSON.stringify(obj)}}\n`)) this.close();
  }
}
