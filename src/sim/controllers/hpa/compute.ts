import type { KubeObject } from '../../api/registry.ts';
import { formatLabelSelector, labelSelectorFromObject, type LabelSelectorObject } from '../../api/selectors.ts';
import { asObject } from '../../../util/deep-equal.ts';
import { formatQuantity } from '../../../util/quantity.ts';
import type { MetricsClient } from './metrics-client.ts';
import { milliValue } from './metrics-client.ts';
import {
  CalculationError,
  DEFAULT_CALCULATOR,
  perPodReplicas,
  plainMetricReplicas,
  podRequests,
  resourceUtilizationReplicas,
  usageRatioReplicas,
  type CalculatorOptions,
} from './replica-calculator.ts';

type Obj = Record<string, unknown>;

/** What one metric of an HPA proposes (computeReplicasForMetric), or why it could not. */
export type MetricProposal =
  { ok: true; replicas: number; name: string; status: Obj } | { ok: false; reason: string; error: string };

export interface ScaleView {
  specReplicas: number;
  statusReplicas: number;
  pods: KubeObject[];
  selector: string;
}

/** "1500m" style quantity from milli-units, as the HPA writes status values. */
function milliQuantity(milli: number): string {
  return formatQuantity(milli / 1000);
}

function selectorString(sel: unknown): string | undefined {
  if (sel === undefined || sel === null) return undefined;
  const s = formatLabelSelector(labelSelectorFromObject(sel as LabelSelectorObject));
  return s === '' ? undefined : s;
}

function target(spec: Obj): { type: string; value?: number; averageValue?: number; averageUtilization?: number } {
  const t = asObject(spec['target']);
  return {
    type: String(t['type'] ?? ''),
    value: t['value'] !== undefined ? milliValue(t['value']) : undefined,
    averageValue: t['averageValue'] !== undefined ? milliValue(t['averageValue']) : undefined,
    averageUtilization: typeof t['averageUtilization'] === 'number' ? t['averageUtilization'] : undefined,
  };
}

function failure(reason: string, err: unknown): MetricProposal {
  const error = err instanceof Error ? err.message : String(err);
  return { ok: false, reason, error };
}

