import { pick, type Recorder, type Scenario } from '../../differential/scenario.ts';
import {
  call,
  containerStatus,
  createPod,
  events,
  getPod,
  inParallel,
  namespaceFor,
  observe,
  pod,
  podLog,
  until,
  waitPod,
  type Target,
} from './kit.ts';

type Obj = Record<string, unknown>;

const state = (p: Obj): Obj => (containerStatus(p)['state'] ?? {}) as Obj;
const waitingReason = (p: Obj): unknown => (state(p)['waiting'] as Obj | undefined)?.['reason'];

/** A shell doubling a variable under a 32Mi limit: the kernel's OOM killer ends it (exit 137). */
async function oom(t: Target, rec: Recorder, ns: string): Promise<void> {
  await createPod(
    t,
    ns,
    pod('oom', {
      command: ['sh', '-c', 'x=a; while true; do x=$x$x; done'],
      model: { 'oom-after': '500ms' },
      container: { resources: { limits: { memory: '32Mi' } } },
    }),
  );
  // The first restart is immediate and OOMKilled again at once: then the kubelet backs off.
  const p = await waitPod(
    t,
    ns,
    'oom',
    'CrashLoopBackOff after two OOM kills',
    (x) => containerStatus(x)['restartCount'] === 1 && waitingReason(x) === 'CrashLoopBackOff',
  );
  rec.record(
    'oom: backing off after two kills',
    pick(p, 'status.phase', 'status.qosClass', 'status.containerStatuses'),
  );
  // The kubelet's OOM watcher reports kills on the node. Its events share one spam-filter budget per
  // node (client-go: a burst of 25, then one per 5 min), which a busy shared node spends, so the
  // format of the newest report with a shell victim is compared, not that this very kill was seen.
  // Many kills are combined by client-go's correlator ("(combined from similar events): ...").
  const nodeEvents = (
    (
      await call(
        t,
        'GET',
        `/api/v1/namespaces/default/events?fieldSelector=${encodeURIComponent('involvedObject.kind=Node,reason=SystemOOM')}`,
      )
    ).body as Obj
  )['items'] as Obj[];
  const ours = nodeEvents
    .filter((e) => /victim process: sh,/.test(String(e['message'])))
    .sort((a, b) => Date.parse(String(b['lastTimestamp'])) - Date.parse(String(a['lastTimestamp'])));
  rec.record('oom: SystemOOM on the node', {
    seen: ours.length > 0,
    message: String(ours[0]?.['message'] ?? '')
      .replace(/pid: \d+/, 'pid: <pid>')
      .replace(/^\(combined from similar events\): /, ''),
    type: ours[0]?.['type'],
    from: (ours[0]?.['source'] as Obj | undefined)?.['component'],
  });
}

/**
 * An image the node does not have and cannot pull: ErrImagePull, then ImagePullBackOff. Its registry
 * is a closed loopback port, so the failed pull never leaves the machine (a registry host name would
 * make containerd ask the host's DNS resolver).
 */
async function imagePull(t: Target, rec: Recorder, ns: string): Promise<void> {
  const image = '127.0.0.1:1/kubeloop/does-not-exist:1';
  await createPod(t, ns, pod('nopull', { image, command: ['sleep', '3600'] }));
  const seen = await observe(t, ns, 'nopull', (p) => waitingReason(p) === 'ImagePullBackOff', 60_000);
  rec.record('image: status sequence', seen.lines);
  for (const reason of ['ErrImagePull', 'ImagePullBackOff']) {
    const s = seen.snapshots.find((p) => waitingReason(p) === reason);
    rec.record(
      `image: ${reason}`,
      s ? pick(s, 'status.phase', 'status.conditions', 'status.containerStatuses') : undefined,
    );
  }
  rec.record('image: logs while pulling', await podLog(t, ns, 'nopull'));
  rec.record('image: previous logs', await podLog(t, ns, 'nopull', 'previous=true'));
  await until(t, 'the image back-off events', async () =>
    (await events(t, ns, 'nopull')).some((e) => e.reason === 'BackOff') ? true : undefined,
  );
  rec.record('image: events', await events(t, ns, 'nopull'));
}

/** A Job whose one pod prints a line and succeeds. */
async function job(t: Target, rec: Recorder, ns: string): Promise<void> {
  const template = pod('unused', {
    command: ['sh', '-c', 'echo job done'],
    model: { 'start-log': 'job done', 'run-for': '300ms' },
    restartPolicy: 'Never',
  });
  delete (template['metadata'] as Obj)['name'];
  await call(t, 'POST', `/apis/batch/v1/namespaces/${ns}/jobs`, {
    body: { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'once' }, spec: { backoffLimit: 0, template } },
  });
  const done = await until(t, 'the Job complete', async () => {
    const j = (await call(t, 'GET', `/apis/batch/v1/namespaces/${ns}/jobs/once`)).body as Obj;
    return ((j['status'] as Obj | undefined)?.['conditions'] as Obj[] | undefined)?.some(
      (c) => c['type'] === 'Complete',
    )
      ? j
      : undefined;
  });
  rec.record('job: status', pick(done, 'status.succeeded', 'status.active', 'status.failed', 'status.conditions'));
  const pods = ((await call(t, 'GET', `/api/v1/namespaces/${ns}/pods?labelSelector=job-name%3Donce`)).body as Obj)[
    'items'
  ] as Obj[];
  const name = String((pods[0]?.['metadata'] as Obj | undefined)?.['name']);
  rec.alias(name, 'job-pod');
  const p = await getPod(t, ns, name);
  rec.record('job: pod status', pick(p, 'status.phase', 'status.conditions', 'status.containerStatuses'));
  rec.record('job: pod logs', await podLog(t, ns, name));
  rec.record('job: pod events', await events(t, ns, name));
}

/** A pod no node can hold: Pending, PodScheduled False, FailedScheduling. */
async function unschedulable(t: Target, rec: Recorder, ns: string): Promise<void> {
  await createPod(
    t,
    ns,
    pod('huge', { command: ['sleep', '3600'], container: { resources: { requests: { cpu: '500' } } } }),
  );
  const p = await waitPod(
    t,
    ns,
    'huge',
    'PodScheduled False',
    (x) =>
      ((x['status'] as Obj | undefined)?.['conditions'] as Obj[] | undefined)?.some(
        (c) => c['type'] === 'PodScheduled',
      ) ?? false,
    30_000,
  );
  rec.record('unschedulable: status', p['status']);
  await until(t, 'FailedScheduling', async () => ((await events(t, ns, 'huge')).length > 0 ? true : undefined), 30_000);
  rec.record('unschedulable: events', await events(t, ns, 'huge'));
}

/** OOMKilled, an image that cannot be pulled, a Job's Completed pod, and a pod that fits no node. */
export const failures: Scenario = {
  name: 'failures',
  async run(t, rec) {
    const ns = await namespaceFor(t, rec, 'failures');
    await inParallel(
      rec,
      [oom, imagePull, job, unschedulable].map((f) => (sub: Recorder) => f(t, sub, ns)),
    );
  },
};
