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
  | {
      kind: 'resource';
      verb: string;
      group: string;
      version?: string;
      resource: string;
      subresource?: string;
      namespace?: string;
      name?: string;
    }
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
const DISCOVERY_URLS = [
  '/livez',
  '/readyz',
  '/healthz',
  '/version',
  '/version/',
  '/openapi',
  '/openapi/*',
  '/api',
  '/api/*',
  '/apis',
  '/apis/*',
];
const PUBLIC_INFO_URLS = ['/healthz', '/livez', '/readyz', '/version', '/version/'];

export interface Rule {
  verbs: string[];
  apiGroups: string[];
  resources: string[];
  resourceNames: string[];
  nonResourceURLs: string[];
}

export interface Subject {
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

function text(v: unknown): string {
  return typeof v === 'string' ? v : '';
}

/** Stored objects are validated for metadata only, so every field is read defensively. */
function rulesOf(role: KubeObject): Rule[] {
  const rules = Array.isArray(role['rules']) ? role['rules'] : [];
  return rules.map((r) => {
    const o = record(r);
    return {
      verbs: strings(o['verbs']),
      apiGroups: strings(o['apiGroups']),
      resources: strings(o['resources']),
      resourceNames: strings(o['resourceNames']),
      nonResourceURLs: strings(o['nonResourceURLs']),
    };
  });
}

function subjectsOf(binding: KubeObject): Subject[] {
  const subjects = Array.isArray(binding['subjects']) ? binding['subjects'] : [];
  return subjects.map((s) => {
    const o = record(s);
    return { kind: text(o['kind']), name: text(o['name']), namespace: text(o['namespace']) };
  });
}

/** rbac.appliesToUser; a ServiceAccount subject without a namespace means the binding's. */
function appliesTo(who: AccessSubject, s: Subject, bindingNamespace: string): boolean {
  switch (s.kind) {
    case 'User':
      return who.user === s.name;
    case 'Group':
      return who.groups.includes(s.name);
    case 'ServiceAccount': {
      const ns = s.namespace || bindingNamespace;
      return ns !== '' && who.user === `system:serviceaccount:${ns}:${s.name}`;
    }
    default:
      return false;
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
    return r.nonResourceURLs.some(
      (u) => u === '*' || u === a.path || (u.endsWith('*') && a.path.startsWith(u.replace(/\*+$/, ''))),
    );
  }
  const combined = a.subresource ? `${a.resource}/${a.subresource}` : a.resource;
  const resourceOk = r.resources.some(
    (res) =>
      res === '*' ||
      res === combined ||
      (a.subresource !== undefined && a.subresource !== '' && res === `*/${a.subresource}`),
  );
  return (
    has(r.apiGroups, a.group) && resourceOk && (r.resourceNames.length === 0 || r.resourceNames.includes(a.name ?? ''))
  );
}

/** A bootstrap rule as rbacv1helpers' RuleOrDie builds it (and kube-apiserver stores it): every list sorted. */
const rule = (verbs: string[], apiGroups: string[], resources: string[], nonResourceURLs: string[] = []): Rule => ({
  verbs: [...verbs].sort(),
  apiGroups: [...apiGroups].sort(),
  resources: [...resources].sort(),
  resourceNames: [],
  nonResourceURLs: [...nonResourceURLs].sort(),
});

/**
 * 1.20's bootstrap ClusterRoleBindings for groups (policy.go), applied without being stored:
 * decisions use all but cluster-admin (system:masters is allowed earlier, with no reason, as the
 * privileged-group authorizer does), and rules reviews list them as RBAC does.
 */
export const BOOTSTRAP_BINDINGS: readonly { name: string; groups: readonly string[]; rules: readonly Rule[] }[] = [
  { name: 'cluster-admin', groups: ['system:masters'], rules: [rule(['*'], ['*'], ['*']), rule(['*'], [], [], ['*'])] },
  {
    name: 'system:monitoring',
    groups: ['system:monitoring'],
    rules: [
      rule(['get'], [], [], ['/metrics', '/livez', '/readyz', '/healthz', '/livez/*', '/readyz/*', '/healthz/*']),
    ],
  },
  { name: 'system:discovery', groups: ['system:authenticated'], rules: [rule(['get'], [], [], DISCOVERY_URLS)] },
  {
    name: 'system:basic-user',
    groups: ['system:authenticated'],
    rules: [rule(['create'], ['authorization.k8s.io'], ['selfsubjectaccessreviews', 'selfsubjectrulesreviews'])],
  },
  {
    name: 'system:public-info-viewer',
    groups: ['system:authenticated', 'system:unauthenticated'],
    rules: [rule(['get'], [], [], PUBLIC_INFO_URLS)],
  },
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
      return {
        allowed: true,
        reason: `RBAC: allowed by ClusterRoleBinding "${b.name}" of ClusterRole "${b.name}" to Group "${group}"`,
      };
    }
  }
  return undefined;
}

