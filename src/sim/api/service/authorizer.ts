import type { KubeObject, ResourceDef, ResourceRegistry } from '../registry.ts';
import type { ObjectStore } from '../store/object-store.ts';

/**
 * The sim's authorizer: what kube-apiserver's `--authorization-mode=RBAC` chain decides, for the
 * sim's own requests and for SubjectAccessReviews alike (one decision function, so a review never
 * says something the sim would not do). In order:
 *
 * 1. members of `system:masters` may do anything (the privileged-group authorizer: no reason);
 * 2. the sim's read-only token user `viewer` may get/list/watch every resource and GET every
 *    path: a built-in policy of the sim, not an RBAC object (kube-apiserver has no such user);
 * 3. the bootstrap bindings `system:discovery`, `system:public-info-viewer` (discovery,
 *    /version and health paths for authenticated callers) and `system:basic-user` (a caller's
 *    own access reviews, as `kubectl auth can-i` sends) apply without being stored: every
 *    cluster has them, and storing them would add objects to every sim;
 * 4. RBAC over the ClusterRoles, ClusterRoleBindings, Roles and RoleBindings stored in the sim,
 *    with kube-apiserver's matching rules and reasons (`RBAC: allowed by ...`, missing roles
 *    reported as `RBAC: clusterrole.rbac.authorization.k8s.io "x" not found`).
 *
 * Not modelled: ClusterRole aggregationRule (rules are used as stored), impersonation, and
 * `denied` (RBAC never denies, it only has no opinion).
 */

export type AccessAttributes =
  | { kind: 'resource'; verb: string; group: string; version?: string; resource: string; subresource?: string; namespace?: string; name?: string }
  | { kind: 'nonResource'; verb: string; path: string };

export interface AccessSubject {
  user: string;
  groups: readonly string[];
}

export interface Decision {
  allowed: boolean;
  reason: string;
}

/** The user name of the sim's read-only token (http/auth.ts). */
export const SIM_VIEWER = 'viewer';
export const RBAC_GROUP = 'rbac.authorization.k8s.io';

const READ_VERBS = new Set(['get', 'list', 'watch']);
// 1.20's bootstrap policy (plugin/pkg/auth/authorizer/rbac/bootstrappolicy/policy.go).
const DISCOVERY_URLS = ['/livez', '/readyz', '/healthz', '/version', '/version/', '/openapi', '/openapi/*', '/api', '/api/*', '/apis', '/apis/*'];
const PUBLIC_INFO_URLS = ['/healthz', '/livez', '/readyz', '/version', '/version/'];

export interface Rule {
  verbs: string[];
  apiGroups: string[];
  resources: string[];
  resourceNames: string[];
  nonResourceURLs: string[];
}

interface Subject {
  kind: string;
  name: string;
  namespace: string;
}

