import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { simRequest, startTestSim, type TestSim } from '../../../../test/support/sim.ts';

/**
 * The sim's own parts of access reviews, which the differential test against kube-apiserver
 * (test/metrics-api/delegated-real.test.ts) cannot cover: the built-in `viewer` policy, which a
 * real cluster does not have, must show in rules reviews as it shows in decisions; and bad specs.
 */

let t: TestSim;
const PATH = '/apis/authorization.k8s.io/v1/';
const post = (resource: string, body: unknown, token?: string) =>
  simRequest(t.sim, 'POST', PATH + resource, {
    token,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

beforeAll(async () => {
  t = await startTestSim({ controllers: { workloads: false, scheduler: false, kubelet: false } });
});
afterAll(async () => {
  await t?.sim.stop();
});

describe('self reviews in the sim', () => {
  it('the viewer may read and reviews say so, both ways', async () => {
    const viewer = t.sim.tokens.readOnly;
    const can = await post(
      'selfsubjectaccessreviews',
      {
        kind: 'SelfSubjectAccessReview',
        apiVersion: 'authorization.k8s.io/v1',
        spec: { resourceAttributes: { verb: 'list', resource: 'secrets', namespace: 'x' } },
      },
      viewer,
    );
    expect(can.status).toBe(201);
    expect(can.json<{ status: { allowed: boolean } }>().status.allowed).toBe(true);
    const cannot = await post(
      'selfsubjectaccessreviews',
      {
        kind: 'SelfSubjectAccessReview',
        apiVersion: 'authorization.k8s.io/v1',
        spec: { resourceAttributes: { verb: 'delete', resource: 'pods', namespace: 'x' } },
      },
      viewer,
    );
    expect(cannot.json<{ status: { allowed: boolean } }>().status).toEqual({ allowed: false });

    const rules = await post(
      'selfsubjectrulesreviews',
      { kind: 'SelfSubjectRulesReview', apiVersion: 'authorization.k8s.io/v1', spec: { namespace: 'x' } },
      viewer,
    );
    expect(rules.status).toBe(201);
    const status = rules.json<{
      status: { resourceRules: unknown[]; nonResourceRules: unknown[]; incomplete: boolean };
    }>().status;
    expect(status.resourceRules).toContainEqual({
      verbs: ['get', 'list', 'watch'],
      apiGroups: ['*'],
      resources: ['*'],
    });
    expect(status.resourceRules).toContainEqual({
      verbs: ['create'],
      apiGroups: ['authorization.k8s.io'],
      resources: ['selfsubjectaccessreviews', 'selfsubjectrulesreviews'],
    });
    expect(status.nonResourceRules).toContainEqual({ verbs: ['get'], nonResourceURLs: ['*'] });
    expect(status.incomplete).toBe(false);
  });

  it('bad specs: 400 without a namespace or with a non-string one, 422 without attributes', async () => {
    const none = await post('selfsubjectrulesreviews', {
      kind: 'SelfSubjectRulesReview',
      apiVersion: 'authorization.k8s.io/v1',
      spec: {},
    });
    expect([none.status, none.json<{ message: string }>().message]).toEqual([400, 'no namespace on request']);
    const wrong = await post('selfsubjectrulesreviews', {
      kind: 'SelfSubjectRulesReview',
      apiVersion: 'authorization.k8s.io/v1',
      spec: { namespace: 7 },
    });
    expect(wrong.status).toBe(400);
    expect(wrong.json<{ message: string }>().message).toMatch(/spec\.namespace/);
    const empty = await post('selfsubjectaccessreviews', {
      kind: 'SelfSubjectAccessReview',
      apiVersion: 'authorization.k8s.io/v1',
      spec: {},
    });
    expect(empty.status).toBe(422);
    expect(empty.json<{ message: string }>().message).toMatch(
      /exactly one of nonResourceAttributes or resourceAttributes must be specified/,
    );
    // Anonymous callers have no self to review.
    expect((await post('selfsubjectaccessreviews', { spec: {} }, '')).status).toBe(401);
  });
});
