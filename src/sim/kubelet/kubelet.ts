import type { Logger } from 'pino';
import type { KubeObject, ResourceDef } from '../api/registry.ts';
import type { ResourceService } from '../api/service/resource-service.ts';
import type { LogStore } from '../api/logs/log-store.ts';
import { formatTime } from '../api/service/object-meta.ts';
import { isApiError } from '../../kube/apimachinery/errors.ts';
import { asObject } from '../../util/deep-equal.ts';
import { Controller, splitKey } from '../controllers/controller.ts';
import { SlicedQueue } from '../controllers/sliced-queue.ts';
import { EventRecorder } from '../controllers/events.ts';
import { controllerRef } from '../controllers/pods.ts';
import { parseModel, type ContainerModel } from '../workloads/model.ts';
import { ContainerRuntime, type BackoffPolicy } from './container-runtime.ts';
import { renderPodStatus } from './pod-status.ts';
import { containerShape, graceMs } from './container-shape.ts';
import { appLogLine } from './log-lines.ts';
import { isNodeDown, nodeHeartbeat } from './heartbeat.ts';

export interface KubeletOptions {
  /** Time from binding to a container running (image pull + start). */
  startDelayMs?: number;
  /** Upper bound on how long a terminating pod takes to stop (its grace period is the other). */
  stopDelayMs?: number;
  /** CrashLoopBackOff: first back-off and ceiling (Kubernetes: 10 s and 5 min). */
  backoffBaseMs?: number;
  backoffMaxMs?: number;
  /** How long a dead container is reported terminated before a restart or CrashLoopBackOff (PLEG relist + sync: ~1 s). */
  syncLagMs?: number;
  /** Default run time of a Job's container without a model annotation. */
  jobRunMs?: number;
  /** Node Lease renewal period (10 s) and how often an unchanged node status is re-posted (5 min). */
  heartbeatIntervalMs?: number;
  statusReportMs?: number;
  logs?: LogStore;
  logger?: Logger;
}

interface PodRuntime {
  uid: string;
  node: string;
  podIP: string;
  startTime: string;
  containers: ContainerRuntime[];
  logTimer?: NodeJS.Timeout;
  stopping?: NodeJS.Timeout;
}

/**
 * The kubelet of every simulated node: runs each bound pod's containers through their workload
 * model (crashes, OOM kills, completion), restarts them by policy with CrashLoopBackOff, writes
 * their logs, reports status, and confirms graceful deletions.
 */
