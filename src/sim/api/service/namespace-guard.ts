import { ApiError, notFound } from '../../../kube/apimachinery/errors.ts';
import type { ResourceRegistry } from '../registry.ts';
import type { ObjectStore } from '../store/object-store.ts';

/** The NamespaceLifecycle admission plugin: no content in a missing or terminating namespace. */
export class NamespaceGuard {
  constructor(
    private readonly store: ObjectStore,
    private readonly registry: ResourceRegistry,
  ) {}

  assertCanCreateIn(namespace: string, resource: string, name: string): void {
    const def = this.registry.find('', 'v1', 'namespaces');
    if (!def) return;
    const ns = this.store.get(def, undefined, namespace);
    if (!ns) throw notFound(def, namespace);
    if (ns.obj.metadata.deletionTimestamp) {
      throw new ApiError({
        message: `${resource} "${name}" is forbidden: unable to create new content in namespace ${namespace} because it is being terminated`,
        reason: 'Forbidden',
        details: {
          name,
          kind: resource,
          causes: [
            {
              reason: 'NamespaceTerminating',
              message: `namespace ${namespace} is being terminated`,
              field: 'metadata.namespace',
            },
          ],
        },
        code: 403,
      });
    }
  }
}
