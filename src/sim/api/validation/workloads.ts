import type { FieldError } from '../../../kube/apimachinery/errors.ts';
import type { KubeObject } from '../registry.ts';
import {
  eachInvalid,
  forbidden,
  invalid,
  nonNegative,
  notSupported,
  num,
  obj,
  optNum,
  required,
  semanticEqual,
  str,
  type Obj,
} from './field.ts';
import { GoValue, goIntOrString, goLabelSelector, goPointer, goQuote } from './go-format.ts';
import { isValidPercent, nameIsDNSSubdomain } from '../../../kube/apimachinery/names.ts';
import { validateAnnotations, validateLabels, validateObjectMeta, validateObjectMetaUpdate } from './object-meta.ts';
import { validatePodTemplateSpec } from './pod.ts';
import {
  isEmptySelector,
  isNilSelector,
  selectorImmutable,
  selectorOf,
  templateMismatch,
  validateLabelSelector,
} from './selector.ts';

/**
 * pkg/apis/apps/validation (1.20) and the apps strategies' update rules. Strategy and
 * rolling-update fields the apiserver defaults are checked only when present.
 */

const META = { requiresNamespace: true, nameFn: nameIsDNSSubdomain, kubeFinalizers: true };
const present = (v: unknown): boolean => v !== undefined && v !== null;

/** spec.selector: Required when nil, label checks, and "empty selector is invalid for <kind>". */
function selectorChecks(spec: Obj, kindWord: string, requireSelector: boolean): FieldError[] {
  const sel = spec['selector'];
  if (isNilSelector(sel)) return requireSelector ? [required('spec.selector')] : [];
  const errs = validateLabelSelector(sel, 'spec.selector');
  if (isEmptySelector(sel))
    errs.push(invalid('spec.selector', goLabelSelector(sel), `empty selector is invalid for ${kindWord}`));
  return errs;
}

/** ValidatePodTemplateSpecForReplicaSet (Deployments use it too, hence "in ReplicaSet"). */
function templateForReplicaSet(spec: Obj): FieldError[] {
  const selector = selectorOf(spec['selector']);
  if (!selector) return [invalid('spec.selector', goLabelSelector(spec['selector']), 'invalid label selector')];
  const template = obj(spec['template']);
  const podSpec = obj(template['spec']);
  const errs = [
    ...templateMismatch(selector, template, 'spec.template'),
    ...validatePodTemplateSpec(template, 'spec.template'),
  ];
  const rp = str(podSpec['restartPolicy']);
  if (rp !== '' && rp !== 'Always') errs.push(notSupported('spec.template.spec.restartPolicy', rp, ['Always']));
  if (present(podSpec['activeDeadlineSeconds']))
    errs.push(
      forbidden('spec.template.spec.activeDeadlineSeconds', 'activeDeadlineSeconds in ReplicaSet is not Supported'),
    );
  return errs;
}

/** IntOrString validation: a percent string, or a non-negative integer. */
function positiveIntOrPercent(v: unknown, path: string): FieldError[] {
  if (typeof v === 'string') return eachInvalid(path, goIntOrString(v), isValidPercent(v));
  return nonNegative(num(v), path);
}

/** getIntOrPercentValue: a valid percent's number, else IntValue() (Atoi of a string, 0 on error). */
function intOrPercentValue(v: unknown): number {
  if (typeof v === 'string')
    return isValidPercent(v).length === 0 ? Number(v.slice(0, -1)) : /^[+-]?\d+$/.test(v) ? Number(v) : 0;
  return num(v);
}

const over100 = (v: unknown, path: string): FieldError[] =>
  typeof v === 'string' && isValidPercent(v).length === 0 && Number(v.slice(0, -1)) > 100
    ? [invalid(path, goIntOrString(v), 'must not be greater than 100%')]
    : [];

function validateDeploymentStrategy(strategyValue: unknown): FieldError[] {
  const strategy = obj(strategyValue);
  const type = str(strategy['type']) || 'RollingUpdate';
  const ru = strategy['rollingUpdate'];
  const path = 'spec.strategy';
  if (type === 'Recreate')
    return present(ru)
      ? [forbidden(`${path}.rollingUpdate`, "may not be specified when strategy `type` is 'Recreate'")]
      : [];
  if (type !== 'RollingUpdate') {
    const shown = new GoValue(
      `apps.DeploymentStrategy{Type:${goQuote(type)}, RollingUpdate:${goPointer('apps.RollingUpdateDeployment', present(ru))}}`,
    );
    return [notSupported(path, shown, ['Recreate', 'RollingUpdate'])];
  }
  const r = obj(ru);
  // Unset, both default to 25%.
  const maxUnavailable = present(r['maxUnavailable']) ? r['maxUnavailable'] : '25%';
  const maxSurge = present(r['maxSurge']) ? r['maxSurge'] : '25%';
  const p = `${path}.rollingUpdate`;
  const errs = [
    ...positiveIntOrPercent(maxUnavailable, `${p}.maxUnavailable`),
    ...positiveIntOrPercent(maxSurge, `${p}.maxSurge`),
  ];
  if (intOrPercentValue(maxUnavailable) === 0 && intOrPercentValue(maxSurge) === 0) {
    errs.push(invalid(`${p}.maxUnavailable`, goIntOrString(maxUnavailable), 'may not be 0 when `maxSurge` is 0'));
  }
  return [...errs, ...over100(maxUnavailable, `${p}.maxUnavailable`)];
}

