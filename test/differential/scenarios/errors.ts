import { createNamespace } from './namespace.ts';
import { call } from '../target.ts';
import type { Scenario } from '../scenario.ts';

/** Every error path a client meets: code, reason, message and details must match. */
export const errors: Scenario = {
  name: 'errors',
  async run(t, rec) {
    const ns = t.ns('errors');
    await createNamespace(t, ns);
    const cms = `/api/v1/namespaces/${ns}/configmaps`;
    await call(t, 'POST', cms, { body: { metadata: { name: 'exists' } } });
    rec.record('not-found', await call(t, 'GET', `${cms}/missing`));
    rec.record('already-exists', await call(t, 'POST', cms, { body: { metadata: { name: 'exists' } } }));
    rec.record('invalid-name', await call(t, 'POST', cms, { body: { metadata: { name: 'Bad_Name' } } }));
    rec.record('invalid-no-name', await call(t, 'POST', cms, { body: { metadata: {} } }));
    rec.record(
      'invalid-label',
      await call(t, 'POST', cms, { body: { metadata: { name: 'lbl', labels: { 'bad key!': 'v' } } } }),
    );
    rec.record(
      'invalid-data-key',
      await call(t, 'POST', cms, { body: { metadata: { name: 'dk' }, data: { 'bad/key': 'v' } } }),
    );
    rec.record('malformed-json', await call(t, 'POST', cms, { rawBody: '{"metadata": ' }));
    rec.record(
      'wrong-kind',
      await call(t, 'POST', cms, { body: { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' } } }),
    );
    rec.record(
      'wrong-api-version',
      await call(t, 'POST', cms, { body: { apiVersion: 'apps/v1', kind: 'ConfigMap', metadata: { name: 's' } } }),
    );
    rec.record(
      'namespace-mismatch',
      await call(t, 'POST', cms, { body: { metadata: { name: 'm', namespace: 'other' } } }),
    );
    rec.record('name-mismatch', await call(t, 'PUT', `${cms}/exists`, { body: { metadata: { name: 'different' } } }));
    rec.record(
      'missing-namespace',
      await call(t, 'POST', '/api/v1/namespaces/no-such-ns/configmaps', { body: { metadata: { name: 'x' } } }),
    );
    rec.record('unknown-resource', await call(t, 'GET', `/api/v1/namespaces/${ns}/widgets`));
    rec.record('unknown-group', await call(t, 'GET', '/apis/nope.example.com/v1/things'));
    rec.record('put-collection', await call(t, 'PUT', cms, { body: {} }));
    rec.record('post-named', await call(t, 'POST', `${cms}/exists`, { body: { metadata: { name: 'exists' } } }));
    rec.record(
      'patch-bad-content-type',
      await call(t, 'PATCH', `${cms}/exists`, { body: {}, contentType: 'text/plain' }),
    );
    rec.record('bad-label-selector', await call(t, 'GET', `${cms}?labelSelector=${encodeURIComponent('a in (')}`));
    rec.record(
      'bad-field-selector',
      await call(t, 'GET', `${cms}?fieldSelector=${encodeURIComponent('spec.bogus=1')}`),
    );
    rec.record('unauthorized', await call(t, 'GET', cms, { token: null }));
    rec.record(
      'pod-no-containers',
      await call(t, 'POST', `/api/v1/namespaces/${ns}/pods`, {
        body: { metadata: { name: 'p' }, spec: { containers: [] } },
      }),
    );
    rec.record(
      'pod-no-image',
      await call(t, 'POST', `/api/v1/namespaces/${ns}/pods`, {
        body: { metadata: { name: 'p' }, spec: { containers: [{ name: 'c' }] } },
      }),
    );
    rec.record(
      'deployment-selector-mismatch',
      await call(t, 'POST', `/apis/apps/v1/namespaces/${ns}/deployments`, {
        body: {
          metadata: { name: 'd' },
          spec: {
            selector: { matchLabels: { app: 'a' } },
            template: { metadata: { labels: { app: 'b' } }, spec: { containers: [{ name: 'c', image: 'i' }] } },
          },
        },
      }),
    );
    rec.record(
      'service-bad-port',
      await call(t, 'POST', `/api/v1/namespaces/${ns}/services`, {
        body: { metadata: { name: 's' }, spec: { ports: [{ port: 70000 }] } },
      }),
    );
  },
};
