import { pick, type Scenario } from '../../differential/scenario.ts';
import { call, createPod, events, namespaceFor, pod, stateLine, until, waitPod } from './kit.ts';

type Obj = Record<string, unknown>;

/**
 * Graceful deletion: the pod is marked with its grace period, the kubelet kills the container
 * (a Killing event), the app exits on SIGTERM and the kubelet confirms the deletion.
 */
export const deletion: Scenario = {
  name: 'deletion',
  async run(t, rec) {
    const ns = await namespaceFor(t, rec, 'deletion');
    await createPod(
      t,
      ns,
      pod('graceful', { command: ['sh', '-c', "trap 'exit 0' TERM; while true; do sleep 1; done"], grace: 5 }),
    );
    await waitPod(t, ns, 'graceful', 'Running', (p) => (p['status'] as Obj | undefined)?.['phase'] === 'Running');
    const del = await call(t, 'DELETE', `/api/v1/namespaces/${ns}/pods/graceful`);
    rec.record('delete', {
      status: del.status,
      ...pick(del.body, 'metadata.deletionGracePeriodSeconds', 'metadata.deletionTimestamp', 'status.phase'),
    });
    const lines: string[] = [];
    await until(
      t,
      'the pod gone',
      async () => {
        const r = await call(t, 'GET', `/api/v1/namespaces/${ns}/pods/graceful`);
        if (r.status === 404) return true;
        const line = `${stateLine(r.body as Obj)} terminating=${String(((r.body as Obj)['metadata'] as Obj)['deletionTimestamp'] !== undefined)}`;
        if (lines[lines.length - 1] !== line) lines.push(line);
        return undefined;
        // A real 1.20 kubelet confirms the deletion only once the pod's resources are reclaimed (its
        // status manager's 10 s sync): ~30 s on the real node, where the sim takes a second.
      },
      60_000,
    );
    // Whether the short-lived terminated state is seen before the pod goes depends on when the poll
    // lands (on a loaded machine the real kubelet's write can fall between two polls): compare the
    // first state and that no instance was killed instead of exiting on SIGTERM.
    rec.record('states until gone', {
      first: lines[0],
      killedOrFailed: lines.filter((l) => /terminated:/.test(l) && !/terminated:Completed\(0\)/.test(l)),
    });
    rec.record('events', await events(t, ns, 'graceful'));
  },
};
