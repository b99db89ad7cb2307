import type { FieldError } from '../../../kube/apimachinery/errors.ts';
import type { ObjectMeta } from '../registry.ts';
import { deepEqual } from '../../../util/deep-equal.ts';
import { GO_NIL, GoValue, goOwnerReference, goStringSliceText } from './go-format.ts';
import { arr, eachInvalid, invalid, nonNegative, obj, required, str, tooLong } from './field.ts';
import {
  byteLength,
  isQualifiedName,
  isValidLabelValue,
  nameIsDNSLabel,
  type NameFn,
} from '../../../kube/apimachinery/names.ts';

/** k8s.io/apimachinery/pkg/api/validation/objectmeta.go (1.20), plus core's finalizer rule. */

const TOTAL_ANNOTATION_SIZE = 256 * 1024;
const STANDARD_FINALIZERS = new Set(['kubernetes', 'orphan', 'foregroundDeletion']);

export interface MetaRules {
  requiresNamespace: boolean;
  nameFn: NameFn;
  /** pkg/apis/core/validation's ValidateObjectMeta: finalizers without a '/' must be standard names. */
  kubeFinalizers: boolean;
}

/** metav1validation.ValidateLabels: key and value errors, at the map's path. */
export function validateLabels(labels: unknown, field: string): FieldError[] {
  const errs: FieldError[] = [];
  for (const [k, v] of Object.entries(obj(labels))) {
    errs.push(...eachInvalid(field, k, isQualifiedName(k)));
    errs.push(...eachInvalid(field, str(v), isValidLabelValue(str(v))));
  }
  return errs;
}

export function validateAnnotations(annotations: unknown, field: string): FieldError[] {
  const errs: FieldError[] = [];
  let total = 0;
  for (const [k, v] of Object.entries(obj(annotations))) {
    errs.push(...eachInvalid(field, k, isQualifiedName(k.toLowerCase())));
    total += byteLength(k) + byteLength(str(v));
  }
  if (total > TOTAL_ANNOTATION_SIZE) errs.push(tooLong(field, TOTAL_ANNOTATION_SIZE));
  return errs;
}

/** The version part of schema.ParseGroupVersion; '' when it does not parse. */
function versionOf(apiVersion: string): string {
  const parts = apiVersion.split('/');
  if (parts.length === 1) return apiVersion;
  return parts.length === 2 ? (parts[1] as string) : '';
}

/** ValidateOwnerReferences: the path is the list's, not the item's (metadata.ownerReferences.uid). */
function validateOwnerReferences(refs: unknown, field: string): FieldError[] {
  const errs: FieldError[] = [];
  let controllerName = '';
  const list = arr(refs);
  for (const item of list) {
    const ref = obj(item);
    const apiVersion = str(ref['apiVersion']);
    const kind = str(ref['kind']);
    const version = versionOf(apiVersion);
    if (version === '') errs.push(invalid(`${field}.apiVersion`, apiVersion, 'version must not be empty'));
    if (kind === '') errs.push(invalid(`${field}.kind`, kind, 'kind must not be empty'));
    if (str(ref['name']) === '') errs.push(invalid(`${field}.name`, '', 'name must not be empty'));
    if (str(ref['uid']) === '') errs.push(invalid(`${field}.uid`, '', 'uid must not be empty'));
    // BannedOwners: core/v1 Events may not own anything (gvk.String() is "/v1, Kind=Event").
    if (apiVersion === 'v1' && kind === 'Event')
      errs.push(
        invalid(field, new GoValue(goOwnerReference(ref)), '/v1, Kind=Event is disallowed from being an owner'),
      );
    if (ref['controller'] === true) {
      if (controllerName !== '') {
        const all = new GoValue(`[]v1.OwnerReference{${list.map(goOwnerReference).join(', ')}}`);
        errs.push(
          invalid(
            field,
            all,
            `Only one reference can have Controller set to true. Found "true" in references for ${controllerName} and ${str(ref['name'])}`,
          ),
        );
      } else {
        controllerName = str(ref['name']);
      }
    }
  }
  return errs;
}

