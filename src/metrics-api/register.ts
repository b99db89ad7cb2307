import type { KubeConfig } from '@kubernetes/client-node';
import { kubeJson, KubeApiError } from '../kube/http.ts';
import { METRICS_API_VERSIONS } from './manifests.ts';

/**
 * Registers a metrics API server that runs outside the cluster's pods (the embedded sim, a
 * developer's machine): a selector-less Service with Endpoints at the server's address, and the
 * three APIServices with the serving CA as caBundle. In a real cluster deploy/metrics-api does
 * this with a Deployment's Service instead. Idempotent: existing objects are replaced.
 */

export interface Registration {
  namespace: string;
  service: string;
  /** An address the aggregator can reach (an IP: Endpoints take no host names). */
  ip: string;
  port: number;
  caCert: string;
}

/** Create, or replace with the resourceVersion read; a 409 (the aggregator updating status meanwhile) re-reads and retries. */
async function apply(kc: KubeConfig, collection: string, name: string, body: Record<string, unknown>): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await applyOnce(kc, collection, name, body);
      return;
    } catch (err) {
      if (!(err instanceof KubeApiError) || err.code !== 409 || attempt >= 5) throw err;
    }
  }
}

async function applyOnce(
  kc: KubeConfig,
  collection: string,
  name: string,
  body: Record<string, unknown>,
): Promise<void> {
  try {
    const existing = await kubeJson<{ metadata: { resourceVersion?: string } }>(kc, {
      method: 'GET',
      path: `${collection}/${name}`,
    });
    const metadata = {
      ...(body['metadata'] as Record<string, unknown>),
      resourceVersion: existing.metadata.resourceVersion,
    };
    await kubeJson(kc, { method: 'PUT', path: `${collection}/${name}`, body: { ...body, metadata } });
  } catch (err) {
    if (!(err instanceof KubeApiError) || err.code !== 404) throw err;
    await kubeJson(kc, { method: 'POST', path: collection, body });
  }
}

export async function registerMetricsApi(kc: KubeConfig, r: Registration): Promise<void> {
  const ns = encodeURIComponent(r.namespace);
  const labels = { 'app.kubernetes.io/name': r.service, 'app.kubernetes.io/managed-by': 'kubeloop' };
  await apply(kc, `/api/v1/namespaces/${ns}/services`, r.service, {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: r.service, namespace: r.namespace, labels },
    spec: { ports: [{ name: 'https', port: 443, targetPort: r.port }] },
  });
  await apply(kc, `/api/v1/namespaces/${ns}/endpoints`, r.service, {
    apiVersion: 'v1',
    kind: 'Endpoints',
    metadata: { name: r.service, namespace: r.namespace, labels },
    subsets: [{ addresses: [{ ip: r.ip }], ports: [{ name: 'https', port: r.port }] }],
  });
  const caBundle = Buffer.from(r.caCert).toString('base64');
  for (const v of METRICS_API_VERSIONS) {
    const name = `${v.version}.${v.group}`;
    await apply(kc, '/apis/apiregistration.k8s.io/v1/apiservices', name, {
      apiVersion: 'apiregistration.k8s.io/v1',
      kind: 'APIService',
      metadata: { name, labels },
      spec: {
        group: v.group,
        version: v.version,
        groupPriorityMinimum: 100,
        versionPriority: v.versionPriority,
        service: { namespace: r.namespace, name: r.service, port: 443 },
        caBundle,
      },
    });
  }
}
