import type { FieldError } from '../errors.ts';
import type { KubeObject, ResourceDef } from '../registry.ts';
import { labelValue, nameRule, qualifiedName } from './names.ts';

const TOTAL_ANNOTATION_BYTES = 256 * 1024;

/** ValidateObjectMeta: name, namespace, labels, annotations, owner references, finalizers. */
export function validateObjectMeta(def: ResourceDef, obj: KubeObject): FieldError[] {
  const m = obj.metadata;
  const errs: FieldError[] = [];
  if (!m.name) {
    errs.push({ type: 'FieldValueRequired', field: 'metadata.name', detail: 'name or generateName is required' });
  } else {
    for (const msg of nameRule(def.kind)(m.name)) errs.push({ type: 'FieldValueInvalid', field: 'metadata.name', value: m.name, detail: msg });
  }
  if (def.namespaced && !m.namespace) errs.push({ type: 'FieldValueRequired', field: 'metadata.namespace' });
  for (const [k, v] of Object.entries(m.labels ?? {})) {
    for (const msg of qualifiedName(k)) errs.push({ type: 'FieldValueInvalid', field: 'metadata.labels', value: k, detail: msg });
    if (typeof v !== 'string') errs.push({ type: 'FieldValueInvalid', field: `metadata.labels`, value: String(v), detail: 'label values must be strings' });
    else for (const msg of labelValue(v)) errs.push({ type: 'FieldValueInvalid', field: 'metadata.labels', value: v, detail: msg });
  }
  let annotationBytes = 0;
  for (const [k, v] of Object.entries(m.annotations ?? {})) {
    for (const msg of qualifiedName(k.toLowerCase())) errs.push({ type: 'FieldValueInvalid', field: 'metadata.annotations', value: k, detail: msg });
    annotationBytes += k.length + (typeof v === 'string' ? v.length : 0);
  }
  if (annotationBytes > TOTAL_ANNOTATION_BYTES) {
    errs.push({ type: 'FieldValueTooLong', field: 'metadata.annotations', detail: `must have at most ${TOTAL_ANNOTATION_BYTES} bytes` });
  }
  (m.ownerReferences ?? []).forEach((ref, i) => {
    const f = `metadata.ownerReferences[${i}]`;
    if (!ref.apiVersion) errs.push({ type: 'FieldValueInvalid', field: `${f}.apiVersion`, value: ref.apiVersion ?? '', detail: 'version must not be empty' });
    if (!ref.kind) errs.push({ type: 'FieldValueInvalid', field: `${f}.kind`, value: ref.kind ?? '', detail: 'kind must not be empty' });
    if (!ref.name) errs.push({ type: 'FieldValueInvalid', field: `${f}.name`, value: ref.name ?? '', detail: 'name must not be empty' });
    if (!ref.uid) errs.push({ type: 'FieldValueInvalid', field: `${f}.uid`, value: ref.uid ?? '', detail: 'uid must not be empty' });
  });
  const controllers = (m.ownerReferences ?? []).filter((r) => r.controller === true);
  if (controllers.length > 1) {
    errs.push({ type: 'FieldValueInvalid', field: 'metadata.ownerReferences', value: '', detail: 'Only one reference can have Controller set to true' });
  }
  (m.finalizers ?? []).forEach((f) => {
    for (const msg of qualifiedName(f)) errs.push({ type: 'FieldValueInvalid', field: 'metadata.finalizers', value: f, detail: msg });
  });
  return errs;
}

/** ValidateObjectMetaUpdate: identity fields cannot change. */
export function validateObjectMetaUpdate(next: KubeObject, old: KubeObject): FieldError[] {
  const errs: FieldError[] = [];
  for (const f of ['name', 'namespace', 'uid', 'creationTimestamp'] as const) {
    const a = next.metadata[f];
    const b = old.metadata[f];
    if (a !== b) errs.push({ type: 'FieldValueInvalid', field: `metadata.${f}`, value: a ?? '', detail: 'field is immutable' });
  }
  return errs;
}