export function kubelet(svc: ResourceService, opts: KubeletOptions = {}): { start(): void; stop(): void } {
  const podDef = svc.registry.find('', 'v1', 'pods') as ResourceDef;
  const nodeDef = svc.registry.find('', 'v1', 'nodes') as ResourceDef;
  const runtimes = new Map<string, PodRuntime>();
  const recorders = new Map<string, EventRecorder>();
  const ips = new Map<string, number>();
  const baseMs = opts.backoffBaseMs ?? 10_000;
  // Never longer than a quarter of the first back-off, so tests with short back-offs keep their shape.
  const policy: BackoffPolicy = {
    baseMs,
    maxMs: opts.backoffMaxMs ?? 300_000,
    startDelayMs: opts.startDelayMs ?? 300,
    syncLagMs: opts.syncLagMs ?? Math.min(1_000, baseMs / 4),
  };
  let nextPid = 4_000;

  const recorder = (node: string): EventRecorder => {
    let r = recorders.get(node);
    if (!r) recorders.set(node, (r = new EventRecorder(svc, { component: 'kubelet', host: node })));
    return r;
  };

  const down = (nodeName: string): boolean => isNodeDown(svc.store.get(nodeDef, undefined, nodeName)?.obj);

  const podIp = (node: KubeObject): string => {
    const cidr = String(asObject(node.spec)['podCIDR'] ?? '10.244.0.0/24');
    const n = (ips.get(cidr) ?? 1) + 1;
    ips.set(cidr, n);
    const [a, b, c] = cidr.split('.');
    return `${a}.${b}.${c}.${(n % 253) + 1}`;
  };

  /**
   * Status writes are coalesced: many container changes of a pod before its turn become one
   * update. They run in 10 ms slices, so 10,000 pods starting at once do not hold every API
   * request behind one flush (the real kubelet's status manager writes from its own goroutine).
   */
  const statusQueue = new SlicedQueue((key) => writeStatus(key), {
    onError: (key, err) => opts.logger?.warn({ err, pod: key }, 'kubelet: status write failed'),
  });
  const markDirty = (key: string): void => statusQueue.add(key);

  /** `stopping`: the last status of a pod being deleted (its containers stopped), before the deletion is confirmed. */
  const writeStatus = (key: string, stopping = false): void => {
    const { namespace, name } = splitKey(key);
    const current = svc.store.get(podDef, namespace, name);
    const rt = current ? runtimes.get(current.obj.metadata.uid ?? '') : undefined;
    if (!current || !rt || (current.obj.metadata.deletionTimestamp && !stopping)) return;
    // A down node's kubelet cannot reach the API server: the pod keeps its last reported status.
    if (down(rt.node)) return;
    const status = renderPodStatus({
      previous: asObject(current.obj.status),
      containers: rt.containers,
      restartPolicy: String(asObject(current.obj.spec)['restartPolicy'] ?? 'Always'),
      podIP: rt.containers.some((c) => c.started) || rt.containers.length > 0 ? rt.podIP : undefined,
      hostIP: hostIp(svc, nodeDef, rt.node),
      startTime: rt.startTime,
      uid: rt.uid,
      now: formatTime(svc.now()),
    });
    svc.commitUpdate({ def: podDef, namespace, name }, current, { ...structuredClone(current.obj), status }, 'status', {
      fieldManager: 'kubelet',
    });
  };

  const launch = (key: string, pod: KubeObject, node: KubeObject): void => {
    const uid = pod.metadata.uid ?? '';
    const nodeName = node.metadata.name ?? '';
    const { model, issues } = parseModel(pod);
    const events = recorder(nodeName);
    for (const i of issues)
      events.record(
        pod,
        'Warning',
        'InvalidSimAnnotation',
        `${i.annotation}: ${JSON.stringify(i.value)} ignored: ${i.reason}`,
      );
    const isJob = controllerRef(pod)?.kind === 'Job';
    if (isJob && model.crashAfterMs === undefined && model.runForMs === undefined && model.oomAfterMs === undefined)
      model.runForMs = opts.jobRunMs ?? 1_000;
    const restartPolicy = String(asObject(pod.spec)['restartPolicy'] ?? 'Always');
    const rt: PodRuntime = {
      uid,
      node: nodeName,
      podIP: podIp(node),
      startTime: formatTime(svc.now()),
      containers: [],
    };
    for (const c of Array.isArray(asObject(pod.spec)['containers'])
      ? (asObject(pod.spec)['containers'] as unknown[]).map(asObject)
      : []) {
      const name = String(c['name']);
      rt.containers.push(
        new ContainerRuntime(
          name,
          String(c['image'] ?? ''),
          model,
          restartPolicy,
          containerShape(c, {
            model,
            podIP: rt.podIP,
            seed: `${uid}/${name}`,
            podRef: `${pod.metadata.name ?? ''}_${pod.metadata.namespace ?? ''}(${uid})`,
            killDelayMs: Math.min(graceMs(pod), opts.stopDelayMs ?? 1_000),
          }),
          policy,
          {
            now: () => svc.now(),
            changed: () => markDirty(key),
            log: (line) => opts.logs?.append(uid, name, line, svc.now()),
            newInstance: (n) => opts.logs?.startInstance(uid, name, n),
            endInstance: () => opts.logs?.endInstance(uid, name),
            event: (type, reason, message) => {
              if (!down(nodeName)) events.record(pod, type, reason, message, `spec.containers{${name}}`);
            },
            oomKilled: () => {
              // The kubelet's OOM watcher reports every kernel OOM kill on the node (SystemOOM);
              // node-problem-detector's kernel monitor adds its own line (OOMKilling).
              events.record(
                node,
                'Warning',
                'SystemOOM',
                `System OOM encountered, victim process: ${processName(c)}, pid: ${nextPid++}`,
              );
              events.record(node, 'Warning', 'OOMKilling', oomMessage(pod, name, model));
            },
          },
        ),
      );
    }
    runtimes.set(uid, rt);
    if (model.logLinesPerSec > 0 && opts.logs) {
      let seq = 0;
      rt.logTimer = setInterval(() => {
        for (const c of rt.containers) {
          if (c.state.kind !== 'running') continue;
          for (let i = 0; i < model.logLinesPerSec; i++)
            opts.logs?.append(uid, c.name, appLogLine(seq++, svc.now()), svc.now());
        }
      }, 1_000);
      rt.logTimer.unref();
    }
    for (const c of rt.containers) c.begin();
    markDirty(key);
  };

  const terminate = (key: string, pod: KubeObject, rt: PodRuntime): void => {
    if (rt.stopping) return;
    const { namespace, name } = splitKey(key);
    for (const c of rt.containers)
      recorder(rt.node).record(pod, 'Normal', 'Killing', `Stopping container ${c.name}`, `spec.containers{${c.name}}`);
    const grace = (pod.metadata.deletionGracePeriodSeconds ?? graceMs(pod) / 1000) * 1000;
    const confirm = (): void => {
      release(rt);
      try {
        svc.delete({ def: podDef, namespace, name }, { gracePeriodSeconds: 0 });
      } catch (err) {
        if (!isApiError(err) || err.code !== 404)
          opts.logger?.warn({ err, pod: key }, 'kubelet: could not confirm a deletion');
      }
    };
    // The containers stop, the kubelet reports them terminated, and confirms the deletion at its next sync.
    rt.stopping = setTimeout(
      () => {
        for (const c of rt.containers) c.kill();
        writeStatus(key, true);
        rt.stopping = setTimeout(confirm, policy.syncLagMs);
        rt.stopping.unref();
      },
      Math.min(grace, opts.stopDelayMs ?? 1_000),
    );
    rt.stopping.unref();
  };

  const release = (rt: PodRuntime): void => {
    for (const c of rt.containers) c.stop();
    if (rt.logTimer) clearInterval(rt.logTimer);
    runtimes.delete(rt.uid);
  };

  const reconcile = (key: string): void => {
    const { namespace, name } = splitKey(key);
    const pod = svc.store.get(podDef, namespace, name)?.obj;
    if (!pod) return;
    const nodeName = asObject(pod.spec)['nodeName'];
    const node = typeof nodeName === 'string' ? svc.store.get(nodeDef, undefined, nodeName)?.obj : undefined;
    // Nothing reaches a down node: no new pods start and deletions wait until it is back.
    if (!node || isNodeDown(node)) return;
    const rt = runtimes.get(pod.metadata.uid ?? '');
    if (pod.metadata.deletionTimestamp) {
      if (rt) terminate(key, pod, rt);
      else svc.delete({ def: podDef, namespace, name }, { gracePeriodSeconds: 0 });
      return;
    }
    if (!rt) launch(key, pod, node);
  };

  const ctl = new Controller(
    svc,
    {
      name: 'kubelet',
      watches: [
        {
          def: podDef,
          keys: (e) => {
            if (e.type === 'DELETED') {
              const rt = runtimes.get(e.object.obj.metadata.uid ?? '');
              if (rt) release(rt);
              return [];
            }
            return [e.key];
          },
        },
      ],
      allKeys: () => {
        // Only pods on nodes this kubelet simulates: a pod bound to an unknown node is not ours.
        const nodes = new Set([...svc.store.values(nodeDef)].map((so) => so.obj.metadata.name));
        return [...svc.store.values(podDef)]
          .filter((so) => nodes.has(String(asObject(so.obj.spec)['nodeName'] ?? '')))
          .map((so) => so.key);
      },
      reconcile,
      resyncMs: 5_000,
      onStop: () => {
        for (const rt of [...runtimes.values()]) {
          release(rt);
          if (rt.stopping) clearTimeout(rt.stopping);
        }
      },
    },
    opts.logger,
  );

  // Back from down: start what was bound meanwhile, finish deletions and report every pod afresh.
  const heartbeat = nodeHeartbeat(svc, {
    intervalMs: opts.heartbeatIntervalMs,
    statusReportMs: opts.statusReportMs,
    logger: opts.logger,
    onUp: (node) => {
      for (const so of svc.store.listCurrent(podDef, undefined)) {
        if (asObject(so.obj.spec)['nodeName'] !== node) continue;
        ctl.enqueue(so.key);
        if (runtimes.has(so.obj.metadata.uid ?? '')) markDirty(so.key);
      }
    },
  });
  return {
    start: () => {
      ctl.start();
      heartbeat.start();
    },
    stop: () => {
      heartbeat.stop();
      statusQueue.stop();
      ctl.stop();
    },
  };
}

