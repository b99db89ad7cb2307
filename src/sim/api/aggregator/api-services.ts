import type { KubeObject, ResourceDef } from '../registry.ts';
import type { ObjectStore } from '../store/object-store.ts';
import { asObject } from '../../../util/deep-equal.ts';

/**
 * The APIService objects that point at a Service (kube-aggregator's remote group/versions), and how
 * a Service reference resolves to a backend address: its Endpoints, as the aggregator does with
 * --enable-aggregator-routing (the sim has no service network to route a ClusterIP).
 */
export interface RemoteVersion {
  name: string;
  group: string;
  version: string;
  groupPriorityMinimum: number;
  versionPriority: number;
  service: { namespace: string; name: string; port: number };
  caBundle?: Buffer;
  insecureSkipTLSVerify: boolean;
  available: boolean;
}

export interface Backend {
  url: URL;
  /** The name the serving certificate must carry: <service>.<namespace>.svc. */
  serverName: string;
}

export class BackendError extends Error {
  constructor(
    readonly reason: 'ServiceNotFound' | 'MissingEndpoints' | 'ServiceAccessError',
    message: string,
  ) {
    super(message);
  }
}

export interface StoreDefs {
  apiServices: ResourceDef;
  services: ResourceDef;
  endpoints: ResourceDef;
}

export function remoteVersionOf(obj: KubeObject): RemoteVersion | undefined {
  const spec = asObject(obj.spec);
  const svc = asObject(spec['service']);
  if (typeof svc['name'] !== 'string' || typeof svc['namespace'] !== 'string') return undefined;
  if (typeof spec['group'] !== 'string' || typeof spec['version'] !== 'string') return undefined;
  const conditions = asObject(obj.status)['conditions'];
  const available =
    Array.isArray(conditions) &&
    conditions.map(asObject).some((c) => c['type'] === 'Available' && c['status'] === 'True');
  return {
    name: obj.metadata.name ?? '',
    group: spec['group'],
    version: spec['version'],
    groupPriorityMinimum: typeof spec['groupPriorityMinimum'] === 'number' ? spec['groupPriorityMinimum'] : 0,
    versionPriority: typeof spec['versionPriority'] === 'number' ? spec['versionPriority'] : 0,
    service: {
      namespace: svc['namespace'],
      name: svc['name'],
      port: typeof svc['port'] === 'number' ? svc['port'] : 443,
    },
    caBundle:
      typeof spec['caBundle'] === 'string' && spec['caBundle'] !== ''
        ? Buffer.from(spec['caBundle'], 'base64')
        : undefined,
    insecureSkipTLSVerify: spec['insecureSkipTLSVerify'] === true,
    available,
  };
}

export class ApiServices {
  constructor(
    private readonly store: ObjectStore,
    private readonly defs: StoreDefs,
  ) {}

  remote(): RemoteVersion[] {
    const out: RemoteVersion[] = [];
    for (const so of this.store.values(this.defs.apiServices)) {
      const rv = remoteVersionOf(so.obj);
      if (rv) out.push(rv);
    }
    return out;
  }

  find(group: string, version: string): RemoteVersion | undefined {
    return this.remote().find((r) => r.group === group && r.version === version);
  }

  /** Versions of a remote group, highest versionPriority first (the preferred version leads). */
  versionsOf(group: string): RemoteVersion[] {
    return this.remote()
      .filter((r) => r.group === group)
      .sort((a, b) => b.versionPriority - a.versionPriority || (a.version < b.version ? 1 : -1));
  }

  /** Groups served remotely, as discovery lists them. */
  groups(): Map<string, RemoteVersion[]> {
    const out = new Map<string, RemoteVersion[]>();
    for (const r of this.remote()) out.set(r.group, this.versionsOf(r.group));
    return out;
  }

  resolve(rv: RemoteVersion): Backend {
    const { namespace, name, port } = rv.service;
    const service = this.store.get(this.defs.services, namespace, name)?.obj;
    if (!service) throw new BackendError('ServiceNotFound', `service/${name} in "${namespace}" is not present`);
    const spec = asObject(service.spec);
    const serverName = `${name}.${namespace}.svc`;
    if (spec['type'] === 'ExternalName' && typeof spec['externalName'] === 'string') {
      return { url: new URL(`https://${spec['externalName']}:${port}`), serverName };
    }
    const ports = Array.isArray(spec['ports']) ? spec['ports'].map(asObject) : [];
    const svcPort = ports.find((p) => p['port'] === port);
    if (!svcPort)
      throw new BackendError(
        'ServiceAccessError',
        `service/${name} in "${namespace}" is not listening on port ${port}`,
      );
    const portName = typeof svcPort['name'] === 'string' ? svcPort['name'] : '';
    const endpoints = this.store.get(this.defs.endpoints, namespace, name)?.obj;
    const subsets = Array.isArray(endpoints?.['subsets']) ? (endpoints['subsets'] as unknown[]).map(asObject) : [];
    for (const subset of subsets) {
      const addresses = Array.isArray(subset['addresses']) ? subset['addresses'].map(asObject) : [];
      const epPorts = Array.isArray(subset['ports']) ? subset['ports'].map(asObject) : [];
      const epPort = epPorts.find((p) => (p['name'] ?? '') === portName);
      const ip = addresses[0]?.['ip'];
      if (typeof ip === 'string' && typeof epPort?.['port'] === 'number') {
        const host = ip.includes(':') ? `[${ip}]` : ip;
        return { url: new URL(`https://${host}:${epPort['port']}`), serverName };
      }
    }
    throw new BackendError(
      'MissingEndpoints',
      `endpoints for service/${name} in "${namespace}" have no addresses with port name "${portName}"`,
    );
  }
}
