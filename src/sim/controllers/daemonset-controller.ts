import type { Logger } from 'pino';
import type { KubeObject, ResourceDef } from '../api/registry.ts';
import type { ResourceService } from '../api/service/resource-service.ts';
import { asObject, deepEqual } from '../../util/deep-equal.ts';
import { Controller, splitKey } from './controller.ts';
import { EventRecorder } from './events.ts';
import { controllerRef, isActive, isReady } from './pods.ts';
import { podOwnerKeys } from './replicaset-controller.ts';
import { deleteDependent, fromTemplate } from './dependents.ts';
import { templateHash } from './deployment-rollout.ts';
import { withDaemonTolerations } from './taints.ts';

type Obj = Record<string, unknown>;

const REVISION = 'controller-revision-hash';

/** Nodes a DaemonSet pod may run on: schedulable, matching its node selector, tolerating its taints. */
function eligible(node: KubeObject, podSpec: Obj): boolean {
  const spec = asObject(node.spec);
  if (spec['unschedulable'] === true) return false;
  if (!Object.entries(asObject(podSpec['nodeSelector'])).every(([k, v]) => node.metadata.labels?.[k] === v))
    return false;
  // With the tolerations every daemon pod gets, so a not-ready or unreachable node keeps its daemons.
  const tolerations = withDaemonTolerations(podSpec).map(asObject);
  const taints = Array.isArray(spec['taints'])
    ? (spec['taints'] as unknown[])
        .map(asObject)
        .filter((t) => t['effect'] === 'NoSchedule' || t['effect'] === 'NoExecute')
    : [];
  return taints.every((t) =>
    tolerations.some((tol) =>
      tol['operator'] === 'Exists'
        ? tol['key'] === undefined || tol['key'] === t['key']
        : tol['key'] === t['key'] && tol['value'] === t['value'],
    ),
  );
}

/**
 * The DaemonSet controller: exactly one pod per eligible node, replaced one node at a time when
 * the template changes (RollingUpdate, maxUnavailable 1), and the DaemonSet's status counts.
 */
export function daemonSetController(svc: ResourceService, logger?: Logger): Controller {
  const dsDef = svc.registry.find('apps', 'v1', 'daemonsets') as ResourceDef;
  const podDef = svc.registry.find('', 'v1', 'pods') as ResourceDef;
  const nodeDef = svc.registry.find('', 'v1', 'nodes') as ResourceDef;
  const events = new EventRecorder(svc, { component: 'daemonset-controller' });

  const reconcile = (key: string): void => {
    const { namespace, name } = splitKey(key);
    const ds = svc.store.get(dsDef, namespace, name)?.obj;
    if (!ds || ds.metadata.deletionTimestamp) return;
    const template = asObject(asObject(ds.spec)['template']);
    const podSpec = asObject(template['spec']);
    const hash = templateHash(template, 0);
    const nodes = svc.store
      .listCurrent(nodeDef, undefined)
      .map((so) => so.obj)
      .filter((n) => eligible(n, podSpec));
    const pods = svc.store
      .listCurrent(podDef, namespace)
      .map((so) => so.obj)
      .filter((p) => controllerRef(p)?.uid === ds.metadata.uid && isActive(p));
    const byNode = new Map<string, KubeObject[]>();
    for (const p of pods) {
      const n = String(asObject(p.spec)['nodeName'] ?? '');
      byNode.set(n, [...(byNode.get(n) ?? []), p]);
    }
    let replacing = pods.some((p) => p.metadata.labels?.[REVISION] !== hash && !isReady(p));
    for (const node of nodes) {
      const nodeName = node.metadata.name ?? '';
      const onNode = byNode.get(nodeName) ?? [];
      byNode.delete(nodeName);
      if (onNode.length === 0) create(ds, template, nodeName, hash);
      for (const extra of onNode.slice(1)) remove(ds, extra);
      const pod = onNode[0];
      // One outdated pod at a time is replaced (maxUnavailable 1).
      if (pod && pod.metadata.labels?.[REVISION] !== hash && !replacing) {
        remove(ds, pod);
        replacing = true;
      }
    }
    for (const stray of byNode.values()) for (const p of stray) remove(ds, p);
    const now = svc.store
      .listCurrent(podDef, namespace)
      .map((so) => so.obj)
      .filter((p) => controllerRef(p)?.uid === ds.metadata.uid && isActive(p));
    const status: Obj = {
      currentNumberScheduled: now.length,
      numberMisscheduled: 0,
      desiredNumberScheduled: nodes.length,
      numberReady: now.filter(isReady).length,
      observedGeneration: ds.metadata.generation,
      updatedNumberScheduled: now.filter((p) => p.metadata.labels?.[REVISION] === hash).length,
      numberAvailable: now.filter(isReady).length,
      numberUnavailable: Math.max(0, nodes.length - now.filter(isReady).length),
    };
    for (const k of ['updatedNumberScheduled', 'numberAvailable', 'numberUnavailable'])
      if (status[k] === 0) delete status[k];
    const current = svc.store.get(dsDef, namespace, name);
    if (current && !deepEqual(current.obj.status, status))
      svc.commitUpdate({ def: dsDef, namespace, name }, current, { ...structuredClone(current.obj), status }, 'status');
  };

  const create = (ds: KubeObject, template: Obj, nodeName: string, hash: string): void => {
    const stamped = fromTemplate(ds, template, { labels: { [REVISION]: hash } });
    const spec = asObject(stamped.spec);
    const pod = svc.create(podDef, ds.metadata.namespace, {
      ...stamped,
      spec: { ...spec, nodeName, tolerations: withDaemonTolerations(spec) },
    }).obj;
    events.record(ds, 'Normal', 'SuccessfulCreate', `Created pod: ${pod.metadata.name ?? ''}`);
  };

  const remove = (ds: KubeObject, pod: KubeObject): void =>
    deleteDependent(svc, events, ds, podDef, pod, `Deleted pod: ${pod.metadata.name ?? ''}`);

  const all = (): string[] => svc.store.listCurrent(dsDef, undefined).map((so) => so.key);
  return new Controller(
    svc,
    {
      name: 'daemonset',
      watches: [
        { def: dsDef, keys: (e) => [e.key] },
        { def: podDef, keys: (e) => podOwnerKeys(e.object.obj, e.prev?.obj, 'DaemonSet') },
        { def: nodeDef, keys: all },
      ],
      allKeys: all,
      reconcile,
      resyncMs: 5_000,
    },
    logger,
  );
}
