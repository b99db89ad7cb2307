import type { Logger } from 'pino';
import type { KubeObject, ResourceDef } from '../api/registry.ts';
import type { ResourceService } from '../api/service/resource-service.ts';
import { isApiError } from '../../kube/apimachinery/errors.ts';

interface Node {
  def: ResourceDef;
  obj: KubeObject;
}

const FOREGROUND = 'foregroundDeletion';
const ORPHAN = 'orphan';

/**
 * The garbage collector: dependents whose owners are gone are deleted (background), owners being
 * deleted in the foreground wait for their blocking dependents, orphaning owners release theirs.
 * Each pass rebuilds the ownership graph from the store, so it is level-based by construction.
 */
export class GarbageCollector {
  private timer: NodeJS.Timeout | undefined;
  private offs: (() => void)[] = [];
  private scheduled = false;

  constructor(
    private readonly svc: ResourceService,
    private readonly opts: { intervalMs?: number; logger?: Logger } = {},
  ) {}

  start(): void {
    const trigger = (): void => this.schedule();
    this.offs = this.svc.registry.stored.map((def) =>
      this.svc.store.subscribe(def, {
        deliver: (e) => {
          if (e.type === 'DELETED' || e.object.obj.metadata.deletionTimestamp) trigger();
        },
      }),
    );
    // Deletions trigger a pass; the periodic one only catches what events could not (a full scan
    // of every object is not free with 10,000 pods, so it is rare).
    this.timer = setInterval(trigger, this.opts.intervalMs ?? 30_000);
    this.timer.unref();
  }

  stop(): void {
    for (const off of this.offs) off();
    if (this.timer) clearInterval(this.timer);
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      try {
        this.collect();
      } catch (err) {
        this.opts.logger?.warn({ err }, 'garbage collector: pass failed; retrying on the next trigger');
      }
    });
  }

  collect(): void {
    const byUid = new Map<string, Node>();
    const withOwners: Node[] = [];
    for (const def of this.svc.registry.stored) {
      if (def.computed) continue;
      for (const so of this.svc.store.values(def)) {
        const n = { def, obj: so.obj };
        if (so.obj.metadata.uid) byUid.set(so.obj.metadata.uid, n);
        if ((so.obj.metadata.ownerReferences ?? []).length > 0) withOwners.push(n);
      }
    }
    const blockingDependents = new Map<string, number>();
    const anyDependents = new Map<string, number>();
    for (const dep of withOwners) {
      const refs = dep.obj.metadata.ownerReferences ?? [];
      const live = refs.filter((r) => byUid.get(r.uid)?.obj.kind === r.kind);
      if (live.length === 0) {
        this.remove(dep, 'Background');
        continue;
      }
      for (const r of live) {
        const owner = byUid.get(r.uid) as Node;
        const finalizers = owner.obj.metadata.finalizers ?? [];
        const deleting = owner.obj.metadata.deletionTimestamp !== undefined;
        if (deleting && finalizers.includes(ORPHAN)) {
          // Released now, so it no longer holds the owner's orphan finalizer in this same pass.
          this.release(dep, r.uid);
          continue;
        }
        anyDependents.set(r.uid, (anyDependents.get(r.uid) ?? 0) + 1);
        if (r.blockOwnerDeletion) blockingDependents.set(r.uid, (blockingDependents.get(r.uid) ?? 0) + 1);
        if (deleting && finalizers.includes(FOREGROUND)) this.remove(dep, 'Foreground');
      }
    }
    for (const owner of byUid.values()) {
      const fins = owner.obj.metadata.finalizers ?? [];
      const uid = owner.obj.metadata.uid ?? '';
      if (!owner.obj.metadata.deletionTimestamp) continue;
      if (fins.includes(FOREGROUND) && !blockingDependents.get(uid)) this.dropFinalizer(owner, FOREGROUND);
      if (fins.includes(ORPHAN) && !anyDependents.get(uid)) this.dropFinalizer(owner, ORPHAN);
    }
  }

  private remove(n: Node, policy: 'Background' | 'Foreground'): void {
    if (n.obj.metadata.deletionTimestamp && policy === 'Background') return;
    try {
      this.svc.delete(
        { def: n.def, namespace: n.obj.metadata.namespace, name: n.obj.metadata.name ?? '' },
        { propagationPolicy: policy },
      );
    } catch (err) {
      if (!isApiError(err) || err.code !== 404) throw err;
    }
  }

  private release(n: Node, ownerUid: string): void {
    this.mutate(n, (o) => {
      o.metadata.ownerReferences = (o.metadata.ownerReferences ?? []).filter((r) => r.uid !== ownerUid);
    });
  }

  private dropFinalizer(n: Node, finalizer: string): void {
    this.mutate(n, (o) => {
      o.metadata.finalizers = (o.metadata.finalizers ?? []).filter((f) => f !== finalizer);
    });
  }

  private mutate(n: Node, change: (o: KubeObject) => void): void {
    const current = this.svc.store.get(n.def, n.obj.metadata.namespace, n.obj.metadata.name ?? '');
    if (!current) return;
    const next = structuredClone(current.obj);
    change(next);
    this.svc.commitUpdate(
      { def: n.def, namespace: n.obj.metadata.namespace, name: n.obj.metadata.name ?? '' },
      current,
      next,
      undefined,
    );
  }
}
