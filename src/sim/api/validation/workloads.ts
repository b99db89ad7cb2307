import type { FieldError } from '../errors.ts';
import type { KubeObject } from '../registry.ts';
import { isPlainObject, deepEqual } from '../../../util/deep-equal.ts';
import { labelSelectorFromObject, matchesLabels, type LabelSelectorObject } from '../selectors.ts';
import { validatePodSpec } from './pod.ts';

/** Go's %#v of a map[string]string, as the selector-mismatch message prints it. */
function goMap(labels: Record<string, string>): { toString(): string } {
  const body = Object.keys(labels).sort().map((k) => `${JSON.stringify(k)}:${JSON.stringify(labels[k])}`).join(', ');
  return { toString: () => `map[string]string{${body}}` };
}

function validateSelectorAndTemplate(spec: Record<string, unknown>, templatePath: string, kind: string): FieldError[] {
  const errs: FieldError[] = [];
  const selector = spec['selector'];
  const template = isPlainObject(spec[templatePath]) ? (spec[templatePath] as Record<string, unknown>) : undefined;
  const templateLabels = template && isPlainObject(template['metadata']) && isPlainObject(template['metadata']['labels'])
    ? (template['metadata']['labels'] as Record<string, string>) : {};
  if (!isPlainObject(selector)) {
    errs.push({ type: 'FieldValueRequired', field: 'spec.selector' });
  } else {
    const sel = selector as LabelSelectorObject;
    if (Object.keys(sel.matchLabels ?? {}).length === 0 && (sel.matchExpressions ?? []).length === 0) {
      errs.push({ type: 'FieldValueInvalid', field: 'spec.selector', value: { toString: () => 'v1.LabelSelector{MatchLabels:map[string]string(nil), MatchExpressions:[]v1.LabelSelectorRequirement(nil)}' }, detail: 'empty selector is invalid for deployment' });
    } else if (!matchesLabels(labelSelectorFromObject(sel), templateLabels)) {
      errs.push({ type: 'FieldValueInvalid', field: `spec.${templatePath}.metadata.labels`, value: goMap(templateLabels), detail: '`selector` does not match template `labels`' });
    }
  }
  if (!template) errs.push({ type: 'FieldValueRequired', field: `spec.${templatePath}` });
  else errs.push(...validatePodSpec(template['spec'], `spec.${templatePath}.spec`));
  const rp = template && isPlainObject(template['spec']) ? template['spec']['restartPolicy'] : undefined;
  if (kind !== 'Job' && rp !== undefined && rp !== 'Always') {
    errs.push({ type: 'FieldValueNotSupported', field: `spec.${templatePath}.spec.restartPolicy`, value: String(rp), detail: 'supported values: "Always"' });
  }
  return errs;
}

function nonNegative(spec: Record<string, unknown>, key: string): FieldError[] {
  const v = spec[key];
  if (v === undefined) return [];
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) {
    return [{ type: 'FieldValueInvalid', field: `spec.${key}`, value: typeof v === 'number' ? v : String(v), detail: 'must be greater than or equal to 0' }];
  }
  return [];
}

/** Deployment, ReplicaSet, StatefulSet, DaemonSet and Job specs. */
export function validateWorkload(kind: string, obj: KubeObject): FieldError[] {
  if (!isPlainObject(obj.spec)) return [{ type: 'FieldValueRequired', field: 'spec' }];
  const spec = obj.spec;
  const errs = [...nonNegative(spec, 'replicas'), ...nonNegative(spec, 'revisionHistoryLimit')];
  if (kind === 'Job') {
    errs.push(...nonNegative(spec, 'parallelism'), ...nonNegative(spec, 'completions'), ...nonNegative(spec, 'backoffLimit'));
    const template = isPlainObject(spec['template']) ? spec['template'] : undefined;
    const rp = template && isPlainObject(template['spec']) ? template['spec']['restartPolicy'] : undefined;
    if (rp !== 'OnFailure' && rp !== 'Never') {
      errs.push({ type: 'FieldValueRequired', field: 'spec.template.spec.restartPolicy', detail: 'valid values: "OnFailure", "Never"' });
    }
    // The Job strategy generates the selector when manualSelector is unset.
    if (spec['selector'] === undefined) return [...errs, ...(template ? validatePodSpec(template['spec'], 'spec.template.spec') : [])];
  }
  return [...errs, ...validateSelectorAndTemplate(spec, 'template', kind)];
}

/** apps/v1 and batch/v1 selectors are immutable after creation. */
export function validateSelectorImmutable(next: KubeObject, old: KubeObject): FieldError[] {
  const a = isPlainObject(next.spec) ? next.spec['selector'] : undefined;
  const b = isPlainObject(old.spec) ? old.spec['selector'] : undefined;
  if (deepEqual(a, b)) return [];
  return [{ type: 'FieldValueInvalid', field: 'spec.selector', value: { toString: () => 'v1.LabelSelector{...}' }, detail: 'field is immutable' }];
}
