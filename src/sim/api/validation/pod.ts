import type { FieldError } from '../errors.ts';
import { isPlainObject } from '../../../util/deep-equal.ts';
import { dns1123Label } from './names.ts';

type Obj = Record<string, unknown>;

const RESTART_POLICIES = ['Always', 'OnFailure', 'Never'];

function validateContainers(list: unknown, field: string, required: boolean, seen: Set<string>): FieldError[] {
  const errs: FieldError[] = [];
  if (!Array.isArray(list) || list.length === 0) {
    if (required) errs.push({ type: 'FieldValueRequired', field });
    return errs;
  }
  list.forEach((c, i) => {
    const f = `${field}[${i}]`;
    if (!isPlainObject(c)) {
      errs.push({ type: 'FieldValueInvalid', field: f, value: '', detail: 'must be an object' });
      return;
    }
    const name = c['name'];
    if (typeof name !== 'string' || name === '') errs.push({ type: 'FieldValueRequired', field: `${f}.name` });
    else {
      for (const msg of dns1123Label(name)) errs.push({ type: 'FieldValueInvalid', field: `${f}.name`, value: name, detail: msg });
      if (seen.has(name)) errs.push({ type: 'FieldValueDuplicate', field: `${f}.name`, value: name });
      seen.add(name);
    }
    const image = c['image'];
    if (typeof image !== 'string' || image.trim() === '') errs.push({ type: 'FieldValueRequired', field: `${f}.image` });
    const ports = c['ports'];
    if (Array.isArray(ports)) {
      ports.forEach((p, j) => {
        const port = isPlainObject(p) ? p['containerPort'] : undefined;
        if (typeof port !== 'number' || !Number.isInteger(port) || port < 1 || port > 65535) {
          errs.push({ type: 'FieldValueInvalid', field: `${f}.ports[${j}].containerPort`, value: typeof port === 'number' ? port : 0, detail: 'must be between 1 and 65535, inclusive' });
        }
      });
    }
  });
  return errs;
}

/** ValidatePodSpec, the parts clients trip over: containers, names, images, restart policy. */
export function validatePodSpec(spec: unknown, field: string): FieldError[] {
  if (!isPlainObject(spec)) return [{ type: 'FieldValueRequired', field: `${field}.containers` }];
  const seen = new Set<string>();
  const errs = [
    ...validateContainers(spec['containers'], `${field}.containers`, true, seen),
    ...validateContainers(spec['initContainers'], `${field}.initContainers`, false, seen),
  ];
  const rp = spec['restartPolicy'];
  if (rp !== undefined && !RESTART_POLICIES.includes(String(rp))) {
    errs.push({ type: 'FieldValueNotSupported', field: `${field}.restartPolicy`, value: String(rp), detail: 'supported values: "Always", "OnFailure", "Never"' });
  }
  return errs;
}

const MUTABLE_POD_SPEC_FIELDS = new Set(['activeDeadlineSeconds', 'tolerations', 'terminationGracePeriodSeconds']);

/** ValidatePodUpdate: only images, activeDeadlineSeconds and added tolerations may change. */
export function validatePodSpecUpdate(next: unknown, old: unknown): FieldError[] {
  if (!isPlainObject(next) || !isPlainObject(old)) return [];
  const strip = (s: Obj): Obj => {
    const out: Obj = {};
    for (const [k, v] of Object.entries(s)) if (!MUTABLE_POD_SPEC_FIELDS.has(k)) out[k] = v;
    for (const list of ['containers', 'initContainers']) {
      const cs = out[list];
      if (Array.isArray(cs)) out[list] = cs.map((c) => (isPlainObject(c) ? { ...c, image: undefined } : c));
    }
    // Binding sets nodeName once; the scheduler path is the binding subresource, but an unset
    // nodeName may still be set through an update.
    if (old['nodeName'] === undefined) delete out['nodeName'];
    return JSON.parse(JSON.stringify(out)) as Obj;
  };
  if (JSON.stringify(sortKeys(strip(next))) === JSON.stringify(sortKeys(strip(old)))) return [];
  return [{
    type: 'FieldValueForbidden',
    field: 'spec',
    detail: 'pod updates may not change fields other than `spec.containers[*].image`, `spec.initContainers[*].image`, `spec.activeDeadlineSeconds`, `spec.tolerations` (only additions to existing tolerations) or `spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)',
  }];
}

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (!isPlainObject(v)) return v;
  const out: Obj = {};
  for (const k of Object.keys(v).sort()) out[k] = sortKeys(v[k]);
  return out;
}
