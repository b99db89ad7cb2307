import { describe, expect, it } from 'vitest';
import { ObjectStore } from '../store/object-store.ts';
import { ResourceRegistry, type KubeObject, type ResourceDef } from '../registry.ts';
import { ResourceService } from './resource-service.ts';
import { listObjects } from './list.ts';
import { ApiError } from '../../../kube/apimachinery/errors.ts';
import { apiGroup, apiGroupList } from '../http/discovery.ts';
import { toTable } from '../table/index.ts';
import {
  BEHAVIOR_ANNOTATION,
  CONDITIONS_ANNOTATION,
  CURRENT_METRICS_ANNOTATION,
  METRICS_ANNOTATION,
} from '../conversion/hpa.ts';

const registry = new ResourceRegistry();
const find = (group: string, version: string, resource: string): ResourceDef => {
  const d = registry.find(group, version, resource);
  if (!d) throw new Error(`${group}/${version}/${resource}`);
  return d;
};
const v1 = find('autoscaling', 'v1', 'horizontalpodautoscalers');
const v2 = find('autoscaling', 'v2', 'horizontalpodautoscalers');
const at = (def: ResourceDef, name: string): { def: ResourceDef; namespace: string; name: string } => ({
  def,
  namespace: 'ns',
  name,
});
const ref = { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' };
const cpu = (pct: number): Record<string, unknown> => ({
  type: 'Resource',
  resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: pct } },
});
const pods = {
  type: 'Pods',
  pods: { metric: { name: 'rps' }, target: { type: 'AverageValue', averageValue: '100m' } },
};

function service(): ResourceService {
  const svc = new ResourceService(new ObjectStore(), registry);
  svc.create(find('', 'v1', 'namespaces'), undefined, { metadata: { name: 'ns' } });
  return svc;
}

function failure(f: () => unknown): ApiError | undefined {
  try {
    f();
  } catch (e) {
    return e as ApiError;
  }
  return undefined;
}

const spec = (o: KubeObject): Record<string, unknown> => o.spec as Record<string, unknown>;
const annotations = (o: KubeObject): Record<string, string> => o.metadata.annotations ?? {};

