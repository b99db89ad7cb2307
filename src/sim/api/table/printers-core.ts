import type { KubeObject } from '../registry.ts';
import { arr, formatMap, num, obj, since, str, type Obj } from './format.ts';
import type { Printer } from './printer.ts';

function podStatus(pod: KubeObject): { reason: string; ready: number; restarts: number; lastRestart: number } {
  const status = obj(pod.status);
  const spec = obj(pod.spec);
  let reason = str(status['reason']) || str(status['phase']);
  let restarts = 0;
  let ready = 0;
  let lastRestart = 0;
  let initializing = false;
  const initStatuses = arr(status['initContainerStatuses']).map(obj);
  const initCount = arr(spec['initContainers']).length;
  const noteRestart = (c: Obj): void => {
    const fin = Date.parse(str(obj(obj(c['lastState'])['terminated'])['finishedAt']));
    if (!Number.isNaN(fin) && fin > lastRestart) lastRestart = fin;
  };
  for (let i = 0; i < initStatuses.length; i++) {
    const c = initStatuses[i] as Obj;
    restarts += num(c['restartCount']);
    noteRestart(c);
    const state = obj(c['state']);
    const term = state['terminated'] ? obj(state['terminated']) : undefined;
    const wait = state['waiting'] ? obj(state['waiting']) : undefined;
    if (term && num(term['exitCode']) === 0) continue;
    if (term)
      reason = str(term['reason'])
        ? `Init:${str(term['reason'])}`
        : num(term['signal'])
          ? `Init:Signal:${num(term['signal'])}`
          : `Init:ExitCode:${num(term['exitCode'])}`;
    else if (wait && str(wait['reason']) && wait['reason'] !== 'PodInitializing')
      reason = `Init:${str(wait['reason'])}`;
    else reason = `Init:${i}/${initCount}`;
    initializing = true;
    break;
  }
  if (!initializing) {
    restarts = 0;
    let hasRunning = false;
    const statuses = arr(status['containerStatuses']).map(obj);
    for (let i = statuses.length - 1; i >= 0; i--) {
      const c = statuses[i] as Obj;
      restarts += num(c['restartCount']);
      noteRestart(c);
      const state = obj(c['state']);
      const wait = state['waiting'] ? obj(state['waiting']) : undefined;
      const term = state['terminated'] ? obj(state['terminated']) : undefined;
      if (wait && str(wait['reason'])) reason = str(wait['reason']);
      else if (term && str(term['reason'])) reason = str(term['reason']);
      else if (term)
        reason = num(term['signal']) ? `Signal:${num(term['signal'])}` : `ExitCode:${num(term['exitCode'])}`;
      else if (c['ready'] === true && state['running']) {
        hasRunning = true;
        ready++;
      }
    }
    if (reason === 'Completed' && hasRunning) {
      const readyCond = arr(status['conditions'])
        .map(obj)
        .some((c) => c['type'] === 'Ready' && c['status'] === 'True');
      reason = readyCond ? 'Running' : 'NotReady';
    }
  }
  if (pod.metadata.deletionTimestamp) reason = status['reason'] === 'NodeLost' ? 'Unknown' : 'Terminating';
  return { reason, ready, restarts, lastRestart };
}

export const podPrinter: Printer = {
  columns: [
    ['Name', 'string'],
    ['Ready', 'string'],
    ['Status', 'string'],
    ['Restarts', 'string'],
    ['Age', 'string'],
    ['IP', 'string', 1],
    ['Node', 'string', 1],
    ['Nominated Node', 'string', 1],
    ['Readiness Gates', 'string', 1],
  ],
  row(pod, now) {
    const s = podStatus(pod);
    const spec = obj(pod.spec);
    const status = obj(pod.status);
    const total = arr(spec['containers']).length;
    const restarts =
      s.lastRestart > 0
        ? `${s.restarts} (${since(new Date(s.lastRestart).toISOString(), now)} ago)`
        : String(s.restarts);
    const gates = arr(spec['readinessGates']).map(obj);
    const conds = arr(status['conditions']).map(obj);
    const gatesReady = gates.filter((g) =>
      conds.some((c) => c['type'] === g['conditionType'] && c['status'] === 'True'),
    ).length;
    return [
      pod.metadata.name,
      `${s.ready}/${total}`,
      s.reason,
      restarts,
      since(pod.metadata.creationTimestamp, now),
      str(status['podIP']) || '<none>',
      str(spec['nodeName']) || '<none>',
      str(status['nominatedNodeName']) || '<none>',
      gates.length > 0 ? `${gatesReady}/${gates.length}` : '<none>',
    ];
  },
  conditions(pod) {
    const phase = obj(pod.status)['phase'];
    if (phase === 'Succeeded')
      return [
        { type: 'Completed', status: 'True', reason: 'Succeeded', message: 'The pod has completed successfully.' },
      ];
    if (phase === 'Failed')
      return [{ type: 'Completed', status: 'True', reason: 'Failed', message: 'The pod failed.' }];
    return undefined;
  },
};

function servicePorts(spec: Obj): string {
  const ports = arr(spec['ports']).map(obj);
  if (ports.length === 0) return '<none>';
  return ports
    .map((p) => `${num(p['port'])}${p['nodePort'] ? `:${num(p['nodePort'])}` : ''}/${str(p['protocol'], 'TCP')}`)
    .join(',');
}

