import { createServer, type Server } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KubeConfig } from '@kubernetes/client-node';
import { kubeJson } from '../../kube/http.ts';
import { deploymentPath, NS, spec, startActionSim, workload, type ActionSim } from './actions.test-support.ts';
import { CONFLICT_RETRIES, scaleIn } from './scale-in.ts';
import { findHpaFor } from './target-paths.ts';

let s: ActionSim;
const target = (name: string, kind = 'Deployment') => ({ namespace: NS, kind, name });
const replicas = async (path: string): Promise<number | undefined> =>
  (await s.get<{ spec?: { replicas?: number } }>(path)).spec?.replicas;

beforeAll(async () => {
  s = await startActionSim();
  for (const name of ['web', 'hpa-web', 'race', 'always-race', 'dry'])
    await s.create(`/apis/apps/v1/namespaces/${NS}/deployments`, workload('Deployment', name, 3));
  await s.create(`/apis/apps/v1/namespaces/${NS}/statefulsets`, workload('StatefulSet', 'db', 3));
  await s.create(`/apis/autoscaling/v2/namespaces/${NS}/horizontalpodautoscalers`, {
    metadata: { name: 'hpa-web' },
    spec: {
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'hpa-web' },
      minReplicas: 3,
      maxReplicas: 6,
    },
  });
});

afterAll(async () => {
  await s?.sim.stop();
});

/**
 * A plain-HTTP proxy in front of the sim that, after answering a GET of `racePath`, first changes
 * that Scale through the real API (as `kubectl scale` would between scale_in's read and write)
 * while `races` lasts. It counts the PUTs it forwards.
 */
