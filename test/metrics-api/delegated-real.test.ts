import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { request as httpsRequest } from 'node:https';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRealCluster, type RealCluster } from '../support/real-cluster/real-cluster.ts';
import { startTestSim, type TestSim } from '../support/sim.ts';
import { Kubectl } from '../support/kubectl.ts';
import { eventually } from '../support/eventually.ts';
import { delegatedReadAuthorizer } from '../../src/metrics-api/auth.ts';
import { DelegatedAuth } from '../../src/metrics-api/delegated.ts';
import {
  startMetricsApiServer,
  type RunningMetricsApiServer,
  type StartMetricsApiServerOptions,
} from '../../src/metrics-api/https.ts';
import { staticPods } from '../../src/metrics-api/pods.ts';

/**
 * Ground truth for delegated auth: the metrics API server against kube-apiserver 1.20 (token file,
 * RBAC), whose TokenReview and SubjectAccessReview answers decide; and the sim's review APIs and
 * RBAC compared with the real ones, answer for answer, on the same RBAC objects, including the
 * SelfSubjectAccessReviews the real kubectl sends (as protobuf) for `kubectl auth can-i`.
 */

/** A user both clusters know by the same token, in the group the seeded RoleBindings name. */
const READER = { name: 'reader', token: randomBytes(16).toString('hex'), groups: ['readers'] };

interface Target {
  url: string;
  ca: string;
  token: string;
}

interface Answer {
  status: number;
  body: Record<string, unknown>;
}

function call(target: Target, method: string, path: string, body?: unknown, token = target.token): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const data = body === undefined ? undefined : JSON.stringify(body);
    const headers: Record<string, string> = {
      authorization: `Bearer ${token}`,
      ...(data ? { 'content-type': 'application/json' } : {}),
    };
    const req = httpsRequest(new URL(path, target.url), { method, ca: target.ca, headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => {
        let parsed: Record<string, unknown> = {};
        try {
          parsed = JSON.parse(text) as Record<string, unknown>;
        } catch {
          parsed = { text };
        }
        resolve({ status: res.statusCode ?? 0, body: parsed });
      });
    });
    req.on('error', reject);
    req.end(data);
  });
}

const RBAC = 'rbac.authorization.k8s.io';
const METRIC = '/apis/custom.metrics.k8s.io/v1beta2/namespaces/m/pods/*/http_requests_qps';
const metricsGet = (namespace: string) => ({
  verb: 'get',
  group: 'custom.metrics.k8s.io',
  version: 'v1beta2',
  resource: 'pods',
  subresource: 'http_requests_qps',
  name: '*',
  namespace,
});

/** The same RBAC objects on both clusters. */
async function seedRbac(target: Target): Promise<void> {
  const create = async (path: string, body: Record<string, unknown>): Promise<void> => {
    const r = await call(target, 'POST', path, body);
    if (r.status !== 201) throw new Error(`${path}: ${r.status} ${JSON.stringify(r.body)}`);
  };
  const ref = (kind: string, name: string) => ({ apiGroup: RBAC, kind, name });
  await create('/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'm' } });
  await create(`/apis/${RBAC}/v1/clusterroles`, {
    apiVersion: `${RBAC}/v1`,
    kind: 'ClusterRole',
    metadata: { name: 'metrics-reader' },
    rules: [{ apiGroups: ['custom.metrics.k8s.io'], resources: ['pods/http_requests_qps'], verbs: ['get'] }],
  });
  await create(`/apis/${RBAC}/v1/namespaces/m/rolebindings`, {
    apiVersion: `${RBAC}/v1`,
    kind: 'RoleBinding',
    metadata: { name: 'rb' },
    roleRef: ref('ClusterRole', 'metrics-reader'),
    subjects: [{ ...ref('Group', 'readers') }],
  });
  await create(`/apis/${RBAC}/v1/clusterrolebindings`, {
    apiVersion: `${RBAC}/v1`,
    kind: 'ClusterRoleBinding',
    metadata: { name: 'dangling' },
    roleRef: ref('ClusterRole', 'missing-role'),
    subjects: [{ ...ref('User', 'lost') }],
  });
  await create(`/apis/${RBAC}/v1/namespaces/m/roles`, {
    apiVersion: `${RBAC}/v1`,
    kind: 'Role',
    metadata: { name: 'sa-pods' },
    rules: [{ apiGroups: [''], resources: ['*/log'], verbs: ['get'] }],
  });
  await create(`/apis/${RBAC}/v1/namespaces/m/rolebindings`, {
    apiVersion: `${RBAC}/v1`,
    kind: 'RoleBinding',
    metadata: { name: 'sa' },
    roleRef: ref('Role', 'sa-pods'),
    subjects: [{ kind: 'ServiceAccount', name: 'x' }],
  });
  await create(`/apis/${RBAC}/v1/namespaces/m/roles`, {
    apiVersion: `${RBAC}/v1`,
    kind: 'Role',
    metadata: { name: 'pod-reader' },
    rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['get', 'list'] }],
  });
  await create(`/apis/${RBAC}/v1/namespaces/m/rolebindings`, {
    apiVersion: `${RBAC}/v1`,
    kind: 'RoleBinding',
    metadata: { name: 'readers-pods' },
    roleRef: ref('Role', 'pod-reader'),
    subjects: [{ ...ref('Group', 'readers') }],
  });
}