function rbacDef(registry: ResourceRegistry, resource: string): ResourceDef | undefined {
  return registry.find(RBAC_GROUP, 'v1', resource);
}

/** One decision for `who` doing `a`, from the built-in policy and the stored RBAC objects. */
/** utilerrors.NewAggregate's text: repeats dropped, one error alone, several as [a, b]. */
export function aggregateErrors(errors: readonly string[]): string {
  const distinct = [...new Set(errors)];
  return distinct.length === 1 ? (distinct[0] as string) : `[${distinct.join(', ')}]`;
}

/** One binding that applies to a subject, with its role's rules or why they could not be read. */
export type AppliedBinding = {
  kind: 'ClusterRoleBinding' | 'RoleBinding';
  /** As RBAC reasons print it: the name, or name/namespace for a RoleBinding. */
  name: string;
  roleRef: { kind: string; name: string };
  subject: Subject;
  bindingNamespace: string;
} & ({ rules: Rule[] } | { error: string });

function roleRules(
  store: ObjectStore,
  registry: ResourceRegistry,
  roleRef: AppliedBinding['roleRef'],
  bindingNamespace: string,
): { rules: Rule[] } | { error: string } {
  const { kind, name } = roleRef;
  const def =
    kind === 'ClusterRole'
      ? rbacDef(registry, 'clusterroles')
      : kind === 'Role' && bindingNamespace !== ''
        ? rbacDef(registry, 'roles')
        : undefined;
  const role = def ? store.get(def, kind === 'Role' ? bindingNamespace : undefined, name)?.obj : undefined;
  return role
    ? { rules: rulesOf(role) }
    : { error: `${kind.toLowerCase()}.${RBAC_GROUP} ${JSON.stringify(name)} not found` };
}

/**
 * rbac's VisitRulesFor over the stored RBAC objects, shared by decisions and rules reviews:
 * ClusterRoleBindings first, then (given a namespace) that namespace's RoleBindings. The visitor
 * returns false to stop.
 */
export function visitRulesFor(
  store: ObjectStore,
  registry: ResourceRegistry,
  who: AccessSubject,
  namespace: string | undefined,
  visit: (b: AppliedBinding) => boolean,
): void {
  const scopes: [ResourceDef | undefined, string | undefined, AppliedBinding['kind']][] = [
    [rbacDef(registry, 'clusterrolebindings'), undefined, 'ClusterRoleBinding'],
  ];
  if (namespace) scopes.push([rbacDef(registry, 'rolebindings'), namespace, 'RoleBinding']);
  for (const [def, ns, kind] of scopes) {
    if (!def) continue;
    const bindingNamespace = ns ?? '';
    for (const { obj: binding } of store.listCurrent(def, ns)) {
      const subject = subjectsOf(binding).find((s) => appliesTo(who, s, bindingNamespace));
      if (!subject) continue;
      const ref = record(binding['roleRef']);
      const roleRef = { kind: text(ref['kind']), name: text(ref['name']) };
      const name = ns ? `${binding.metadata.name ?? ''}/${ns}` : (binding.metadata.name ?? '');
      if (
        !visit({
          kind,
          name,
          roleRef,
          subject,
          bindingNamespace,
          ...roleRules(store, registry, roleRef, bindingNamespace),
        })
      )
        return;
    }
  }
}

export function authorizeAccess(
  store: ObjectStore,
  registry: ResourceRegistry,
  who: AccessSubject,
  a: AccessAttributes,
): Decision {
  const fixed = builtIn(who, a);
  if (fixed) return fixed;
  const errors: string[] = [];
  let allowed: Decision | undefined;
  visitRulesFor(store, registry, who, a.kind === 'resource' ? a.namespace : undefined, (b) => {
    if ('error' in b) errors.push(b.error);
    else if (b.rules.some((r) => ruleAllows(a, r))) {
      allowed = {
        allowed: true,
        reason: `RBAC: allowed by ${b.kind} ${JSON.stringify(b.name)} of ${b.roleRef.kind} ${JSON.stringify(b.roleRef.name)} to ${describeSubject(b.subject, b.bindingNamespace)}`,
      };
    }
    return allowed === undefined;
  });
  return allowed ?? { allowed: false, reason: errors.length > 0 ? `RBAC: ${aggregateErrors(errors)}` : '' };
}
