import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../api/registry.ts';
import { NodeInfoCache } from './node-info.ts';

function node(name: string, extra: { unschedulable?: boolean; ready?: boolean; cpu?: string } = {}): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name, labels: { zone: 'a' } },
    spec: extra.unschedulable ? { unschedulable: true } : {},
    status: {
      allocatable: { cpu: extra.cpu ?? '4', memory: '8Gi', pods: '110' },
      conditions: [
        {
          type: 'Ready',
          status: extra.ready === false ? 'False' : 'True',
          lastHeartbeatTime: new Date().toISOString(),
        },
      ],
    },
  };
}

function pod(name: string, nodeName: string | undefined, phase = 'Running'): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'ns' },
    spec: {
      ...(nodeName ? { nodeName } : {}),
      containers: [
        { name: 'c', resources: { requests: { cpu: '250m', memory: '1Gi' } } },
        { name: 'd', resources: { requests: { cpu: '250m' } } },
      ],
    },
    status: { phase },
  };
}

describe('NodeInfoCache', () => {
  it('sums the requests of active pods bound to each node, incrementally', () => {
    const c = new NodeInfoCache();
    c.upsertNode(node('n1'));
    c.updatePod('ns/a', pod('a', 'n1'));
    c.updatePod('ns/b', pod('b', 'n1'));
    c.updatePod('ns/p', pod('p', undefined));
    expect(c.get('n1')?.requested).toEqual({ cpu: 1000, memory: 2 * 1024 ** 3, pods: 2 });
    expect(c.updatePod('ns/a', pod('a', 'n1', 'Succeeded'))).toBe(true);
    expect(c.updatePod('ns/b', pod('b', 'n1'), true)).toBe(true);
    expect(c.get('n1')?.requested).toEqual({ cpu: 0, memory: 0, pods: 0 });
  });

  it('reports only changes the filters read (not heartbeats)', () => {
    const c = new NodeInfoCache();
    expect(c.upsertNode(node('n1'))).toBe(true);
    expect(c.upsertNode(node('n1'))).toBe(false);
    expect(c.upsertNode(node('n1', { unschedulable: true }))).toBe(true);
    expect(c.upsertNode(node('n1', { unschedulable: true, ready: false }))).toBe(true);
    expect(c.upsertNode(node('n1', { unschedulable: true, ready: false, cpu: '8' }))).toBe(true);
  });

  it('keeps requests of pods bound to a node it has not seen yet', () => {
    const c = new NodeInfoCache();
    c.updatePod('ns/a', pod('a', 'late'));
    c.upsertNode(node('late'));
    expect(c.get('late')?.requested.pods).toBe(1);
    c.removeNode('late');
    c.upsertNode(node('late'));
    expect(c.get('late')?.requested.pods).toBe(1);
  });
});