function validateDeploymentSpec(spec: Obj): FieldError[] {
  const errs = [
    ...nonNegative(num(spec['replicas']), 'spec.replicas'),
    ...selectorChecks(spec, 'deployment', true),
    ...templateForReplicaSet(spec),
    ...validateDeploymentStrategy(spec['strategy']),
    ...nonNegative(num(spec['minReadySeconds']), 'spec.minReadySeconds'),
  ];
  const history = optNum(spec['revisionHistoryLimit']);
  if (history !== undefined) errs.push(...nonNegative(history, 'spec.revisionHistoryLimit'));
  const deadline = optNum(spec['progressDeadlineSeconds']);
  if (deadline !== undefined) {
    errs.push(...nonNegative(deadline, 'spec.progressDeadlineSeconds'));
    if (deadline <= num(spec['minReadySeconds']))
      errs.push(invalid('spec.progressDeadlineSeconds', deadline, 'must be greater than minReadySeconds'));
  }
  return errs;
}

function validateReplicaSetSpec(spec: Obj): FieldError[] {
  return [
    ...nonNegative(num(spec['replicas']), 'spec.replicas'),
    ...nonNegative(num(spec['minReadySeconds']), 'spec.minReadySeconds'),
    ...selectorChecks(spec, 'deployment', true),
    ...templateForReplicaSet(spec),
  ];
}

function validateStatefulSetSpec(spec: Obj): FieldError[] {
  const errs: FieldError[] = [];
  const policy = str(spec['podManagementPolicy']);
  if (policy !== '' && policy !== 'OrderedReady' && policy !== 'Parallel')
    errs.push(invalid('spec.podManagementPolicy', policy, "must be 'OrderedReady' or 'Parallel'"));
  const strategy = obj(spec['updateStrategy']);
  const type = str(strategy['type']) || 'RollingUpdate';
  const ru = strategy['rollingUpdate'];
  const partition = `apps.RollingUpdateStatefulSetStrategy{Partition:${num(obj(ru)['partition'])}}`;
  if (type === 'OnDelete' && present(ru))
    errs.push(
      invalid(
        'spec.updateStrategy.rollingUpdate',
        new GoValue(partition),
        "only allowed for updateStrategy 'RollingUpdate'",
      ),
    );
  else if (type === 'RollingUpdate' && present(ru))
    errs.push(...nonNegative(num(obj(ru)['partition']), 'spec.updateStrategy.rollingUpdate.partition'));
  else if (type !== 'OnDelete' && type !== 'RollingUpdate') {
    const shown = `apps.StatefulSetUpdateStrategy{Type:${goQuote(type)}, RollingUpdate:${goPointer('apps.RollingUpdateStatefulSetStrategy', present(ru))}}`;
    errs.push(invalid('spec.updateStrategy', new GoValue(shown), "must be 'RollingUpdate' or 'OnDelete'"));
  }
  errs.push(...nonNegative(num(spec['replicas']), 'spec.replicas'), ...selectorChecks(spec, 'statefulset', true));
  const selector = selectorOf(spec['selector']);
  const template = obj(spec['template']);
  if (!selector) errs.push(invalid('spec.selector', goLabelSelector(spec['selector']), ''));
  else {
    // The StatefulSet template's pod spec is not validated in 1.20: only its labels and annotations.
    const meta = obj(template['metadata']);
    errs.push(
      ...templateMismatch(selector, template, 'spec.template'),
      ...validateLabels(meta['labels'], 'spec.template.labels'),
      ...validateAnnotations(meta['annotations'], 'spec.template.annotations'),
    );
  }
  const podSpec = obj(template['spec']);
  const rp = str(podSpec['restartPolicy']);
  if (rp !== '' && rp !== 'Always') errs.push(notSupported('spec.template.spec.restartPolicy', rp, ['Always']));
  if (present(podSpec['activeDeadlineSeconds']))
    errs.push(
      forbidden('spec.template.spec.activeDeadlineSeconds', 'activeDeadlineSeconds in StatefulSet is not Supported'),
    );
  return errs;
}