async function racingProxy(
  racePath: string,
  races: number,
  race: (n: number) => Promise<void>,
): Promise<{ kc: KubeConfig; puts: () => number; close(): Promise<void> }> {
  let left = races;
  let raced = 0;
  let puts = 0;
  const server: Server = createServer((req, res) => {
    const body: Buffer[] = [];
    req.on('data', (c: Buffer) => body.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', s.sim.url);
      const payload = Buffer.concat(body);
      const headers: Record<string, string> = {
        authorization: req.headers.authorization ?? '',
        accept: req.headers.accept ?? '*/*',
        'content-length': String(payload.length),
      };
      if (req.headers['content-type']) headers['content-type'] = req.headers['content-type'];
      if (req.method === 'PUT' && url.pathname === racePath) puts++;
      const up = httpsRequest(url, { method: req.method, headers, ca: s.sim.caCert }, (answer) => {
        const out: Buffer[] = [];
        answer.on('data', (c: Buffer) => out.push(c));
        answer.on(
          'end',
          () =>
            void (async () => {
              if (req.method === 'GET' && url.pathname === racePath && left > 0) {
                left--;
                await race(++raced);
              }
              res
                .writeHead(answer.statusCode ?? 502, {
                  'content-type': answer.headers['content-type'] ?? 'application/json',
                })
                .end(Buffer.concat(out));
            })(),
        );
      });
      up.end(payload);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const address = server.address();
  const kc = new KubeConfig();
  kc.loadFromOptions({
    // Plain HTTP on loopback: client-node refuses an http:// server unless TLS verification is declared off.
    clusters: [
      {
        name: 'proxy',
        server: `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`,
        skipTLSVerify: true,
      },
    ],
    users: [{ name: 'admin', token: s.sim.tokens.admin }],
    contexts: [{ name: 'proxy', cluster: 'proxy', user: 'admin' }],
    currentContext: 'proxy',
  });
  return {
    kc,
    puts: () => puts,
    close: () =>
      new Promise((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

const setReplicas = async (name: string, n: number): Promise<void> =>
  void (await kubeJson(s.kc, {
    method: 'PATCH',
    path: `${deploymentPath(name)}/scale`,
    contentType: 'application/merge-patch+json',
    body: { spec: { replicas: n } },
  }));

describe('scale_in', () => {
  it('removes `step` replicas, then stops at the minimum', async () => {
    const r = await scaleIn.run(s.env({ target: target('web') }), spec('scale_in', { min: 2 }));
    expect(r).toEqual({
      outcome: 'succeeded',
      summary: `scaled Deployment ${NS}/web replicas 3 -> 2 (min 2)`,
      before: { replicas: 3 },
      after: { replicas: 2 },
    });
    expect(await replicas(deploymentPath('web'))).toBe(2);
    const again = await scaleIn.run(s.env({ target: target('web') }), spec('scale_in', { min: 2 }));
    expect(again).toMatchObject({ outcome: 'skipped', before: { replicas: 2 } });
    expect(again.summary).toContain('already at the minimum (2)');
    expect(await replicas(deploymentPath('web'))).toBe(2);
  });

  it('never goes below the minimum with a large step (StatefulSet)', async () => {
    const r = await scaleIn.run(s.env({ target: target('db', 'StatefulSet') }), spec('scale_in', { step: 10 }));
    expect(r).toMatchObject({ outcome: 'succeeded', before: { replicas: 3 }, after: { replicas: 1 } });
    expect(await replicas(`/apis/apps/v1/namespaces/${NS}/statefulsets/db`)).toBe(1);
    expect((await scaleIn.run(s.env({ target: target('db', 'StatefulSet') }), spec('scale_in'))).summary).toContain(
      'already at the minimum (1)',
    );
  });

  it('leaves a workload an HPA manages alone', async () => {
    expect(await findHpaFor(s.kc, target('hpa-web'))).toMatchObject({
      name: 'hpa-web',
      minReplicas: 3,
      maxReplicas: 6,
      apiVersion: 'autoscaling/v2',
    });
    expect(await findHpaFor(s.kc, target('web'))).toBeUndefined();
    const r = await scaleIn.run(s.env({ target: target('hpa-web') }), spec('scale_in'));
    expect(r.outcome).toBe('skipped');
    expect(r.summary).toContain('HPA hpa-web manages the replicas');
    expect(await replicas(deploymentPath('hpa-web'))).toBe(3);
  });

  it('skips kinds without replicas', async () => {
    for (const kind of ['DaemonSet', 'Job', 'CronJob', 'Pod']) {
      const r = await scaleIn.run(s.env({ target: target('x', kind) }), spec('scale_in'));
      expect(r.outcome).toBe('skipped');
      expect(r.summary.startsWith(`not scalable: ${kind} x`)).toBe(true);
    }
  });

  it('re-reads on a 409 and scales from the concurrent value, not over it', async () => {
    const proxy = await racingProxy(`${deploymentPath('race')}/scale`, 1, () => setReplicas('race', 5));
    try {
      const r = await scaleIn.run(s.env({ kc: proxy.kc, target: target('race') }), spec('scale_in'));
      expect(r).toMatchObject({ outcome: 'succeeded', before: { replicas: 5 }, after: { replicas: 4 } });
      expect(proxy.puts()).toBeGreaterThanOrEqual(2);
      expect(await replicas(deploymentPath('race'))).toBe(4);
    } finally {
      await proxy.close();
    }
  });

  it('fails naming the conflict when every write loses the race', async () => {
    const proxy = await racingProxy(`${deploymentPath('always-race')}/scale`, Infinity, (n) =>
      setReplicas('always-race', 10 + n),
    );
    try {
      const r = await scaleIn.run(s.env({ kc: proxy.kc, target: target('always-race') }), spec('scale_in'));
      expect(r.outcome).toBe('failed');
      expect(r.summary).toMatch(new RegExp(`^scale_in Deployment ${NS}/always-race: 409 Conflict`));
      expect(proxy.puts()).toBe(1 + CONFLICT_RETRIES);
      expect(await replicas(deploymentPath('always-race'))).toBe(10 + 1 + CONFLICT_RETRIES);
    } finally {
      await proxy.close();
    }
  });

  it('dry run reports the change and writes nothing', async () => {
    const r = await scaleIn.run(s.env({ target: target('dry'), dryRun: true }), spec('scale_in'));
    expect(r).toMatchObject({ outcome: 'succeeded', before: { replicas: 3 }, after: { replicas: 2 } });
    expect(r.summary).toMatch(/^dry run: would scale Deployment actions\/dry replicas 3 -> 2/);
    expect(await replicas(deploymentPath('dry'))).toBe(3);
  });

  it('fails, not throws, for a workload that does not exist', async () => {
    const r = await scaleIn.run(s.env({ target: target('missing') }), spec('scale_in'));
    expect(r.outcome).toBe('failed');
    expect(r.summary).toMatch(/^scale_in Deployment actions\/missing: 404 NotFound/);
  });
});