function externalIp(spec: Obj, status: Obj): string {
  const type = str(spec['type'], 'ClusterIP');
  const external = arr(spec['externalIPs']).map((x) => str(x));
  if (type === 'ExternalName') return str(spec['externalName']);
  if (type === 'LoadBalancer') {
    const ingress = arr(obj(status['loadBalancer'])['ingress'])
      .map(obj)
      .map((i) => str(i['ip']) || str(i['hostname']));
    const all = [...ingress, ...external];
    return all.length > 0 ? all.join(',') : '<pending>';
  }
  return external.length > 0 ? external.join(',') : '<none>';
}

export const servicePrinter: Printer = {
  columns: [
    ['Name', 'string'],
    ['Type', 'string'],
    ['Cluster-IP', 'string'],
    ['External-IP', 'string'],
    ['Port(s)', 'string'],
    ['Age', 'string'],
    ['Selector', 'string', 1],
  ],
  row(svc, now) {
    const spec = obj(svc.spec);
    return [
      svc.metadata.name,
      str(spec['type'], 'ClusterIP'),
      str(spec['clusterIP']) || '<none>',
      externalIp(spec, obj(svc.status)),
      servicePorts(spec),
      since(svc.metadata.creationTimestamp, now),
      formatMap(spec['selector']),
    ];
  },
};

export const nodePrinter: Printer = {
  columns: [
    ['Name', 'string'],
    ['Status', 'string'],
    ['Roles', 'string'],
    ['Age', 'string'],
    ['Version', 'string'],
    ['Internal-IP', 'string', 1],
    ['External-IP', 'string', 1],
    ['OS-Image', 'string', 1],
    ['Kernel-Version', 'string', 1],
    ['Container-Runtime', 'string', 1],
  ],
  row(node, now) {
    const status = obj(node.status);
    const ready = arr(status['conditions'])
      .map(obj)
      .find((c) => c['type'] === 'Ready');
    const states = [ready ? (ready['status'] === 'True' ? 'Ready' : 'NotReady') : 'Unknown'];
    if (obj(node.spec)['unschedulable'] === true) states.push('SchedulingDisabled');
    const roles = Object.keys(node.metadata.labels ?? {})
      .filter((k) => k.startsWith('node-role.kubernetes.io/'))
      .map((k) => k.slice('node-role.kubernetes.io/'.length))
      .filter((r) => r !== '')
      .sort();
    const addr = (type: string): string =>
      str(
        arr(status['addresses'])
          .map(obj)
          .find((a) => a['type'] === type)?.['address'],
      ) || '<none>';
    const info = obj(status['nodeInfo']);
    return [
      node.metadata.name,
      states.join(','),
      roles.length > 0 ? roles.join(',') : '<none>',
      since(node.metadata.creationTimestamp, now),
      str(info['kubeletVersion']),
      addr('InternalIP'),
      addr('ExternalIP'),
      str(info['osImage']) || '<unknown>',
      str(info['kernelVersion']) || '<unknown>',
      str(info['containerRuntimeVersion']) || '<unknown>',
    ];
  },
};

const EVENT_COLUMNS: Printer['columns'] = [
  ['Last Seen', 'string'],
  ['Type', 'string'],
  ['Reason', 'string'],
  ['Object', 'string'],
  ['Subobject', 'string', 1],
  ['Source', 'string', 1],
  ['Message', 'string'],
  ['First Seen', 'string', 1],
  ['Count', 'string', 1],
  ['Name', 'string', 1],
];

/** formatEventSource: source.component and source.host, falling back to the reporting controller and instance. */
function eventSource(ev: KubeObject): string {
  const src = obj(ev['source']);
  const component = str(src['component']) || str(ev['reportingComponent']);
  const instance = str(src['host']) || str(ev['reportingInstance']);
  return instance === '' ? component : `${component}, ${instance}`;
}

/**
 * printEvent over the internal (core/v1) form: events.k8s.io/v1 Tables are printed from it too.
 * Cells as the server-side (wide) printer makes them; a singleton new-style event counts 1.
 */
export const coreEventPrinter: Printer = {
  columns: EVENT_COLUMNS,
  row(ev, now) {
    const involved = obj(ev['involvedObject']);
    const firstSeen = ev['firstTimestamp'] ? since(ev['firstTimestamp'], now) : since(ev['eventTime'], now);
    let lastSeen = ev['lastTimestamp'] ? since(ev['lastTimestamp'], now) : firstSeen;
    let count = num(ev['count']);
    const series = ev['series'];
    if (series !== undefined && series !== null) {
      lastSeen = since(obj(series)['lastObservedTime'], now);
      count = num(obj(series)['count']);
    } else if (count === 0) count = 1;
    const kind = str(involved['kind']).toLowerCase();
    const target = str(involved['name']) !== '' ? `${kind}/${str(involved['name'])}` : kind;
    return [
      lastSeen,
      str(ev['type']),
      str(ev['reason']),
      target,
      str(involved['fieldPath']),
      eventSource(ev),
      str(ev['message']).trim(),
      firstSeen,
      count,
      ev.metadata.name,
    ];
  },
};
