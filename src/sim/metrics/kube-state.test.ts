import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../api/registry.ts';
import { renderKubeState } from './kube-state.ts';
import { fixturePod } from './fixtures.test-support.ts';
import { parseExposition } from './text-parse.ts';

const P = 'namespace="shop",pod="web-7d9f8-abcde",uid="1b4e28ba-2fa1-11d2-883f-0016d3cca427"';

function samplesOf(text: string, prefix: string): string[] {
  return text.split('\n').filter((l) => l.startsWith(prefix));
}

const none = { pods: [], deployments: [], jobs: [], nodes: [], hpas: [] };

describe('/metrics/kube-state renderer', () => {
  it('writes the ksm v2 pod families for a pod', () => {
    const text = renderKubeState({ ...none, pods: [fixturePod()] });
    expect(samplesOf(text, 'kube_pod_')).toEqual([
      `kube_pod_info{${P},host_ip="10.0.0.10",pod_ip="10.244.0.7",node="node-1",created_by_kind="ReplicaSet",created_by_name="web-7d9f8",priority_class="",host_network="false"} 1`,
      `kube_pod_status_phase{${P},phase="Pending"} 0`,
      `kube_pod_status_phase{${P},phase="Succeeded"} 0`,
      `kube_pod_status_phase{${P},phase="Failed"} 0`,
      `kube_pod_status_phase{${P},phase="Unknown"} 0`,
      `kube_pod_status_phase{${P},phase="Running"} 1`,
      `kube_pod_status_ready{${P},condition="true"} 0`,
      `kube_pod_status_ready{${P},condition="false"} 1`,
      `kube_pod_status_ready{${P},condition="unknown"} 0`,
      `kube_pod_container_status_restarts_total{${P},container="app"} 2`,
      `kube_pod_container_status_restarts_total{${P},container="sidecar"} 0`,
      `kube_pod_container_status_waiting_reason{${P},container="sidecar",reason="CrashLoopBackOff"} 1`,
      `kube_pod_container_status_last_terminated_reason{${P},container="app",reason="OOMKilled"} 1`,
      `kube_pod_container_resource_requests{${P},container="app",node="node-1",resource="cpu",unit="core"} 0.25`,
      `kube_pod_container_resource_requests{${P},container="app",node="node-1",resource="memory",unit="byte"} 1.34217728e+08`,
      `kube_pod_container_resource_requests{${P},container="sidecar",node="node-1",resource="cpu",unit="core"} 0.1`,
      `kube_pod_container_resource_requests{${P},container="sidecar",node="node-1",resource="memory",unit="byte"} 6.7108864e+07`,
      `kube_pod_container_resource_limits{${P},container="app",node="node-1",resource="cpu",unit="core"} 0.5`,
      `kube_pod_container_resource_limits{${P},container="app",node="node-1",resource="memory",unit="byte"} 2.68435456e+08`,
    ]);
    expect(text).toContain('# HELP kube_pod_info [STABLE] Information about pod.\n# TYPE kube_pod_info gauge\n');
    expect(text).toContain('# TYPE kube_pod_container_status_restarts_total counter\n');
    // ksm writes the headers of families without series (no terminated container here)
    expect(text).toContain(
      '# HELP kube_pod_container_status_terminated_reason Describes the reason the container is currently in terminated state.\n' +
        '# TYPE kube_pod_container_status_terminated_reason gauge\n# HELP kube_pod_container_status_last_terminated_reason',
    );
    parseExposition(text);
  });

  it('writes deployment, job, node and HPA families', () => {
    const deployment: KubeObject = {
      metadata: { name: 'web', namespace: 'shop' },
      spec: { replicas: 3 },
      status: { replicas: 3, availableReplicas: 2, unavailableReplicas: 1 },
    };
    const done: KubeObject = {
      metadata: { name: 'migrate', namespace: 'shop' },
      status: { succeeded: 1, conditions: [{ type: 'Complete', status: 'True' }] },
    };
    const broken: KubeObject = {
      metadata: { name: 'report', namespace: 'batch' },
      status: { failed: 4, conditions: [{ type: 'Failed', status: 'True', reason: 'BackoffLimitExceeded' }] },
    };
    const running: KubeObject = { metadata: { name: 'ingest', namespace: 'batch' }, status: { active: 2 } };
    const node: KubeObject = {
      metadata: { name: 'node-1' },
      status: {
        allocatable: {
          cpu: '3900m',
          memory: '15Gi',
          pods: '110',
          'ephemeral-storage': '100Gi',
          'hugepages-2Mi': '0',
          'nvidia.com/gpu': '2',
        },
        conditions: [
          { type: 'Ready', status: 'True' },
          { type: 'MemoryPressure', status: 'False' },
        ],
      },
    };
    const hpa: KubeObject = {
      metadata: { name: 'web', namespace: 'shop' },
      spec: { maxReplicas: 10, minReplicas: 2 },
      status: { currentReplicas: 3 },
    };
    const text = renderKubeState({
      ...none,
      deployments: [deployment],
      jobs: [done, broken, running],
      nodes: [node],
      hpas: [hpa],
    });
    const D = 'namespace="shop",deployment="web"';
    const H = 'namespace="shop",horizontalpodautoscaler="web"';
    expect(text.split('\n').filter((l) => l !== '' && !l.startsWith('#'))).toEqual([
      `kube_deployment_spec_replicas{${D}} 3`,
      `kube_deployment_status_replicas{${D}} 3`,
      `kube_deployment_status_replicas_available{${D}} 2`,
      `kube_deployment_status_replicas_unavailable{${D}} 1`,
      `kube_horizontalpodautoscaler_spec_max_replicas{${H}} 10`,
      `kube_horizontalpodautoscaler_spec_min_replicas{${H}} 2`,
      `kube_horizontalpodautoscaler_status_current_replicas{${H}} 3`,
      'kube_job_status_succeeded{namespace="batch",job_name="ingest"} 0',
      'kube_job_status_succeeded{namespace="batch",job_name="report"} 0',
      'kube_job_status_succeeded{namespace="shop",job_name="migrate"} 1',
      'kube_job_status_failed{namespace="batch",job_name="ingest"} 0',
      'kube_job_status_failed{namespace="batch",job_name="report",reason="BackoffLimitExceeded"} 1',
      'kube_job_status_failed{namespace="batch",job_name="report",reason="DeadlineExceeded"} 0',
      'kube_job_status_failed{namespace="batch",job_name="report",reason="Evicted"} 0',
      'kube_job_status_failed{namespace="shop",job_name="migrate"} 0',
      'kube_job_status_active{namespace="batch",job_name="ingest"} 2',
      'kube_job_status_active{namespace="batch",job_name="report"} 0',
      'kube_job_status_active{namespace="shop",job_name="migrate"} 0',
      'kube_job_complete{namespace="shop",job_name="migrate",condition="true"} 1',
      'kube_job_complete{namespace="shop",job_name="migrate",condition="false"} 0',
      'kube_job_complete{namespace="shop",job_name="migrate",condition="unknown"} 0',
      'kube_job_failed{namespace="batch",job_name="report",condition="true"} 1',
      'kube_job_failed{namespace="batch",job_name="report",condition="false"} 0',
      'kube_job_failed{namespace="batch",job_name="report",condition="unknown"} 0',
      'kube_node_status_condition{node="node-1",condition="Ready",status="true"} 1',
      'kube_node_status_condition{node="node-1",condition="Ready",status="false"} 0',
      'kube_node_status_condition{node="node-1",condition="Ready",status="unknown"} 0',
      'kube_node_status_condition{node="node-1",condition="MemoryPressure",status="true"} 0',
      'kube_node_status_condition{node="node-1",condition="MemoryPressure",status="false"} 1',
      'kube_node_status_condition{node="node-1",condition="MemoryPressure",status="unknown"} 0',
      'kube_node_status_allocatable{node="node-1",resource="cpu",unit="core"} 3.9',
      'kube_node_status_allocatable{node="node-1",resource="memory",unit="byte"} 1.610612736e+10',
      'kube_node_status_allocatable{node="node-1",resource="pods",unit="integer"} 110',
      'kube_node_status_allocatable{node="node-1",resource="ephemeral_storage",unit="byte"} 1.073741824e+11',
      'kube_node_status_allocatable{node="node-1",resource="hugepages_2Mi",unit="byte"} 0',
      'kube_node_status_allocatable{node="node-1",resource="nvidia_com_gpu",unit="integer"} 2',
    ]);
    parseExposition(text);
  });

  it('reports a failed job without a Failed condition as reason=""', () => {
    const job: KubeObject = { metadata: { name: 'j', namespace: 'n' }, status: { failed: 2 } };
    expect(samplesOf(renderKubeState({ ...none, jobs: [job] }), 'kube_job_status_failed')).toEqual([
      'kube_job_status_failed{namespace="n",job_name="j",reason=""} 2',
    ]);
  });
});
