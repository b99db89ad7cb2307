import { describe, expect, it } from 'vitest';
import {
  conditionsUnknown,
  noExecuteTaintKey,
  noScheduleTaintKeys,
  podStatusNotReady,
  reconcileTaints,
  type NodeCondition,
} from './node-lifecycle.ts';
import {
  evictionDecision,
  toleratesAll,
  toleratesTaint,
  withDaemonTolerations,
  type Taint,
  type Toleration,
} from './taints.ts';

const T0 = '2024-01-01T00:00:00Z';
const NOW = '2024-01-01T00:01:00Z';
const healthy: NodeCondition[] = [
  {
    type: 'MemoryPressure',
    status: 'False',
    reason: 'KubeletHasSufficientMemory',
    message: 'kubelet has sufficient memory available',
    lastHeartbeatTime: T0,
    lastTransitionTime: T0,
  },
  {
    type: 'Ready',
    status: 'True',
    reason: 'KubeletReady',
    message: 'kubelet is posting ready status',
    lastHeartbeatTime: T0,
    lastTransitionTime: T0,
  },
];
const defaultTolerations: Toleration[] = [
  { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
  { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
];
const unreachable: Taint[] = [
  { key: 'node.kubernetes.io/unreachable', effect: 'NoSchedule', timeAdded: T0 },
  { key: 'node.kubernetes.io/unreachable', effect: 'NoExecute', timeAdded: T0 },
];

describe('node health', () => {
  it('turns every kubelet condition Unknown, keeping the last heartbeat, and adds the ones never posted', () => {
    const out = conditionsUnknown(healthy, NOW, T0);
    expect(out.find((c) => c.type === 'Ready')).toEqual({
      type: 'Ready',
      status: 'Unknown',
      reason: 'NodeStatusUnknown',
      message: 'Kubelet stopped posting node status.',
      lastHeartbeatTime: T0,
      lastTransitionTime: NOW,
    });
    expect(out.find((c) => c.type === 'MemoryPressure')?.status).toBe('Unknown');
    expect(out.find((c) => c.type === 'PIDPressure')).toMatchObject({
      status: 'Unknown',
      reason: 'NodeStatusNeverUpdated',
      message: 'Kubelet never posted node status.',
      lastHeartbeatTime: T0,
    });
    // Already Unknown: nothing moves, so the controller writes nothing on the next pass.
    expect(conditionsUnknown(out, '2024-01-01T00:02:00Z', T0)).toEqual(out);
  });

  it('maps conditions to NoSchedule taints and readiness to the NoExecute taint', () => {
    expect(noScheduleTaintKeys(healthy)).toEqual([]);
    expect(noScheduleTaintKeys(conditionsUnknown(healthy, NOW, T0))).toEqual(['node.kubernetes.io/unreachable']);
    expect(
      noScheduleTaintKeys([
        { type: 'Ready', status: 'False' },
        { type: 'DiskPressure', status: 'True' },
      ]),
    ).toEqual(['node.kubernetes.io/not-ready', 'node.kubernetes.io/disk-pressure']);
    expect(noExecuteTaintKey('Unknown', false)).toBe('node.kubernetes.io/unreachable');
    expect(noExecuteTaintKey('False', false)).toBe('node.kubernetes.io/not-ready');
    expect(noExecuteTaintKey('True', false)).toBeUndefined();
    // Every node down: the controller blames itself and evicts nothing.
    expect(noExecuteTaintKey('Unknown', true)).toBeUndefined();
  });

  it('adds taints with timeAdded, keeps existing ones and foreign taints, removes its own that no longer apply', () => {
    const foreign: Taint = { key: 'dedicated', value: 'gpu', effect: 'NoSchedule' };
    const added = reconcileTaints([foreign], ['node.kubernetes.io/unreachable'], 'node.kubernetes.io/unreachable', NOW);
    expect(added).toEqual([
      foreign,
      { key: 'node.kubernetes.io/unreachable', effect: 'NoSchedule', timeAdded: NOW },
      { key: 'node.kubernetes.io/unreachable', effect: 'NoExecute', timeAdded: NOW },
    ]);
    expect(
      reconcileTaints(
        added,
        ['node.kubernetes.io/unreachable'],
        'node.kubernetes.io/unreachable',
        '2024-01-01T00:05:00Z',
      ),
    ).toEqual(added);
    const swapped = reconcileTaints(
      added,
      ['node.kubernetes.io/not-ready'],
      'node.kubernetes.io/not-ready',
      '2024-01-01T00:05:00Z',
    );
    expect(swapped.map((t) => `${t.key}:${t.effect}`)).toEqual([
      'dedicated:NoSchedule',
      'node.kubernetes.io/not-ready:NoSchedule',
      'node.kubernetes.io/not-ready:NoExecute',
    ]);
    expect(reconcileTaints(added, [], undefined, NOW)).toEqual([foreign]);
  });

  it('marks a Ready pod not ready once, keeping the other conditions', () => {
    const status = {
      phase: 'Running',
      conditions: [
        { type: 'Initialized', status: 'True' },
        { type: 'Ready', status: 'True', lastTransitionTime: T0 },
      ],
    };
    const next = podStatusNotReady(status, NOW);
    expect(next?.['conditions']).toEqual([
      { type: 'Initialized', status: 'True' },
      { type: 'Ready', status: 'False', lastTransitionTime: NOW },
    ]);
    expect(next && podStatusNotReady(next, NOW)).toBeUndefined();
    expect(podStatusNotReady({ phase: 'Pending' }, NOW)).toBeUndefined();
  });
});

describe('taints and tolerations', () => {
  it('matches as v1.Toleration.ToleratesTaint does', () => {
    const taint: Taint = { key: 'k', value: 'v', effect: 'NoSchedule' };
    expect(toleratesTaint({ key: 'k', operator: 'Equal', value: 'v' }, taint)).toBe(true);
    expect(toleratesTaint({ key: 'k', value: 'v' }, taint)).toBe(true);
    expect(toleratesTaint({ key: 'k', value: 'w' }, taint)).toBe(false);
    expect(toleratesTaint({ key: 'k', operator: 'Exists', effect: 'NoExecute' }, taint)).toBe(false);
    expect(toleratesTaint({ operator: 'Exists' }, taint)).toBe(true);
    // The default unreachable toleration is for NoExecute only: the NoSchedule taint still keeps new pods off.
    expect(toleratesAll(defaultTolerations, unreachable, ['NoSchedule', 'NoExecute'])).toBe(false);
    expect(toleratesAll(defaultTolerations, unreachable, ['NoExecute'])).toBe(true);
  });

  it('evicts at once without a toleration, after the shortest tolerationSeconds from timeAdded, never without seconds', () => {
    const now = Date.parse(NOW);
    expect(evictionDecision([], unreachable, now)).toEqual({ kind: 'evict', atMs: now });
    expect(evictionDecision(defaultTolerations, unreachable, now)).toEqual({
      kind: 'evict',
      atMs: Date.parse(T0) + 300_000,
    });
    expect(
      evictionDecision(
        [...defaultTolerations, { operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 10 }],
        unreachable,
        now,
      ),
    ).toEqual({ kind: 'evict', atMs: Date.parse(T0) + 10_000 });
    expect(evictionDecision(defaultTolerations, unreachable, now, 0.01)).toEqual({
      kind: 'evict',
      atMs: Date.parse(T0) + 3_000,
    });
    expect(
      evictionDecision(
        [{ key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute' }],
        unreachable,
        now,
      ),
    ).toEqual({ kind: 'keep' });
    expect(evictionDecision([], [{ key: 'x', effect: 'NoSchedule' }], now)).toEqual({ kind: 'keep' });
  });

  it('gives daemon pods tolerations that keep them on unreachable nodes', () => {
    const tolerations = withDaemonTolerations({
      tolerations: [
        { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 5 },
      ],
    });
    expect(tolerations[0]).toEqual({ key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute' });
    expect(tolerations.filter((t) => t.key === 'node.kubernetes.io/unreachable')).toHaveLength(1);
    expect(evictionDecision(tolerations, unreachable, Date.parse(NOW))).toEqual({ kind: 'keep' });
  });
});
