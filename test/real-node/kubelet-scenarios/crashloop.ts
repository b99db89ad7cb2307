import { request } from 'node:https';
import { pick, type Recorder, type Scenario } from '../../differential/scenario.ts';
import {
  containerStatus,
  createPod,
  events,
  getPod,
  namespaceFor,
  observe,
  pod,
  podLog,
  waitPod,
  type Target,
} from './kit.ts';

type Obj = Record<string, unknown>;

/**
 * The container prints a line, fails 3 s later with a line on stderr, and exits 3. The 3 s leave
 * time to read the previous instance's logs while the newest runs: a real kubelet keeps one dead
 * container per container (MaxPerPodContainer), so once the newest died too the previous is gone.
 */
const crasher = pod('crash', {
  command: ['sh', '-c', 'echo starting app; sleep 3; echo fatal: config missing >&2; exit 3'],
  model: { 'start-log': 'starting app', 'crash-after': '3s', 'crash-log': 'fatal: config missing', 'exit-code': '3' },
});

const RESTARTS = 3;
const state = (p: Obj): Obj => (containerStatus(p)['state'] ?? {}) as Obj;

function seconds(ts: unknown): number {
  return Date.parse(String(ts)) / 1000;
}

/**
 * The back-off a client sees: restart k >= 2 comes 10 s * 2^(k-2) after the previous exit (the
 * first restart is immediate, and too quick to be seen reliably). The real kubelet only acts at
 * its next pod sync (up to ~15 s later, the pod worker's back-off period with jitter), so each gap
 * is accepted within [-1 s, +16 s].
 */
function backoffs(snapshots: Obj[]): { restart: number; expected: string; withinTolerance: boolean }[] {
  const out: { restart: number; expected: string; withinTolerance: boolean }[] = [];
  for (let k = 2; k <= RESTARTS; k++) {
    const s = snapshots.find((p) => containerStatus(p)['restartCount'] === k && state(p)['running'] !== undefined);
    if (!s) continue;
    const cs = containerStatus(s);
    const started = seconds(((cs['state'] as Obj)['running'] as Obj)['startedAt']);
    const finished = seconds(((cs['lastState'] as Obj)['terminated'] as Obj | undefined)?.['finishedAt']);
    const gap = started - finished;
    const expected = 10 * 2 ** (k - 2);
    out.push({ restart: k, expected: `${expected}s`, withinTolerance: gap >= expected - 1 && gap <= expected + 16 });
  }
  return out;
}

/** `logs -f`: everything the stream carried until the server ended it (or `ms` passed). */
export function followLog(t: Target, path: string, ms: number): Promise<{ text: string; ended: boolean }> {
  return new Promise((resolve, reject) => {
    let text = '';
    const req = request(
      new URL(path, t.server),
      { ca: t.ca, headers: { authorization: `Bearer ${t.token}` } },
      (res) => {
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () => {
          clearTimeout(timer);
          resolve({ text, ended: true });
        });
      },
    );
    const timer = setTimeout(() => {
      req.destroy();
      resolve({ text, ended: false });
    }, ms);
    req.on('error', (err) => (text === '' ? reject(err) : undefined));
    req.end();
  });
}

async function logOptions(t: Target, rec: Recorder, ns: string): Promise<void> {
  const queries = [
    'previous=true',
    'previous=true&tailLines=1',
    'previous=true&timestamps=true',
    'previous=true&sinceSeconds=1',
    'previous=true&sinceTime=2000-01-01T00:00:00Z',
    'previous=true&limitBytes=5',
    'tailLines=0',
    'container=nope',
    'tailLines=-1',
    'limitBytes=0',
    'sinceSeconds=0',
    'sinceSeconds=5&sinceTime=2000-01-01T00:00:00Z',
  ];
  // Side by side: the newest instance runs only 3 s.
  const replies = await Promise.all(queries.map((q) => podLog(t, ns, 'crash', q)));
  queries.forEach((q, i) => rec.record(`logs ${q}`, replies[i]));
}

/**
 * A container that exits non-zero: the statuses a client sees through three restarts, the
 * back-off between them, its events, and its logs (previous, tail, timestamps, since, follow).
 */
export const crashloop: Scenario = {
  name: 'crashloop',
  async run(t, rec) {
    const ns = await namespaceFor(t, rec, 'crashloop');
    await createPod(t, ns, crasher);
    const seen = await observe(
      t,
      ns,
      'crash',
      (p) => Number(containerStatus(p)['restartCount']) >= RESTARTS && state(p)['running'] !== undefined,
    );
    // The previous instance's logs, read while the newest runs (see `crasher`).
    await logOptions(t, rec, ns);
    // From the second exit on: the first restart is immediate and a real kubelet's status manager
    // writes only the newest status, so whether a client sees the states around it is chance.
    const from = seen.lines.findIndex((l) => l.includes(' terminated:') && l.includes('restarts=1 '));
    rec.record('status sequence from the second exit', from < 0 ? seen.lines : seen.lines.slice(from));
    rec.record('back-off between restarts', backoffs(seen.snapshots));
    const backingOff = seen.snapshots.find(
      (p) => (state(p)['waiting'] as Obj | undefined)?.['reason'] === 'CrashLoopBackOff',
    );
    rec.record(
      'status while backing off',
      backingOff ? pick(backingOff, 'status.phase', 'status.conditions', 'status.containerStatuses') : undefined,
    );
    // The newest instance fails about a second after it started: follow it to its end.
    const followed = await followLog(t, `/api/v1/namespaces/${ns}/pods/crash/log?follow=true`, 20_000);
    rec.record('follow the running instance to its exit', followed);
    const dead = await waitPod(t, ns, 'crash', 'the fourth instance exited', (p) => state(p)['running'] === undefined);
    rec.record('status after the exit', pick(dead, 'status.containerStatuses'));
    rec.record('logs of the exited instance', await podLog(t, ns, 'crash'));
    rec.record(
      'follow an exited instance',
      await followLog(t, `/api/v1/namespaces/${ns}/pods/crash/log?follow=true`, 5_000),
    );
    const evs = await events(t, ns, 'crash', { counts: true });
    const starts = Number(containerStatus(await getPod(t, ns, 'crash'))['restartCount']) + 1;
    rec.record(
      'events',
      evs.map(({ count: _c, ...e }) => e),
    );
    // Each start is one more Pulled, Created and Started (client-go aggregates them into counts).
    rec.record(
      'event counts minus starts',
      Object.fromEntries(
        evs
          .filter((e) => ['Pulled', 'Created', 'Started'].includes(e.reason))
          .map((e) => [e.reason, (e.count ?? 0) - starts]),
      ),
    );
  },
};
