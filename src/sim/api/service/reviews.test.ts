import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { simRequest, startTestSim, type TestSim } from '../../../../test/support/sim.ts';
import { Kubectl } from '../../../../test/support/kubectl.ts';
import { ruleAllows } from './authorizer.ts';

/**
 * TokenReview and SubjectAccessReview on the sim, and the RBAC the sim now evaluates. Expected
 * bodies are the ones kube-apiserver 1.20 answered for the same requests (RBAC mode, a token file
 * with the same admin and viewer users), minus metadata.managedFields.
 */

const READER = 'reader-token-0123456789';
let t: TestSim;

const post = (path: string, body: unknown, token?: string | null) =>
  simRequest(t.sim, 'POST', path, {
    token,
    body: JSON.stringify(body),
    headers: { 'content-type': 'application/json' },
  });
const tokenReview = (spec: unknown, token?: string) =>
  post(
    '/apis/authentication.k8s.io/v1/tokenreviews',
    { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenReview', spec },
    token,
  );
const sar = (spec: unknown) =>
  post('/apis/authorization.k8s.io/v1/subjectaccessreviews', {
    apiVersion: 'authorization.k8s.io/v1',
    kind: 'SubjectAccessReview',
    spec,
  });
const status = async (spec: unknown): Promise<unknown> => (await sar(spec)).json<{ status: unknown }>().status;
const metricsGet = (namespace: string) => ({
  verb: 'get',
  group: 'custom.metrics.k8s.io',
  version: 'v1beta2',
  resource: 'pods',
  subresource: 'http_requests_qps',
  name: '*',
  namespace,
});
const rbac = (path: string, body: Record<string, unknown>) =>
  post(`/apis/rbac.authorization.k8s.io/v1/${path}`, { apiVersion: 'rbac.authorization.k8s.io/v1', ...body });

beforeAll(async () => {
  t = await startTestSim({
    tokens: { users: [{ token: READER, name: 'reader', uid: 'reader-uid', groups: ['readers'] }] },
  });
  await post('/api/v1/namespaces', { metadata: { name: 'm' } });
}, 60_000);
afterAll(async () => {
  await t?.sim.stop();
});

describe('TokenReview', () => {
  it('authenticates the sim tokens as kube-apiserver does a token file, with the API audiences', async () => {
    const admin = await tokenReview({ token: t.sim.tokens.admin });
    expect(admin.status).toBe(201);
    expect(admin.json()).toEqual({
      kind: 'TokenReview',
      apiVersion: 'authentication.k8s.io/v1',
      metadata: { creationTimestamp: null },
      spec: { token: t.sim.tokens.admin },
      status: {
        authenticated: true,
        user: { username: 'admin', groups: ['system:masters', 'system:authenticated'] },
        audiences: ['https://kubernetes.default.svc.cluster.local'],
      },
    });
    expect((await tokenReview({ token: t.sim.tokens.readOnly })).json<{ status: unknown }>().status).toMatchObject({
      authenticated: true,
      user: { username: 'viewer', groups: ['system:authenticated'] },
    });
    expect((await tokenReview({ token: READER })).json<{ status: unknown }>().status).toEqual({
      authenticated: true,
      user: { username: 'reader', uid: 'reader-uid', groups: ['readers', 'system:authenticated'] },
      audiences: ['https://kubernetes.default.svc.cluster.local'],
    });
  });

  it('answers an unknown token or a foreign audience with 201 and error "invalid bearer token"', async () => {
    const unknown = await tokenReview({ token: 'nope' });
    expect(unknown.status).toBe(201);
    expect(unknown.json<{ status: unknown }>().status).toEqual({ user: {}, error: 'invalid bearer token' });
    const foreign = await tokenReview({ token: t.sim.tokens.admin, audiences: ['other'] });
    expect(foreign.json()).toMatchObject({
      spec: { audiences: ['other'] },
      status: { user: {}, error: 'invalid bearer token' },
    });
    const both = await tokenReview({
      token: t.sim.tokens.admin,
      audiences: ['other', 'https://kubernetes.default.svc.cluster.local'],
    });
    expect(both.json<{ status: unknown }>().status).toMatchObject({
      authenticated: true,
      audiences: ['https://kubernetes.default.svc.cluster.local'],
    });
  });

  it('refuses what kube-apiserver refuses: no token, GET, a namespaced path, a caller without create', async () => {
    const empty = await tokenReview({});
    expect([empty.status, empty.json<{ message: string }>().message]).toEqual([
      400,
      'token is required for TokenReview in authentication',
    ]);
    expect((await simRequest(t.sim, 'GET', '/apis/authentication.k8s.io/v1/tokenreviews')).status).toBe(405);
    expect(
      (await post('/apis/authentication.k8s.io/v1/namespaces/default/tokenreviews', { spec: { token: 'x' } })).status,
    ).toBe(404);
    const viewer = await tokenReview({ token: t.sim.tokens.admin }, t.sim.tokens.readOnly);
    expect(viewer.status).toBe(403);
    expect(viewer.json<{ message: string }>().message).toBe(
      'tokenreviews.authentication.k8s.io is forbidden: User "viewer" cannot create resource "tokenreviews" in API group "authentication.k8s.io" at the cluster scope',
    );
    expect(
      (await post('/apis/authentication.k8s.io/v1/tokenreviews', { apiVersion: 'v1', kind: 'Pod', spec: {} })).status,
    ).toBe(400);
  });
});

describe('SubjectAccessReview', () => {
  it('allows system:masters without a reason, and the sim viewer reads by its built-in policy', async () => {
    const admin = await sar({
      user: 'admin',
      groups: ['system:masters', 'system:authenticated'],
      resourceAttributes: metricsGet('m'),
    });
    expect(admin.status).toBe(201);
    expect(admin.json()).toEqual({
      kind: 'SubjectAccessReview',
      apiVersion: 'authorization.k8s.io/v1',
      metadata: { creationTimestamp: null },
      spec: { resourceAttributes: metricsGet('m'), user: 'admin', groups: ['system:masters', 'system:authenticated'] },
      status: { allowed: true },
    });
    expect(
      await status({ user: 'viewer', groups: ['system:authenticated'], resourceAttributes: metricsGet('m') }),
    ).toEqual({ allowed: true, reason: 'kubeloop-sim: allowed by the built-in read-only policy of user "viewer"' });
    expect(
      await status({ user: 'viewer', resourceAttributes: { verb: 'create', resource: 'pods', namespace: 'm' } }),
    ).toEqual({ allowed: false });
  });

  it('grants discovery to authenticated users as the system:discovery binding does, and nothing else unbound', async () => {
    expect(
      await status({
        user: 'u',
        groups: ['system:authenticated'],
        nonResourceAttributes: { path: '/apis/custom.metrics.k8s.io/v1beta2', verb: 'get' },
      }),
    ).toEqual({
      allowed: true,
      reason:
        'RBAC: allowed by ClusterRoleBinding "system:discovery" of ClusterRole "system:discovery" to Group "system:authenticated"',
    });
    expect(
      await status({
        user: 'system:serviceaccount:m:x',
        groups: ['system:serviceaccounts'],
        nonResourceAttributes: { path: '/healthz', verb: 'get' },
      }),
    ).toEqual({ allowed: false });
    expect(
      await status({
        user: 'u',
        uid: 'abc',
        extra: { scopes: ['a'] },
        resourceAttributes: { verb: 'list', resource: 'pods' },
      }),
    ).toEqual({ allowed: false });
  });

  it('evaluates stored Roles, ClusterRoles and their bindings, with RBAC reasons', async () => {
    await rbac('clusterroles', {
      kind: 'ClusterRole',
      metadata: { name: 'metrics-reader' },
      rules: [{ apiGroups: ['custom.metrics.k8s.io'], resources: ['pods/http_requests_qps'], verbs: ['get'] }],
    });
    const rb = await rbac('namespaces/m/rolebindings', {
      kind: 'RoleBinding',
      metadata: { name: 'rb' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'metrics-reader' },
      subjects: [{ kind: 'Group', name: 'readers', apiGroup: 'rbac.authorization.k8s.io' }],
    });
    expect(rb.status).toBe(201);
    expect(await status({ user: 'u', groups: ['readers'], resourceAttributes: metricsGet('m') })).toEqual({
      allowed: true,
      reason: 'RBAC: allowed by RoleBinding "rb/m" of ClusterRole "metrics-reader" to Group "readers"',
    });
    expect(await status({ user: 'u', groups: ['readers'], resourceAttributes: metricsGet('other') })).toEqual({
      allowed: false,
    });
    await rbac('clusterrolebindings', {
      kind: 'ClusterRoleBinding',
      metadata: { name: 'dangling' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'missing-role' },
      subjects: [{ kind: 'User', name: 'lost', apiGroup: 'rbac.authorization.k8s.io' }],
    });
    expect(await status({ user: 'lost', resourceAttributes: metricsGet('m') })).toEqual({
      allowed: false,
      reason: 'RBAC: clusterrole.rbac.authorization.k8s.io "missing-role" not found',
    });
    await rbac('namespaces/m/roles', {
      kind: 'Role',
      metadata: { name: 'sa-pods' },
      rules: [{ apiGroups: [''], resources: ['*/log'], verbs: ['get'] }],
    });
    await rbac('namespaces/m/rolebindings', {
      kind: 'RoleBinding',
      metadata: { name: 'sa' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'sa-pods' },
      subjects: [{ kind: 'ServiceAccount', name: 'x' }],
    });
    expect(
      await status({
        user: 'system:serviceaccount:m:x',
        resourceAttributes: { verb: 'get', resource: 'pods', subresource: 'log', namespace: 'm', name: 'p' },
      }),
    ).toEqual({
      allowed: true,
      reason: 'RBAC: allowed by RoleBinding "sa/m" of Role "sa-pods" to ServiceAccount "x/m"',
    });
  });

  it("rejects an invalid spec with 1.20's 422", async () => {
    const both = await sar({ resourceAttributes: { verb: 'get' }, nonResourceAttributes: { path: '/x', verb: 'get' } });
    expect(both.status).toBe(422);
    expect(both.json()).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      reason: 'Invalid',
      code: 422,
      message:
        '.authorization.k8s.io "" is invalid: [spec.nonResourceAttributes: Invalid value: authorization.NonResourceAttributes{Path:"/x", Verb:"get"}: cannot be specified in combination with resourceAttributes, spec.user: Invalid value: "": at least one of user or group must be specified]',
      details: {
        group: 'authorization.k8s.io',
        causes: [
          {
            reason: 'FieldValueInvalid',
            message:
              'Invalid value: authorization.NonResourceAttributes{Path:"/x", Verb:"get"}: cannot be specified in combination with resourceAttributes',
            field: 'spec.nonResourceAttributes',
          },
          {
            reason: 'FieldValueInvalid',
            message: 'Invalid value: "": at least one of user or group must be specified',
            field: 'spec.user',
          },
        ],
      },
    });
    expect((await sar({ user: 'x' })).json<{ message: string }>().message).toBe(
      '.authorization.k8s.io "" is invalid: spec.resourceAttributes: Invalid value: "null": exactly one of nonResourceAttributes or resourceAttributes must be specified',
    );
  });
});

