import type { Logger } from 'pino';
import type { KubeObject, ResourceDef } from '../api/registry.ts';
import type { ResourceService } from '../api/service/resource-service.ts';
import { formatTime } from '../api/service/object-meta.ts';
import { isApiError } from '../api/errors.ts';
import { isPlainObject } from '../../util/deep-equal.ts';
import { Controller, splitKey } from '../controllers/controller.ts';
import { EventRecorder } from '../controllers/events.ts';

type Obj = Record<string, unknown>;

function obj(v: unknown): Obj {
  return isPlainObject(v) ? v : {};
}

export interface KubeletOptions {
  /** Time from binding to containers running (image pull + start). */
  startDelayMs?: number;
  /** Upper bound on how long a terminating pod takes to stop (its grace period is the other). */
  stopDelayMs?: number;
  logger?: Logger;
}

function containers(pod: KubeObject): Obj[] {
  const list = obj(pod.spec)['containers'];
  return Array.isArray(list) ? list.map(obj) : [];
}

/**
 * The kubelet of every simulated node: reports a bound pod ContainerCreating, then Running and
 * Ready (after its readiness probe's initial delay), fails images it cannot pull, and confirms
 * graceful deletions. Container behaviour over time (crashes, leaks) is the workload models' job.
 */
export function kubelet(svc: ResourceService, opts: KubeletOptions = {}): Controller {
  const podDef = svc.registry.find('', 'v1', 'pods') as ResourceDef;
  const nodeDef = svc.registry.find('', 'v1', 'nodes') as ResourceDef;
  const timers = new Map<string, NodeJS.Timeout>();
  const started = new Set<string>();
  const ips = new Map<string, number>();
  let ctl: Controller;

  const later = (uid: string, ms: number, key: string): void => {
    if (timers.has(uid)) return;
    const t = setTimeout(() => {
      timers.delete(uid);
      started.add(uid);
      ctl.enqueue(key);
    }, ms);
    t.unref();
    timers.set(uid, t);
  };

  const recorders = new Map<string, EventRecorder>();
  const eventsFor = (node: string): EventRecorder => {
    let r = recorders.get(node);
    if (!r) {
      r = new EventRecorder(svc, { component: 'kubelet', host: node });
      recorders.set(node, r);
    }
    return r;
  };

  const podIp = (node: KubeObject): string => {
    const cidr = String(obj(node.spec)['podCIDR'] ?? '10.244.0.0/24');
    const n = (ips.get(cidr) ?? 1) + 1;
    ips.set(cidr, n);
    const [a, b, c] = cidr.split('.');
    return `${a}.${b}.${c}.${(n % 253) + 1}`;
  };

  const writeStatus = (key: string, status: Obj): void => {
    const { namespace, name } = splitKey(key);
    const current = svc.store.get(podDef, namespace, name);
    if (!current) return;
    svc.commitUpdate({ def: podDef, namespace, name }, current, { ...structuredClone(current.obj), status }, 'status');
  };

  const reconcile = (key: string): void => {
    const { namespace, name } = splitKey(key);
    const pod = svc.store.get(podDef, namespace, name)?.obj;
    const nodeName = pod ? obj(pod.spec)['nodeName'] : undefined;
    if (!pod || typeof nodeName !== 'string') return;
    const node = svc.store.get(nodeDef, undefined, nodeName)?.obj;
    if (!node) return;
    const uid = pod.metadata.uid ?? '';
    const events = eventsFor(nodeName);
    if (pod.metadata.deletionTimestamp) {
      const grace = (pod.metadata.deletionGracePeriodSeconds ?? 30) * 1000;
      const stopKey = `stop:${uid}`;
      if (!timers.has(stopKey) && !started.has(stopKey)) {
        for (const c of containers(pod)) events.record(pod, 'Normal', 'Killing', `Stopping container ${String(c['name'])}`, `spec.containers{${String(c['name'])}}`);
        started.add(stopKey);
        const t = setTimeout(() => {
          timers.delete(stopKey);
          try {
            svc.delete({ def: podDef, namespace, name }, { gracePeriodSeconds: 0 });
          } catch (err) {
            if (!isApiError(err) || err.code !== 404) opts.logger?.warn({ err, pod: key }, 'kubelet: could not confirm a deletion');
          }
        }, Math.min(grace, opts.stopDelayMs ?? 1_000));
        t.unref();
        timers.set(stopKey, t);
      }
      return;
    }
    const status = obj(pod.status);
    const phase = status['phase'];
    if (phase === 'Succeeded' || phase === 'Failed') return;
    const now = formatTime(svc.now());
    const names = containers(pod).map((c) => String(c['name']));
    if (!Array.isArray(status['containerStatuses'])) {
      writeStatus(key, {
        ...status, phase: 'Pending', hostIP: firstAddress(node), startTime: now,
        conditions: conditions(status, { Initialized: 'True', Ready: 'False', ContainersReady: 'False', PodScheduled: 'True' }, now, names),
        containerStatuses: containers(pod).map((c) => ({ name: c['name'], state: { waiting: { reason: 'ContainerCreating' } }, lastState: {}, ready: false, restartCount: 0, image: c['image'], imageID: '', started: false })),
      });
      later(uid, opts.startDelayMs ?? 300, key);
      return;
    }
    // Each pod goes through the start transition once; later passes leave its status alone.
    if (!started.has(uid) || started.has(`ran:${uid}`)) return;
    started.add(`ran:${uid}`);
    const pullable = (c: Obj): boolean => !String(c['image'] ?? '').includes('does-not-exist');
    const all = containers(pod);
    for (const c of all) {
      const fieldPath = `spec.containers{${String(c['name'])}}`;
      if (pullable(c)) {
        events.record(pod, 'Normal', 'Pulled', `Container image "${String(c['image'])}" already present on machine`, fieldPath);
        events.record(pod, 'Normal', 'Created', `Created container ${String(c['name'])}`, fieldPath);
        events.record(pod, 'Normal', 'Started', `Started container ${String(c['name'])}`, fieldPath);
      } else {
        events.record(pod, 'Warning', 'Failed', `Failed to pull image "${String(c['image'])}": rpc error: code = NotFound desc = failed to pull and unpack image "${String(c['image'])}": not found`, fieldPath);
        events.record(pod, 'Normal', 'BackOff', `Back-off pulling image "${String(c['image'])}"`, fieldPath);
      }
    }
    const ready = all.every(pullable);
    writeStatus(key, {
      ...status,
      phase: ready ? 'Running' : 'Pending',
      podIP: podIp(node),
      conditions: conditions(status, { Initialized: 'True', Ready: ready ? 'True' : 'False', ContainersReady: ready ? 'True' : 'False', PodScheduled: 'True' }, now, ready ? [] : all.filter((c) => !pullable(c)).map((c) => String(c['name']))),
      containerStatuses: all.map((c, i) => ({
        name: c['name'],
        state: pullable(c) ? { running: { startedAt: now } } : { waiting: { reason: 'ImagePullBackOff', message: `Back-off pulling image "${String(c['image'])}"` } },
        lastState: {},
        ready: pullable(c),
        restartCount: 0,
        image: c['image'],
        imageID: pullable(c) ? `docker.io/library/${String(c['image'])}@sha256:${'0'.repeat(63)}${i}` : '',
        ...(pullable(c) ? { containerID: `containerd://${uid.replace(/-/g, '')}${i}` } : {}),
        started: pullable(c),
      })),
    });
  };

  ctl = new Controller(svc, {
    name: 'kubelet',
    watches: [{ def: podDef, keys: (e) => (e.type === 'DELETED' ? [] : [e.key]) }],
    allKeys: () => svc.store.listCurrent(podDef, undefined).filter((so) => obj(so.obj.spec)['nodeName']).map((so) => so.key),
    reconcile,
    resyncMs: 5_000,
  }, opts.logger);
  return ctl;
}

function firstAddress(node: KubeObject): string {
  const addrs = obj(node.status)['addresses'];
  const internal = Array.isArray(addrs) ? addrs.map(obj).find((a) => a['type'] === 'InternalIP') : undefined;
  return String(internal?.['address'] ?? '10.0.0.1');
}

/** Pod conditions in the kubelet's order, keeping transition times of unchanged ones. */
function conditions(status: Obj, want: Record<string, string>, now: string, notReady: string[]): Obj[] {
  const prev = Array.isArray(status['conditions']) ? status['conditions'].map(obj) : [];
  return Object.entries(want).map(([type, s]) => {
    const old = prev.find((c) => c['type'] === type);
    const c: Obj = { type, status: s, lastProbeTime: null, lastTransitionTime: old && old['status'] === s ? old['lastTransitionTime'] : now };
    if (s === 'False' && (type === 'Ready' || type === 'ContainersReady')) {
      c['reason'] = 'ContainersNotReady';
      c['message'] = `containers with unready status: [${notReady.join(' ')}]`;
    }
    return c;
  });
}
