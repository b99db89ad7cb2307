import { ApiError } from '../../../kube/apimachinery/errors.ts';

export interface ManagerConflict {
  /** The other manager as the message names it: `"m1"`, or `"kubectl" using apps/v1` for an Update manager. */
  manager: string;
  /** Conflicting fields, as paths (`.spec.replicas`). */
  paths: string[];
}

/**
 * The 409 of an apply that would change fields other managers own (fieldmanager's
 * NewConflictError): one cause per field, and a message that lists them by manager.
 */
export function conflict(conflicts: ManagerConflict[]): ApiError {
  const flat = conflicts.flatMap((c) => c.paths.map((path) => ({ manager: c.manager, path })));
  const causes = flat.map((c) => ({
    reason: 'FieldManagerConflict',
    message: `conflict with ${c.manager}`,
    field: c.path,
  }));
  let message: string;
  if (flat.length === 1) {
    const only = flat[0] as { manager: string; path: string };
    message = `Apply failed with 1 conflict: conflict with ${only.manager}: ${only.path}`;
  } else {
    const lines: string[] = [];
    for (const c of [...conflicts].sort((a, b) => (a.manager < b.manager ? -1 : a.manager > b.manager ? 1 : 0))) {
      lines.push(`conflicts with ${c.manager}:`, ...c.paths.map((p) => `- ${p}`));
    }
    message = `Apply failed with ${flat.length} conflicts: ${lines.join('\n')}`;
  }
  return new ApiError({ message, reason: 'Conflict', details: { causes }, code: 409 });
}

export type OptionsKind = 'CreateOptions' | 'UpdateOptions' | 'PatchOptions';

/** Write options validation (422 on meta.k8s.io/PatchOptions and the like), as kube-apiserver words it. */
export function invalidOptions(
  options: OptionsKind,
  field: 'fieldManager' | 'force',
  reason: 'FieldValueRequired' | 'FieldValueForbidden' | 'FieldValueTooLong',
  detail: string,
): ApiError {
  const prefix =
    reason === 'FieldValueRequired' ? 'Required value' : reason === 'FieldValueForbidden' ? 'Forbidden' : 'Too long';
  const msg = `${prefix}: ${detail}`;
  return new ApiError({
    message: `${options}.meta.k8s.io "" is invalid: ${field}: ${msg}`,
    reason: 'Invalid',
    details: { group: 'meta.k8s.io', kind: options, causes: [{ reason, message: msg, field }] },
    code: 422,
  });
}