function validateDaemonSetSpec(spec: Obj): FieldError[] {
  const errs = validateLabelSelector(spec['selector'], 'spec.selector');
  const selector = selectorOf(spec['selector']);
  const template = obj(spec['template']);
  if (selector) errs.push(...templateMismatch(selector, template, 'spec.template'));
  if (isEmptySelector(spec['selector']))
    errs.push(invalid('spec.selector', goLabelSelector(spec['selector']), 'empty selector is invalid for daemonset'));
  errs.push(...validatePodTemplateSpec(template, 'spec.template'));
  const podSpec = obj(template['spec']);
  const rp = str(podSpec['restartPolicy']);
  if (rp !== '' && rp !== 'Always') errs.push(notSupported('spec.template.spec.restartPolicy', rp, ['Always']));
  if (present(podSpec['activeDeadlineSeconds']))
    errs.push(
      forbidden('spec.template.spec.activeDeadlineSeconds', 'activeDeadlineSeconds in DaemonSet is not Supported'),
    );
  errs.push(...nonNegative(num(spec['minReadySeconds']), 'spec.minReadySeconds'));
  const strategy = obj(spec['updateStrategy']);
  const type = str(strategy['type']) || 'RollingUpdate';
  const ru = strategy['rollingUpdate'];
  if (type === 'RollingUpdate' && present(ru)) {
    const p = 'spec.updateStrategy.rollingUpdate.maxUnavailable';
    const mu = present(obj(ru)['maxUnavailable']) ? obj(ru)['maxUnavailable'] : 1;
    errs.push(...positiveIntOrPercent(mu, p));
    if (intOrPercentValue(mu) === 0) errs.push(invalid(p, goIntOrString(mu), 'cannot be 0'));
    errs.push(...over100(mu, p));
  } else if (type !== 'RollingUpdate' && type !== 'OnDelete') {
    const shown = new GoValue(
      `apps.DaemonSetUpdateStrategy{Type:${goQuote(type)}, RollingUpdate:${goPointer('apps.RollingUpdateDaemonSet', present(ru))}}`,
    );
    errs.push(notSupported('spec.updateStrategy', shown, ['RollingUpdate', 'OnDelete']));
  }
  const history = optNum(spec['revisionHistoryLimit']);
  if (history !== undefined) errs.push(...nonNegative(history, 'spec.revisionHistoryLimit'));
  return errs;
}

const SPEC_RULES: Record<string, (spec: Obj) => FieldError[]> = {
  Deployment: validateDeploymentSpec,
  ReplicaSet: validateReplicaSetSpec,
  StatefulSet: validateStatefulSetSpec,
  DaemonSet: validateDaemonSetSpec,
};

/** ValidateDeployment / ValidateReplicaSet / ValidateStatefulSet / ValidateDaemonSet. */
export function validateAppsCreate(kind: string, o: KubeObject): FieldError[] {
  return [...validateObjectMeta(o.metadata, META), ...(SPEC_RULES[kind]?.(obj(o.spec)) ?? [])];
}

/** The apps strategies' ValidateUpdate, with their repeated checks (the causes repeat too). */
export function validateAppsUpdate(kind: string, next: KubeObject, old: KubeObject): FieldError[] {
  const spec = obj(next.spec);
  const oldSpec = obj(old.spec);
  const metaUpdate = validateObjectMetaUpdate(next.metadata, old.metadata, true);
  const specErrs = SPEC_RULES[kind]?.(spec) ?? [];
  switch (kind) {
    case 'Deployment':
      return [...metaUpdate, ...specErrs, ...selectorImmutable(spec['selector'], oldSpec['selector'])];
    case 'ReplicaSet':
    case 'DaemonSet':
      return [
        ...validateAppsCreate(kind, next),
        ...metaUpdate,
        ...specErrs,
        ...selectorImmutable(spec['selector'], oldSpec['selector']),
      ];
    case 'StatefulSet': {
      const rest = (s: Obj): Obj => ({ ...s, replicas: undefined, template: undefined, updateStrategy: undefined });
      const errs = [...validateAppsCreate(kind, next), ...metaUpdate];
      if (!semanticEqual(rest(spec), rest(oldSpec))) {
        errs.push(
          forbidden(
            'spec',
            "updates to statefulset spec for fields other than 'replicas', 'template', and 'updateStrategy' are forbidden",
          ),
        );
      }
      return [...errs, ...nonNegative(num(spec['replicas']), 'spec.replicas')];
    }
    default:
      return metaUpdate;
  }
}
