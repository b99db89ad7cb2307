import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { KubeConfig } from '@kubernetes/client-node';
import { slimPod, type SlimPod } from '../kube/pods.ts';
import { Capturer } from './capture.ts';
import { detectFailures } from './detect.ts';

/**
 * A loopback stand-in for the API server where the kubelet is ahead of the pod status: the status
 * still shows instance 2 as the newest (terminated), while the kubelet already ran instance 3 and
 * answers `current` with its lines (as a kubelet does after its own restart, when its status
 * writes queue behind its client rate limit).
 */
const t = (s: number): string =>
  new Date(Date.parse('2026-11-30T10:00:00Z') + s * 1000).toISOString().replace(/\.(\d{3})Z$/, '.$1000000Z');
const lines: Record<string, string> = {
  // instance 2 ran 10:00:00-10:00:01; instance 3 from 10:00:08.
  previous: `${t(0.2)} instance 2 starting\n${t(0.9)} instance 2 failing\n`,
  current: `${t(8.3)} instance 3 starting\n`,
};
let body: (previous: boolean) => string = (previous) => lines[previous ? 'previous' : 'current'] ?? '';
const requests: string[] = [];
let server: Server;
let kc: KubeConfig;

const status = {
  containerStatuses: [
    {
      name: 'app',
      restartCount: 2,
      state: {
        terminated: {
          exitCode: 3,
          reason: 'Error',
          startedAt: '2026-11-30T10:00:00Z',
          finishedAt: '2026-11-30T10:00:01Z',
        },
      },
    },
  ],
};
const raw = {
  metadata: { name: 'p', namespace: 'ns', uid: 'u1' },
  spec: { containers: [{ name: 'app', image: 'a:1' }] },
  status,
};

beforeAll(async () => {
  server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    requests.push(`${url.pathname}?${url.searchParams.toString()}`);
    if (url.pathname.endsWith('/log')) {
      res.end(body(url.searchParams.get('previous') === 'true'));
      return;
    }
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify(url.pathname.endsWith('/events') ? { items: [] } : raw));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [
      { name: 'c', server: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, skipTLSVerify: true },
    ],
    users: [{ name: 'u' }],
    contexts: [{ name: 'x', cluster: 'c', user: 'u' }],
    currentContext: 'x',
  });
});

afterAll(() => new Promise<void>((r) => server.close(() => r())));

function capture(): ReturnType<Capturer['capture']> {
  const pod = slimPod(raw) as SlimPod;
  const [signal] = detectFailures(pod);
  if (!signal) throw new Error('no failure detected');
  return new Capturer(kc, { tailLines: 100, limitBytes: 65536, concurrency: 1, servicesFor: () => [] }).capture(
    pod,
    signal,
  );
}

describe("capturing the failed instance's logs when the kubelet is ahead of the API", () => {
  it('sees from the timestamps that `current` is a newer instance and reads `previous`', async () => {
    requests.length = 0;
    const c = await capture();
    expect(c.logs).toEqual({ text: 'instance 2 starting\ninstance 2 failing\n', truncated: false });
    const logReads = requests.filter((r) => r.includes('/log?'));
    expect(logReads.map((r) => new URLSearchParams(r.split('?')[1]).get('previous'))).toEqual([null, 'true']);
    expect(logReads.every((r) => r.includes('timestamps=true'))).toBe(true);
  });

  it("records why instead of another instance's lines when the kubelet moved on twice", async () => {
    body = (previous) => (previous ? `${t(8.3)} instance 3 failing\n` : `${t(30.1)} instance 4 starting\n`);
    expect((await capture()).logs).toMatchObject({
      text: '',
      error: expect.stringMatching(/restarted 2 times before its logs could be read/),
    });
  });

  it('takes a kubelet error sent as a 200 body for an error, not for log lines', async () => {
    body = () => 'unable to retrieve container logs for containerd://0123abcd';
    expect((await capture()).logs).toEqual({
      text: '',
      truncated: false,
      error: 'the kubelet could not read the logs: unable to retrieve container logs for containerd://0123abcd',
    });
  });
});
