import type { FieldError } from '../errors.ts';
import type { KubeObject, ResourceDef } from '../registry.ts';
import { isPlainObject } from '../../../util/deep-equal.ts';
import { configMapKey } from './names.ts';
import { validateObjectMeta, validateObjectMetaUpdate } from './object-meta.ts';
import { validatePodSpec, validatePodSpecUpdate } from './pod.ts';
import { validateSelectorImmutable, validateWorkload } from './workloads.ts';

/**
 * Validation as kube-apiserver's pkg/apis/<group>/validation does it, for the mistakes clients
 * actually make; each message matches the real wording so errors read the same on both.
 */
export function validateCreate(def: ResourceDef, obj: KubeObject): FieldError[] {
  return [...validateObjectMeta(def, obj), ...validateKind(def, obj)];
}

export function validateUpdate(def: ResourceDef, obj: KubeObject, old: KubeObject): FieldError[] {
  const errs = [...validateObjectMetaUpdate(obj, old), ...validateObjectMeta(def, obj), ...validateKind(def, obj)];
  if (def.kind === 'Pod') errs.push(...validatePodSpecUpdate(obj.spec, old.spec));
  if (['Deployment', 'ReplicaSet', 'StatefulSet', 'DaemonSet', 'Job'].includes(def.kind)) errs.push(...validateSelectorImmutable(obj, old));
  return errs;
}

function validateKind(def: ResourceDef, obj: KubeObject): FieldError[] {
  switch (def.kind) {
    case 'Pod':
      return validatePodSpec(obj.spec, 'spec');
    case 'Deployment':
    case 'ReplicaSet':
    case 'StatefulSet':
    case 'DaemonSet':
    case 'Job':
      return validateWorkload(def.kind, obj);
    case 'Service':
      return validateService(obj);
    case 'ConfigMap':
    case 'Secret':
      return validateDataKeys(obj);
    case 'HorizontalPodAutoscaler':
      return validateHpa(obj);
    default:
      return [];
  }
}

function validateService(obj: KubeObject): FieldError[] {
  const spec = isPlainObject(obj.spec) ? obj.spec : {};
  const errs: FieldError[] = [];
  const type = spec['type'] ?? 'ClusterIP';
  const types = ['ClusterIP', 'NodePort', 'LoadBalancer', 'ExternalName'];
  if (!types.includes(String(type))) errs.push({ type: 'FieldValueNotSupported', field: 'spec.type', value: String(type), detail: 'supported values: "ClusterIP", "ExternalName", "LoadBalancer", "NodePort"' });
  const ports = spec['ports'];
  const headless = spec['clusterIP'] === 'None';
  if ((!Array.isArray(ports) || ports.length === 0) && type !== 'ExternalName' && !headless) errs.push({ type: 'FieldValueRequired', field: 'spec.ports' });
  if (Array.isArray(ports)) {
    const names = new Set<string>();
    ports.forEach((p, i) => {
      const port = isPlainObject(p) ? p['port'] : undefined;
      if (typeof port !== 'number' || !Number.isInteger(port) || port < 1 || port > 65535) {
        errs.push({ type: 'FieldValueInvalid', field: `spec.ports[${i}].port`, value: typeof port === 'number' ? port : 0, detail: 'must be between 1 and 65535, inclusive' });
      }
      const target = isPlainObject(p) ? p['targetPort'] : undefined;
      if (typeof target === 'number' && (!Number.isInteger(target) || target < 1 || target > 65535)) {
        errs.push({ type: 'FieldValueInvalid', field: `spec.ports[${i}].targetPort`, value: target, detail: 'must be between 1 and 65535, inclusive' });
      }
      const protocol = isPlainObject(p) ? p['protocol'] : undefined;
      if (protocol !== undefined && !['TCP', 'UDP', 'SCTP'].includes(String(protocol))) {
        errs.push({ type: 'FieldValueNotSupported', field: `spec.ports[${i}].protocol`, value: String(protocol), detail: 'supported values: "SCTP", "TCP", "UDP"' });
      }
      const name = isPlainObject(p) && typeof p['name'] === 'string' ? p['name'] : '';
      if (ports.length > 1 && name === '') errs.push({ type: 'FieldValueRequired', field: `spec.ports[${i}].name` });
      if (name !== '' && names.has(name)) errs.push({ type: 'FieldValueDuplicate', field: `spec.ports[${i}].name`, value: name });
      names.add(name);
    });
  }
  return errs;
}

function validateDataKeys(obj: KubeObject): FieldError[] {
  const errs: FieldError[] = [];
  for (const field of ['data', 'binaryData', 'stringData']) {
    const data = obj[field];
    if (!isPlainObject(data)) continue;
    for (const key of Object.keys(data)) {
      for (const msg of configMapKey(key)) errs.push({ type: 'FieldValueInvalid', field: `${field}[${key}]`, value: key, detail: msg });
    }
  }
  return errs;
}

function validateHpa(obj: KubeObject): FieldError[] {
  const spec = isPlainObject(obj.spec) ? obj.spec : {};
  const errs: FieldError[] = [];
  const max = spec['maxReplicas'];
  const min = spec['minReplicas'];
  if (typeof max !== 'number' || max < 1) errs.push({ type: 'FieldValueInvalid', field: 'spec.maxReplicas', value: typeof max === 'number' ? max : 0, detail: 'must be greater than 0' });
  if (min !== undefined && (typeof min !== 'number' || min < 1)) errs.push({ type: 'FieldValueInvalid', field: 'spec.minReplicas', value: typeof min === 'number' ? min : String(min), detail: 'must be greater than or equal to 1' });
  if (typeof max === 'number' && typeof min === 'number' && min > max) errs.push({ type: 'FieldValueInvalid', field: 'spec.maxReplicas', value: max, detail: 'must be greater than or equal to `minReplicas`' });
  const ref = spec['scaleTargetRef'];
  if (!isPlainObject(ref) || !ref['kind']) errs.push({ type: 'FieldValueRequired', field: 'spec.scaleTargetRef.kind' });
  if (!isPlainObject(ref) || !ref['name']) errs.push({ type: 'FieldValueRequired', field: 'spec.scaleTargetRef.name' });
  return errs;
}
