import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { startSimCluster, type SimCluster } from '../../src/sim/cluster.ts';
import { configSchema } from '../../src/config/schema.ts';
import { startPlatform, type Platform } from '../../src/platform/platform.ts';
import { TcpProxy } from '../support/tcp-proxy.ts';
import { eventually } from '../support/eventually.ts';

/**
 * /readyz follows the monitor's pod informers: ready once the cluster is listed, 503 with the reason
 * once the API server has been unreachable for `monitor.watchUnhealthyAfter`, ready again after.
 */

let sim: SimCluster;
let proxy: TcpProxy;
let platform: Platform;
let dir: string;

beforeAll(async () => {
  sim = await startSimCluster({ port: 0, scenario: 'empty' });
  proxy = await TcpProxy.start(Number(new URL(sim.url).port));
  const kc = new KubeConfig();
  kc.loadFromString(sim.kubeconfig());
  const cluster = kc.getCurrentCluster();
  if (!cluster) throw new Error('the sim kubeconfig has no cluster');
  kc.clusters = [{ ...cluster, server: `https://127.0.0.1:${proxy.port}` }];
  dir = await mkdtemp(join(tmpdir(), 'kubeloop-readyz-'));
  const config = configSchema.parse({
    monitor: { watchUnhealthyAfter: '1s', warningEvents: false },
    metricsApi: { enabled: false },
  });
  platform = await startPlatform({ config, kc, cluster: 'sim', dataDir: dir, port: 0 });
}, 60_000);

afterAll(async () => {
  await platform?.stop();
  await proxy?.stop();
  await sim?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const readyz = async (): Promise<{ status: number; text: string }> => {
  const res = await fetch(`${platform.url}/readyz`);
  return { status: res.status, text: await res.text() };
};

describe('/readyz', () => {
  it('turns 503 with the reason while the API server is unreachable, and ok again once it is back', async () => {
    expect(await readyz()).toEqual({ status: 200, text: 'ok' });
    proxy.refuse(true);
    const down = await eventually(
      '/readyz 503',
      async () => {
        const r = await readyz();
        return r.status === 503 ? r : undefined;
      },
      20_000,
    );
    expect(down.text).toMatch(/^not ready: \/api\/v1\/pods: cannot watch for \d+ s: .+/);
    proxy.refuse(false);
    await eventually('/readyz ok again', async () => ((await readyz()).status === 200 ? true : undefined), 40_000);
  });
});
