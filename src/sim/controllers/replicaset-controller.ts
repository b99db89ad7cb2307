import type { Logger } from 'pino';
import type { KubeObject, ResourceDef } from '../api/registry.ts';
import type { ResourceService } from '../api/service/resource-service.ts';
import { labelSelectorFromObject, matchesLabels, type LabelSelectorObject } from '../api/selectors.ts';
import { deepEqual, isPlainObject } from '../../util/deep-equal.ts';
import { Controller, nsKey, splitKey } from './controller.ts';
import { EventRecorder } from './events.ts';
import { deleteDependent, fromTemplate, ownerRef } from './dependents.ts';
import { OwnerIndex } from './owner-index.ts';
import { compareRanks, controllerRef, deletionRank, isActive, isAvailable, isReady } from './pods.ts';

type Obj = Record<string, unknown>;

/** kube-controller-manager's burstReplicas: creations or deletions per ReplicaSet sync. */
const BURST_REPLICAS = 500;

function defOf(svc: ResourceService, group: string, resource: string): ResourceDef {
  const d = svc.registry.find(group, 'v1', resource);
  if (!d) throw new Error(`replicaset controller: ${resource} missing from the registry`);
  return d;
}

/** The ReplicaSet controller: keeps `spec.replicas` active pods per ReplicaSet and reports status. */
export function replicaSetController(svc: ResourceService, logger?: Logger): { start(): void; stop(): void } {
  const rsDef = defOf(svc, 'apps', 'replicasets');
  const podDef = defOf(svc, '', 'pods');
  const events = new EventRecorder(svc, { component: 'replicaset-controller' });
  const pods = new OwnerIndex(svc.store, podDef);

  const reconcile = (key: string): void => {
    const { namespace, name } = splitKey(key);
    const rs = svc.store.get(rsDef, namespace, name)?.obj;
    if (!rs || rs.metadata.deletionTimestamp) return;
    const spec = isPlainObject(rs.spec) ? rs.spec : {};
    const selector = labelSelectorFromObject(spec['selector'] as LabelSelectorObject | undefined);
    const owned = pods.owned(rs.metadata.uid ?? '');
    for (const pod of pods.orphansIn(namespace)) {
      if (!pod.metadata.deletionTimestamp && matchesLabels(selector, pod.metadata.labels)) owned.push(adopt(pod, rs));
    }
    const active = owned.filter(isActive);
    const desired = typeof spec['replicas'] === 'number' ? spec['replicas'] : 1;
    // At most burstReplicas creations or deletions per pass, as the real controller: the pod
    // events of this batch enqueue the ReplicaSet again for the next one.
    if (active.length < desired) {
      const target = Math.min(desired, active.length + BURST_REPLICAS);
      while (active.length < target) active.push(createPod(rs));
    } else if (active.length > desired) {
      const victims = [...active]
        .sort((a, b) => compareRanks(deletionRank(a), deletionRank(b)))
        .slice(0, Math.min(BURST_REPLICAS, active.length - desired));
      for (const pod of victims) deletePod(rs, pod);
    }
    updateStatus(rs, owned.filter(isActive), spec);
  };

  const adopt = (pod: KubeObject, rs: KubeObject): KubeObject => {
    const current = svc.store.get(podDef, pod.metadata.namespace, pod.metadata.name ?? '');
    if (!current) return pod;
    const next = structuredClone(current.obj);
    next.metadata.ownerReferences = [...(next.metadata.ownerReferences ?? []), ownerRef(rs)];
    return svc.commitUpdate(
      { def: podDef, namespace: pod.metadata.namespace, name: pod.metadata.name ?? '' },
      current,
      next,
      undefined,
    ).obj;
  };

  const createPod = (rs: KubeObject): KubeObject => {
    const template = isPlainObject(rs.spec) ? rs.spec['template'] : undefined;
    const created = svc.create(podDef, rs.metadata.namespace, fromTemplate(rs, template)).obj;
    events.record(rs, 'Normal', 'SuccessfulCreate', `Created pod: ${created.metadata.name ?? ''}`);
    return created;
  };

  const deletePod = (rs: KubeObject, pod: KubeObject): void =>
    deleteDependent(svc, events, rs, podDef, pod, `Deleted pod: ${pod.metadata.name ?? ''}`);

  const updateStatus = (rs: KubeObject, active: KubeObject[], spec: Obj): void => {
    const templateLabels =
      isPlainObject(spec['template']) && isPlainObject(spec['template']['metadata'])
        ? ((spec['template']['metadata']['labels'] as Record<string, string> | undefined) ?? {})
        : {};
    const minReady = typeof spec['minReadySeconds'] === 'number' ? spec['minReadySeconds'] : 0;
    const now = svc.now();
    const status: Obj = {
      replicas: active.length,
      fullyLabeledReplicas: active.filter((p) =>
        Object.entries(templateLabels).every(([k, v]) => p.metadata.labels?.[k] === v),
      ).length,
      readyReplicas: active.filter(isReady).length,
      availableReplicas: active.filter((p) => isAvailable(p, minReady, now)).length,
      observedGeneration: rs.metadata.generation,
    };
    for (const k of ['readyReplicas', 'availableReplicas', 'fullyLabeledReplicas'])
      if (status[k] === 0) delete status[k];
    const current = svc.store.get(rsDef, rs.metadata.namespace, rs.metadata.name ?? '');
    if (!current || deepEqual(current.obj.status, status)) return;
    svc.commitUpdate(
      { def: rsDef, namespace: rs.metadata.namespace, name: rs.metadata.name ?? '' },
      current,
      { ...structuredClone(current.obj), status },
      'status',
    );
  };

  const ctl = new Controller(
    svc,
    {
      name: 'replicaset',
      watches: [
        { def: rsDef, keys: (e) => [e.key] },
        { def: podDef, keys: (e) => podOwnerKeys(e.object.obj, e.prev?.obj, 'ReplicaSet') },
      ],
      allKeys: () => svc.store.listCurrent(rsDef, undefined).map((so) => so.key),
      reconcile,
      resyncMs: 5_000,
    },
    logger,
  );
  return {
    start: () => {
      pods.start();
      ctl.start();
    },
    stop: () => {
      ctl.stop();
      pods.stop();
    },
  };
}

/** Keys of the controllers of kind `kind` that own this pod now or owned it before the change. */
export function podOwnerKeys(pod: KubeObject, prev: KubeObject | undefined, kind: string): string[] {
  const keys: string[] = [];
  for (const p of [pod, prev]) {
    const ref = p ? controllerRef(p) : undefined;
    if (ref && ref.kind === kind) keys.push(nsKey(p?.metadata.namespace, ref.name));
  }
  return keys;
}