function validateFinalizers(finalizers: unknown, field: string): FieldError[] {
  const list = arr(finalizers).map(str);
  const errs = list.flatMap((f) => eachInvalid(field, f, isQualifiedName(f)));
  if (list.includes('orphan') && list.includes('foregroundDeletion')) {
    errs.push(
      invalid(
        field,
        new GoValue(goStringSliceText(list)),
        'finalizer orphan and foregroundDeletion cannot be both set',
      ),
    );
  }
  return errs;
}

function kubeFinalizerErrors(meta: ObjectMeta, path: string): FieldError[] {
  return arr(meta.finalizers)
    .map(str)
    .flatMap((f, i) =>
      !f.includes('/') && !STANDARD_FINALIZERS.has(f)
        ? [
            invalid(
              `${path}.finalizers[${i}]`,
              f,
              'name is neither a standard finalizer name nor is it fully qualified',
            ),
          ]
        : [],
    );
}

/**
 * ValidateObjectMeta on create. Namespace presence for cluster-scoped kinds is not checked:
 * BeforeCreate clears it before validation runs.
 */
export function validateObjectMeta(meta: ObjectMeta, rules: MetaRules, path = 'metadata'): FieldError[] {
  const errs: FieldError[] = [];
  const generateName = str(meta.generateName);
  if (generateName !== '')
    errs.push(...eachInvalid(`${path}.generateName`, generateName, rules.nameFn(generateName, true)));
  const name = str(meta.name);
  if (name === '') errs.push(required(`${path}.name`, 'name or generateName is required'));
  else errs.push(...eachInvalid(`${path}.name`, name, rules.nameFn(name, false)));
  if (rules.requiresNamespace) {
    const ns = str(meta.namespace);
    if (ns === '') errs.push(required(`${path}.namespace`));
    else errs.push(...eachInvalid(`${path}.namespace`, ns, nameIsDNSLabel(ns, false)));
  }
  if (typeof meta.generation === 'number') errs.push(...nonNegative(meta.generation, `${path}.generation`));
  errs.push(...validateLabels(meta.labels, `${path}.labels`));
  errs.push(...validateAnnotations(meta.annotations, `${path}.annotations`));
  errs.push(...validateOwnerReferences(meta.ownerReferences, `${path}.ownerReferences`));
  errs.push(...validateFinalizers(meta.finalizers, `${path}.finalizers`));
  if (rules.kubeFinalizers) errs.push(...kubeFinalizerErrors(meta, path));
  return errs;
}

/**
 * ValidateObjectMetaUpdate as it sees objects after rest.BeforeUpdate, which has already
 * restored uid (when empty), generation, creationTimestamp and deletionTimestamp from the old
 * object, so only a changed name, namespace, non-empty uid or set grace period can differ.
 * "No new finalizers while deleting" is left to the service, which reports it itself.
 */
export function validateObjectMetaUpdate(
  next: ObjectMeta,
  old: ObjectMeta,
  kubeFinalizers: boolean,
  path = 'metadata',
): FieldError[] {
  const errs: FieldError[] = [];
  const immutable = (field: string, a: unknown, b: unknown, shown: unknown): void => {
    if (!deepEqual(a ?? '', b ?? '')) errs.push(invalid(`${path}.${field}`, shown, 'field is immutable'));
  };
  immutable('name', next.name, old.name, str(next.name));
  immutable('namespace', next.namespace, old.namespace, str(next.namespace));
  if (str(next.uid) !== '') immutable('uid', next.uid, old.uid, str(next.uid));
  const grace = next.deletionGracePeriodSeconds;
  if (grace !== undefined && grace !== null)
    immutable('deletionGracePeriodSeconds', grace, old.deletionGracePeriodSeconds, grace);
  errs.push(...validateLabels(next.labels, `${path}.labels`));
  errs.push(...validateAnnotations(next.annotations, `${path}.annotations`));
  errs.push(...validateOwnerReferences(next.ownerReferences, `${path}.ownerReferences`));
  if (kubeFinalizers) errs.push(...kubeFinalizerErrors(next, path));
  return errs;
}

/** A nil pointer shows as the string "null" in field errors; set ones show their value. */
export const orNull = (v: unknown): unknown => (v === undefined || v === null ? GO_NIL : v);