describe('RBAC on the sim itself', () => {
  it('authorizes static token users by RBAC only (system:authenticated gets discovery)', async () => {
    expect((await simRequest(t.sim, 'GET', '/apis', { token: READER })).status).toBe(200);
    const denied = await simRequest(t.sim, 'GET', '/api/v1/namespaces/m/configmaps', { token: READER });
    expect(denied.status).toBe(403);
    expect(denied.json<{ message: string }>().message).toBe(
      'configmaps is forbidden: User "reader" cannot list resource "configmaps" in API group "" in the namespace "m"',
    );
    await rbac('clusterroles', {
      kind: 'ClusterRole',
      metadata: { name: 'system:cm-reader' },
      rules: [{ apiGroups: [''], resources: ['configmaps'], verbs: ['list'] }],
    });
    await rbac('clusterrolebindings', {
      kind: 'ClusterRoleBinding',
      metadata: { name: 'reader:cm' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'system:cm-reader' },
      subjects: [{ kind: 'User', name: 'reader' }],
    });
    expect((await simRequest(t.sim, 'GET', '/api/v1/namespaces/m/configmaps', { token: READER })).status).toBe(200);
    expect((await simRequest(t.sim, 'GET', '/api/v1/namespaces/m/secrets', { token: READER })).status).toBe(403);
  });

  it('kubectl lists the review resources as create-only and the RBAC kinds', async () => {
    const k = await Kubectl.forKubeconfig(t.sim.kubeconfig());
    const resources = await k.ok(['api-resources']);
    expect(resources).toMatch(/^tokenreviews\s+authentication\.k8s\.io\/v1\s+false\s+TokenReview$/m);
    expect(resources).toMatch(/^subjectaccessreviews\s+authorization\.k8s\.io\/v1\s+false\s+SubjectAccessReview$/m);
    expect(resources).toMatch(/^clusterroles\s+rbac\.authorization\.k8s\.io\/v1\s+false\s+ClusterRole$/m);
    expect(await k.ok(['api-resources', '--verbs=create', '--api-group=authentication.k8s.io', '-o', 'name'])).toBe(
      'tokenreviews.authentication.k8s.io\n',
    );
    const wide = await k.ok(['api-resources', '--api-group=authorization.k8s.io', '-o', 'wide']);
    expect(wide).toMatch(
      /^subjectaccessreviews\s+authorization\.k8s\.io\/v1\s+false\s+SubjectAccessReview\s+create\s*$/m,
    );
  }, 30_000);
});