let real: RealCluster;
let sim: TestSim;
let realTarget: Target;
let simTarget: Target;
let server: RunningMetricsApiServer;

beforeAll(async () => {
  real = await startRealCluster({ withControllerManager: false, users: [READER] });
  sim = await startTestSim({ tokens: { users: [READER] } });
  realTarget = { url: real.server, ca: real.caCert, token: real.adminToken };
  simTarget = { url: sim.sim.url, ca: sim.sim.caCert ?? '', token: sim.sim.tokens.admin };
  await Promise.all([seedRbac(realTarget), seedRbac(simTarget)]);
  const delegated = new DelegatedAuth(real.kubeConfig());
  const opts: StartMetricsApiServerOptions & { delegated: DelegatedAuth } = {
    host: '127.0.0.1',
    port: 0,
    writeToken: 'write-token-0123456789',
    pushIntervalMs: 600_000,
    podsMatching: staticPods([{ namespace: 'm', name: 'web-1' }]),
    delegated,
    authorizeRead: delegatedReadAuthorizer(delegated),
  };
  server = await startMetricsApiServer(opts);
  const pushed = await call(
    { url: server.url, ca: server.caCert ?? '', token: 'write-token-0123456789' },
    'POST',
    '/write-metrics/namespaces/m/pods/web-1/http_requests_qps',
    12,
  );
  if (pushed.status !== 200) throw new Error(`push: ${pushed.status} ${JSON.stringify(pushed.body)}`);
}, 180_000);

afterAll(async () => {
  await server?.close();
  await sim?.sim.stop();
  await real?.stop();
});

describe('the metrics API server with a real kube-apiserver deciding', () => {
  const read = (path: string, token: string) => call({ url: server.url, ca: server.caCert ?? '', token }, 'GET', path);

  it('admin (system:masters) reads; an unknown token gets 401', async () => {
    expect((await read(METRIC, real.adminToken)).status).toBe(200);
    expect((await read(METRIC, 'not-a-token')).status).toBe(401);
  });

  it('the unbound viewer gets discovery (system:discovery) but 403 on the metric until RBAC grants it', async () => {
    expect((await read('/apis/custom.metrics.k8s.io/v1beta2', real.readonlyToken)).status).toBe(200);
    expect((await read(METRIC, real.readonlyToken)).status).toBe(403);
    const bound = await call(realTarget, 'POST', `/apis/${RBAC}/v1/clusterrolebindings`, {
      apiVersion: `${RBAC}/v1`,
      kind: 'ClusterRoleBinding',
      metadata: { name: 'viewer-metrics' },
      roleRef: { apiGroup: RBAC, kind: 'ClusterRole', name: 'metrics-reader' },
      subjects: [{ apiGroup: RBAC, kind: 'User', name: 'viewer' }],
    });
    expect(bound.status).toBe(201);
    // kube-apiserver's RBAC authorizer reads bindings from an informer: the new one takes effect a
    // moment after the 201. Wait until the apiserver itself says yes (asked directly, so our
    // server caches nothing meanwhile).
    await eventually(
      "the apiserver's RBAC cache has the new binding",
      async () => {
        const r = await call(realTarget, 'POST', '/apis/authorization.k8s.io/v1/subjectaccessreviews', {
          apiVersion: 'authorization.k8s.io/v1',
          kind: 'SubjectAccessReview',
          spec: { user: 'viewer', resourceAttributes: { ...metricsGet('m'), version: 'v1beta1' } },
        });
        return (r.body['status'] as { allowed?: boolean } | undefined)?.allowed === true ? true : undefined;
      },
      30_000,
      100,
    );
    // The denial above is cached for 10 s (as k8s.io/apiserver does); another version is another question.
    expect(
      (await read('/apis/custom.metrics.k8s.io/v1beta1/namespaces/m/pods/*/http_requests_qps', real.readonlyToken))
        .status,
    ).toBe(200);
    expect(
      (await read('/apis/external.metrics.k8s.io/v1beta1/namespaces/m/queue_depth', real.readonlyToken)).status,
    ).toBe(403);
  });
});

