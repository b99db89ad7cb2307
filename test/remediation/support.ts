import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { configSchema } from '../../src/config/schema.ts';
import { startPlatform, type Platform } from '../../src/platform/platform.ts';
import { WebhookReceiver } from '../support/chat-receivers.ts';
export { guanceAlert } from '../support/seed-payloads.ts';

export const WEBHOOK_SECRET = 'remediation-e2e-secret';

export interface Harness {
  platform: Platform;
  receiver: WebhookReceiver;
  dir: string;
  link(source: string, name?: string): Promise<string>;
  post(
    path: string,
    body: unknown,
    headers?: Record<string, string>,
  ): Promise<{ status: number; json: Record<string, unknown> }>;
  stop(): Promise<void>;
}

/**
 * The platform on a cluster, with a webhook channel routed for everything and the given remediation
 * config; `config` adds other sections (a shared real node's suites limit `monitor.namespaces`).
 */
export async function startHarness(
  kubeconfig: string,
  remediation: Record<string, unknown>,
  opts: { dataDir?: string; receiver?: WebhookReceiver; config?: Record<string, unknown> } = {},
): Promise<Harness> {
  const receiver = opts.receiver ?? (await new WebhookReceiver({ secret: WEBHOOK_SECRET }).start());
  const kc = new KubeConfig();
  kc.loadFromString(kubeconfig);
  const dir = opts.dataDir ?? (await mkdtemp(join(tmpdir(), 'kubeloop-remediation-')));
  const config = configSchema.parse({
    ...opts.config,
    alerting: {
      channels: [{ name: 'hook', type: 'webhook', url: receiver.url, secret: WEBHOOK_SECRET }],
      routes: [{ channels: ['hook'] }],
      grouping: { window: '0s' },
    },
    remediation,
  });
  const platform = await startPlatform({ config, kc, cluster: 'test', dataDir: dir, port: 0 });
  const post = async (path: string, body: unknown, headers: Record<string, string> = {}) => {
    const res = await fetch(`${platform.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, json: (text ? JSON.parse(text) : {}) as Record<string, unknown> };
  };
  return {
    platform,
    receiver,
    dir,
    post,
    async link(source, name = `${source}-${Math.random().toString(36).slice(2, 8)}`) {
      const r = await post('/api/v1/links', { name, source });
      if (r.status !== 201) throw new Error(`link: ${r.status} ${JSON.stringify(r.json)}`);
      return String(r.json.path);
    },
    async stop() {
      await platform.stop();
      if (!opts.receiver) await receiver.stop();
      if (!opts.dataDir) await rm(dir, { recursive: true, force: true });
    },
  };
}

export interface ActionView {
  id: number;
  playbook: string;
  action: string;
  state: string;
  summary: string;
  before: Record<string, number> | null;
  after: Record<string, number> | null;
  trigger: { alertId: number | null };
}

export async function actionsOf(platform: Platform, alertId: number): Promise<ActionView[]> {
  const res = await fetch(`${platform.url}/api/v1/alerts/${alertId}`);
  return ((await res.json()) as { actions: ActionView[] }).actions;
}
