import { describe, expect, it } from 'vitest';
import { renderPodAppMetrics } from './app-metrics.ts';
import { CounterBook, steadyCumulative } from './counters.ts';
import { fixturePod, NOW } from './fixtures.test-support.ts';
import { podTargetGroups } from './http-sd.ts';
import { podRequestRate } from './request-rate.ts';
import { findSamples, parseExposition } from './text-parse.ts';

describe('per-pod app metrics', () => {
  it('reads the request rate from the sim.kubeloop.dev/rps annotation (default 0)', () => {
    const pod = fixturePod();
    expect(podRequestRate(pod, NOW)).toBe(12.5);
    for (const v of [undefined, '', 'lots', '-3', 'Infinity']) {
      pod.metadata.annotations = v === undefined ? {} : { 'sim.kubeloop.dev/rps': v };
      expect(podRequestRate(pod, NOW)).toBe(0);
    }
  });

  it('counts the requests of the app process since it started', () => {
    expect(renderPodAppMetrics(fixturePod(), steadyCumulative(NOW), podRequestRate(fixturePod(), NOW))).toBe(
      [
        '# HELP http_requests_total Total number of HTTP requests by status code, handler and method.',
        '# TYPE http_requests_total counter',
        'http_requests_total{code="200",handler="/",method="GET"} 7500', // 12.5/s for the 600 s since 10:05
        '# HELP process_start_time_seconds Start time of the process since unix epoch in seconds.',
        '# TYPE process_start_time_seconds gauge',
        'process_start_time_seconds 1.7145579e+09',
        '',
      ].join('\n'),
    );
  });

  it('is monotonic across scrapes while the rate changes, and starts over when the container restarts', () => {
    const book = new CounterBook();
    const pod = fixturePod();
    const read = (at: number): number => {
      const text = renderPodAppMetrics(pod, book.at(new Date(at)), podRequestRate(pod, new Date(at))) ?? '';
      return findSamples(parseExposition(text), 'http_requests_total')[0]?.value ?? NaN;
    };
    const t0 = NOW.getTime();
    const values = [read(t0)];
    pod.metadata.annotations = { 'sim.kubeloop.dev/rps': '0' };
    values.push(read(t0 + 10_000));
    pod.metadata.annotations = { 'sim.kubeloop.dev/rps': '100' };
    values.push(read(t0 + 20_000), read(t0 + 30_000));
    expect(values).toEqual([7500, 7562, 8062, 9062]);
    const st = (pod.status as { containerStatuses: Record<string, unknown>[] }).containerStatuses[0] as Record<
      string,
      unknown
    >;
    st['containerID'] = 'containerd://restarted';
    st['state'] = { running: { startedAt: new Date(t0 + 35_000).toISOString() } };
    expect(read(t0 + 40_000)).toBe(500);
  });

  it('has nothing to serve while the app container is not running', () => {
    const pod = fixturePod();
    pod.metadata.annotations = { 'kubectl.kubernetes.io/default-container': 'sidecar' };
    expect(renderPodAppMetrics(pod, steadyCumulative(NOW), 0)).toBeUndefined();
  });
});

describe('http_sd targets', () => {
  it('lists running pods with their metrics path on the sim', () => {
    const pending = fixturePod();
    pending.metadata.name = 'waiting';
    pending.status = { phase: 'Pending' };
    expect(podTargetGroups([fixturePod(), pending], { address: '127.0.0.1:6443', scheme: 'https' })).toEqual([
      {
        targets: ['127.0.0.1:6443'],
        labels: {
          __metrics_path__: '/metrics/pods/shop/web-7d9f8-abcde',
          __scheme__: 'https',
          __meta_kubernetes_namespace: 'shop',
          __meta_kubernetes_pod_name: 'web-7d9f8-abcde',
          __meta_kubernetes_pod_uid: '1b4e28ba-2fa1-11d2-883f-0016d3cca427',
          // A made-up label value (no traffic goes there).
          __meta_kubernetes_pod_ip: '10.244.0.7',
          __meta_kubernetes_pod_node_name: 'node-1',
          __meta_kubernetes_pod_phase: 'Running',
          __meta_kubernetes_pod_ready: 'false',
          __meta_kubernetes_pod_container_name: 'app',
          __meta_kubernetes_pod_label_app: 'web',
          __meta_kubernetes_pod_labelpresent_app: 'true',
          __meta_kubernetes_pod_label_app_kubernetes_io_name: 'web',
          __meta_kubernetes_pod_labelpresent_app_kubernetes_io_name: 'true',
          namespace: 'shop',
          pod: 'web-7d9f8-abcde',
          container: 'app',
        },
      },
    ]);
  });
});
