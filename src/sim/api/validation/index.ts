import type { FieldError } from '../../../kube/apimachinery/errors.ts';
import type { KubeObject, ResourceDef } from '../registry.ts';
import { obj } from './field.ts';
import { validateCronJob, validateCronJobUpdate, validateJob, validateJobUpdate } from './batch.ts';
import {
  apiServiceName,
  meta,
  metaUpdate,
  validateConfigMap,
  validateConfigMapUpdate,
  validateNamespace,
  validateSecret,
  validateSecretUpdate,
  validateService,
} from './core.ts';
import { validateHpaSpec } from './hpa.ts';
import { legacyValidateEvent, validateEventCreate } from './events.ts';
import { nameIsDNSSubdomain, validatePathSegmentName } from '../../../kube/apimachinery/names.ts';
import { validateObjectMeta, validateObjectMetaUpdate } from './object-meta.ts';
import { validatePodCreate, validatePodUpdate } from './pod.ts';
import { validateAppsCreate, validateAppsUpdate } from './workloads.ts';

/**
 * Validation of writes as kube-apiserver 1.20 runs it (rest.BeforeCreate / rest.BeforeUpdate with
 * each kind's strategy), for the mistakes clients actually make. Every message is 1.20's wording;
 * see the files of this folder for what each kind checks.
 *
 * Objects are given in their storage form, which stands for the internal one kube-apiserver
 * validates: a write through a resource stored as another (events.k8s.io/v1 Events, autoscaling/v1
 * HorizontalPodAutoscalers) is converted first, `def` telling which version it came through.
 */

export interface UpdateOptions {
  /** A PUT to the status subresource: status strategies check metadata, not the spec. */
  subresource?: 'status';
}

const APPS = new Set(['Deployment', 'ReplicaSet', 'StatefulSet', 'DaemonSet']);

/** strategy.Validate of the kind. */
function strategyCreate(def: ResourceDef, o: KubeObject): FieldError[] {
  if (def.group === 'apps' && APPS.has(def.kind)) return validateAppsCreate(def.kind, o);
  switch (def.kind) {
    case 'Pod':
      return validatePodCreate(o);
    case 'Service':
      return validateService(o);
    case 'ConfigMap':
      return validateConfigMap(o);
    case 'Secret':
      return validateSecret(o);
    case 'Namespace':
      return validateNamespace(o);
    case 'Node':
      return meta(o, nameIsDNSSubdomain, false);
    case 'Job':
      return validateJob(o);
    case 'CronJob':
      return validateCronJob(o);
    case 'HorizontalPodAutoscaler':
      return [...meta(o, nameIsDNSSubdomain), ...validateHpaSpec(o.spec, 1)];
    // Events are validated in their internal (core) form, strictly when created through events.k8s.io.
    // Core events and PDBs skip ObjectMeta in their strategies; the second pass checks it.
    case 'Event':
      return validateEventCreate(o, def.group !== '');
    case 'PodDisruptionBudget':
      return [];
    case 'Lease':
      return meta(o, nameIsDNSSubdomain, true, false);
    case 'APIService':
      return meta(o, apiServiceName(o), false, false);
    // ValidateRBACName is a path-segment rule: "system:auth-delegator" is a valid role name.
    case 'ClusterRole':
    case 'ClusterRoleBinding':
    case 'Role':
    case 'RoleBinding':
      return meta(o, validatePathSegmentName, def.namespaced, false);
    default:
      return meta(o, nameIsDNSSubdomain, def.namespaced);
  }
}

/** strategy.ValidateUpdate of the kind, with the repeats the real strategies have. */
function strategyUpdate(def: ResourceDef, next: KubeObject, old: KubeObject): FieldError[] {
  if (def.group === 'apps' && APPS.has(def.kind)) return validateAppsUpdate(def.kind, next, old);
  switch (def.kind) {
    case 'Pod':
      return validatePodUpdate(next, old);
    case 'Service':
      return [...metaUpdate(next, old), ...validateService(next)];
    case 'ConfigMap':
      return validateConfigMapUpdate(next, old);
    case 'Secret':
      return validateSecretUpdate(next, old);
    case 'Namespace':
      return [...validateNamespace(next), ...metaUpdate(next, old)];
    case 'Node':
      return [...meta(next, nameIsDNSSubdomain, false), ...metaUpdate(next, old)];
    case 'Job':
      return validateJobUpdate(next, old);
    case 'CronJob':
      return validateCronJobUpdate(next, old);
    case 'HorizontalPodAutoscaler':
      return [...metaUpdate(next, old), ...validateHpaSpec(next.spec, obj(old.spec)['minReplicas'] === 0 ? 0 : 1)];
    case 'Event':
      return legacyValidateEvent(next);
    case 'PodDisruptionBudget':
      return [];
    case 'Lease':
      return metaUpdate(next, old, false);
    case 'EndpointSlice':
      return meta(next, nameIsDNSSubdomain);
    // ServiceAccounts, Endpoints, APIServices and kinds 1.20 does not know: metadata update, then create rules.
    default:
      return [...metaUpdate(next, old), ...strategyCreate(def, next)];
  }
}

/** The generic pass every kind gets (path-segment names, labels, annotations, owners, finalizers). */
function commonMeta(def: ResourceDef, o: KubeObject): FieldError[] {
  return validateObjectMeta(o.metadata, {
    requiresNamespace: def.namespaced,
    nameFn: validatePathSegmentName,
    kubeFinalizers: false,
  });
}

/**
 * rest.BeforeCreate: the strategy's errors if there are any, else the generic ObjectMeta pass
 * (which only finds something for kinds whose strategy does not check metadata, like core Events).
 * Expects generateName already turned into a name, defaults applied and uid set, as there.
 */
export function validateCreate(def: ResourceDef, o: KubeObject): FieldError[] {
  const errs = strategyCreate(def, o);
  return errs.length > 0 ? errs : commonMeta(def, o);
}

/**
 * rest.BeforeUpdate: the generic ObjectMeta checks (validateCommonFields), then the strategy's
 * ValidateUpdate. Several strategies re-run checks, so the same cause can appear more than once,
 * as it does from kube-apiserver (the Status message lists each once).
 */
export function validateUpdate(
  def: ResourceDef,
  next: KubeObject,
  old: KubeObject,
  opts: UpdateOptions = {},
): FieldError[] {
  const common = [...commonMeta(def, next), ...validateObjectMetaUpdate(next.metadata, old.metadata, false)];
  if (opts.subresource === 'status') return [...common, ...metaUpdate(next, old)];
  return [...common, ...strategyUpdate(def, next, old)];
}
