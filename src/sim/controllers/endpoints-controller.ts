import type { Logger } from 'pino';
import type { KubeObject, ResourceDef } from '../api/registry.ts';
import type { ResourceService } from '../api/service/resource-service.ts';
import { randomSuffix } from '../api/service/object-meta.ts';
import { asObject, deepEqual } from '../../util/deep-equal.ts';
import { Controller, nsKey, splitKey } from './controller.ts';
import { isReady } from './pods.ts';
import { ownerRef } from './dependents.ts';

type Obj = Record<string, unknown>;

interface Backend {
  pod: KubeObject;
  ip: string;
  ready: boolean;
}

/** A Service port's target on one pod: a number, or a named container port. */
function targetPort(svcPort: Obj, pod: KubeObject): number | undefined {
  const target = svcPort['targetPort'] ?? svcPort['port'];
  if (typeof target === 'number') return target;
  for (const c of Array.isArray(asObject(pod.spec)['containers'])
    ? (asObject(pod.spec)['containers'] as unknown[]).map(asObject)
    : []) {
    for (const p of Array.isArray(c['ports']) ? (c['ports'] as unknown[]).map(asObject) : [])
      if (p['name'] === target) return Number(p['containerPort']);
  }
  return undefined;
}

function ipOrder(a: Backend, b: Backend): number {
  const na = a.ip.split('.').map(Number);
  const nb = b.ip.split('.').map(Number);
  for (let i = 0; i < 4; i++) if ((na[i] ?? 0) !== (nb[i] ?? 0)) return (na[i] ?? 0) - (nb[i] ?? 0);
  return 0;
}

/**
 * The endpoints and endpointslice controllers in one: for every Service with a selector, the
 * pods it selects that have an IP become addresses (ready) or notReadyAddresses, in an Endpoints
 * object and an EndpointSlice owned by the Service.
 */
export function endpointsController(svc: ResourceService, logger?: Logger): Controller {
  const serviceDef = svc.registry.find('', 'v1', 'services') as ResourceDef;
  const podDef = svc.registry.find('', 'v1', 'pods') as ResourceDef;
  const epDef = svc.registry.find('', 'v1', 'endpoints') as ResourceDef;
  const sliceDef = svc.registry.find('discovery.k8s.io', 'v1', 'endpointslices') as ResourceDef;

  const backends = (service: KubeObject): Backend[] => {
    const selector = asObject(asObject(service.spec)['selector']);
    if (Object.keys(selector).length === 0) return [];
    return svc.store
      .listCurrent(podDef, service.metadata.namespace)
      .map((so) => so.obj)
      .filter((p) => Object.entries(selector).every(([k, v]) => p.metadata.labels?.[k] === v))
      .filter(
        (p) =>
          typeof asObject(p.status)['podIP'] === 'string' &&
          !p.metadata.deletionTimestamp &&
          asObject(p.status)['phase'] !== 'Succeeded' &&
          asObject(p.status)['phase'] !== 'Failed',
      )
      .map((p) => ({ pod: p, ip: String(asObject(p.status)['podIP']), ready: isReady(p) }))
      .sort(ipOrder);
  };

  const address = (b: Backend): Obj => ({
    ip: b.ip,
    nodeName: asObject(b.pod.spec)['nodeName'],
    targetRef: { kind: 'Pod', namespace: b.pod.metadata.namespace, name: b.pod.metadata.name, uid: b.pod.metadata.uid },
  });

  const upsert = (def: ResourceDef, namespace: string | undefined, name: string, body: KubeObject): void => {
    const current = svc.store.get(def, namespace, name);
    if (!current) {
      svc.create(def, namespace, body);
      return;
    }
    const next = {
      ...structuredClone(current.obj),
      ...body,
      metadata: {
        ...current.obj.metadata,
        labels: body.metadata.labels,
        ownerReferences: body.metadata.ownerReferences ?? current.obj.metadata.ownerReferences,
      },
    };
    if (!deepEqual(next, current.obj)) svc.commitUpdate({ def, namespace, name }, current, next, undefined);
  };

  const reconcile = (key: string): void => {
    const { namespace, name } = splitKey(key);
    const service = svc.store.get(serviceDef, namespace, name)?.obj;
    if (!service || Object.keys(asObject(asObject(service.spec)['selector'])).length === 0) return;
    const ports = Array.isArray(asObject(service.spec)['ports'])
      ? (asObject(service.spec)['ports'] as unknown[]).map(asObject)
      : [];
    const found = backends(service);
    const epPorts = (b: Backend | undefined): Obj[] =>
      ports.map((p) => ({
        ...(p['name'] ? { name: p['name'] } : {}),
        port: b ? (targetPort(p, b.pod) ?? 0) : Number(p['targetPort'] ?? p['port']),
        protocol: p['protocol'] ?? 'TCP',
      }));
    const ready = found.filter((b) => b.ready);
    const notReady = found.filter((b) => !b.ready);
    const subset: Obj = {
      ...(ready.length ? { addresses: ready.map(address) } : {}),
      ...(notReady.length ? { notReadyAddresses: notReady.map(address) } : {}),
      ports: epPorts(found[0]),
    };
    upsert(epDef, namespace, name, {
      apiVersion: 'v1',
      kind: 'Endpoints',
      metadata: { name, namespace, labels: service.metadata.labels },
      subsets: found.length > 0 ? [subset] : undefined,
    } as KubeObject);
    const sliceName =
      svc.store
        .listCurrent(sliceDef, namespace)
        .find((so) => so.obj.metadata.labels?.['kubernetes.io/service-name'] === name)?.obj.metadata.name ??
      `${name}-${randomSuffix()}`;
    upsert(sliceDef, namespace, sliceName, {
      apiVersion: 'discovery.k8s.io/v1',
      kind: 'EndpointSlice',
      metadata: {
        name: sliceName,
        namespace,
        labels: {
          ...(service.metadata.labels ?? {}),
          'kubernetes.io/service-name': name,
          'endpointslice.kubernetes.io/managed-by': 'endpointslice-controller.k8s.io',
        },
        ownerReferences: [ownerRef(service)],
      },
      addressType: 'IPv4',
      endpoints: found.map((b) => ({
        addresses: [b.ip],
        conditions: { ready: b.ready, serving: b.ready, terminating: false },
        nodeName: asObject(b.pod.spec)['nodeName'],
        targetRef: {
          kind: 'Pod',
          namespace: b.pod.metadata.namespace,
          name: b.pod.metadata.name,
          uid: b.pod.metadata.uid,
        },
      })),
      ports: epPorts(found[0]),
    } as KubeObject);
  };

  const servicesFor = (pod: KubeObject | undefined): string[] => {
    if (!pod) return [];
    return svc.store
      .listCurrent(serviceDef, pod.metadata.namespace)
      .filter((so) => {
        const sel = asObject(asObject(so.obj.spec)['selector']);
        return Object.keys(sel).length > 0 && Object.entries(sel).every(([k, v]) => pod.metadata.labels?.[k] === v);
      })
      .map((so) => nsKey(so.obj.metadata.namespace, so.obj.metadata.name));
  };

  return new Controller(
    svc,
    {
      name: 'endpoints',
      watches: [
        { def: serviceDef, keys: (e) => [e.key] },
        { def: podDef, keys: (e) => [...new Set([...servicesFor(e.object.obj), ...servicesFor(e.prev?.obj)])] },
      ],
      allKeys: () => svc.store.listCurrent(serviceDef, undefined).map((so) => so.key),
      reconcile,
      resyncMs: 5_000,
    },
    logger,
  );
}
