import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppsV1Api, CoreV1Api } from '@kubernetes/client-node';
import { simRequest, startTestSim, type TestSim } from '../support/sim.ts';
import { eventually } from '../support/eventually.ts';
import { addNode } from '../../src/sim/scenarios/index.ts';
import { findSamples, parseExposition, type ParsedFamily } from '../../src/sim/metrics/text-parse.ts';
import type { TargetGroup } from '../../src/sim/metrics/http-sd.ts';

let t: TestSim;
let core: CoreV1Api;

const hasPromtool = spawnSync('which', ['promtool']).status === 0;

/** The body parses as the text format: with `promtool check metrics` when installed, always with the strict checker. */
function check(text: string): ParsedFamily[] {
  if (hasPromtool) {
    const r = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
    expect(r.status, `${r.stdout}${r.stderr}`).toBe(0);
  }
  return parseExposition(text);
}

async function scrape(path: string): Promise<{ status: number; type: string; text: string }> {
  const r = await simRequest(t.sim, 'GET', path, { token: null });
  return { status: r.status, type: String(r.headers['content-type']), text: r.text };
}

beforeAll(async () => {
  t = await startTestSim({
    controllers: {},
    kubelet: { startDelayMs: 20, stopDelayMs: 20, backoffBaseMs: 300, backoffMaxMs: 1200, jobRunMs: 100 },
  });
  addNode(t.sim.service, 'node-1', 0);
  core = t.kc.makeApiClient(CoreV1Api);
  await core.createNamespace({ body: { metadata: { name: 'm' } } });
  await core.createNamespacedPod({
    namespace: 'm',
    body: {
      metadata: {
        name: 'web',
        labels: { app: 'web' },
        annotations: { 'sim.kubeloop.dev/rps': '200', 'sim.kubeloop.dev/cpu-millicores': '300' },
      },
      spec: {
        containers: [
          {
            name: 'app',
            image: 'kubeloop/web:1',
            resources: { requests: { cpu: '250m', memory: '64Mi' }, limits: { memory: '128Mi' } },
          },
        ],
      },
    },
  });
  await t.kc.makeApiClient(AppsV1Api).createNamespacedDeployment({
    namespace: 'm',
    body: {
      metadata: { name: 'api' },
      spec: {
        replicas: 1,
        selector: { matchLabels: { app: 'api' } },
        template: {
          metadata: { labels: { app: 'api' } },
          spec: { containers: [{ name: 'api', image: 'kubeloop/api:1' }] },
        },
      },
    },
  });
  await eventually('pod web Running', async () => {
    const p = await core.readNamespacedPod({ namespace: 'm', name: 'web' });
    return p.status?.phase === 'Running' ? p : undefined;
  });
});
afterAll(async () => {
  await t.sim.stop();
});

describe('scrape endpoints of the sim', () => {
  it('serves cAdvisor metrics without a token, with a monotonic CPU counter', async () => {
    const first = await scrape('/metrics/cadvisor');
    expect(first.status).toBe(200);
    expect(first.type).toBe('text/plain; version=0.0.4; charset=utf-8');
    const a = findSamples(check(first.text), 'container_cpu_usage_seconds_total', {
      namespace: 'm',
      pod: 'web',
      container: 'app',
      cpu: 'total',
    });
    expect(a).toHaveLength(1);
    expect(a[0]?.labels['id']).toMatch(/^\/kubepods\/burstable\/pod[0-9a-f-]+\/\w+$/);
    expect(a[0]?.labels['image']).toBe('kubeloop/web:1');
    // The counter grows with the sim's clock: a later scrape reads more (waited for, not slept for).
    const fams = await eventually('the CPU counter to grow', async () => {
      const f = check((await scrape('/metrics/cadvisor')).text);
      const b = findSamples(f, 'container_cpu_usage_seconds_total', { pod: 'web', container: 'app' });
      return (b[0]?.value ?? -Infinity) > (a[0]?.value ?? Infinity) ? f : undefined;
    });
    expect(
      findSamples(fams, 'container_memory_working_set_bytes', { pod: 'web', container: 'app' })[0]?.value,
    ).toBeGreaterThan(0);
    expect(findSamples(fams, 'container_spec_memory_limit_bytes', { pod: 'web', container: 'app' })[0]?.value).toBe(
      128 * 1024 * 1024,
    );
  });

  it('serves kube-state-metrics families', async () => {
    const r = await scrape('/metrics/kube-state');
    expect(r.status).toBe(200);
    const fams = check(r.text);
    expect(findSamples(fams, 'kube_pod_status_phase', { namespace: 'm', pod: 'web', phase: 'Running' })[0]?.value).toBe(
      1,
    );
    expect(
      findSamples(fams, 'kube_pod_container_resource_requests', { pod: 'web', resource: 'cpu', unit: 'core' })[0]
        ?.value,
    ).toBe(0.25);
    expect(
      findSamples(fams, 'kube_node_status_condition', { node: 'node-1', condition: 'Ready', status: 'true' })[0]?.value,
    ).toBe(1);
    expect(findSamples(fams, 'kube_deployment_spec_replicas', { namespace: 'm', deployment: 'api' })[0]?.value).toBe(1);
  });

  it("serves a pod's app metrics with a growing request counter, 404 for unknown pods", async () => {
    const read = async (): Promise<number> => {
      const r = await scrape('/metrics/pods/m/web');
      expect(r.status).toBe(200);
      return (
        findSamples(check(r.text), 'http_requests_total', { code: '200', handler: '/', method: 'GET' })[0]?.value ?? NaN
      );
    };
    const a = await read();
    expect(Number.isFinite(a)).toBe(true);
    await eventually('the request counter to grow (200 requests/s)', async () =>
      (await read()) > a ? true : undefined,
    );
    expect((await scrape('/metrics/pods/m/nope')).status).toBe(404);
    expect((await scrape('/metrics/pods/nowhere/web')).status).toBe(404);
  });

  it('serves http_sd targets for running pods', async () => {
    const r = await simRequest(t.sim, 'GET', '/sd/pods', { token: null });
    expect(r.status).toBe(200);
    // what Prometheus's http_sd accepts
    expect(r.headers['content-type']).toMatch(/^(?:application\/json(;\s*charset=("utf-8"|utf-8))?)$/i);
    const groups = r.json<TargetGroup[]>();
    const web = groups.find((g) => g.labels['__meta_kubernetes_pod_name'] === 'web');
    expect(web).toEqual(expect.objectContaining({ targets: [new URL(t.sim.url).host] }));
    expect(web?.labels).toEqual(
      expect.objectContaining({
        __metrics_path__: '/metrics/pods/m/web',
        __scheme__: 'https',
        __meta_kubernetes_namespace: 'm',
        namespace: 'm',
        pod: 'web',
      }),
    );
  });

  it('keeps bearer-token authentication everywhere else', async () => {
    expect((await simRequest(t.sim, 'GET', '/api/v1/namespaces/m/pods', { token: null })).status).toBe(401);
    expect((await simRequest(t.sim, 'GET', '/metrics', { token: null })).status).toBe(401);
    expect((await simRequest(t.sim, 'GET', '/api/v1/namespaces/m/pods', {})).status).toBe(200);
    expect((await simRequest(t.sim, 'POST', '/metrics/cadvisor', { token: null })).status).toBe(405);
  });
});