describe('autoscaling/v1 HorizontalPodAutoscalers, stored as autoscaling/v2', () => {
  it('is served after v2 (the preferred version) and stored only once', () => {
    expect(registry.stored).toContain(v2);
    expect(registry.stored).not.toContain(v1);
    expect(apiGroup(registry, 'autoscaling')).toMatchObject({
      versions: [{ version: 'v2' }, { version: 'v1' }],
      preferredVersion: { groupVersion: 'autoscaling/v2' },
    });
    expect(
      (apiGroupList(registry)['groups'] as { name: string; versions: unknown[] }[]).find(
        (g) => g.name === 'autoscaling',
      )?.versions,
    ).toHaveLength(2);
    expect(v1).toMatchObject({
      shortNames: ['hpa'],
      categories: ['all'],
      subresources: ['status'],
      kind: 'HorizontalPodAutoscaler',
    });
  });

  it('creates through v1 (kubectl autoscale) the v2 object kube-apiserver stores, and reads it back in either version', () => {
    const svc = service();
    const created = svc.create(v1, 'ns', {
      apiVersion: 'autoscaling/v1',
      kind: 'HorizontalPodAutoscaler',
      metadata: { name: 'web' },
      spec: { scaleTargetRef: ref, maxReplicas: 5, targetCPUUtilizationPercentage: 50 },
    });
    expect(created.obj).toMatchObject({
      apiVersion: 'autoscaling/v1',
      spec: { scaleTargetRef: ref, minReplicas: 1, maxReplicas: 5, targetCPUUtilizationPercentage: 50 },
      status: { currentReplicas: 0, desiredReplicas: 0 },
    });
    const stored = svc.get(at(v2, 'web')).obj;
    expect(stored.spec).toEqual({
      scaleTargetRef: { kind: 'Deployment', name: 'web', apiVersion: 'apps/v1' },
      minReplicas: 1,
      maxReplicas: 5,
      metrics: [cpu(50)],
    });
    expect(stored.status).toEqual({ desiredReplicas: 0 });
    expect(stored.metadata).toMatchObject({
      uid: created.obj.metadata.uid,
      resourceVersion: created.obj.metadata.resourceVersion,
    });
    // Neither 1.20 nor 1.32 maintains metadata.generation for HPAs.
    expect(stored.metadata.generation).toBeUndefined();
    expect(listObjects(svc.store, v1, { namespace: 'ns' }).items.map((o) => o.obj.apiVersion)).toEqual([
      'autoscaling/v1',
    ]);
    // No metric at all: autoscaling/v1's implicit CPU target of 80 %.
    expect(
      spec(svc.create(v1, 'ns', { metadata: { name: 'bare' }, spec: { scaleTargetRef: ref, maxReplicas: 3 } }).obj),
    ).toMatchObject({ minReplicas: 1, targetCPUUtilizationPercentage: 80 });
  });

  it('reads v2 metrics and behavior through v1 in the annotations, with v2 defaults applied', () => {
    const svc = service();
    svc.create(v2, 'ns', {
      metadata: { name: 'two', annotations: { [METRICS_ANNOTATION]: 'dropped by v2' } },
      spec: {
        scaleTargetRef: ref,
        maxReplicas: 4,
        metrics: [cpu(70), pods],
        behavior: { scaleDown: { stabilizationWindowSeconds: 60 } },
      },
    });
    expect(svc.get(at(v2, 'two')).obj.metadata.annotations).toBeUndefined();
    const read = svc.get(at(v1, 'two')).obj;
    expect(spec(read)['targetCPUUtilizationPercentage']).toBe(70);
    expect(annotations(read)[METRICS_ANNOTATION]).toBe(
      '[{"type":"Pods","pods":{"metricName":"rps","targetAverageValue":"100m"}}]',
    );
    expect(annotations(read)[BEHAVIOR_ANNOTATION]).toBe(
      '{"ScaleUp":{"StabilizationWindowSeconds":0,"SelectPolicy":"Max","Policies":[{"Type":"Pods","Value":4,"PeriodSeconds":15},' +
        '{"Type":"Percent","Value":100,"PeriodSeconds":15}]},"ScaleDown":{"StabilizationWindowSeconds":60,"SelectPolicy":"Max","Policies":[{"Type":"Percent","Value":100,"PeriodSeconds":15}]}}',
    );
  });

  it('keeps status on a v1 update that drops the status annotations, and stores a changed annotated metric', () => {
    const svc = service();
    svc.create(v2, 'ns', {
      metadata: { name: 'h' },
      spec: { scaleTargetRef: ref, maxReplicas: 4, metrics: [pods, cpu(70)] },
    });
    const status = {
      currentReplicas: 2,
      desiredReplicas: 3,
      currentMetrics: [
        { type: 'Resource', resource: { name: 'cpu', current: { averageValue: '100m', averageUtilization: 90 } } },
      ],
      conditions: [
        {
          type: 'AbleToScale',
          status: 'True',
          lastTransitionTime: '2024-01-01T00:00:00Z',
          reason: 'SucceededRescale',
          message: 'ok',
        },
      ],
    };
    svc.update(at(v2, 'h'), { ...svc.getCopy(at(v2, 'h')), status }, 'status');
    const read = svc.getCopy(at(v1, 'h'));
    expect(read.status).toEqual({ currentReplicas: 2, desiredReplicas: 3, currentCPUUtilizationPercentage: 90 });
    expect(Object.keys(annotations(read))).toEqual([
      CONDITIONS_ANNOTATION,
      CURRENT_METRICS_ANNOTATION,
      METRICS_ANNOTATION,
    ]);

    const bigger = {
      ...read,
      metadata: {
        ...read.metadata,
        annotations: {
          [METRICS_ANNOTATION]: '[{"type":"Pods","pods":{"metricName":"rps","targetAverageValue":"200m"}}]',
        },
      },
    };
    const updated = svc.update(at(v1, 'h'), bigger).obj;
    const stored = svc.get(at(v2, 'h')).obj;
    expect(stored.status).toEqual(status);
    expect((spec(stored)['metrics'] as unknown[])[0]).toEqual({
      ...pods,
      pods: { ...pods.pods, target: { type: 'AverageValue', averageValue: '200m' } },
    });
    // The same object again writes nothing.
    expect(svc.update(at(v1, 'h'), svc.getCopy(at(v1, 'h'))).obj.metadata.resourceVersion).toBe(
      updated.metadata.resourceVersion,
    );
  });

  it('lets the v1 status subresource change status only, and merge-patches targetCPUUtilizationPercentage', () => {
    const svc = service();
    svc.create(v1, 'ns', {
      metadata: { name: 'h' },
      spec: { scaleTargetRef: ref, maxReplicas: 4, targetCPUUtilizationPercentage: 50 },
    });
    const current = svc.getCopy(at(v1, 'h'));
    svc.update(
      at(v1, 'h'),
      {
        ...current,
        spec: { ...spec(current), maxReplicas: 9 },
        status: { currentReplicas: 3, desiredReplicas: 3, currentCPUUtilizationPercentage: 20 },
      },
      'status',
    );
    const stored = svc.get(at(v2, 'h')).obj;
    expect(spec(stored)['maxReplicas']).toBe(4);
    expect(stored.status).toEqual({
      currentReplicas: 3,
      desiredReplicas: 3,
      currentMetrics: [{ type: 'Resource', resource: { name: 'cpu', current: { averageUtilization: 20 } } }],
    });
    const patched = svc.patch(at(v1, 'h'), 'merge', { spec: { targetCPUUtilizationPercentage: 65 } }).obj;
    expect(spec(patched)['targetCPUUtilizationPercentage']).toBe(65);
    expect(svc.get(at(v2, 'h')).obj.status).toEqual(stored.status);
  });

  it('converts a v1 write once: what v1 cannot express exactly stays as stored (status writes, deletes)', () => {
    const svc = service();
    const avg = {
      type: 'Object',
      object: {
        describedObject: { kind: 'Ingress', name: 'main' },
        target: { type: 'AverageValue', averageValue: '5' },
        metric: { name: 'hits' },
      },
    };
    svc.create(v2, 'ns', {
      metadata: { name: 'h', finalizers: ['example.com/hold'] },
      spec: { scaleTargetRef: ref, maxReplicas: 4, metrics: [cpu(50), avg] },
    });
    const before = svc.getCopy(at(v2, 'h'));
    const current = svc.getCopy(at(v1, 'h'));
    svc.update(
      at(v1, 'h'),
      { ...current, status: { currentReplicas: 1, desiredReplicas: 1, currentCPUUtilizationPercentage: 10 } },
      'status',
    );
    // Through v1 the Object target reads targetValue "0" and the CPU metric comes last; the stored spec keeps neither.
    expect(svc.get(at(v2, 'h')).obj.spec).toEqual(before.spec);
    svc.delete(at(v1, 'h'));
    expect(svc.get(at(v2, 'h')).obj.spec).toEqual(before.spec);
    expect(svc.get(at(v1, 'h')).obj.metadata.deletionTimestamp).toBeDefined();
    expect(
      svc.create(
        v1,
        'ns',
        { metadata: { name: 'dry' }, spec: { scaleTargetRef: ref, maxReplicas: 2 } },
        { dryRun: true },
      ).obj.apiVersion,
    ).toBe('autoscaling/v1');
    expect(() => svc.get(at(v2, 'dry'))).toThrow(ApiError);
  });

  it('validates v1 writes as kube-apiserver 1.20 does: on the converted object, a bad CPU target reported on its metric', () => {
    const svc = service();
    const err = failure(() =>
      svc.create(v1, 'ns', {
        metadata: { name: 'bad' },
        spec: { scaleTargetRef: { name: 'web' }, minReplicas: 0, maxReplicas: 0, targetCPUUtilizationPercentage: 0 },
      }),
    );
    expect(err?.status.message).toBe(
      'HorizontalPodAutoscaler.autoscaling "bad" is invalid: [spec.minReplicas: Invalid value: 0: must be greater than or equal to 1, ' +
        'spec.maxReplicas: Invalid value: 0: must be greater than 0, spec.scaleTargetRef.kind: Required value, ' +
        'spec.metrics[0].resource.target.averageUtilization: Invalid value: 0: must be greater than 0, ' +
        'spec.metrics: Forbidden: must specify at least one Object or External metric to support scaling to zero replicas]',
    );
    const min = failure(() =>
      svc.create(v1, 'ns', {
        metadata: {
          name: 'bad',
          annotations: { [METRICS_ANNOTATION]: '[{"type":"Pods","pods":{"metricName":"","targetAverageValue":"1"}}]' },
        },
        spec: { scaleTargetRef: ref, minReplicas: 3, maxReplicas: 2, targetCPUUtilizationPercentage: -5 },
      }),
    );
    expect(min?.status.message).toBe(
      'HorizontalPodAutoscaler.autoscaling "bad" is invalid: [spec.maxReplicas: Invalid value: 2: must be greater than or equal to `minReplicas`, ' +
        'spec.metrics[0].pods.metric.name: Required value: must specify a metric name, spec.metrics[1].resource.target.averageUtilization: Invalid value: -5: must be greater than 0]',
    );
  });

  it('prints v1 objects with the HPA columns', () => {
    const svc = service();
    const o = svc.create(v1, 'ns', {
      metadata: { name: 'h' },
      spec: { scaleTargetRef: ref, maxReplicas: 4, targetCPUUtilizationPercentage: 50 },
    }).obj;
    const table = toTable(v1, [o], { includeObject: 'Object', now: new Date() }) as {
      columnDefinitions: { name: string; type: string }[];
      rows: { cells: unknown[]; object: KubeObject }[];
    };
    expect(table.columnDefinitions.map((c) => `${c.name}:${c.type}`)).toEqual([
      'Name:string',
      'Reference:string',
      'Targets:string',
      'MinPods:string',
      'MaxPods:string',
      'Replicas:string',
      'Age:string',
    ]);
    expect(table.rows[0]?.cells.slice(0, 6)).toEqual(['h', 'Deployment/web', 'cpu: <unknown>/50%', '1', 4, 0]);
    expect(table.rows[0]?.object.apiVersion).toBe('autoscaling/v1');
    // Printed from the stored v2 object (metric order as written), at most two metrics shown.
    svc.create(v2, 'ns', {
      metadata: { name: 'three' },
      spec: {
        scaleTargetRef: ref,
        maxReplicas: 4,
        metrics: [cpu(60), pods, { ...pods, pods: { ...pods.pods, metric: { name: 'qps' } } }],
      },
    });
    const three = svc.get(at(v1, 'three')).obj;
    const row = (toTable(v1, [three], { includeObject: 'None', now: new Date() }) as { rows: { cells: unknown[] }[] })
      .rows[0];
    expect(row?.cells[2]).toBe('cpu: <unknown>/60%, <unknown>/100m + 1 more...');
  });
});
