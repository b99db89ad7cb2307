import { AppsV1Api, CoreV1Api, KubeConfig, Watch, type V1Deployment } from '@kubernetes/client-node';
import { mergePatch } from '../sim-cluster/kube.ts';
import type { SimProcess } from '../support/sim-process.ts';
import { sleep, waitFor } from '../support/wait.ts';

export const NS = 'bench-heal';

/** A kubeconfig text for the sim (admin token, its CA), for the bench and its children. */
export function kubeconfigFor(sim: SimProcess): string {
  const ca = Buffer.from(sim.ca).toString('base64');
  return `apiVersion: v1
kind: Config
clusters: [{ name: sim, cluster: { server: "${sim.url}", certificate-authority-data: ${ca} } }]
users: [{ name: admin, user: { token: "${sim.token}" } }]
contexts: [{ name: sim, context: { cluster: sim, user: admin } }]
current-context: sim
`;
}

/**
 * The bench's workloads on the sim: `count` Deployments w-0..w-(n-1) in one namespace, and a watch
 * that notes when each Deployment's spec.replicas first reaches each value (the moment the API
 * server accepted the Scale PUT, as a watching client sees it: both sides pay this same delay).
 */
export class Workloads {
  readonly names: string[];
  private readonly apps: AppsV1Api;
  private readonly core: CoreV1Api;
  /** deployment -> replicas -> first time seen (epoch ms, performance.timeOrigin + now). */
  private seen = new Map<string, Map<number, number>>();
  private readonly current = new Map<string, number>();
  private abort: AbortController | undefined;
  /** When the watch last saw any Deployment's spec.replicas change (epoch ms). */
  private lastChange = 0;
  private watchError: Error | undefined;

  constructor(
    private readonly kc: KubeConfig,
    count: number,
  ) {
    this.names = Array.from({ length: count }, (_, i) => `w-${i}`);
    this.apps = kc.makeApiClient(AppsV1Api);
    this.core = kc.makeApiClient(CoreV1Api);
  }

  async create(): Promise<void> {
    await this.core.createNamespace({ body: { metadata: { name: NS } } });
    for (const name of this.names) {
      const body: V1Deployment = {
        metadata: { name },
        spec: {
          replicas: 1,
          selector: { matchLabels: { app: name } },
          template: {
            metadata: { labels: { app: name } },
            spec: {
              containers: [
                { name: 'app', image: `${name}:v1`, resources: { requests: { cpu: '10m', memory: '16Mi' } } },
              ],
            },
          },
        },
      };
      await this.apps.createNamespacedDeployment({ namespace: NS, body });
    }
    this.abort = await new Watch(this.kc).watch(
      `/apis/apps/v1/namespaces/${NS}/deployments`,
      {},
      (type: string, d: V1Deployment) => {
        if (type === 'DELETED') return;
        const name = d.metadata?.name ?? '';
        const replicas = d.spec?.replicas ?? 0;
        const byName = this.seen.get(name) ?? new Map<number, number>();
        this.seen.set(name, byName);
        if (!byName.has(replicas)) byName.set(replicas, performance.timeOrigin + performance.now());
        if (this.current.get(name) !== replicas) this.lastChange = Date.now();
        this.current.set(name, replicas);
      },
      (err: unknown) => {
        if (this.abort) this.watchError = err instanceof Error ? err : new Error('the deployments watch ended');
      },
    );
  }

  /** When `name` was first seen at `replicas` since the last reset. */
  seenAt(name: string, replicas: number): number | undefined {
    if (this.watchError) throw new Error(`the deployments watch failed: ${this.watchError.message}`);
    return this.seen.get(name)?.get(replicas);
  }

  /**
   * Every Deployment back to 1 replica with exactly one pod, and the name of that pod for each (the
   * pod the run's alerts name, as Guance names the pod under pressure).
   */
  async reset(): Promise<Map<string, string>> {
    // Quiet first: a side still working off the last run's alerts would scale during the next run
    // (and take CPU from the other side); so back to 1 until no change has been seen for 2 s.
    await waitFor(
      'no scaling for 2 s',
      300_000,
      async () => {
        for (const name of this.names) {
          if (this.current.get(name) !== 1)
            await this.apps.patchNamespacedDeploymentScale(
              { name, namespace: NS, body: { spec: { replicas: 1 } } },
              mergePatch,
            );
        }
        return Date.now() - this.lastChange > 2000 && this.names.every((n) => this.current.get(n) === 1)
          ? true
          : undefined;
      },
      () => 'a side is still scaling',
      500,
    );
    const pods = await waitFor(
      'one pod per workload',
      120_000,
      async () => {
        const list = await this.core.listNamespacedPod({ namespace: NS });
        const live = list.items.filter((p) => !p.metadata?.deletionTimestamp);
        if (live.length !== this.names.length) return undefined;
        const byApp = new Map(live.map((p) => [p.metadata?.labels?.app ?? '', p.metadata?.name ?? '']));
        return this.names.every((n) => byApp.has(n)) ? byApp : undefined;
      },
      () => 'pods still scaling down',
      250,
    );
    // Replica counts seen from now on belong to the next run.
    await sleep(200);
    this.seen = new Map(this.names.map((n) => [n, new Map([[1, 0]])]));
    return pods;
  }

  stop(): void {
    const a = this.abort;
    this.abort = undefined;
    a?.abort();
  }
}
