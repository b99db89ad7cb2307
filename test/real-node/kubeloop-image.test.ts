import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { CoreV1Api, KubeConfig, RbacAuthorizationV1Api, type V1Pod } from '@kubernetes/client-node';
import { importKubeloopImage } from '../support/real-node/images.ts';
import { eventually } from '../support/eventually.ts';

const info = inject('realNode');
const kc = new KubeConfig();
kc.loadFromString(info.kubeconfig);
const core = kc.makeApiClient(CoreV1Api);
const rbac = kc.makeApiClient(RbacAuthorizationV1Api);
const NS = 'kl-image';
let image: string;

beforeAll(async () => {
  image = await importKubeloopImage();
  await core.createNamespace({ body: { metadata: { name: NS } } });
  await eventually(
    'the default ServiceAccount',
    async () =>
      (await core.listNamespacedServiceAccount({ namespace: NS })).items.some(
        (sa) => sa.metadata?.name === 'default' && (sa.secrets?.length ?? 0) > 0,
      )
        ? true
        : undefined,
    30_000,
    250,
  );
}, 600_000);

afterAll(async () => {
  await core.deleteNamespace({ name: NS }).catch(() => undefined);
  await rbac.deleteClusterRoleBinding({ name: 'kl-image-view' }).catch(() => undefined);
});

describe('the Kubeloop image on the real node', () => {
  it('runs `kubeloop up` in the cluster it watches (in-cluster service account) as a non-root pod that turns Ready and serves its UI', async () => {
    // Read access is all the monitor needs: pods (and their logs), events, workloads.
    await rbac.createClusterRoleBinding({
      body: {
        metadata: { name: 'kl-image-view' },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'view' },
        subjects: [{ kind: 'ServiceAccount', name: 'default', namespace: NS }],
      },
    });
    const apiPort = new URL(info.server).port;
    await core.createNamespacedConfigMap({
      namespace: NS,
      body: { metadata: { name: 'kubeloop' }, data: { 'kubeloop.yaml': 'server:\n  host: 0.0.0.0\n  port: 7420\n' } },
    });
    const pod: V1Pod = {
      metadata: { name: 'kubeloop' },
      spec: {
        terminationGracePeriodSeconds: 5,
        securityContext: { runAsNonRoot: true, runAsUser: 65532, runAsGroup: 65532, fsGroup: 65532 },
        containers: [
          {
            name: 'kubeloop',
            image,
            imagePullPolicy: 'Never',
            args: ['up', '--config', '/etc/kubeloop/kubeloop.yaml', '--data', '/data'],
            // No kube-proxy runs on this node, so the kubernetes Service's cluster IP does not route: the
            // in-cluster client is pointed at the API server's address on the node, as a real cluster's
            // kube-proxy would translate it.
            env: [
              { name: 'KUBERNETES_SERVICE_HOST', value: info.nodeIP },
              { name: 'KUBERNETES_SERVICE_PORT', value: apiPort },
            ],
            securityContext: { readOnlyRootFilesystem: true, allowPrivilegeEscalation: false },
            ports: [{ containerPort: 7420, name: 'http' }],
            readinessProbe: { httpGet: { path: '/readyz', port: 'http' }, periodSeconds: 2, failureThreshold: 60 },
            volumeMounts: [
              { name: 'config', mountPath: '/etc/kubeloop' },
              { name: 'data', mountPath: '/data' },
              { name: 'tmp', mountPath: '/tmp' },
            ],
          },
        ],
        volumes: [
          { name: 'config', configMap: { name: 'kubeloop' } },
          { name: 'data', emptyDir: {} },
          { name: 'tmp', emptyDir: {} },
        ],
      },
    };
    await core.createNamespacedPod({ namespace: NS, body: pod });
    const logs = (): Promise<string> =>
      core
        .readNamespacedPodLog({ name: 'kubeloop', namespace: NS, tailLines: 30 })
        .catch((err: unknown) => `(no logs: ${String(err)})`);
    const ready = await eventually(
      'the Kubeloop pod to be Ready',
      async () => {
        const p = await core.readNamespacedPod({ name: 'kubeloop', namespace: NS });
        const terminated =
          p.status?.containerStatuses?.[0]?.lastState?.terminated ??
          p.status?.containerStatuses?.[0]?.state?.terminated;
        if (terminated)
          throw new Error(
            `the Kubeloop container exited: ${terminated.reason ?? ''} ${terminated.exitCode}\n${await core.readNamespacedPodLog({ name: 'kubeloop', namespace: NS, previous: p.status?.containerStatuses?.[0]?.lastState?.terminated !== undefined }).catch(() => '')}`,
          );
        return p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ? p : undefined;
      },
      120_000,
      500,
    ).catch(async (err: unknown) => {
      throw new Error(`${(err as Error).message}; its logs:\n${await logs()}`, { cause: err });
    });
    const ip = ready.status?.podIP ?? '';
    expect(ip).toMatch(/^198\.18\./);
    const ui = await fetch(`http://${ip}:7420/`);
    expect(ui.status).toBe(200);
    expect(await ui.text()).toMatch(/<div id="root">|<html/i);
    const health = await fetch(`http://${ip}:7420/healthz`);
    expect(await health.text()).toBe('ok');
  }, 180_000);
});
