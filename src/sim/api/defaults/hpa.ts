import type { KubeObject } from '../registry.ts';
import { isPlainObject } from '../../../util/deep-equal.ts';

type Obj = Record<string, unknown>;

/**
 * autoscaling/v2 defaulting (SetDefaults_HorizontalPodAutoscaler): minReplicas 1, a CPU 80 %
 * utilization metric when none is given, and a partly given behavior completed with the API's
 * default policies (the scale-down window stays unset so the controller's 300 s applies).
 */
export function defaultHpa(obj: KubeObject): void {
  if (!isPlainObject(obj.spec)) return;
  const spec = obj.spec;
  if (spec['minReplicas'] === undefined) spec['minReplicas'] = 1;
  if (!Array.isArray(spec['metrics']) || spec['metrics'].length === 0) {
    spec['metrics'] = [
      { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } } },
    ];
  }
  if (!isPlainObject(spec['behavior'])) return;
  const behavior = spec['behavior'];
  behavior['scaleUp'] = completeRules(behavior['scaleUp'], {
    stabilizationWindowSeconds: 0,
    selectPolicy: 'Max',
    policies: [
      { type: 'Pods', value: 4, periodSeconds: 15 },
      { type: 'Percent', value: 100, periodSeconds: 15 },
    ],
  });
  behavior['scaleDown'] = completeRules(behavior['scaleDown'], {
    selectPolicy: 'Max',
    policies: [{ type: 'Percent', value: 100, periodSeconds: 15 }],
  });
}

function completeRules(given: unknown, defaults: Obj): Obj {
  const rules: Obj = isPlainObject(given) ? given : {};
  for (const [k, v] of Object.entries(defaults)) if (rules[k] === undefined) rules[k] = structuredClone(v);
  return rules;
}
