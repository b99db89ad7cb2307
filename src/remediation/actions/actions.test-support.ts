import { KubeConfig } from '@kubernetes/client-node';
import { kubeJson } from '../../kube/http.ts';
import { startSimCluster, type SimCluster } from '../../sim/cluster.ts';
import { actionSchema, type ActionSpecOf, type ActionType } from './schemas.ts';
import type { ActionEnv, ActionNotice } from './types.ts';

/** Shared by the action tests: a sim with a Ready node and a fast kubelet, and an ActionEnv to run handlers in. */
export interface ActionSim {
  sim: SimCluster;
  kc: KubeConfig;
  notices: ActionNotice[];
  env(over?: Partial<ActionEnv>): ActionEnv;
  get<T>(path: string): Promise<T>;
  create(path: string, body: Record<string, unknown>): Promise<void>;
}

export const NS = 'actions';

/** A spec as a playbook would give it: through the schema, so defaults are the ones users get. */
export function spec<T extends ActionType>(action: T, rest: Record<string, unknown> = {}): ActionSpecOf<T> {
  return actionSchema.parse({ action, ...rest }) as ActionSpecOf<T>;
}

export async function startActionSim(): Promise<ActionSim> {
  const sim = await startSimCluster({
    port: 0,
    scenario: 'empty',
    kubelet: { startDelayMs: 20, stopDelayMs: 20, backoffBaseMs: 100, backoffMaxMs: 200 },
    // The HPA controller syncs a new HPA at once and then only hourly: it must not move replicas under a test.
    hpa: { syncPeriodMs: 3_600_000 },
  });
  const kc = new KubeConfig();
  kc.loadFromString(sim.kubeconfig());
  const notices: ActionNotice[] = [];
  const get = <T>(path: string): Promise<T> => kubeJson<T>(kc, { method: 'GET', path });
  const create = async (path: string, body: Record<string, unknown>): Promise<void> =>
    void (await kubeJson(kc, { method: 'POST', path, body }));
  await create('/api/v1/namespaces', { metadata: { name: NS } });
  await create('/api/v1/nodes', {
    metadata: { name: 'node-1', labels: { 'kubernetes.io/hostname': 'node-1', 'kubernetes.io/os': 'linux' } },
    status: {
      capacity: { cpu: '8', memory: '32Gi', pods: '110' },
      allocatable: { cpu: '8', memory: '32Gi', pods: '110' },
      conditions: [
        { type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status' },
      ],
    },
  });
  return {
    sim,
    kc,
    notices,
    get,
    create,
    env: (over = {}) => ({
      kc,
      dryRun: false,
      signal: new AbortController().signal,
      trigger: { kind: 'schedule', scheduledAt: 0 },
      notify: async (n) => void notices.push(n),
      // The real renderer is the engine's; here "{{alert.id}}" is enough to see that values are rendered.
      render: (t) => t.replaceAll('{{alert.id}}', 'alert-1'),
      ...over,
    }),
  };
}

/** A pod template (or bare pod spec) with sim model annotations. */
export function podTemplate(
  app: string,
  annotations: Record<string, string> = {},
  containers = ['app'],
): Record<string, unknown> {
  return {
    metadata: { labels: { app }, annotations },
    spec: { containers: containers.map((name) => ({ name, image: `registry.example/${app}:1` })) },
  };
}

export function workload(
  kind: 'Deployment' | 'StatefulSet' | 'DaemonSet',
  name: string,
  replicas?: number,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    apiVersion: 'apps/v1',
    kind,
    metadata: { name, namespace: NS },
    spec: {
      ...(replicas !== undefined ? { replicas } : {}),
      ...(kind === 'StatefulSet' ? { serviceName: name } : {}),
      selector: { matchLabels: { app: name } },
      template: podTemplate(name),
      ...extra,
    },
  };
}

/** A pod with no controller, its containers modelled by sim annotations. */
export function barePod(
  name: string,
  annotations: Record<string, string> = {},
  containers = ['app'],
): Record<string, unknown> {
  const t = podTemplate(name, annotations, containers) as { metadata: Record<string, unknown>; spec: unknown };
  return { apiVersion: 'v1', kind: 'Pod', metadata: { ...t.metadata, name, namespace: NS }, spec: t.spec };
}

export const deploymentPath = (name: string): string => `/apis/apps/v1/namespaces/${NS}/deployments/${name}`;
