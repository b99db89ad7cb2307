import { badRequest } from '../../../kube/apimachinery/errors.ts';
import type { KubeObject, ResourceRegistry } from '../registry.ts';
import type { ObjectStore } from '../store/object-store.ts';
import {
  aggregateErrors,
  BOOTSTRAP_BINDINGS,
  record,
  SIM_VIEWER,
  VIEWER_RULES,
  visitRulesFor,
  type AccessSubject,
  type Rule,
} from './authorizer.ts';

/**
 * SelfSubjectRulesReview (authorization.k8s.io/v1, what `kubectl auth can-i --list` sends) as
 * kube-apiserver 1.20 answers it with RBAC authorization: every rule of every binding that applies
 * to the caller (the bootstrap ClusterRoleBindings, the stored ClusterRoleBindings, then the
 * RoleBindings of the namespace asked about; for the sim's `viewer`, its built-in read policy first), split into resource and non-resource rules. Roles
 * that are missing become the evaluationError. The answer echoes neither metadata nor spec, as
 * the REST storage builds a fresh object.
 */

interface RulesFound {
  rules: Rule[];
  errors: string[];
}

/** The RBAC rule resolver's RulesFor over the sim's built-in policy and stored RBAC objects. */
export function rulesFor(
  store: ObjectStore,
  registry: ResourceRegistry,
  who: AccessSubject,
  namespace: string,
): RulesFound {
  const found: RulesFound = { rules: [], errors: [] };
  if (who.user === SIM_VIEWER) found.rules.push(...VIEWER_RULES);
  for (const b of BOOTSTRAP_BINDINGS) if (b.groups.some((g) => who.groups.includes(g))) found.rules.push(...b.rules);
  visitRulesFor(store, registry, who, namespace, (b) => {
    if ('error' in b) found.errors.push(b.error);
    else found.rules.push(...b.rules);
    return true;
  });
  return found;
}

type Obj = Record<string, unknown>;

/** Go's omitempty on the rule types: verbs always, the other lists only when non-empty. */
function nonEmpty(o: Obj): Obj {
  return Object.fromEntries(Object.entries(o).filter(([k, v]) => k === 'verbs' || (Array.isArray(v) && v.length > 0)));
}

export function selfSubjectRulesReview(
  obj: KubeObject,
  caller: AccessSubject,
  resolve: (who: AccessSubject, namespace: string) => RulesFound,
): Obj {
  const spec = record(obj['spec']);
  const namespace = spec['namespace'];
  if (namespace !== undefined && namespace !== null && typeof namespace !== 'string') {
    throw badRequest(
      `SelfSubjectRulesReview in version "v1" cannot be handled as a SelfSubjectRulesReview: spec.namespace: expected a string, got ${JSON.stringify(namespace)}`,
    );
  }
  if (!namespace) throw badRequest('no namespace on request');
  const { rules, errors } = resolve(caller, namespace);
  const status: Obj = {
    resourceRules: rules
      .filter((r) => r.resources.length > 0)
      .map((r) =>
        nonEmpty({ verbs: r.verbs, apiGroups: r.apiGroups, resources: r.resources, resourceNames: r.resourceNames }),
      ),
    nonResourceRules: rules
      .filter((r) => r.nonResourceURLs.length > 0)
      .map((r) => nonEmpty({ verbs: r.verbs, nonResourceURLs: r.nonResourceURLs })),
    incomplete: false,
  };
  if (errors.length > 0) status['evaluationError'] = aggregateErrors(errors);
  return {
    kind: 'SelfSubjectRulesReview',
    apiVersion: 'authorization.k8s.io/v1',
    metadata: { creationTimestamp: null },
    spec: {},
    status,
  };
}
