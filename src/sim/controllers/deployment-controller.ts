import type { Logger } from 'pino';
import type { KubeObject, ResourceDef } from '../api/registry.ts';
import type { ResourceService } from '../api/service/resource-service.ts';
import { formatTime } from '../api/service/object-meta.ts';
import { asObject, deepEqual } from '../../util/deep-equal.ts';
import { Controller, nsKey, splitKey } from './controller.ts';
import { EventRecorder } from './events.ts';
import { controllerRef } from './pods.ts';
import { ownerRef } from './dependents.ts';
import {
  newReplicaSetReplicas,
  scaleDownOld,
  surgeAndUnavailable,
  templateHash,
  type RsState,
} from './deployment-rollout.ts';

type Obj = Record<string, unknown>;
const HASH = 'pod-template-hash';
const REVISION = 'deployment.kubernetes.io/revision';

function withoutHash(template: unknown): unknown {
  const t = structuredClone(asObject(template));
  const labels = { ...asObject(asObject(t['metadata'])['labels']) };
  delete labels[HASH];
  t['metadata'] = { ...asObject(t['metadata']), labels };
  return t;
}

/**
 * The Deployment controller: one ReplicaSet per pod template (pod-template-hash), rolled with
 * RollingUpdate (maxSurge/maxUnavailable) or Recreate, revision annotations, status and events.
 */
