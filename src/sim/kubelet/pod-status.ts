import type { ContainerRuntime, ContainerState } from './container-runtime.ts';
import { imageRepository } from './images.ts';

type Obj = Record<string, unknown>;

function stateJson(s: ContainerState, containerId: string): Obj {
  if (s.kind === 'waiting') return { waiting: { reason: s.reason, ...(s.message ? { message: s.message } : {}) } };
  if (s.kind === 'running') return { running: { startedAt: s.startedAt } };
  return {
    terminated: {
      exitCode: s.exitCode,
      reason: s.reason,
      startedAt: s.startedAt,
      finishedAt: s.finishedAt,
      containerID: containerId,
    },
  };
}

/** containerStatuses, phase and conditions as a kubelet derives them from its containers. */
export function renderPodStatus(opts: {
  previous: Obj;
  containers: ContainerRuntime[];
  restartPolicy: string;
  podIP: string | undefined;
  hostIP: string;
  startTime: string;
  uid: string;
  now: string;
}): Obj {
  const { containers } = opts;
  // Hex like containerd's IDs: one per pod, container and instance. Backing off, the dead newest
  // instance is both the container's ID and lastState's; otherwise lastState is the one before.
  const id = (c: ContainerRuntime, instance = c.restartCount): string =>
    `containerd://${opts.uid.replace(/-/g, '')}${Buffer.from(c.name).toString('hex').slice(0, 16)}${instance.toString(16).padStart(4, '0')}`;
  const statuses = containers.map((c) => ({
    name: c.name,
    state: stateJson(c.state, id(c)),
    lastState: c.lastTerminated
      ? stateJson(c.lastTerminated, id(c, c.state.kind === 'waiting' ? c.restartCount : c.restartCount - 1))
      : {},
    ready: c.ready,
    restartCount: c.restartCount,
    image: c.image,
    imageID: c.started ? `${imageRepository(c.image)}@sha256:${'0'.repeat(64)}` : '',
    ...(c.started ? { containerID: id(c) } : {}),
    started: c.state.kind === 'running',
  }));
  const allTerminated = containers.length > 0 && containers.every((c) => c.state.kind === 'terminated');
  const anyStarted = containers.some((c) => c.started);
  // The kubelet's getPhase: stopped containers end the pod only if the restart policy will not
  // restart them (Always never ends; OnFailure ends when all succeeded; Never ends either way).
  let phase = 'Pending';
  const allSucceeded = containers.every((c) => c.state.kind === 'terminated' && c.state.exitCode === 0);
  if (allTerminated && opts.restartPolicy === 'Never') phase = allSucceeded ? 'Succeeded' : 'Failed';
  else if (allTerminated && opts.restartPolicy === 'OnFailure' && allSucceeded) phase = 'Succeeded';
  else if (anyStarted) phase = 'Running';
  const ready = containers.length > 0 && containers.every((c) => c.ready);
  const notReady = containers.filter((c) => !c.ready).map((c) => c.name);
  const prevConds = Array.isArray(opts.previous['conditions']) ? (opts.previous['conditions'] as Obj[]) : [];
  const cond = (type: string, status: boolean, reason?: string, message?: string): Obj => {
    const s = status ? 'True' : 'False';
    const old = prevConds.find((c) => c['type'] === type);
    return {
      type,
      status: s,
      lastProbeTime: null,
      lastTransitionTime: old && old['status'] === s ? old['lastTransitionTime'] : opts.now,
      ...(status ? {} : { reason, message }),
    };
  };
  const finishedReason = phase === 'Succeeded' || phase === 'Failed' ? 'PodCompleted' : 'ContainersNotReady';
  const unreadyMessage =
    finishedReason === 'PodCompleted' ? undefined : `containers with unready status: [${notReady.join(' ')}]`;
  return {
    ...opts.previous,
    phase,
    conditions: [
      // GeneratePodInitializedCondition: a pod that Succeeded is initialized with reason PodCompleted.
      { ...cond('Initialized', true), ...(phase === 'Succeeded' ? { reason: 'PodCompleted' } : {}) },
      cond('Ready', ready, finishedReason, unreadyMessage),
      cond('ContainersReady', ready, finishedReason, unreadyMessage),
      cond('PodScheduled', true),
    ],
    hostIP: opts.hostIP,
    ...(opts.podIP ? { podIP: opts.podIP, podIPs: [{ ip: opts.podIP }] } : {}),
    startTime: opts.startTime,
    containerStatuses: statuses,
  };
}