describe('the sim review APIs answer as kube-apiserver 1.20 does', () => {
  const sar = (spec: unknown) => ({ apiVersion: 'authorization.k8s.io/v1', kind: 'SubjectAccessReview', spec });
  const tr = (spec: unknown) => ({ apiVersion: 'authentication.k8s.io/v1', kind: 'TokenReview', spec });
  /** What both must agree on: status code, and the status (or the whole Status of an error); no managedFields. */
  const essence = (a: Answer): unknown =>
    a.status === 201
      ? { status: a.status, spec: a.body['spec'], result: a.body['status'] }
      : { status: a.status, body: a.body };
  const both = async (path: string, body: unknown): Promise<[unknown, unknown]> => [
    essence(await call(simTarget, 'POST', path, body)),
    essence(await call(realTarget, 'POST', path, body)),
  ];

  it.each([
    [
      'system:masters',
      { user: 'admin', groups: ['system:masters', 'system:authenticated'], resourceAttributes: metricsGet('m') },
    ],
    [
      'a RoleBinding of a ClusterRole to a group',
      { user: 'u', groups: ['readers'], resourceAttributes: metricsGet('m') },
    ],
    ['the same in another namespace', { user: 'u', groups: ['readers'], resourceAttributes: metricsGet('other') }],
    ['a binding to a missing role', { user: 'lost', resourceAttributes: metricsGet('m') }],
    [
      'a Role bound to a ServiceAccount, */log',
      {
        user: 'system:serviceaccount:m:x',
        resourceAttributes: { verb: 'get', resource: 'pods', subresource: 'log', namespace: 'm', name: 'p' },
      },
    ],
    [
      'discovery for system:authenticated',
      {
        user: 'u',
        groups: ['system:authenticated'],
        nonResourceAttributes: { path: '/apis/custom.metrics.k8s.io/v1beta2', verb: 'get' },
      },
    ],
    [
      'a path no binding grants',
      {
        user: 'system:serviceaccount:m:x',
        groups: ['system:serviceaccounts'],
        nonResourceAttributes: { path: '/healthz', verb: 'get' },
      },
    ],
    [
      'uid and extra echoed',
      { user: 'u', uid: 'abc', extra: { scopes: ['a'] }, resourceAttributes: { verb: 'list', resource: 'pods' } },
    ],
    [
      'both attribute kinds and no user (422)',
      { resourceAttributes: { verb: 'get' }, nonResourceAttributes: { path: '/x', verb: 'get' } },
    ],
    ['no attributes (422)', { user: 'x' }],
  ])('SubjectAccessReview: %s', async (_name, spec) => {
    const [fromSim, fromReal] = await both('/apis/authorization.k8s.io/v1/subjectaccessreviews', sar(spec));
    expect(fromSim).toEqual(fromReal);
  });

  it('TokenReview: unknown tokens, foreign audiences and a missing token alike; users alike but for the token file uid', async () => {
    for (const spec of [{ token: 'nope' }, { token: '@admin', audiences: ['other'] }, {}]) {
      const s = JSON.parse(JSON.stringify(spec).replace('@admin', sim.sim.tokens.admin)) as Record<string, unknown>;
      const r = JSON.parse(JSON.stringify(spec).replace('@admin', real.adminToken)) as Record<string, unknown>;
      const fromSim = essence(await call(simTarget, 'POST', '/apis/authentication.k8s.io/v1/tokenreviews', tr(s))) as {
        spec?: { token?: string };
      };
      const fromReal = essence(
        await call(realTarget, 'POST', '/apis/authentication.k8s.io/v1/tokenreviews', tr(r)),
      ) as { spec?: { token?: string } };
      if (fromSim.spec?.token) fromSim.spec.token = fromReal.spec?.token ?? '';
      expect(fromSim).toEqual(fromReal);
    }
    const simAdmin = await call(
      simTarget,
      'POST',
      '/apis/authentication.k8s.io/v1/tokenreviews',
      tr({ token: sim.sim.tokens.admin }),
    );
    const realAdmin = await call(
      realTarget,
      'POST',
      '/apis/authentication.k8s.io/v1/tokenreviews',
      tr({ token: real.adminToken }),
    );
    const withoutUid = (s: unknown): unknown =>
      JSON.parse(JSON.stringify(s), (k, v: unknown) => (k === 'uid' ? undefined : v));
    expect([simAdmin.status, withoutUid(simAdmin.body['status'])]).toEqual([
      realAdmin.status,
      withoutUid(realAdmin.body['status']),
    ]);
  });

  const ssar = (spec: unknown) => ({ apiVersion: 'authorization.k8s.io/v1', kind: 'SelfSubjectAccessReview', spec });
  it.each([
    ['admin', 'a resource', { resourceAttributes: { verb: 'delete', resource: 'nodes', name: 'n1' } }],
    ['reader', 'pods its Role grants', { resourceAttributes: { verb: 'list', resource: 'pods', namespace: 'm' } }],
    [
      'reader',
      'pods in another namespace',
      { resourceAttributes: { verb: 'list', resource: 'pods', namespace: 'other' } },
    ],
    // Only system:discovery grants it: where two bindings do (/healthz), kube-apiserver names whichever its cache lists first.
    ['reader', 'a discovery path', { nonResourceAttributes: { path: '/apis/apps', verb: 'get' } }],
    [
      'reader',
      'its own access reviews (system:basic-user)',
      { resourceAttributes: { verb: 'create', group: 'authorization.k8s.io', resource: 'selfsubjectaccessreviews' } },
    ],
    [
      'reader',
      'both attribute kinds (422)',
      { resourceAttributes: { verb: 'get' }, nonResourceAttributes: { path: '/x', verb: 'get' } },
    ],
    ['reader', 'no attributes (422)', {}],
  ])('SelfSubjectAccessReview by %s: %s', async (who, _name, spec) => {
    const token = (t: Target): string => (who === 'admin' ? t.token : READER.token);
    const fromSim = essence(
      await call(
        simTarget,
        'POST',
        '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews',
        ssar(spec),
        token(simTarget),
      ),
    );
    const fromReal = essence(
      await call(
        realTarget,
        'POST',
        '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews',
        ssar(spec),
        token(realTarget),
      ),
    );
    expect(fromSim).toEqual(fromReal);
  });

  it.each([
    ['admin', 'm'],
    ['reader', 'm'],
    ['reader', 'other'],
    ['reader', ''],
  ])('SelfSubjectRulesReview by %s in namespace "%s"', async (who, namespace) => {
    const token = (t: Target): string => (who === 'admin' ? t.token : READER.token);
    const body = { apiVersion: 'authorization.k8s.io/v1', kind: 'SelfSubjectRulesReview', spec: { namespace } };
    // kube-apiserver lists the ClusterRoleBindings in its cache's order: compare the rules as sets.
    const sorted = (a: Answer): unknown => {
      const st = a.body['status'] as Record<string, unknown[]> | undefined;
      if (!st) return { status: a.status, body: a.body };
      const set = (l: unknown[] | undefined) => (l ?? []).map((r) => JSON.stringify(r)).sort();
      return {
        status: a.status,
        rest: { ...a.body, status: undefined },
        resourceRules: set(st['resourceRules']),
        nonResourceRules: set(st['nonResourceRules']),
        incomplete: st['incomplete'],
        evaluationError: st['evaluationError'],
      };
    };
    const fromSim = sorted(
      await call(simTarget, 'POST', '/apis/authorization.k8s.io/v1/selfsubjectrulesreviews', body, token(simTarget)),
    );
    const fromReal = sorted(
      await call(realTarget, 'POST', '/apis/authorization.k8s.io/v1/selfsubjectrulesreviews', body, token(realTarget)),
    );
    expect(fromSim).toEqual(fromReal);
  });

  it('kubectl auth can-i --list answers alike', async () => {
    const simKubectl = await Kubectl.forKubeconfig(sim.sim.kubeconfig());
    const realKubectl = await Kubectl.forKubeconfig(await readFile(real.kubeconfigPath, 'utf8'));
    for (const as of [[], ['--token', READER.token]]) {
      const args = ['auth', 'can-i', '--list', '-n', 'm', ...as];
      const [s, r] = await Promise.all([simKubectl.run(args), realKubectl.run(args)]);
      expect({ code: s.code, out: s.stdout }).toEqual({ code: r.code, out: r.stdout });
    }
  });

  it('kubectl auth can-i (protobuf SelfSubjectAccessReviews) answers alike', async () => {
    const simKubectl = await Kubectl.forKubeconfig(sim.sim.kubeconfig());
    const realKubectl = await Kubectl.forKubeconfig(await readFile(real.kubeconfigPath, 'utf8'));
    const questions = [
      ['get', 'pods', '-n', 'm'],
      ['list', 'pods', '-n', 'other'],
      ['create', 'deployments.apps', '-n', 'm'],
      ['get', '/healthz'],
      ['delete', 'nodes'],
    ];
    for (const q of questions) {
      for (const as of [[], ['--token', READER.token]]) {
        const [s, r] = await Promise.all([
          simKubectl.run(['auth', 'can-i', ...q, ...as]),
          realKubectl.run(['auth', 'can-i', ...q, ...as]),
        ]);
        expect({ q, as: as.length > 0 ? 'reader' : 'admin', code: s.code, out: s.stdout.trim() }).toEqual({
          q,
          as: as.length > 0 ? 'reader' : 'admin',
          code: r.code,
          out: r.stdout.trim(),
        });
      }
    }
  });
});
