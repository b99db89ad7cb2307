import type { KubeObject, ResourceDef } from '../api/registry.ts';
import type { ResourceService } from '../api/service/resource-service.ts';
import type { DeleteOptions } from '../api/service/types.ts';
import { isApiError } from '../../kube/apimachinery/errors.ts';
import { asObject } from '../../util/deep-equal.ts';
import type { EventRecorder } from './events.ts';

/** Deletes an object a controller owns and records the owner's event; already gone is fine. */
export function deleteDependent(
  svc: ResourceService,
  events: EventRecorder,
  owner: KubeObject,
  def: ResourceDef,
  dependent: KubeObject,
  message: string,
  options: DeleteOptions = {},
): void {
  try {
    svc.delete({ def, namespace: dependent.metadata.namespace, name: dependent.metadata.name ?? '' }, options);
    events.record(owner, 'Normal', 'SuccessfulDelete', message);
  } catch (err) {
    if (!isApiError(err) || err.code !== 404) throw err;
  }
}

/** The metadata and spec of an object stamped from a template, owned by `owner`. */
export function fromTemplate(
  owner: KubeObject,
  template: unknown,
  meta: { name?: string; generateName?: string; labels?: Record<string, string> } = {},
): { metadata: Record<string, unknown>; spec: unknown } {
  const t = asObject(template);
  const tm = asObject(t['metadata']);
  return {
    metadata: {
      ...(meta.name ? { name: meta.name } : { generateName: meta.generateName ?? `${owner.metadata.name ?? ''}-` }),
      labels: { ...asObject(tm['labels']), ...(meta.labels ?? {}) },
      annotations: tm['annotations'],
      ownerReferences: [ownerRef(owner)],
    },
    spec: structuredClone(t['spec'] ?? {}),
  };
}

/** The controller reference a controller puts on what it creates. */
export function ownerRef(owner: KubeObject): {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  controller: true;
  blockOwnerDeletion: true;
} {
  return {
    apiVersion: owner.apiVersion ?? '',
    kind: owner.kind ?? '',
    name: owner.metadata.name ?? '',
    uid: owner.metadata.uid ?? '',
    controller: true,
    blockOwnerDeletion: true,
  };
}