describe('ruleAllows', () => {
  const rule = (r: Partial<Parameters<typeof ruleAllows>[1]>) => ({
    verbs: [],
    apiGroups: [],
    resources: [],
    resourceNames: [],
    nonResourceURLs: [],
    ...r,
  });
  it('matches resources, */subresource, names and URL prefixes as rbac.RuleAllows', () => {
    const logs = { kind: 'resource', verb: 'get', group: '', resource: 'pods', subresource: 'log', name: 'p' } as const;
    expect(ruleAllows(logs, rule({ verbs: ['get'], apiGroups: [''], resources: ['*/log'] }))).toBe(true);
    expect(ruleAllows(logs, rule({ verbs: ['get'], apiGroups: [''], resources: ['pods'] }))).toBe(false);
    expect(
      ruleAllows(logs, rule({ verbs: ['*'], apiGroups: ['*'], resources: ['pods/log'], resourceNames: ['q'] })),
    ).toBe(false);
    expect(
      ruleAllows(
        { kind: 'nonResource', verb: 'get', path: '/apis/x/y' },
        rule({ verbs: ['get'], nonResourceURLs: ['/apis/*'] }),
      ),
    ).toBe(true);
    expect(
      ruleAllows(
        { kind: 'nonResource', verb: 'get', path: '/apisx' },
        rule({ verbs: ['get'], nonResourceURLs: ['/apis'] }),
      ),
    ).toBe(false);
  });
});