export function deploymentController(svc: ResourceService, logger?: Logger): Controller {
  const depDef = svc.registry.find('apps', 'v1', 'deployments') as ResourceDef;
  const rsDef = svc.registry.find('apps', 'v1', 'replicasets') as ResourceDef;
  const podDef = svc.registry.find('', 'v1', 'pods') as ResourceDef;
  const events = new EventRecorder(svc, { component: 'deployment-controller' });

  const scaleRs = (dep: KubeObject, rs: KubeObject, replicas: number): KubeObject => {
    const current = svc.store.get(rsDef, rs.metadata.namespace, rs.metadata.name ?? '');
    if (!current || asObject(current.obj.spec)['replicas'] === replicas) return current?.obj ?? rs;
    const before = Number(asObject(current.obj.spec)['replicas'] ?? 0);
    const next = structuredClone(current.obj);
    next.spec = { ...asObject(next.spec), replicas };
    next.metadata.annotations = { ...(next.metadata.annotations ?? {}), ...replicasAnnotations(dep) };
    const out = svc.commitUpdate(
      { def: rsDef, namespace: rs.metadata.namespace, name: rs.metadata.name ?? '' },
      current,
      next,
      undefined,
    ).obj;
    events.record(
      dep,
      'Normal',
      'ScalingReplicaSet',
      `Scaled ${replicas > before ? 'up' : 'down'} replica set ${rs.metadata.name ?? ''} to ${replicas}`,
    );
    return out;
  };

  const createNewRs = (dep: KubeObject, hash: string, replicas: number, revision: number): KubeObject => {
    const spec = asObject(dep.spec);
    const template = structuredClone(asObject(spec['template']));
    const meta = asObject(template['metadata']);
    template['metadata'] = { ...meta, labels: { ...asObject(meta['labels']), [HASH]: hash } };
    const selector = structuredClone(asObject(spec['selector']));
    selector['matchLabels'] = { ...asObject(selector['matchLabels']), [HASH]: hash };
    const rs = svc.create(rsDef, dep.metadata.namespace, {
      metadata: {
        name: `${dep.metadata.name ?? ''}-${hash}`,
        labels: { ...asObject(meta['labels']), [HASH]: hash },
        annotations: { ...replicasAnnotations(dep), [REVISION]: String(revision) },
        ownerReferences: [ownerRef(dep)],
      },
      spec: { replicas: 0, minReadySeconds: spec['minReadySeconds'], selector, template },
    }).obj;
    return replicas > 0 ? scaleRs(dep, rs, replicas) : rs;
  };

  const reconcile = (key: string): void => {
    const { namespace, name } = splitKey(key);
    const dep = svc.store.get(depDef, namespace, name)?.obj;
    if (!dep || dep.metadata.deletionTimestamp) return;
    const spec = asObject(dep.spec);
    const desired = typeof spec['replicas'] === 'number' ? spec['replicas'] : 1;
    const owned = svc.store
      .listCurrent(rsDef, namespace)
      .map((so) => so.obj)
      .filter((rs) => controllerRef(rs)?.uid === dep.metadata.uid);
    const revisionOf = (rs: KubeObject): number => Number(rs.metadata.annotations?.[REVISION] ?? 0);
    let newRs = owned.find((rs) =>
      deepEqual(withoutHash(asObject(rs.spec)['template']), withoutHash(spec['template'])),
    );
    const old = owned.filter((rs) => rs !== newRs);
    const maxRevision = Math.max(0, ...owned.map(revisionOf));
    const state = (rs: KubeObject): RsState => ({
      name: rs.metadata.name ?? '',
      replicas: Number(asObject(rs.spec)['replicas'] ?? 0),
      available: Number(asObject(rs.status)['availableReplicas'] ?? 0),
      created: Date.parse(rs.metadata.creationTimestamp ?? '') || 0,
    });
    const recreate = asObject(spec['strategy'])['type'] === 'Recreate';
    const { maxSurge, maxUnavailable } = surgeAndUnavailable(spec['strategy'], desired);
    if (spec['paused'] !== true) {
      if (!newRs) {
        const startAt = recreate
          ? 0
          : newReplicaSetReplicas(
              desired,
              maxSurge,
              { name: '', replicas: 0, available: 0, created: 0 },
              old.map(state),
            );
        newRs = createNewRs(
          dep,
          templateHash(withoutHash(spec['template']), Number(asObject(dep.status)['collisionCount'] ?? 0)),
          startAt,
          maxRevision + 1,
        );
      } else if (revisionOf(newRs) < maxRevision) {
        // A rollback to an older template: it becomes the newest revision again.
        newRs = annotateRevision(newRs, maxRevision + 1);
      }
      if (recreate) {
        for (const rs of old) scaleRs(dep, rs, 0);
        const oldPods = svc.store
          .listCurrent(podDef, namespace)
          .filter((p) => old.some((rs) => controllerRef(p.obj)?.uid === rs.metadata.uid));
        if (oldPods.length === 0) newRs = scaleRs(dep, newRs, desired);
      } else {
        newRs = scaleRs(dep, newRs, newReplicaSetReplicas(desired, maxSurge, state(newRs), [newRs, ...old].map(state)));
        const targets = scaleDownOld(desired, maxUnavailable, state(newRs), old.map(state));
        for (const rs of old) {
          const to = targets.get(rs.metadata.name ?? '');
          if (to !== undefined) scaleRs(dep, rs, to);
        }
      }
    } else if (newRs) {
      newRs = scaleRs(dep, newRs, desired);
    }
    cleanupHistory(old, Number(spec['revisionHistoryLimit'] ?? 10));
    updateStatus(dep, newRs, old, desired, maxUnavailable);
  };

  const annotateRevision = (rs: KubeObject, revision: number): KubeObject => {
    const current = svc.store.get(rsDef, rs.metadata.namespace, rs.metadata.name ?? '');
    if (!current) return rs;
    const next = structuredClone(current.obj);
    next.metadata.annotations = { ...(next.metadata.annotations ?? {}), [REVISION]: String(revision) };
    return svc.commitUpdate(
      { def: rsDef, namespace: rs.metadata.namespace, name: rs.metadata.name ?? '' },
      current,
      next,
      undefined,
    ).obj;
  };

  const cleanupHistory = (old: KubeObject[], limit: number): void => {
    const idle = old.filter(
      (rs) => Number(asObject(rs.spec)['replicas'] ?? 0) === 0 && Number(asObject(rs.status)['replicas'] ?? 0) === 0,
    );
    idle.sort(
      (a, b) => Number(a.metadata.annotations?.[REVISION] ?? 0) - Number(b.metadata.annotations?.[REVISION] ?? 0),
    );
    for (const rs of idle.slice(0, Math.max(0, idle.length - limit)))
      svc.delete({ def: rsDef, namespace: rs.metadata.namespace, name: rs.metadata.name ?? '' });
  };

  const updateStatus = (
    dep: KubeObject,
    newRs: KubeObject | undefined,
    old: KubeObject[],
    desired: number,
    maxUnavailable: number,
  ): void => {
    const all = [...(newRs ? [newRs] : []), ...old].map(
      (rs) => svc.store.get(rsDef, rs.metadata.namespace, rs.metadata.name ?? '')?.obj ?? rs,
    );
    const sum = (field: string): number => all.reduce((n, rs) => n + Number(asObject(rs.status)[field] ?? 0), 0);
    const available = sum('availableReplicas');
    const current = svc.store.get(depDef, dep.metadata.namespace, dep.metadata.name ?? '');
    if (!current) return;
    const prev = asObject(current.obj.status);
    const now = formatTime(svc.now());
    const newName = newRs?.metadata.name ?? '';
    const newStatus = asObject(newRs ? svc.store.get(rsDef, newRs.metadata.namespace, newName)?.obj.status : undefined);
    const complete =
      Number(newStatus['availableReplicas'] ?? 0) >= desired &&
      Number(newStatus['replicas'] ?? 0) === desired &&
      sum('replicas') === desired;
    const conditions = [
      condition(
        prev,
        'Available',
        available >= desired - maxUnavailable ? 'True' : 'False',
        available >= desired - maxUnavailable ? 'MinimumReplicasAvailable' : 'MinimumReplicasUnavailable',
        available >= desired - maxUnavailable
          ? 'Deployment has minimum availability.'
          : 'Deployment does not have minimum availability.',
        now,
      ),
      condition(
        prev,
        'Progressing',
        'True',
        complete ? 'NewReplicaSetAvailable' : 'ReplicaSetUpdated',
        complete ? `ReplicaSet "${newName}" has successfully progressed.` : `ReplicaSet "${newName}" is progressing.`,
        now,
      ),
    ];
    const status: Obj = {
      observedGeneration: current.obj.metadata.generation,
      replicas: sum('replicas'),
      updatedReplicas: Number(newStatus['replicas'] ?? 0),
      readyReplicas: sum('readyReplicas'),
      availableReplicas: available,
      unavailableReplicas: Math.max(0, desired - available),
      conditions,
    };
    for (const k of ['replicas', 'updatedReplicas', 'readyReplicas', 'availableReplicas', 'unavailableReplicas'])
      if (status[k] === 0) delete status[k];
    const next = structuredClone(current.obj);
    if (newRs)
      next.metadata.annotations = {
        ...(next.metadata.annotations ?? {}),
        [REVISION]: newRs.metadata.annotations?.[REVISION] ?? '1',
      };
    if (!deepEqual(next.metadata.annotations, current.obj.metadata.annotations)) {
      svc.commitUpdate(
        { def: depDef, namespace: dep.metadata.namespace, name: dep.metadata.name ?? '' },
        current,
        next,
        undefined,
      );
    }
    const latest = svc.store.get(depDef, dep.metadata.namespace, dep.metadata.name ?? '');
    if (latest && !deepEqual(latest.obj.status, status)) {
      svc.commitUpdate(
        { def: depDef, namespace: dep.metadata.namespace, name: dep.metadata.name ?? '' },
        latest,
        { ...structuredClone(latest.obj), status },
        'status',
      );
    }
  };

  return new Controller(
    svc,
    {
      name: 'deployment',
      watches: [
        { def: depDef, keys: (e) => [e.key] },
        {
          def: rsDef,
          keys: (e) =>
            [e.object.obj, e.prev?.obj].flatMap((rs) => {
              const ref = rs ? controllerRef(rs) : undefined;
              return ref?.kind === 'Deployment' ? [nsKey(rs?.metadata.namespace, ref.name)] : [];
            }),
        },
      ],
      allKeys: () => svc.store.listCurrent(depDef, undefined).map((so) => so.key),
      reconcile,
      resyncMs: 5_000,
    },
    logger,
  );
}

/** desired-replicas and max-replicas, refreshed on every scale as the controller does. */
function replicasAnnotations(dep: KubeObject): Record<string, string> {
  const spec = asObject(dep.spec);
  const desired = Number(spec['replicas'] ?? 1);
  return {
    'deployment.kubernetes.io/desired-replicas': String(desired),
    'deployment.kubernetes.io/max-replicas': String(desired + surgeAndUnavailable(spec['strategy'], desired).maxSurge),
  };
}

/** A condition that keeps its lastTransitionTime while its status does not change. */
function condition(prevStatus: Obj, type: string, status: string, reason: string, message: string, now: string): Obj {
  const prev = Array.isArray(prevStatus['conditions'])
    ? prevStatus['conditions'].map(asObject).find((c) => c['type'] === type)
    : undefined;
  const transition = prev && prev['status'] === status ? prev['lastTransitionTime'] : now;
  const update = prev && prev['reason'] === reason && prev['status'] === status ? prev['lastUpdateTime'] : now;
  return { type, status, lastUpdateTime: update, lastTransitionTime: transition, reason, message };
}
