import { PassThrough, Writable } from 'node:stream';
import { Exec, type V1Status } from '@kubernetes/client-node';
import type { Scenario } from '../../differential/scenario.ts';
import { call, createPod, namespaceFor, pod, waitPod, type Target } from './kit.ts';

type Obj = Record<string, unknown>;

function sink(onData: (s: string) => void): Writable {
  return new Writable({
    write(chunk: Buffer | string, _enc, cb) {
      onData(chunk.toString());
      cb();
    },
  });
}

/**
 * One exec through the websocket remote-command protocol (what client-node speaks): stdout,
 * stderr and the Status of the error channel. 1.20 negotiates v4, where stdin cannot be closed,
 * so a command reading stdin reads one line (`head -n 1`) rather than to its end.
 */
async function exec(
  t: Target,
  ns: string,
  command: string[],
  opts: { stdin?: string; container?: string } = {},
): Promise<Obj> {
  let stdout = '';
  let stderr = '';
  const stdin = opts.stdin === undefined ? null : new PassThrough();
  try {
    const status = await new Promise<V1Status | undefined>((resolve, reject) => {
      new Exec(t.kc)
        .exec(
          ns,
          'shell',
          opts.container ?? 'app',
          command,
          sink((s) => (stdout += s)),
          sink((s) => (stderr += s)),
          stdin,
          false,
          resolve,
        )
        .then((ws) => {
          // Written, not ended: over v4 (1.20) client-node closes the whole stream when stdin ends.
          if (opts.stdin !== undefined) stdin?.write(opts.stdin);
          // A Status always comes before the close; the wait covers a server that sends none.
          ws.on('close', () => setTimeout(() => resolve(undefined), 1_000));
        }, reject);
    });
    stdin?.end();
    return { stdout, stderr, status };
  } catch (err) {
    return { error: (err as Error).message };
  }
}

/** exec into a running container: exit codes, streams, stdin, a missing command, a wrong container. */
export const execScenario: Scenario = {
  name: 'exec',
  async run(t, rec) {
    const ns = await namespaceFor(t, rec, 'exec');
    await createPod(t, ns, pod('shell', { command: ['sleep', '3600'] }));
    const running = await waitPod(
      t,
      ns,
      'shell',
      'Running',
      (p) => (p['status'] as Obj | undefined)?.['phase'] === 'Running',
    );
    // Addresses differ by nature (198.18/16 on the real node's bridge, the node's podCIDR in the sim): their shape must not.
    const st = (running['status'] ?? {}) as Obj;
    const ipv4 = /^\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}$/;
    rec.record('pod IP shape', {
      podIP: ipv4.test(String(st['podIP'])),
      podIPs: ((st['podIPs'] ?? []) as Obj[]).map((a) => a['ip'] === st['podIP']),
      hostIP: ipv4.test(String(st['hostIP'])),
      podIPIsNotHostIP: st['podIP'] !== st['hostIP'],
    });
    rec.record('exit 0', await exec(t, ns, ['true']));
    rec.record('exit 3 with both streams', await exec(t, ns, ['sh', '-c', 'echo out; echo err >&2; exit 3']));
    rec.record('stdin', await exec(t, ns, ['head', '-n', '1'], { stdin: 'hello from stdin\n' }));
    rec.record('missing command', await exec(t, ns, ['no-such-command']));
    rec.record('missing command in a shell', await exec(t, ns, ['sh', '-c', 'no-such-command']));
    rec.record('wrong container', await exec(t, ns, ['true'], { container: 'nope' }));
    rec.record(
      'without upgrade',
      await call(t, 'POST', `/api/v1/namespaces/${ns}/pods/shell/exec?command=true&stdout=true`),
    );
  },
};
