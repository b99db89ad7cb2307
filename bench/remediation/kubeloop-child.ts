import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { configSchema } from '../../src/config/schema.ts';
import { startPlatform, type Platform } from '../../src/platform/platform.ts';
import { createLink } from '../../src/remediation/links.ts';
import { childConfig, serveParent } from '../support/child.ts';

/**
 * Kubeloop's side: the whole platform as `kubeloop up` starts it (store on SQLite, monitor,
 * notifier, remediation, HTTP server) against the sim, with seed 000's playbook: a Guance alert
 * naming a pod scales its Deployment out by one. Cooldown 0 and a large budget, because the bench
 * sends one alert per workload per second on purpose. Requests: start -> { url }, stop.
 */
export interface KubeloopChildConfig {
  kubeconfig: string;
  max: number;
}

const cfg = childConfig<KubeloopChildConfig>();
let platform: Platform | undefined;
let dataDir: string | undefined;

serveParent(
  {
    async start() {
      const kc = new KubeConfig();
      kc.loadFromString(cfg.kubeconfig);
      dataDir = await mkdtemp(join(tmpdir(), 'kubeloop-bench-remediation-'));
      const config = configSchema.parse({
        log: { level: 'warn' },
        remediation: {
          cooldown: '0s',
          budget: { actions: 1_000_000, per: '1h' },
          playbooks: [
            {
              name: 'seed-scale-out',
              cooldown: '0s',
              trigger: { alert: { source: 'guance' } },
              actions: [{ action: 'scale_out', max: cfg.max }],
            },
          ],
        },
      });
      platform = await startPlatform({ config, kc, cluster: 'bench', dataDir, port: 0 });
      const { path } = await createLink(platform.store, { name: 'bench-guance', source: 'guance' });
      return { url: `${platform.url}${path}` };
    },
    async counts() {
      if (!platform) throw new Error('not started');
      const db = platform.store.db;
      const rows = await db.selectFrom('actions').select(['state']).execute();
      const states: Record<string, number> = {};
      for (const r of rows) states[r.state] = (states[r.state] ?? 0) + 1;
      return states;
    },
  },
  async () => {
    await platform?.stop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  },
);
