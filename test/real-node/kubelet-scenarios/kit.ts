import { randomBytes } from 'node:crypto';
import { call, type Target } from '../../differential/target.ts';
import { Recorder } from '../../differential/scenario.ts';
import { createNamespace } from '../../differential/scenarios/namespace.ts';
import { BUSYBOX_IMAGE } from '../../support/real-node/real-node.ts';

export { call, type Target } from '../../differential/target.ts';

type Obj = Record<string, unknown>;

/** One run's namespace suffix: a namespace of an earlier run may still be terminating on the shared node. */
export const RUN = randomBytes(2).toString('hex');

/** Creates the scenario's namespace (`kd-<base>-<run>`), aliased to `kd-<base>` so names compare. */
export async function namespaceFor(t: Target, rec: Recorder, base: string): Promise<string> {
  const ns = `kd-${base}-${RUN}`;
  rec.alias(ns, `kd-${base}`);
  await createNamespace(t, ns);
  return ns;
}

export interface PodOptions {
  /** What the real container runs (busybox). */
  command?: string[];
  /** The sim's model of the same behaviour (sim.kubeloop.dev/<key>). */
  model?: Record<string, string>;
  image?: string;
  restartPolicy?: string;
  grace?: number;
  labels?: Record<string, string>;
  container?: Obj;
  spec?: Obj;
}

/** A pod that does the same thing on both sides: the real command for the kubelet, model annotations for the sim. */
export function pod(name: string, o: PodOptions = {}): Obj {
  const annotations = Object.fromEntries(Object.entries(o.model ?? {}).map(([k, v]) => [`sim.kubeloop.dev/${k}`, v]));
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, annotations, ...(o.labels ? { labels: o.labels } : {}) },
    spec: {
      restartPolicy: o.restartPolicy ?? 'Always',
      terminationGracePeriodSeconds: o.grace ?? 1,
      containers: [
        { name: 'app', image: o.image ?? BUSYBOX_IMAGE, ...(o.command ? { command: o.command } : {}), ...o.container },
      ],
      ...o.spec,
    },
  };
}

export async function createPod(t: Target, ns: string, body: Obj): Promise<void> {
  const r = await call(t, 'POST', `/api/v1/namespaces/${ns}/pods`, { body });
  if (r.status !== 201)
    throw new Error(
      `${t.name}: creating pod ${ns}/${String((body['metadata'] as Obj)['name'])} failed: ${r.status} ${JSON.stringify(r.body)}`,
    );
}

export async function getPod(t: Target, ns: string, name: string): Promise<Obj> {
  return (await call(t, 'GET', `/api/v1/namespaces/${ns}/pods/${name}`)).body as Obj;
}

export function containerStatus(p: Obj, i = 0): Obj {
  const cs = ((p['status'] as Obj | undefined)?.['containerStatuses'] as Obj[] | undefined)?.[i];
  return cs ?? {};
}

/** Polls until `pred` holds for the pod (the clusters' timings differ, so scenarios wait for states). */
export async function waitPod(
  t: Target,
  ns: string,
  name: string,
  what: string,
  pred: (p: Obj) => boolean,
  ms = 90_000,
): Promise<Obj> {
  const deadline = Date.now() + ms;
  for (;;) {
    const p = await getPod(t, ns, name);
    if (pred(p)) return p;
    if (Date.now() > deadline)
      throw new Error(`${t.name}: pod ${ns}/${name} never reached ${what}; last status ${JSON.stringify(p['status'])}`);
    await sleep(200);
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

export async function until<T>(t: Target, what: string, fn: () => Promise<T | undefined>, ms = 90_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`${t.name}: timed out waiting for ${what}`);
    await sleep(250);
  }
}

/** A container state as one line: kind, reason and the facts a client acts on. */
export function stateLine(p: Obj): string {
  const cs = containerStatus(p);
  const state = (cs['state'] ?? {}) as Obj;
  const [kind, detail] = Object.entries(state)[0] ?? ['none', {}];
  const d = detail as Obj;
  const last = ((cs['lastState'] as Obj | undefined)?.['terminated'] ?? undefined) as Obj | undefined;
  const phase = String((p['status'] as Obj | undefined)?.['phase'] ?? '');
  return (
    `${phase} ${kind}${d['reason'] ? `:${String(d['reason'])}` : ''}${d['exitCode'] !== undefined ? `(${String(d['exitCode'])})` : ''} ` +
    `restarts=${String(cs['restartCount'] ?? '-')} ready=${String(cs['ready'] ?? '-')} started=${String(cs['started'] ?? '-')}` +
    `${last ? ` last=${String(last['reason'])}(${String(last['exitCode'])})` : ''}`
  );
}

