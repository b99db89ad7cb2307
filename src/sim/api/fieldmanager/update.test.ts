import { describe, expect, it } from 'vitest';
import { trackUpdate } from './update.ts';
import type { ManagedEntry } from './entries.ts';

const T1 = '2026-01-01T00:00:00Z';
const T2 = '2026-01-01T00:01:00Z';

function create(kind: string, apiVersion: string, obj: Record<string, unknown>, manager = 'unknown'): ManagedEntry[] {
  return trackUpdate({ kind, entries: [], manager, apiVersion, live: undefined, next: obj, time: T1 });
}

describe('Update operations', () => {
  // Expected sets are what kube-apiserver 1.20 stored for the same creates (recorded from the real control plane).
  it('a pod create owns its defaulted spec, maps and list items with "."', () => {
    const pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'p1', namespace: 'x', uid: 'u', labels: { app: 'web' } },
      spec: {
        containers: [
          {
            name: 'web',
            image: 'nginx',
            args: ['a'],
            env: [{ name: 'A', value: '1' }],
            ports: [{ containerPort: 80, protocol: 'TCP' }],
            resources: {},
            imagePullPolicy: 'Always',
            terminationMessagePath: '/dev/termination-log',
            terminationMessagePolicy: 'File',
          },
        ],
        restartPolicy: 'Always',
        terminationGracePeriodSeconds: 30,
        dnsPolicy: 'ClusterFirst',
        securityContext: {},
        schedulerName: 'default-scheduler',
        enableServiceLinks: true,
      },
    };
    const [e] = create('Pod', 'v1', pod);
    expect(e).toMatchObject({
      manager: 'unknown',
      operation: 'Update',
      apiVersion: 'v1',
      time: T1,
      fieldsType: 'FieldsV1',
    });
    expect(JSON.stringify(e?.fieldsV1)).toBe(
      JSON.stringify({
        'f:metadata': { 'f:labels': { '.': {}, 'f:app': {} } },
        'f:spec': {
          'f:containers': {
            'k:{"name":"web"}': {
              '.': {},
              'f:args': {},
              'f:env': { '.': {}, 'k:{"name":"A"}': { '.': {}, 'f:name': {}, 'f:value': {} } },
              'f:image': {},
              'f:imagePullPolicy': {},
              'f:name': {},
              'f:ports': {
                '.': {},
                'k:{"containerPort":80,"protocol":"TCP"}': { '.': {}, 'f:containerPort': {}, 'f:protocol': {} },
              },
              'f:resources': {},
              'f:terminationMessagePath': {},
              'f:terminationMessagePolicy': {},
            },
          },
          'f:dnsPolicy': {},
          'f:enableServiceLinks': {},
          'f:restartPolicy': {},
          'f:schedulerName': {},
          'f:securityContext': {},
          'f:terminationGracePeriodSeconds': {},
        },
      }),
    );
  });

  it('a deployment create: structs that always exist get no ".", the LabelSelector is atomic', () => {
    const dep = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'd' },
      spec: {
        replicas: 1,
        selector: { matchLabels: { app: 'd' } },
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } },
        template: {
          metadata: { creationTimestamp: null, labels: { app: 'd' } },
          spec: { containers: [{ name: 'c', image: 'nginx' }] },
        },
      },
    };
    const [e] = create('Deployment', 'apps/v1', dep);
    expect(e?.fieldsV1).toEqual({
      'f:spec': {
        'f:replicas': {},
        'f:selector': {},
        'f:strategy': { 'f:rollingUpdate': { '.': {}, 'f:maxSurge': {}, 'f:maxUnavailable': {} }, 'f:type': {} },
        'f:template': {
          'f:metadata': { 'f:labels': { '.': {}, 'f:app': {} } },
          'f:spec': { 'f:containers': { 'k:{"name":"c"}': { '.': {}, 'f:image': {}, 'f:name': {} } } },
        },
      },
    });
  });

  it('another manager takes the fields it changed and adds its own; removed fields leave every owner', () => {
    const v1 = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', labels: { a: 'b' } }, data: { a: '1' } };
    const created = create('ConfigMap', 'v1', v1, 'creator');
    const v2 = { ...v1, metadata: { name: 'c' }, data: { a: '2', b: '1' } };
    const after = trackUpdate({
      kind: 'ConfigMap',
      entries: created,
      manager: 'editor',
      apiVersion: 'v1',
      live: v1,
      next: v2,
      time: T2,
    });
    expect(after).toEqual([
      {
        manager: 'creator',
        operation: 'Update',
        apiVersion: 'v1',
        time: T1,
        fieldsType: 'FieldsV1',
        fieldsV1: { 'f:data': {} },
      },
      {
        manager: 'editor',
        operation: 'Update',
        apiVersion: 'v1',
        time: T2,
        fieldsType: 'FieldsV1',
        fieldsV1: { 'f:data': { 'f:a': {}, 'f:b': {} } },
      },
    ]);
  });

  it('a map owned bare (all its fields taken) is expanded to the live fields at the next write, as 1.20 does', () => {
    const v1 = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data: { a: '1', b: '1' } };
    const v2 = { ...v1, data: { a: '2' } };
    const v3 = { ...v1, data: { a: '2', q: '1' } };
    const created = create('ConfigMap', 'v1', v1, 'creator');
    const edited = trackUpdate({
      kind: 'ConfigMap',
      entries: created,
      manager: 'editor',
      apiVersion: 'v1',
      live: v1,
      next: v2,
      time: T2,
    });
    expect(edited.map((e) => [e.manager, e.fieldsV1])).toEqual([
      ['creator', { 'f:data': {} }],
      ['editor', { 'f:data': { 'f:a': {} } }],
    ]);
    const patched = trackUpdate({
      kind: 'ConfigMap',
      entries: edited,
      manager: 'p3',
      apiVersion: 'v1',
      live: v2,
      next: v3,
      time: T2,
    });
    expect(patched.map((e) => [e.manager, e.fieldsV1])).toEqual([
      ['creator', { 'f:data': { '.': {}, 'f:a': {} } }],
      ['editor', { 'f:data': { 'f:a': {} } }],
      ['p3', { 'f:data': { 'f:q': {} } }],
    ]);
  });

  it('a write that changes nothing leaves the entries (and their times) alone', () => {
    const v1 = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', resourceVersion: '1' }, data: { a: '1' } };
    const created = create('ConfigMap', 'v1', v1);
    const same = trackUpdate({
      kind: 'ConfigMap',
      entries: created,
      manager: 'x',
      apiVersion: 'v1',
      live: v1,
      next: { ...v1, metadata: { name: 'c', resourceVersion: '2' } },
      time: T2,
    });
    expect(same).toBe(created);
  });

  it('stores identical sets once', () => {
    const obj = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data: { a: '1' } };
    expect(create('ConfigMap', 'v1', obj)[0]?.fieldsV1).toBe(
      create('ConfigMap', 'v1', { ...obj, metadata: { name: 'd' } })[0]?.fieldsV1,
    );
  });
});
