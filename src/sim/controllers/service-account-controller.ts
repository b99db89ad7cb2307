import type { ResourceService } from '../api/service/resource-service.ts';
import { isApiError } from '../api/errors.ts';
import type { Logger } from 'pino';

/** Ensures every active namespace has its `default` ServiceAccount, as the serviceaccount controller does. */
export class ServiceAccountController {
  private unsubscribe: (() => void) | undefined;
  private scheduled = false;

  constructor(
    private readonly svc: ResourceService,
    private readonly logger?: Logger,
  ) {}

  start(): void {
    const nsDef = this.svc.registry.find('', 'v1', 'namespaces');
    const saDef = this.svc.registry.find('', 'v1', 'serviceaccounts');
    if (!nsDef || !saDef) throw new Error('serviceaccount controller: namespaces or serviceaccounts missing from the registry');
    const schedule = (): void => {
      if (this.scheduled) return;
      this.scheduled = true;
      setImmediate(() => {
        this.scheduled = false;
        this.reconcileAll();
      });
    };
    const offNs = this.svc.store.subscribe(nsDef, { deliver: schedule });
    const offSa = this.svc.store.subscribe(saDef, { deliver: schedule });
    this.unsubscribe = () => {
      offNs();
      offSa();
    };
    this.reconcileAll();
  }

  stop(): void {
    this.unsubscribe?.();
  }

  reconcileAll(): void {
    const nsDef = this.svc.registry.find('', 'v1', 'namespaces');
    const saDef = this.svc.registry.find('', 'v1', 'serviceaccounts');
    if (!nsDef || !saDef) return;
    for (const ns of this.svc.store.listCurrent(nsDef, undefined)) {
      const name = ns.obj.metadata.name ?? '';
      if (ns.obj.metadata.deletionTimestamp || this.svc.store.get(saDef, name, 'default')) continue;
      try {
        this.svc.create(saDef, name, { metadata: { name: 'default' } });
      } catch (err) {
        if (!isApiError(err) || err.code !== 409) this.logger?.warn({ err, namespace: name }, 'serviceaccount controller: could not create the default ServiceAccount');
      }
    }
  }
}