/**
 * Watches a pod's status by polling (the real kubelet keeps each state for a second or more) and
 * keeps each distinct state once, in order, until `done` holds.
 */
export async function observe(
  t: Target,
  ns: string,
  name: string,
  done: (p: Obj) => boolean,
  ms = 120_000,
): Promise<{ lines: string[]; snapshots: Obj[] }> {
  const lines: string[] = [];
  const snapshots: Obj[] = [];
  await waitPod(
    t,
    ns,
    name,
    'the end of the observation',
    (p) => {
      const line = stateLine(p);
      // Before the kubelet's first status there is no container state; a poll may or may not catch it.
      if (containerStatus(p)['state'] !== undefined && lines[lines.length - 1] !== line) {
        lines.push(line);
        snapshots.push(p);
      }
      return done(p);
    },
    ms,
  );
  return { lines, snapshots };
}

interface EventLine {
  reason: string;
  type: string;
  message: string;
  from: string;
  fieldPath?: string;
  count?: number;
}

/** A namespace's events for one object, by reason then message, with who reported them (core and events.k8s.io writers alike). */
export async function events(
  t: Target,
  ns: string,
  name: string,
  opts: { counts?: boolean } = {},
): Promise<EventLine[]> {
  const r = await call(
    t,
    'GET',
    `/api/v1/namespaces/${ns}/events?fieldSelector=${encodeURIComponent(`involvedObject.name=${name}`)}`,
  );
  // A real kubelet whose secret informer has not synced yet (right after it started, or busy)
  // retries the token volume's mount with a FailedMount warning; the sim mounts no volumes.
  const items = (((r.body as Obj)['items'] ?? []) as Obj[]).filter(
    (e) => !(e['reason'] === 'FailedMount' && /failed to sync secret cache/.test(String(e['message']))),
  );
  const lines = items.map((e): EventLine => {
    const source = (e['source'] ?? {}) as Obj;
    const involved = (e['involvedObject'] ?? {}) as Obj;
    return {
      reason: String(e['reason']),
      type: String(e['type']),
      message: String(e['message']),
      from: String(source['component'] || e['reportingComponent'] || ''),
      ...(involved['fieldPath'] ? { fieldPath: String(involved['fieldPath']) } : {}),
      ...(opts.counts ? { count: Number(e['count'] ?? 1) } : {}),
    };
  });
  // Events with the same reason and message are one (client-go aggregates them); order is by content.
  return lines
    .sort((a, b) => `${a.reason} ${a.message}`.localeCompare(`${b.reason} ${b.message}`))
    .filter((e, i, all) => i === 0 || `${e.reason} ${e.message}` !== `${all[i - 1]?.reason} ${all[i - 1]?.message}`);
}

/** Raw pod log request: status plus text (or the Status body). */
export async function podLog(
  t: Target,
  ns: string,
  name: string,
  query = '',
): Promise<{ status: number; body: unknown }> {
  return call(t, 'GET', `/api/v1/namespaces/${ns}/pods/${name}/log${query ? `?${query}` : ''}`, { accept: '*/*' });
}

export async function deleteNamespace(t: Target, ns: string): Promise<void> {
  await call(t, 'DELETE', `/api/v1/namespaces/${ns}`);
}

/** Runs independent parts side by side (each takes tens of seconds) and records their steps in a fixed order. */
export async function inParallel(rec: Recorder, parts: ((sub: Recorder) => Promise<void>)[]): Promise<void> {
  const subs = parts.map(() => new Recorder());
  await Promise.all(parts.map((part, i) => part(subs[i] as Recorder)));
  for (const sub of subs) {
    for (const s of sub.steps) rec.record(s.step, s.value);
    for (const [actual, alias] of sub.aliases) rec.alias(actual, alias);
  }
}
