import { BenchClient } from '../support/http.ts';
import type { Side } from './sides.ts';

/**
 * A Deployment scaled 0 -> 1,000 -> ... replicas through the Scale subresource, timed from the
 * scale write until every replica is Running (as the sim's kubelet model reports it, at its
 * default timings). Sim only: the real control plane here has no scheduler and no kubelet.
 */
export async function scaleRound(
  side: Side,
  steps: number[],
  timeoutPerStepMs = 300_000,
): Promise<{ replicas: number; seconds: number }[]> {
  const api = new BenchClient(side.target, 4);
  const ns = 'scale';
  const out: { replicas: number; seconds: number }[] = [];
  try {
    await api.json('POST', '/api/v1/namespaces', { metadata: { name: ns } });
    const labels = { app: 'scale' };
    await api.json('POST', `/apis/apps/v1/namespaces/${ns}/deployments`, {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'scale', labels },
      spec: {
        replicas: 0,
        selector: { matchLabels: labels },
        template: {
          metadata: { labels },
          spec: {
            containers: [
              {
                name: 'app',
                image: 'kubeloop/httpserver:1.0',
                resources: { requests: { cpu: '10m', memory: '16Mi' } },
              },
            ],
          },
        },
      },
    });
    for (const replicas of steps) {
      const start = performance.now();
      await api.json(
        'PATCH',
        `/apis/apps/v1/namespaces/${ns}/deployments/scale/scale`,
        { spec: { replicas } },
        'application/merge-patch+json',
      );
      const deadline = Date.now() + timeoutPerStepMs;
      for (;;) {
        const c = await side.counts(ns);
        if (c && c.running >= replicas) break;
        if (Date.now() > deadline)
          throw new Error(`scale to ${replicas}: only ${c?.running ?? '?'} Running after ${timeoutPerStepMs / 1000} s`);
        await new Promise((r) => setTimeout(r, 100));
      }
      out.push({ replicas, seconds: (performance.now() - start) / 1000 });
    }
  } finally {
    api.close();
  }
  return out;
}
