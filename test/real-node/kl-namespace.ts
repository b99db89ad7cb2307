import { randomBytes } from 'node:crypto';
import { inject } from 'vitest';
import { AppsV1Api, CoreV1Api, KubeConfig, type V1Pod } from '@kubernetes/client-node';
import { eventually } from '../support/eventually.ts';

/**
 * What Kubeloop's real-node suites share: API clients for the node's cluster, and a namespace of
 * their own (`kl-<base>-<run>`: the node is shared with another developer's suites, and a namespace
 * of an earlier run may still be terminating).
 */
export interface NodeClients {
  kc: KubeConfig;
  core: CoreV1Api;
  apps: AppsV1Api;
}

export function nodeClients(): NodeClients {
  const kc = new KubeConfig();
  kc.loadFromString(inject('realNode').kubeconfig);
  return { kc, core: kc.makeApiClient(CoreV1Api), apps: kc.makeApiClient(AppsV1Api) };
}

/**
 * Creates the namespace and waits for its default ServiceAccount's token secret: until the token
 * controller made it, 1.20's ServiceAccount admission refuses pods (and a Deployment's ReplicaSet
 * would retry them only after its own back-off).
 */
export async function createKlNamespace(core: CoreV1Api, base: string): Promise<string> {
  const ns = `kl-${base}-${randomBytes(2).toString('hex')}`;
  await core.createNamespace({ body: { metadata: { name: ns, labels: { 'kubeloop.dev/test': 'real-node' } } } });
  await eventually(
    `the default ServiceAccount token in ${ns}`,
    async () =>
      (await core.listNamespacedServiceAccount({ namespace: ns })).items.some(
        (sa) => sa.metadata?.name === 'default' && (sa.secrets?.length ?? 0) > 0,
      )
        ? true
        : undefined,
    30_000,
    250,
  );
  return ns;
}

/** Deletes the namespace without waiting for it to terminate (its pods go with it). */
export async function deleteKlNamespace(core: CoreV1Api, ns: string | undefined): Promise<void> {
  if (ns) await core.deleteNamespace({ name: ns, gracePeriodSeconds: 0 }).catch(() => undefined);
}

/** The pods of a namespace with a label selector, oldest first. */
export async function podsOf(core: CoreV1Api, namespace: string, labelSelector: string): Promise<V1Pod[]> {
  const items = (await core.listNamespacedPod({ namespace, labelSelector })).items;
  const created = (p: V1Pod): number => new Date(p.metadata?.creationTimestamp ?? 0).getTime();
  return items.sort((a, b) => created(a) - created(b));
}

export function isReady(p: V1Pod): boolean {
  return p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
}
