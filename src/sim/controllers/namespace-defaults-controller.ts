import type { ResourceService } from '../api/service/resource-service.ts';
import type { KubeObject, ResourceDef } from '../api/registry.ts';
import { isApiError } from '../../kube/apimachinery/errors.ts';
import type { Logger } from 'pino';

/** An object every active namespace must have, like the ones kube-controller-manager creates. */
interface NamespaceDefault {
  group: string;
  version: string;
  resource: string;
  name: string;
  body(): KubeObject | Record<string, unknown>;
}

/**
 * Creates the per-namespace objects of a real cluster: the `default` ServiceAccount
 * (serviceaccount controller) and the `kube-root-ca.crt` ConfigMap (root-ca-cert-publisher).
 * Level-based: every pass checks all active namespaces.
 */
export class NamespaceDefaultsController {
  private unsubscribe: (() => void) | undefined;
  private scheduled = false;
  private readonly defaults: NamespaceDefault[];

  constructor(
    private readonly svc: ResourceService,
    opts: { caCert: string; logger?: Logger },
    private readonly logger = opts.logger,
  ) {
    this.defaults = [
      {
        group: '',
        version: 'v1',
        resource: 'serviceaccounts',
        name: 'default',
        body: () => ({ metadata: { name: 'default' } }),
      },
      {
        group: '',
        version: 'v1',
        resource: 'configmaps',
        name: 'kube-root-ca.crt',
        body: () => ({ metadata: { name: 'kube-root-ca.crt' }, data: { 'ca.crt': opts.caCert } }),
      },
    ];
  }

  private def(group: string, version: string, resource: string): ResourceDef {
    const d = this.svc.registry.find(group, version, resource);
    if (!d) throw new Error(`namespace defaults controller: ${resource} missing from the registry`);
    return d;
  }

  start(): void {
    const schedule = (): void => {
      if (this.scheduled) return;
      this.scheduled = true;
      setImmediate(() => {
        this.scheduled = false;
        this.reconcileAll();
      });
    };
    const watched = [
      this.def('', 'v1', 'namespaces'),
      ...this.defaults.map((d) => this.def(d.group, d.version, d.resource)),
    ];
    const offs = [...new Set(watched)].map((d) => this.svc.store.subscribe(d, { deliver: schedule }));
    this.unsubscribe = () => offs.forEach((off) => off());
    this.reconcileAll();
  }

  stop(): void {
    this.unsubscribe?.();
  }

  reconcileAll(): void {
    const nsDef = this.def('', 'v1', 'namespaces');
    for (const ns of this.svc.store.listCurrent(nsDef, undefined)) {
      const namespace = ns.obj.metadata.name ?? '';
      if (ns.obj.metadata.deletionTimestamp) continue;
      for (const d of this.defaults) {
        const def = this.def(d.group, d.version, d.resource);
        if (this.svc.store.get(def, namespace, d.name)) continue;
        try {
          this.svc.create(def, namespace, d.body());
        } catch (err) {
          if (!isApiError(err) || err.code !== 409)
            this.logger?.warn(
              { err, namespace, object: d.name },
              'namespace defaults: could not create a per-namespace object',
            );
        }
      }
    }
  }
}
