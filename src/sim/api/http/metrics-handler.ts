import type { KubeObject, ResourceDef } from '../registry.ts';
import { ApiError } from '../../../kube/apimachinery/errors.ts';
import { formatQuantity } from '../../../util/quantity.ts';
import { isPlainObject } from '../../../util/deep-equal.ts';
import { matchesLabels, parseLabelSelector } from '../selectors.ts';
import type { ResourceCall } from './resource-handlers.ts';
import { sendJson } from './respond.ts';

const WINDOW = '30s';

function cpu(m: number): string {
  return m % 1000 === 0 && m > 0 ? String(m / 1000) : `${m}m`;
}

function memory(bytes: number): string {
  const ki = Math.round(bytes / 1024);
  return formatQuantity(ki * 1024, true);
}

function metricsNotFound(kind: 'podmetrics' | 'nodemetrics', name: string): ApiError {
  return new ApiError({
    message: `${kind}.metrics.k8s.io "${name}" not found`,
    reason: 'NotFound',
    details: { name, group: 'metrics.k8s.io', kind },
    code: 404,
  });
}

/** metrics.k8s.io/v1beta1 PodMetrics and NodeMetrics, computed from the sim's workload models. */
export function handleMetrics(call: ResourceCall): void {
  const { ctx, target, query } = call;
  const podDef = ctx.registry.find('', 'v1', 'pods') as ResourceDef;
  const nodeDef = ctx.registry.find('', 'v1', 'nodes') as ResourceDef;
  const now = ctx.service.now();
  const timestamp = now.toISOString().replace(/\.\d{3}Z$/, 'Z');
  const selector = parseLabelSelector(query.get('labelSelector') ?? '');
  const podMetrics = (pod: KubeObject): Record<string, unknown> | undefined => {
    const usage = ctx.usage(pod, now);
    if (usage.length === 0) return undefined;
    const m = pod.metadata;
    return {
      metadata: { name: m.name, namespace: m.namespace, creationTimestamp: timestamp, labels: m.labels },
      timestamp,
      window: WINDOW,
      containers: usage.map((u) => ({ name: u.name, usage: { cpu: cpu(u.cpuMillis), memory: memory(u.memoryBytes) } })),
    };
  };
  if (target.def.kind === 'PodMetrics') {
    if (target.name) {
      const pod = ctx.store.get(podDef, target.namespace, target.name)?.obj;
      const item = pod ? podMetrics(pod) : undefined;
      if (!item) throw metricsNotFound('podmetrics', target.name);
      sendJson(call.reply, 200, JSON.stringify({ kind: 'PodMetrics', apiVersion: 'metrics.k8s.io/v1beta1', ...item }));
      return;
    }
    const items = ctx.store
      .listCurrent(podDef, target.namespace)
      .map((so) => so.obj)
      .filter((p) => matchesLabels(selector, p.metadata.labels))
      .map(podMetrics)
      .filter((x) => x !== undefined);
    sendJson(
      call.reply,
      200,
      JSON.stringify({ kind: 'PodMetricsList', apiVersion: 'metrics.k8s.io/v1beta1', metadata: {}, items }),
    );
    return;
  }
  const totals = new Map<string, { cpu: number; memory: number }>();
  for (const so of ctx.store.listCurrent(podDef, undefined)) {
    const node = isPlainObject(so.obj.spec) ? String(so.obj.spec['nodeName'] ?? '') : '';
    if (!node) continue;
    const t = totals.get(node) ?? { cpu: 0, memory: 0 };
    for (const u of ctx.usage(so.obj, now)) {
      t.cpu += u.cpuMillis;
      t.memory += u.memoryBytes;
    }
    totals.set(node, t);
  }
  // Each node's system daemons (kubelet, runtime, OS) use a little on top of the pods.
  const nodeMetrics = (node: KubeObject): Record<string, unknown> => {
    const t = totals.get(node.metadata.name ?? '') ?? { cpu: 0, memory: 0 };
    return {
      metadata: { name: node.metadata.name, creationTimestamp: timestamp, labels: node.metadata.labels },
      timestamp,
      window: WINDOW,
      usage: { cpu: cpu(t.cpu + 150), memory: memory(t.memory + 900 * 1024 * 1024) },
    };
  };
  if (target.name) {
    const node = ctx.store.get(nodeDef, undefined, target.name)?.obj;
    if (!node) throw metricsNotFound('nodemetrics', target.name);
    sendJson(
      call.reply,
      200,
      JSON.stringify({ kind: 'NodeMetrics', apiVersion: 'metrics.k8s.io/v1beta1', ...nodeMetrics(node) }),
    );
    return;
  }
  const items = ctx.store
    .listCurrent(nodeDef, undefined)
    .map((so) => so.obj)
    .filter((n) => matchesLabels(selector, n.metadata.labels))
    .map(nodeMetrics);
  sendJson(
    call.reply,
    200,
    JSON.stringify({ kind: 'NodeMetricsList', apiVersion: 'metrics.k8s.io/v1beta1', metadata: {}, items }),
  );
}
