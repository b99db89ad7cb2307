import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../api/registry.ts';
import { renderCadvisor } from './cadvisor.ts';
import { CounterBook, steadyCumulative } from './counters.ts';
import { fixturePod, fixtureUsage, NOW } from './fixtures.test-support.ts';
import { findSamples, parseExposition } from './text-parse.ts';

const POD =
  'id="/kubepods/burstable/pod1b4e28ba-2fa1-11d2-883f-0016d3cca427",image="",name="",namespace="shop",pod="web-7d9f8-abcde"';
const APP =
  'id="/kubepods/burstable/pod1b4e28ba-2fa1-11d2-883f-0016d3cca427/0a1b2c3d",image="shop/web:1.2",name="0a1b2c3d",namespace="shop",pod="web-7d9f8-abcde"';
const TS = '1714558500000';

describe('/metrics/cadvisor renderer', () => {
  it('writes cAdvisor container and pod cgroup series with kubelet labels', () => {
    const text = renderCadvisor({
      pods: [fixturePod()],
      nodes: [],
      now: NOW,
      usage: fixtureUsage,
      cumulative: steadyCumulative(NOW),
    });
    expect(text.split('\n')).toEqual([
      '# HELP container_cpu_usage_seconds_total Cumulative cpu time consumed in seconds.',
      '# TYPE container_cpu_usage_seconds_total counter',
      // pod cgroup: 200m since the pod started 900 s ago; the app container: 200m for its 600 s run
      `container_cpu_usage_seconds_total{container="",cpu="total",${POD}} 180 ${TS}`,
      `container_cpu_usage_seconds_total{container="app",cpu="total",${APP}} 120 ${TS}`,
      '# HELP container_memory_usage_bytes Current memory usage in bytes, including all memory regardless of when it was accessed',
      '# TYPE container_memory_usage_bytes gauge',
      `container_memory_usage_bytes{container="",${POD}} 1.13246208e+08 ${TS}`,
      `container_memory_usage_bytes{container="app",${APP}} 1.13246208e+08 ${TS}`,
      '# HELP container_memory_working_set_bytes Current working set in bytes.',
      '# TYPE container_memory_working_set_bytes gauge',
      `container_memory_working_set_bytes{container="",${POD}} 1.048576e+08 ${TS}`,
      `container_memory_working_set_bytes{container="app",${APP}} 1.048576e+08 ${TS}`,
      '# HELP container_spec_memory_limit_bytes Memory limit for the container.',
      '# TYPE container_spec_memory_limit_bytes gauge',
      // the sidecar has no memory limit, so neither has the pod cgroup
      `container_spec_memory_limit_bytes{container="",${POD}} 0`,
      `container_spec_memory_limit_bytes{container="app",${APP}} 2.68435456e+08`,
      '',
    ]);
    expect(parseExposition(text)).toHaveLength(4);
  });

  it('writes nothing for pods without running containers', () => {
    const pod = fixturePod();
    pod.status = { phase: 'Pending' };
    expect(
      renderCadvisor({ pods: [pod], nodes: [], now: NOW, usage: fixtureUsage, cumulative: steadyCumulative(NOW) }),
    ).toBe('');
  });

  it('keeps the CPU counter monotonic across scrapes and restarts it with the container', () => {
    const book = new CounterBook();
    const pod = fixturePod();
    const scrape = (p: KubeObject, at: Date): number => {
      const text = renderCadvisor({ pods: [p], nodes: [], now: at, usage: fixtureUsage, cumulative: book.at(at) });
      return (
        findSamples(parseExposition(text), 'container_cpu_usage_seconds_total', { container: 'app' })[0]?.value ?? NaN
      );
    };
    const a = scrape(pod, NOW);
    const b = scrape(pod, new Date(NOW.getTime() + 15_000));
    expect(b - a).toBeCloseTo(3, 6); // 0.2 cores x 15 s
    const restarted = fixturePod();
    const st = (restarted.status as { containerStatuses: Record<string, unknown>[] }).containerStatuses[0] as Record<
      string,
      unknown
    >;
    st['containerID'] = 'containerd://0a1b2c3e';
    st['state'] = { running: { startedAt: '2024-05-01T10:15:20Z' } };
    expect(scrape(restarted, new Date(NOW.getTime() + 30_000))).toBeCloseTo(2, 6); // 0.2 x 10 s since the restart
  });

  it('adds DCGM GPU utilization for GPUs held by pods, and idle GPUs of the node', () => {
    const node: KubeObject = {
      metadata: { name: 'gpu-node', labels: { 'nvidia.com/gpu.product': 'Tesla-T4' } },
      status: { capacity: { 'nvidia.com/gpu': '2' } },
    };
    const pod: KubeObject = {
      metadata: {
        name: 'trainer',
        namespace: 'ml',
        uid: 'u-gpu',
        creationTimestamp: '2024-05-01T10:00:00Z',
        annotations: { 'sim.kubeloop.dev/gpu-util': '93' },
      },
      spec: {
        nodeName: 'gpu-node',
        containers: [{ name: 'cuda', image: 'pytorch:24.01', resources: { limits: { 'nvidia.com/gpu': '1' } } }],
      },
      status: {
        phase: 'Running',
        qosClass: 'BestEffort',
        startTime: '2024-05-01T10:00:00Z',
        containerStatuses: [
          {
            name: 'cuda',
            image: 'pytorch:24.01',
            containerID: 'containerd://ff00',
            restartCount: 0,
            state: { running: { startedAt: '2024-05-01T10:10:00Z' } },
          },
        ],
      },
    };
    const text = renderCadvisor({
      pods: [pod],
      nodes: [node],
      now: NOW,
      usage: () => [{ name: 'cuda', cpuMillis: 1500, memoryBytes: 2e9 }],
      cumulative: steadyCumulative(NOW),
    });
    const dcgm = text.split('\n').filter((l) => l.includes('DCGM_FI_DEV_GPU_UTIL'));
    expect(dcgm).toEqual([
      '# HELP DCGM_FI_DEV_GPU_UTIL GPU utilization (in %).',
      '# TYPE DCGM_FI_DEV_GPU_UTIL gauge',
      'DCGM_FI_DEV_GPU_UTIL{gpu="0",UUID="GPU-e88c65f7-cb34-e2e0-a391-756abe2040be",pci_bus_id="00000000:1A:00.0",device="nvidia0",modelName="Tesla-T4",Hostname="gpu-node",DCGM_FI_DRIVER_VERSION="550.90.07",container="cuda",namespace="ml",pod="trainer"} 93',
      'DCGM_FI_DEV_GPU_UTIL{gpu="1",UUID="GPU-e5fe9f59-991a-5534-ddfd-290af6eeb5c5",pci_bus_id="00000000:1B:00.0",device="nvidia1",modelName="Tesla-T4",Hostname="gpu-node",DCGM_FI_DRIVER_VERSION="550.90.07"} 0',
    ]);
    expect(
      findSamples(parseExposition(text), 'container_cpu_usage_seconds_total', { container: 'cuda' })[0]?.value,
    ).toBe(450);
  });
});