function strings(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

export function record(v: unknown): Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

export function text(v: unknown): string {
  return typeof v === 'string' ? v : '';
}

/** Stored objects are validated for metadata only, so every field is read defensively. */
export function rulesOf(role: KubeObject): Rule[] {
  const rules = Array.isArray(role['rules']) ? role['rules'] : [];
  return rules.map((r) => {
    const o = record(r);
    return { verbs: strings(o['verbs']), apiGroups: strings(o['apiGroups']), resources: strings(o['resources']), resourceNames: strings(o['resourceNames']), nonResourceURLs: strings(o['nonResourceURLs']) };
  });
}

export function subjectsOf(binding: KubeObject): Subject[] {
  const subjects = Array.isArray(binding['subjects']) ? binding['subjects'] : [];
  return subjects.map((s) => {
    const o = record(s);
    return { kind: text(o['kind']), name: text(o['name']), namespace: text(o['namespace']) };
  });
}

/** rbac.appliesToUser; a ServiceAccount subject without a namespace means the binding's. */
export function appliesTo(who: AccessSubject, s: Subject, bindingNamespace: string): boolean {
  switch (s.kind) {
    case 'User': return who.user === s.name;
    case 'Group': return who.groups.includes(s.name);
    case 'ServiceAccount': {
      const ns = s.namespace || bindingNamespace;
      return ns !== '' && who.user === `system:serviceaccount:${ns}:${s.name}`;
    }
    default: return false;
  }
}

/** describeSubject in kube-apiserver's RBAC reasons. */
function describeSubject(s: Subject, bindingNamespace: string): string {
  if (s.kind === 'ServiceAccount') return `${s.kind} ${JSON.stringify(`${s.name}/${s.namespace || bindingNamespace}`)}`;
  return `${s.kind} ${JSON.stringify(s.name)}`;
}

const has = (list: string[], v: string): boolean => list.includes('*') || list.includes(v);

/** rbac.RuleAllows: verbs, groups, resource (also "*" + "/sub" forms), names, or non-resource URLs ("prefix*"). */
export function ruleAllows(a: AccessAttributes, r: Rule): boolean {
  if (!has(r.verbs, a.verb)) return false;
  if (a.kind === 'nonResource') {
    return r.nonResourceURLs.some((u) => u === '*' || u === a.path || (u.endsWith('*') && a.path.startsWith(u.replace(/\*+$/, ''))));
  }
  const combined = a.subresource ? `${a.resource}/${a.subresource}` : a.resource;
  const resourceOk = r.resources.some((res) => res === '*' || res === combined || (a.subresource !== undefined && a.subresource !== '' && res === `*/${a.subresource}`));
  return has(r.apiGroups, a.group) && resourceOk && (r.resourceNames.length === 0 || r.resourceNames.includes(a.name ?? ''));
}

/** A bootstrap rule as rbacv1helpers' RuleOrDie builds it (and kube-apiserver stores it): every list sorted. */
const rule = (verbs: string[], apiGroups: string[], resources: string[], nonResourceURLs: string[] = []): Rule =>
  ({ verbs: [...verbs].sort(), apiGroups: [...apiGroups].sort(), resources: [...resources].sort(), resourceNames: [], nonResourceURLs: [...nonResourceURLs].sort() });

/**
 * 1.20's bootstrap ClusterRoleBindings for groups (policy.go), applied without being stored:
 * decisions use all but cluster-admin (system:masters is allowed earlier, with no reason, as the
 * privileged-group authorizer does), and rules reviews list them as RBAC does.
 */
export const BOOTSTRAP_BINDINGS: readonly { name: string; groups: readonly string[]; rules: readonly Rule[] }[] = [
  { name: 'cluster-admin', groups: ['system:masters'], rules: [rule(['*'], ['*'], ['*']), rule(['*'], [], [], ['*'])] },
  { name: 'system:monitoring', groups: ['system:monitoring'], rules: [rule(['get'], [], [], ['/metrics', '/livez', '/readyz', '/healthz', '/livez/*', '/readyz/*', '/healthz/*'])] },
  { name: 'system:discovery', groups: ['system:authenticated'], rules: [rule(['get'], [], [], DISCOVERY_URLS)] },
  { name: 'system:basic-user', groups: ['system:authenticated'], rules: [rule(['create'], ['authorization.k8s.io'], ['selfsubjectaccessreviews', 'selfsubjectrulesreviews'])] },
  { name: 'system:public-info-viewer', groups: ['system:authenticated', 'system:unauthenticated'], rules: [rule(['get'], [], [], PUBLIC_INFO_URLS)] },
];

/** The sim's read-only `viewer` policy as rules, for rules reviews (decisions apply it in builtIn). */
export const VIEWER_RULES: readonly Rule[] = [rule([...READ_VERBS], ['*'], ['*']), rule(['get'], [], [], ['*'])];

function builtIn(who: AccessSubject, a: AccessAttributes): Decision | undefined {
  if (who.groups.includes('system:masters')) return { allowed: true, reason: '' };
  if (who.user === SIM_VIEWER && READ_VERBS.has(a.verb) && (a.kind === 'resource' || a.verb === 'get')) {
    return { allowed: true, reason: `kubeloop-sim: allowed by the built-in read-only policy of user "${SIM_VIEWER}"` };
  }
  for (const b of BOOTSTRAP_BINDINGS) {
    const group = b.groups.find((g) => who.groups.includes(g));
    if (group && b.rules.some((r) => ruleAllows(a, r))) {
      return { allowed: true, reason: `RBAC: allowed by ClusterRoleBinding "${b.name}" of ClusterRole "${b.name}" to Group "${group}"` };
    }
  }
  return undefined;
}

export function rbacDef(registry: ResourceRegistry, resource: string): ResourceDef | undefined {
  return registry.find(RBAC_GROUP, 'v1', resource);
}

/** One decision for `who` doing `a`, from the built-in policy and the stored RBAC objects. */
/** utilerrors.NewAggregate's text: repeats dropped, one error alone, several as [a, b]. */
export function aggregateErrors(errors: readonly string[]): string {
  const distinct = [...new Set(errors)];
  return distinct.length === 1 ? (distinct[0] as string) : `[${distinct.join(', ')}]`;
}

export function authorizeAccess(store: ObjectStore, registry: ResourceRegistry, who: AccessSubject, a: AccessAttributes): Decision {
  const fixed = builtIn(who, a);
  if (fixed) return fixed;
  const errors: string[] = [];
  const clusterRoles = rbacDef(registry, 'clusterroles');
  const roles = rbacDef(registry, 'roles');
  const roleRules = (ref: Record<string, unknown>, bindingNamespace: string): Rule[] | undefined => {
    const kind = text(ref['kind']);
    const name = text(ref['name']);
    const def = kind === 'ClusterRole' ? clusterRoles : kind === 'Role' && bindingNamespace !== '' ? roles : undefined;
    const role = def ? store.get(def, kind === 'Role' ? bindingNamespace : undefined, name)?.obj : undefined;
    if (!role) {
      errors.push(`${kind.toLowerCase()}.${RBAC_GROUP} ${JSON.stringify(name)} not found`);
      return undefined;
    }
    return rulesOf(role);
  };
  // ClusterRoleBindings first, then the RoleBindings of the request's namespace (VisitRulesFor's order).
  const scopes: [ResourceDef | undefined, string | undefined, string][] = [[rbacDef(registry, 'clusterrolebindings'), undefined, 'ClusterRoleBinding']];
  if (a.kind === 'resource' && a.namespace) scopes.push([rbacDef(registry, 'rolebindings'), a.namespace, 'RoleBinding']);
  for (const [def, namespace, bindingKind] of scopes) {
    if (!def) continue;
    for (const { obj: binding } of store.listCurrent(def, namespace)) {
      const bindingNamespace = namespace ?? '';
      const subject = subjectsOf(binding).find((s) => appliesTo(who, s, bindingNamespace));
      if (!subject) continue;
      const ref = record(binding['roleRef']);
      const rules = roleRules(ref, bindingNamespace);
      if (!rules?.some((r) => ruleAllows(a, r))) continue;
      const bindingName = namespace ? `${binding.metadata.name ?? ''}/${namespace}` : binding.metadata.name ?? '';
      return { allowed: true, reason: `RBAC: allowed by ${bindingKind} ${JSON.stringify(bindingName)} of ${text(ref['kind'])} ${JSON.stringify(text(ref['name']))} to ${describeSubject(subject, bindingNamespace)}` };
    }
  }
  return { allowed: false, reason: errors.length > 0 ? `RBAC: ${aggregateErrors(errors)}` : '' };
}
