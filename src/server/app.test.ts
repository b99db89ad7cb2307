import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore, type Store } from '../store/index.ts';
import { remediationConfigSchema } from '../remediation/config.ts';
import { Remediation } from '../remediation/remediation.ts';
import { remediationFeature } from '../remediation/routes.ts';
import { builtInHandlers } from '../remediation/actions/index.ts';
import { monitorFeature } from '../monitor/routes.ts';
import { alertingFeature } from '../alerting/routes.ts';
import { buildServer } from './app.ts';

/**
 * The app as the platform builds it, through app.inject: every route a feature registers under
 * /api/v1 is in the OpenAPI document and every documented path is served; readiness and errors
 * keep their contract.
 */

let dir: string;
let store: Store;
let app: FastifyInstance;
let notReady: string | undefined;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kubeloop-app-'));
  store = await openStore({ dataDir: dir });
  const remediation = new Remediation({
    kc: new KubeConfig(),
    store,
    config: remediationConfigSchema.parse({}),
    playbooks: [],
    handlers: builtInHandlers({ functionsDir: dir }),
  });
  app = buildServer({
    notReady: () => notReady,
    features: [
      monitorFeature({ store, cluster: 'test' }),
      alertingFeature({
        channels: () => [{ name: 'ops', type: 'wecom' }],
        routing: () => ({ routes: [], groupingWindowSeconds: 60, rateLimit: { messages: 20, perSeconds: 60 } }),
        sendTest: async () => ({ deliveryId: 7 }),
      }),
      remediationFeature({ store, remediation }),
    ],
  });
  await app.ready();
});

afterAll(async () => {
  await app?.close();
  await store?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('the HTTP app', () => {
  it('serves every documented operation and documents every route (else it refuses to start)', async () => {
    const doc = (await app.inject({ method: 'GET', url: '/api/v1/openapi.json' })).json<{
      paths: Record<string, Record<string, unknown>>;
    }>();
    expect(Object.keys(doc.paths).length).toBeGreaterThan(10);
    const undocumented = buildServer({
      notReady: () => undefined,
      features: [{ name: 'stray', paths: {}, register: (a) => void a.get('/api/v1/stray', async () => ({})) }],
    });
    await expect(undocumented.ready()).rejects.toThrow(
      'served but not documented [GET /api/v1/stray]; documented but not served []',
    );
    const unserved = buildServer({
      notReady: () => undefined,
      features: [{ name: 'ghost', paths: { '/api/v1/ghost/{id}': { get: {} } }, register: () => undefined }],
    });
    await expect(unserved.ready()).rejects.toThrow('documented but not served [GET /api/v1/ghost/{id}]');
  });

  it('answers /readyz with the reason it is not ready', async () => {
    notReady = undefined;
    expect((await app.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(200);
    notReady = '/api/v1/pods: not listed yet';
    const r = await app.inject({ method: 'GET', url: '/readyz' });
    expect(r.statusCode).toBe(503);
    expect(r.body).toBe('not ready: /api/v1/pods: not listed yet');
  });

  it('names the field of a bad request, and 404s what it does not serve', async () => {
    const bad = await app.inject({ method: 'GET', url: '/api/v1/failures?limit=0' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toEqual({ error: expect.stringMatching(/^query\.limit: /) });
    expect((await app.inject({ method: 'GET', url: '/api/v1/failures?bogus=1' })).json()).toEqual({
      error: 'query: unknown parameter "bogus"',
    });
    expect((await app.inject({ method: 'GET', url: '/api/v1/failures/999' })).statusCode).toBe(404);
    expect((await app.inject({ method: 'GET', url: '/api/v1/nothing' })).json()).toEqual({
      error: 'no such endpoint: GET /api/v1/nothing',
    });
  });

  it('serves the monitor, alerting and remediation features', async () => {
    expect((await app.inject({ method: 'GET', url: '/api/v1/failures' })).json()).toEqual({
      items: [],
      total: 0,
      nextCursor: null,
    });
    expect((await app.inject({ method: 'GET', url: '/api/v1/overview' })).json()).toMatchObject({
      cluster: 'test',
      open: [],
    });
    expect((await app.inject({ method: 'GET', url: '/api/v1/channels' })).json()).toMatchObject({
      items: [{ name: 'ops', type: 'wecom' }],
    });
    const test = await app.inject({ method: 'POST', url: '/api/v1/channels/ops/test' });
    expect([test.statusCode, test.json()]).toEqual([202, { deliveryId: 7 }]);
    expect((await app.inject({ method: 'POST', url: '/api/v1/channels/nope/test' })).statusCode).toBe(404);
    expect((await app.inject({ method: 'GET', url: '/api/v1/playbooks' })).json()).toEqual({ items: [] });
  });
});