/** computeReplicasForMetric for the four source types (ContainerResource is treated like Resource with a container). */
export async function proposeForMetric(
  client: MetricsClient,
  namespace: string,
  metric: Obj,
  scale: ScaleView,
  now: Date,
  calc: Omit<CalculatorOptions, 'now'> = DEFAULT_CALCULATOR,
): Promise<MetricProposal> {
  const opts = { ...calc, now };
  const type = metric['type'];
  try {
    switch (type) {
      case 'Resource':
      case 'ContainerResource': {
        const src = asObject(metric[type === 'Resource' ? 'resource' : 'containerResource']);
        const resource = String(src['name'] ?? '');
        const container = type === 'ContainerResource' ? String(src['container'] ?? '') : undefined;
        const t = target(src);
        const key = type === 'Resource' ? 'resource' : 'containerResource';
        const identity = type === 'Resource' ? { name: resource } : { name: resource, container };
        if (t.averageValue !== undefined) {
          const { metrics } = client.resource(scale.pods, resource, container);
          const r = plainMetricReplicas(scale.specReplicas, t.averageValue, scale.pods, metrics, resource, opts);
          return {
            ok: true,
            replicas: r.replicas,
            name: `${resource} resource`,
            status: { type, [key]: { ...identity, current: { averageValue: milliQuantity(r.usage) } } },
          };
        }
        if (t.averageUtilization === undefined)
          throw new CalculationError(
            `invalid resource metric source: neither a utilization target nor a value target was set`,
          );
        const { metrics } = client.resource(scale.pods, resource, container);
        const requests = podRequests(scale.pods, resource, container, (q) => milliValue(q));
        const r = resourceUtilizationReplicas(
          scale.specReplicas,
          t.averageUtilization,
          resource,
          scale.pods,
          metrics,
          requests,
          opts,
        );
        return {
          ok: true,
          replicas: r.replicas,
          name: `${resource} resource utilization (percentage of request)`,
          status: {
            type,
            [key]: {
              ...identity,
              current: { averageUtilization: r.usage, averageValue: milliQuantity(r.rawAverage ?? 0) },
            },
          },
        };
      }
      case 'Pods': {
        const src = asObject(metric['pods']);
        const m = asObject(src['metric']);
        const name = String(m['name'] ?? '');
        const t = target(src);
        if (t.averageValue === undefined)
          throw new CalculationError('invalid pods metric source: an AverageValue target is required');
        const { metrics } = await client.pods(namespace, scale.selector, name, selectorString(m['selector']));
        const r = plainMetricReplicas(scale.specReplicas, t.averageValue, scale.pods, metrics, undefined, opts);
        return {
          ok: true,
          replicas: r.replicas,
          name: `pods metric ${name}`,
          status: { type, pods: { metric: m, current: { averageValue: milliQuantity(r.usage) } } },
        };
      }
      case 'Object': {
        const src = asObject(metric['object']);
        const m = asObject(src['metric']);
        const described = asObject(src['describedObject']);
        const name = String(m['name'] ?? '');
        const t = target(src);
        const { value } = await client.object(
          namespace,
          {
            apiVersion: described['apiVersion'] as string | undefined,
            kind: String(described['kind'] ?? ''),
            name: String(described['name'] ?? ''),
          },
          name,
          selectorString(m['selector']),
        );
        const metricName = `${String(described['kind'] ?? '')} metric ${name}`;
        if (t.type === 'Value' && t.value !== undefined) {
          const r = usageRatioReplicas(scale.specReplicas, value, t.value, scale.pods, calc.tolerance);
          return {
            ok: true,
            replicas: r.replicas,
            name: metricName,
            status: {
              type,
              object: { describedObject: described, metric: m, current: { value: milliQuantity(r.usage) } },
            },
          };
        }
        if (t.type === 'AverageValue' && t.averageValue !== undefined) {
          const r = perPodReplicas(scale.statusReplicas, value, t.averageValue, calc.tolerance);
          return {
            ok: true,
            replicas: r.replicas,
            name: metricName,
            status: {
              type,
              object: { describedObject: described, metric: m, current: { averageValue: milliQuantity(r.usage) } },
            },
          };
        }
        throw new CalculationError(
          'invalid object metric source: neither a value target nor an average value target was set',
        );
      }
      case 'External': {
        const src = asObject(metric['external']);
        const m = asObject(src['metric']);
        const name = String(m['name'] ?? '');
        const t = target(src);
        const { values } = await client.external(namespace, name, selectorString(m['selector']));
        const sum = values.reduce((a, b) => a + b, 0);
        const metricName = `external metric ${name}(${selectorString(m['selector']) ?? ''})`;
        if (t.type === 'Value' && t.value !== undefined) {
          const r = usageRatioReplicas(scale.specReplicas, sum, t.value, scale.pods, calc.tolerance);
          return {
            ok: true,
            replicas: r.replicas,
            name: metricName,
            status: { type, external: { metric: m, current: { value: milliQuantity(r.usage) } } },
          };
        }
        if (t.type === 'AverageValue' && t.averageValue !== undefined) {
          const r = perPodReplicas(scale.statusReplicas, sum, t.averageValue, calc.tolerance);
          return {
            ok: true,
            replicas: r.replicas,
            name: metricName,
            status: { type, external: { metric: m, current: { averageValue: milliQuantity(r.usage) } } },
          };
        }
        throw new CalculationError(
          'invalid external metric source: neither a value target nor an average value target was set',
        );
      }
      default:
        return failure('InvalidMetricSourceType', new Error(`unknown metric source type "${String(type)}"`));
    }
  } catch (err) {
    if (!(err instanceof CalculationError) && !(err instanceof Error)) throw err;
    return failure(failureReason(String(type)), wrap(String(type), metric, err));
  }
}

function failureReason(type: string): string {
  return (
    {
      Resource: 'FailedGetResourceMetric',
      ContainerResource: 'FailedGetContainerResourceMetric',
      Pods: 'FailedGetPodsMetric',
      Object: 'FailedGetObjectMetric',
      External: 'FailedGetExternalMetric',
    }[type] ?? 'InvalidMetricSourceType'
  );
}

/** The error text kube-controller-manager puts in events and conditions for each source. */
function wrap(type: string, metric: Obj, err: Error): Error {
  const src = asObject(
    metric[type === 'Resource' ? 'resource' : type === 'ContainerResource' ? 'containerResource' : type.toLowerCase()],
  );
  const name =
    type === 'Resource' || type === 'ContainerResource'
      ? String(src['name'] ?? '')
      : String(asObject(src['metric'])['name'] ?? '');
  const prefix =
    type === 'Resource' || type === 'ContainerResource'
      ? `failed to get ${name} utilization`
      : type === 'External'
        ? `failed to get external metric ${name}`
        : `failed to get ${type.toLowerCase()} metric value`;
  return new Error(`${prefix}: ${err.message}`);
}
