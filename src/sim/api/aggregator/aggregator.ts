import type { Logger } from 'pino';
import type { KubeObject, ResourceDef } from '../registry.ts';
import type { ResourceService } from '../service/resource-service.ts';
import type { UserInfo } from '../service/types.ts';
import { serviceUnavailable } from '../../../kube/apimachinery/errors.ts';
import { asObject, deepEqual } from '../../../util/deep-equal.ts';
import { ApiServices, BackendError, remoteVersionOf, type RemoteVersion } from './api-services.ts';
import { proxyTo, type FrontProxyIdentity, type ProxyRequest, type ProxyResponse } from './proxy.ts';

export interface AggregatorOptions {
  identity: FrontProxyIdentity;
  /** How often every remote APIService is probed (kube-aggregator: 30 s). */
  probeIntervalMs?: number;
  logger?: Logger;
}

/** The identity the sim's own controllers (the HPA) use through the aggregator. */
export const HPA_CONTROLLER_USER: UserInfo = {
  name: 'system:serviceaccount:kube-system:horizontal-pod-autoscaler',
  groups: ['system:serviceaccounts', 'system:serviceaccounts:kube-system', 'system:authenticated'],
  readOnly: true,
};

function def(svc: ResourceService, group: string, version: string, resource: string): ResourceDef {
  const d = svc.registry.find(group, version, resource);
  if (!d) throw new Error(`aggregator: ${resource} missing from the registry`);
  return d;
}

/**
 * kube-aggregator inside the sim: group/versions registered by an APIService with a Service are
 * proxied to that Service's endpoints, and an availability controller probes each one and writes
 * the Available condition, which gates the proxy like the real aggregator's.
 */
export class Aggregator {
  readonly services: ApiServices;
  private readonly apiServiceDef: ResourceDef;
  private readonly watched: ResourceDef[];
  private offs: (() => void)[] = [];
  private timer: NodeJS.Timeout | undefined;
  private probing = false;
  private probeAgain = false;

  constructor(
    private readonly svc: ResourceService,
    private readonly opts: AggregatorOptions,
  ) {
    this.apiServiceDef = def(svc, 'apiregistration.k8s.io', 'v1', 'apiservices');
    const services = def(svc, '', 'v1', 'services');
    const endpoints = def(svc, '', 'v1', 'endpoints');
    this.services = new ApiServices(svc.store, { apiServices: this.apiServiceDef, services, endpoints });
    this.watched = [this.apiServiceDef, services, endpoints];
  }

  start(): void {
    // Spec changes of APIServices, and Services/Endpoints they may point at, re-run the probes.
    this.offs = this.watched.map((d) =>
      this.svc.store.subscribe(d, {
        deliver: (e) => {
          if (
            d === this.apiServiceDef &&
            e.type === 'MODIFIED' &&
            deepEqual(asObject(e.object.obj.spec), asObject(e.prev?.obj.spec))
          )
            return;
          this.schedule();
        },
      }),
    );
    this.timer = setInterval(() => this.schedule(), this.opts.probeIntervalMs ?? 30_000);
    this.timer.unref();
    this.schedule();
  }

  stop(): void {
    for (const off of this.offs) off();
    if (this.timer) clearInterval(this.timer);
  }

  /** The remote version serving group/version, if any (local groups return undefined). */
  remote(group: string, version: string): RemoteVersion | undefined {
    return this.services.find(group, version);
  }

  async forward(rv: RemoteVersion, req: ProxyRequest): Promise<ProxyResponse> {
    if (!rv.available) throw serviceUnavailable();
    let backend;
    try {
      backend = this.services.resolve(rv);
    } catch (err) {
      if (err instanceof BackendError) throw serviceUnavailable(err.message);
      throw err;
    }
    try {
      return await proxyTo(backend, rv, this.opts.identity, req);
    } catch (err) {
      throw serviceUnavailable(`error trying to reach service: ${(err as Error).message}`);
    }
  }

