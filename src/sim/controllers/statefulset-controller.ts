import type { Logger } from 'pino';
import type { KubeObject, ResourceDef } from '../api/registry.ts';
import type { ResourceService } from '../api/service/resource-service.ts';
import { isApiError } from '../../kube/apimachinery/errors.ts';
import { asObject, deepEqual } from '../../util/deep-equal.ts';
import { Controller, splitKey } from './controller.ts';
import { EventRecorder } from './events.ts';
import { controllerRef, isActive, isReady } from './pods.ts';
import { podOwnerKeys } from './replicaset-controller.ts';
import { deleteDependent, fromTemplate } from './dependents.ts';
import { templateHash } from './deployment-rollout.ts';

type Obj = Record<string, unknown>;

const REVISION = 'controller-revision-hash';

/**
 * The StatefulSet controller: pods named <set>-<ordinal>; with OrderedReady, ordinal N is created
 * only when 0..N-1 are Running and Ready, scale-down removes the highest ordinal first, and a
 * template change replaces pods from the highest ordinal down, one at a time.
 */
export function statefulSetController(svc: ResourceService, logger?: Logger): Controller {
  const stsDef = svc.registry.find('apps', 'v1', 'statefulsets') as ResourceDef;
  const podDef = svc.registry.find('', 'v1', 'pods') as ResourceDef;
  const events = new EventRecorder(svc, { component: 'statefulset-controller' });

  const reconcile = (key: string): void => {
    const { namespace, name } = splitKey(key);
    const sts = svc.store.get(stsDef, namespace, name)?.obj;
    if (!sts || sts.metadata.deletionTimestamp) return;
    const spec = asObject(sts.spec);
    const replicas = Number(spec['replicas'] ?? 1);
    const ordered = spec['podManagementPolicy'] !== 'Parallel';
    const template = asObject(spec['template']);
    const revision = `${name}-${templateHash(template, 0)}`;
    const podName = (i: number): string => `${name}-${i}`;
    const pods = new Map<number, KubeObject>();
    for (const so of svc.store.listCurrent(podDef, namespace)) {
      if (controllerRef(so.obj)?.uid !== sts.metadata.uid) continue;
      const m = new RegExp(`^${name}-(\\d+)$`).exec(so.obj.metadata.name ?? '');
      if (m) pods.set(Number(m[1]), so.obj);
    }
    let blocked = false;
    for (let i = 0; i < replicas && !blocked; i++) {
      const pod = pods.get(i);
      if (!pod) {
        create(sts, template, podName(i), revision);
        blocked = ordered;
      } else if (!isActive(pod) || (ordered && !(isReady(pod) && asObject(pod.status)['phase'] === 'Running'))) {
        blocked = ordered;
      }
    }
    const extra = [...pods.keys()].filter((i) => i >= replicas).sort((a, b) => b - a);
    for (const i of ordered ? extra.slice(0, 1) : extra) {
      const pod = pods.get(i);
      if (pod && !pod.metadata.deletionTimestamp) remove(sts, pod);
    }
    const allReady = [...pods.entries()]
      .filter(([i]) => i < replicas)
      .every(([, p]) => isReady(p) && !p.metadata.deletionTimestamp);
    if (allReady && pods.size >= replicas) {
      const outdated = [...pods.entries()]
        .filter(([i, p]) => i < replicas && p.metadata.labels?.[REVISION] !== revision)
        .sort((a, b) => b[0] - a[0])[0];
      if (outdated) remove(sts, outdated[1]);
    }
    const active = [...pods.values()].filter(isActive);
    const status: Obj = {
      observedGeneration: sts.metadata.generation,
      replicas: active.length,
      readyReplicas: active.filter(isReady).length,
      currentReplicas: active.filter((p) => p.metadata.labels?.[REVISION] === revision).length,
      updatedReplicas: active.filter((p) => p.metadata.labels?.[REVISION] === revision).length,
      availableReplicas: active.filter(isReady).length,
      currentRevision: revision,
      updateRevision: revision,
      collisionCount: 0,
    };
    for (const k of ['readyReplicas', 'currentReplicas', 'updatedReplicas']) if (status[k] === 0) delete status[k];
    const current = svc.store.get(stsDef, namespace, name);
    if (current && !deepEqual(current.obj.status, status))
      svc.commitUpdate(
        { def: stsDef, namespace, name },
        current,
        { ...structuredClone(current.obj), status },
        'status',
      );
  };

  const create = (sts: KubeObject, template: Obj, podName: string, revision: string): void => {
    const stamped = fromTemplate(sts, template, {
      name: podName,
      labels: { [REVISION]: revision, 'statefulset.kubernetes.io/pod-name': podName },
    });
    try {
      svc.create(podDef, sts.metadata.namespace, {
        ...stamped,
        spec: { ...asObject(stamped.spec), hostname: podName, subdomain: asObject(sts.spec)['serviceName'] },
      });
      events.record(
        sts,
        'Normal',
        'SuccessfulCreate',
        `create Pod ${podName} in StatefulSet ${sts.metadata.name ?? ''} successful`,
      );
    } catch (err) {
      // The previous pod of this ordinal may still be terminating: try again on the next pass.
      if (!isApiError(err) || err.code !== 409) throw err;
    }
  };

  const remove = (sts: KubeObject, pod: KubeObject): void =>
    deleteDependent(
      svc,
      events,
      sts,
      podDef,
      pod,
      `delete Pod ${pod.metadata.name ?? ''} in StatefulSet ${sts.metadata.name ?? ''} successful`,
    );

  return new Controller(
    svc,
    {
      name: 'statefulset',
      watches: [
        { def: stsDef, keys: (e) => [e.key] },
        { def: podDef, keys: (e) => podOwnerKeys(e.object.obj, e.prev?.obj, 'StatefulSet') },
      ],
      allKeys: () => svc.store.listCurrent(stsDef, undefined).map((so) => so.key),
      reconcile,
      resyncMs: 5_000,
    },
    logger,
  );
}
