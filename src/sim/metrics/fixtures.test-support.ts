import type { KubeObject } from '../api/registry.ts';
import type { ContainerUsage } from '../workloads/usage.ts';

/** Objects shared by the renderer tests: one Burstable pod with a running and a crash-looping container. */
export const NOW = new Date('2024-05-01T10:15:00Z');
export const UID = '1b4e28ba-2fa1-11d2-883f-0016d3cca427';

export function fixturePod(): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: 'web-7d9f8-abcde',
      namespace: 'shop',
      uid: UID,
      creationTimestamp: '2024-05-01T10:00:00Z',
      labels: { app: 'web', 'app.kubernetes.io/name': 'web' },
      annotations: { 'sim.kubeloop.dev/rps': '12.5' },
      ownerReferences: [
        { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-7d9f8', uid: 'rs-uid', controller: true },
      ],
    },
    spec: {
      nodeName: 'node-1',
      containers: [
        {
          name: 'app',
          image: 'shop/web:1.2',
          resources: { requests: { cpu: '250m', memory: '128Mi' }, limits: { cpu: '500m', memory: '256Mi' } },
        },
        { name: 'sidecar', image: 'envoy:1.30', resources: { requests: { cpu: '100m', memory: '64Mi' } } },
      ],
    },
    status: {
      phase: 'Running',
      qosClass: 'Burstable',
      // Made-up addresses of a sim fixture: only ever rendered into text, never contacted.
      hostIP: '10.0.0.10',
      podIP: '10.244.0.7',
      startTime: '2024-05-01T10:00:00Z',
      conditions: [
        { type: 'Initialized', status: 'True' },
        { type: 'Ready', status: 'False' },
      ],
      containerStatuses: [
        {
          name: 'app',
          ready: true,
          restartCount: 2,
          image: 'shop/web:1.2',
          containerID: 'containerd://0a1b2c3d',
          state: { running: { startedAt: '2024-05-01T10:05:00Z' } },
          lastState: { terminated: { exitCode: 137, reason: 'OOMKilled' } },
        },
        {
          name: 'sidecar',
          ready: false,
          restartCount: 0,
          image: 'envoy:1.30',
          state: { waiting: { reason: 'CrashLoopBackOff' } },
          lastState: {},
        },
      ],
    },
  };
}

/** A fixed usage: the running app container uses 200m CPU and 100 MiB. */
export function fixtureUsage(pod: KubeObject): ContainerUsage[] {
  return pod.metadata.uid === UID ? [{ name: 'app', cpuMillis: 200, memoryBytes: 100 * 1024 * 1024 }] : [];
}