  /** A GET from an in-process client (the HPA controller): JSON body or a thrown Status error. */
  async getJson(
    group: string,
    version: string,
    pathAndQuery: string,
    user: UserInfo = HPA_CONTROLLER_USER,
  ): Promise<{ status: number; body: unknown }> {
    const rv = this.remote(group, version);
    if (!rv) throw serviceUnavailable(`no APIService registered for ${group}/${version}`);
    const res = await this.forward(rv, {
      method: 'GET',
      path: `/apis/${group}/${version}${pathAndQuery}`,
      headers: { accept: 'application/json' },
      user,
      timeoutMs: 10_000,
    });
    let body: unknown;
    try {
      body = JSON.parse(res.body.toString('utf8'));
    } catch {
      body = res.body.toString('utf8');
    }
    return { status: res.status, body };
  }

  private schedule(): void {
    if (this.probing) {
      this.probeAgain = true;
      return;
    }
    this.probing = true;
    void this.probeAll()
      .catch((err: unknown) => this.opts.logger?.warn({ err }, 'aggregator: availability probe failed'))
      .finally(() => {
        this.probing = false;
        if (this.probeAgain) {
          this.probeAgain = false;
          this.schedule();
        }
      });
  }

  private async probeAll(): Promise<void> {
    for (const so of [...this.svc.store.values(this.apiServiceDef)]) {
      const rv = remoteVersionOf(so.obj);
      const condition = rv
        ? await this.probe(rv)
        : { status: 'True', reason: 'Local', message: 'Local APIServices are always available' };
      this.writeAvailable(so.obj, condition);
    }
  }

  private async probe(rv: RemoteVersion): Promise<{ status: string; reason: string; message: string }> {
    let backend;
    try {
      backend = this.services.resolve(rv);
    } catch (err) {
      if (err instanceof BackendError) return { status: 'False', reason: err.reason, message: err.message };
      throw err;
    }
    const url = `${backend.url.origin}/apis/${rv.group}/${rv.version}`;
    try {
      const res = await proxyTo(backend, rv, this.opts.identity, {
        method: 'GET',
        path: `/apis/${rv.group}/${rv.version}`,
        headers: { accept: 'application/json' },
        user: { name: 'system:kube-aggregator', groups: ['system:masters'], readOnly: true },
        timeoutMs: 5_000,
      });
      if (res.status >= 200 && res.status < 300)
        return { status: 'True', reason: 'Passed', message: 'all checks passed' };
      return {
        status: 'False',
        reason: 'FailedDiscoveryCheck',
        message: `failing or missing response from ${url}: bad status from ${url}: ${res.status}`,
      };
    } catch (err) {
      return {
        status: 'False',
        reason: 'FailedDiscoveryCheck',
        message: `failing or missing response from ${url}: ${(err as Error).message}`,
      };
    }
  }

  private writeAvailable(obj: KubeObject, c: { status: string; reason: string; message: string }): void {
    const current = this.svc.store.get(this.apiServiceDef, undefined, obj.metadata.name ?? '');
    if (!current) return;
    const status = asObject(current.obj.status);
    const conditions = Array.isArray(status['conditions']) ? status['conditions'].map(asObject) : [];
    const old = conditions.find((x) => x['type'] === 'Available');
    if (old && old['status'] === c.status && old['reason'] === c.reason && old['message'] === c.message) return;
    const lastTransitionTime =
      old && old['status'] === c.status
        ? old['lastTransitionTime']
        : this.svc
            .now()
            .toISOString()
            .replace(/\.\d{3}Z$/, 'Z');
    const next = { type: 'Available', status: c.status, lastTransitionTime, reason: c.reason, message: c.message };
    const updated = {
      ...structuredClone(current.obj),
      status: { ...status, conditions: [...conditions.filter((x) => x['type'] !== 'Available'), next] },
    };
    this.svc.commitUpdate(
      { def: this.apiServiceDef, namespace: undefined, name: obj.metadata.name ?? '' },
      current,
      updated,
      'status',
    );
  }
}
