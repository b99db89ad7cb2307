import { createNamespace } from './namespace.ts';
import { call, type Target } from '../target.ts';
import { pick, type Scenario } from '../scenario.ts';

const TABLE = 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json';
const CONDITIONS = 'autoscaling.alpha.kubernetes.io/conditions';

/**
 * A target no controller can scale: both HPA controllers record the same FailedGetScale condition
 * (a missing Deployment would be worded differently: 1.20 names deployments/scale).
 */
const target = { apiVersion: 'example.com/v1', kind: 'Widget', name: 'web' };

const v1Hpa = (
  name: string,
  spec: Record<string, unknown>,
  annotations?: Record<string, string>,
): Record<string, unknown> => ({
  apiVersion: 'autoscaling/v1',
  kind: 'HorizontalPodAutoscaler',
  metadata: { name, ...(annotations ? { annotations } : {}) },
  spec,
});

/** Two metrics (CPU first, so v1 reorders them), a partial behavior v2 defaulting completes. */
const twoMetrics = (apiVersion: string): Record<string, unknown> => ({
  apiVersion,
  kind: 'HorizontalPodAutoscaler',
  metadata: { name: 'two', annotations: { team: 'x' } },
  spec: {
    scaleTargetRef: target,
    minReplicas: 2,
    maxReplicas: 10,
    metrics: [
      { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 60 } } },
      {
        type: 'Pods',
        pods: {
          metric: { name: 'rps', selector: { matchLabels: { tier: 'web' } } },
          target: { type: 'AverageValue', averageValue: '100m' },
        },
      },
      {
        type: 'Object',
        object: {
          describedObject: { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', name: 'main' },
          metric: { name: 'hits' },
          target: { type: 'Value', value: '2k' },
        },
      },
    ],
    behavior: {
      scaleDown: { stabilizationWindowSeconds: 60, policies: [{ type: 'Pods', value: 1, periodSeconds: 30 }] },
    },
  },
});

function table(body: unknown): unknown {
  const b = body as { columnDefinitions?: { name: string; type: string }[]; rows?: { cells: unknown[] }[] };
  return {
    columns: (b.columnDefinitions ?? []).map((c) => `${c.name}:${c.type}`),
    rows: (b.rows ?? []).map((r) => r.cells.slice(0, 6)),
  };
}

/** Waits until each HPA carries the controller's conditions (KCM 1.20 syncs a new HPA after its 15 s period). */
async function conditionsWritten(t: Target, base: string, names: string[]): Promise<void> {
  for (let i = 0; i < 300; i++) {
    const replies = await Promise.all(names.map((n) => call(t, 'GET', `${base}/${n}`)));
    if (
      replies.every(
        (r) =>
          ((r.body as { metadata?: { annotations?: Record<string, string> } }).metadata?.annotations ?? {})[
            CONDITIONS
          ] !== undefined,
      )
    )
      return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${t.name}: the HPA controller never wrote conditions on ${names.join(', ')}`);
}

/**
 * autoscaling/v1 HorizontalPodAutoscalers: written and read through v1, and the v2 form read
 * through v1 (metrics, behavior and conditions in the round-trip annotations). The real 1.20
 * serves v2beta2 where the sim serves v2 (same shape for what is compared here).
 */
export const autoscaling: Scenario = {
  name: 'autoscaling',
  async run(t, rec) {
    const ns = t.ns('autoscaling');
    await createNamespace(t, ns);
    const v1 = `/apis/autoscaling/v1/namespaces/${ns}/horizontalpodautoscalers`;
    const v2 = `/apis/autoscaling/${t.name === 'real' ? 'v2beta2' : 'v2'}/namespaces/${ns}/horizontalpodautoscalers`;

    rec.record(
      'create via v1',
      await call(t, 'POST', v1, {
        body: v1Hpa('cpu', {
          scaleTargetRef: target,
          minReplicas: 1,
          maxReplicas: 5,
          targetCPUUtilizationPercentage: 50,
        }),
      }),
    );
    rec.record(
      'create via v1, no metric',
      await call(t, 'POST', v1, { body: v1Hpa('bare', { scaleTargetRef: target, maxReplicas: 3 }) }),
    );
    rec.record(
      'create via v1, invalid',
      await call(t, 'POST', v1, {
        body: v1Hpa('bad', {
          scaleTargetRef: { name: 'web' },
          minReplicas: 0,
          maxReplicas: 0,
          targetCPUUtilizationPercentage: 0,
        }),
      }),
    );
    rec.record(
      'create via v1, invalid annotated metric',
      await call(t, 'POST', v1, {
        body: v1Hpa(
          'bad',
          { scaleTargetRef: target, minReplicas: 3, maxReplicas: 2, targetCPUUtilizationPercentage: -5 },
          {
            'autoscaling.alpha.kubernetes.io/metrics':
              '[{"type":"Pods","pods":{"metricName":"","targetAverageValue":"1"}}]',
          },
        ),
      }),
    );
    const created = await call(t, 'POST', v2, {
      body: twoMetrics(t.name === 'real' ? 'autoscaling/v2beta2' : 'autoscaling/v2'),
    });
    rec.record('create two metrics via v2', created.status);

    rec.record('v1 object via v2', pick((await call(t, 'GET', `${v2}/cpu`)).body, 'spec.minReplicas', 'spec.metrics'));
    rec.record(
      'v1 default via v2',
      pick((await call(t, 'GET', `${v2}/bare`)).body, 'spec.minReplicas', 'spec.metrics'),
    );

    await conditionsWritten(t, v1, ['cpu', 'two']);
    rec.record('read via v1', await call(t, 'GET', `${v1}/cpu`));
    rec.record('read two metrics via v1', await call(t, 'GET', `${v1}/two`));
    rec.record('list via v1', await call(t, 'GET', v1));
    rec.record('table via v1', table((await call(t, 'GET', v1, { accept: TABLE })).body));

    // A v1 client that drops the status annotations changes no status (the strategy keeps the stored one).
    const current = (await call(t, 'GET', `${v1}/cpu`)).body as {
      metadata: Record<string, unknown>;
      spec: Record<string, unknown>;
    };
    const { annotations: _dropped, ...metadata } = current.metadata;
    rec.record(
      'update via v1 without annotations',
      await call(t, 'PUT', `${v1}/cpu`, { body: { ...current, metadata, spec: { ...current.spec, maxReplicas: 7 } } }),
    );
    rec.record(
      'merge patch via v1',
      await call(t, 'PATCH', `${v1}/cpu`, {
        body: { spec: { targetCPUUtilizationPercentage: 65 } },
        contentType: 'application/merge-patch+json',
      }),
    );
    rec.record(
      'patched via v2',
      pick((await call(t, 'GET', `${v2}/cpu`)).body, 'metadata.generation', 'spec.maxReplicas', 'spec.metrics'),
    );
    rec.record('delete via v1', await call(t, 'DELETE', `${v1}/two`));
    rec.record('deleted via v2', (await call(t, 'GET', `${v2}/two`)).status);
  },
};
