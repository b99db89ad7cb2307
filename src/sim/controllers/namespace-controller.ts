import type { ResourceDef } from '../api/registry.ts';
import type { ResourceService } from '../api/service/resource-service.ts';
import { isApiError } from '../../kube/apimachinery/errors.ts';
import { isPlainObject } from '../../util/deep-equal.ts';
import type { Logger } from 'pino';

/**
 * Deletes the content of terminating namespaces, then releases the namespace (clears its
 * `kubernetes` spec finalizer), as kube-controller-manager's namespace controller does.
 * Level-based: every pass looks at all terminating namespaces, whatever events it saw.
 */
export class NamespaceController {
  private timer: NodeJS.Timeout | undefined;
  private unsubscribe: (() => void) | undefined;
  private scheduled = false;

  constructor(
    private readonly svc: ResourceService,
    private readonly opts: { resyncMs?: number; logger?: Logger } = {},
  ) {}

  start(): void {
    const nsDef = this.namespacesDef();
    this.unsubscribe = this.svc.store.subscribe(nsDef, { deliver: () => this.schedule() });
    this.timer = setInterval(() => this.schedule(), this.opts.resyncMs ?? 1000);
    this.timer.unref();
    this.schedule();
  }

  stop(): void {
    this.unsubscribe?.();
    if (this.timer) clearInterval(this.timer);
  }

  private namespacesDef(): ResourceDef {
    const def = this.svc.registry.find('', 'v1', 'namespaces');
    if (!def) throw new Error('namespace controller: the registry has no namespaces resource');
    return def;
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.reconcileAll();
    });
  }

  reconcileAll(): void {
    const nsDef = this.namespacesDef();
    for (const so of this.svc.store.listCurrent(nsDef, undefined)) {
      if (!so.obj.metadata.deletionTimestamp) continue;
      try {
        this.reconcile(nsDef, so.obj.metadata.name ?? '');
      } catch (err) {
        this.opts.logger?.warn(
          { err, namespace: so.obj.metadata.name },
          'namespace controller: cleanup pass failed; will retry',
        );
      }
    }
  }

  private reconcile(nsDef: ResourceDef, namespace: string): void {
    let remaining = 0;
    for (const def of this.svc.registry.stored) {
      if (!def.namespaced) continue;
      for (const so of this.svc.store.listCurrent(def, namespace)) {
        remaining++;
        if (so.obj.metadata.deletionTimestamp) continue;
        try {
          this.svc.delete({ def, namespace, name: so.obj.metadata.name ?? '' }, { propagationPolicy: 'Background' });
        } catch (err) {
          if (!isApiError(err) || err.code !== 404) throw err;
        }
      }
    }
    // Pods being deleted gracefully are finished off: no kubelet may be left to confirm them.
    const podDef = this.svc.registry.find('', 'v1', 'pods');
    if (podDef) {
      for (const so of this.svc.store.listCurrent(podDef, namespace)) {
        if (so.obj.metadata.deletionTimestamp)
          this.svc.delete({ def: podDef, namespace, name: so.obj.metadata.name ?? '' }, { gracePeriodSeconds: 0 });
      }
    }
    if (remaining > 0 && this.countContent(namespace) > 0) return;
    const current = this.svc.store.get(nsDef, undefined, namespace);
    if (!current) return;
    const next = structuredClone(current.obj);
    const spec = isPlainObject(next.spec) ? next.spec : {};
    next.spec = { ...spec, finalizers: [] };
    // The /finalize step: the namespace goes once no metadata finalizer holds it.
    const held = (next.metadata.finalizers ?? []).length > 0;
    this.svc.store.commit(nsDef, held ? 'MODIFIED' : 'DELETED', next);
  }

  private countContent(namespace: string): number {
    let n = 0;
    for (const def of this.svc.registry.stored)
      if (def.namespaced) n += this.svc.store.listCurrent(def, namespace).length;
    return n;
  }
}
