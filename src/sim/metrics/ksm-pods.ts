import type { KubeObject } from '../api/registry.ts';
import { asObject } from '../../util/deep-equal.ts';
import type { Label, MetricFamily, Sample } from './exposition.ts';
import { conditionSamples, family, resourceSample, stable } from './ksm-common.ts';
import { containerStatuses, objects, resources, specContainers, specOf, statusOf, str } from './objects.ts';

/** kube-state-metrics v2 pod families (internal/store/pod.go), labels namespace, pod, uid first. */

const PHASES = ['Pending', 'Succeeded', 'Failed', 'Unknown', 'Running'] as const;

function podLabels(p: KubeObject): Label[] {
  return [
    ['namespace', p.metadata.namespace ?? ''],
    ['pod', p.metadata.name ?? ''],
    ['uid', p.metadata.uid ?? ''],
  ];
}

function controllerOf(p: KubeObject): { kind: string; name: string } {
  const ref = (p.metadata.ownerReferences ?? []).find((r) => r.controller === true);
  return { kind: ref?.kind ?? '', name: ref?.name ?? '' };
}

function info(p: KubeObject): Sample[] {
  const spec = specOf(p);
  const status = statusOf(p);
  const owner = controllerOf(p);
  return [
    {
      labels: [
        ...podLabels(p),
        ['host_ip', str(status['hostIP'])],
        ['pod_ip', str(status['podIP'])],
        ['node', str(spec['nodeName'])],
        ['created_by_kind', owner.kind],
        ['created_by_name', owner.name],
        ['priority_class', str(spec['priorityClassName'])],
        ['host_network', spec['hostNetwork'] === true ? 'true' : 'false'],
      ],
      value: 1,
    },
  ];
}

function phase(p: KubeObject): Sample[] {
  const current = str(statusOf(p)['phase']);
  if (!current) return [];
  return PHASES.map((ph) => ({ labels: [...podLabels(p), ['phase', ph]], value: ph === current ? 1 : 0 }));
}

function ready(p: KubeObject): Sample[] {
  return objects(statusOf(p)['conditions'])
    .filter((c) => c['type'] === 'Ready')
    .flatMap((c) => conditionSamples(podLabels(p), 'condition', str(c['status'])));
}

function perContainer(
  p: KubeObject,
  pick: (cs: Record<string, unknown>) => Sample['value'] | { reason: string } | undefined,
): Sample[] {
  const out: Sample[] = [];
  for (const cs of containerStatuses(p)) {
    const v = pick(cs);
    if (v === undefined) continue;
    const base: Label[] = [...podLabels(p), ['container', str(cs['name'])]];
    out.push(
      typeof v === 'number' ? { labels: base, value: v } : { labels: [...base, ['reason', v.reason]], value: 1 },
    );
  }
  return out;
}

function stateReason(
  cs: Record<string, unknown>,
  field: 'state' | 'lastState',
  kind: 'waiting' | 'terminated',
): { reason: string } | undefined {
  const s = asObject(cs[field])[kind];
  return s === undefined || s === null ? undefined : { reason: str(asObject(s)['reason']) };
}

function containerResources(p: KubeObject, kind: 'requests' | 'limits'): Sample[] {
  const node = str(specOf(p)['nodeName']);
  const out: Sample[] = [];
  for (const c of specContainers(p)) {
    for (const [name, q] of Object.entries(resources(c, kind))) {
      const r = resourceSample(name, q, { allowPods: false });
      if (!r) continue;
      out.push({
        labels: [
          ...podLabels(p),
          ['container', str(c['name'])],
          ['node', node],
          ['resource', r.resource],
          ['unit', r.unit],
        ],
        value: r.value,
      });
    }
  }
  return out;
}

export function podFamilies(pods: readonly KubeObject[]): MetricFamily[] {
  const each = (fn: (p: KubeObject) => Sample[]): Sample[] => pods.flatMap(fn);
  return [
    family('kube_pod_info', stable('Information about pod.'), each(info)),
    family('kube_pod_status_phase', stable('The pods current phase.'), each(phase)),
    family('kube_pod_status_ready', stable('Describes whether the pod is ready to serve requests.'), each(ready)),
    family(
      'kube_pod_container_status_restarts_total',
      stable('The number of container restarts per container.'),
      each((p) => perContainer(p, (cs) => (typeof cs['restartCount'] === 'number' ? cs['restartCount'] : 0))),
      'counter',
    ),
    family(
      'kube_pod_container_status_waiting_reason',
      stable('Describes the reason the container is currently in waiting state.'),
      each((p) => perContainer(p, (cs) => stateReason(cs, 'state', 'waiting'))),
    ),
    family(
      'kube_pod_container_status_terminated_reason',
      'Describes the reason the container is currently in terminated state.',
      each((p) => perContainer(p, (cs) => stateReason(cs, 'state', 'terminated'))),
    ),
    family(
      'kube_pod_container_status_last_terminated_reason',
      'Describes the last reason the container was in terminated state.',
      each((p) => perContainer(p, (cs) => stateReason(cs, 'lastState', 'terminated'))),
    ),
    family(
      'kube_pod_container_resource_requests',
      'The number of requested request resource by a container. It is recommended to use the kube_pod_resource_requests metric exposed by kube-scheduler instead, as it is more precise.',
      each((p) => containerResources(p, 'requests')),
    ),
    family(
      'kube_pod_container_resource_limits',
      'The number of requested limit resource by a container. It is recommended to use the kube_pod_resource_limits metric exposed by kube-scheduler instead, as it is more precise.',
      each((p) => containerResources(p, 'limits')),
    ),
  ];
}