/** The name the kernel gives the container's main process: its command's file name (the container's name without one). */
function processName(c: Record<string, unknown>): string {
  const argv = Array.isArray(c['command']) ? c['command'] : [];
  const first = typeof argv[0] === 'string' ? argv[0] : String(c['name'] ?? 'app');
  return first.slice(first.lastIndexOf('/') + 1).slice(0, 15);
}

/** node-problem-detector's kernel-monitor line for a memory-cgroup OOM kill. */
function oomMessage(pod: KubeObject, container: string, model: ContainerModel): string {
  const rssKb = Math.round((model.memoryMiB ?? 256) * 1024);
  return `Memory cgroup out of memory: Killed process 1 (${container}) total-vm:${rssKb * 2}kB, anon-rss:${rssKb}kB, file-rss:0kB, shmem-rss:0kB, UID:0 pgtables:${Math.round(rssKb / 512)}kB oom_score_adj:999 (pod ${pod.metadata.namespace ?? ''}/${pod.metadata.name ?? ''})`;
}

function hostIp(svc: ResourceService, nodeDef: ResourceDef, nodeName: string): string {
  const node = svc.store.get(nodeDef, undefined, nodeName)?.obj;
  const addrs = node ? asObject(node.status)['addresses'] : undefined;
  const internal = Array.isArray(addrs) ? addrs.map(asObject).find((a) => a['type'] === 'InternalIP') : undefined;
  return String(internal?.['address'] ?? '10.0.0.1');
}
