import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KubeConfig } from '@kubernetes/client-node';
import { spec } from './actions.test-support.ts';
import { httpRequest, RESPONSE_KEPT_BYTES } from './http-request.ts';
import type { ActionEnv, Trigger } from './types.ts';

interface Received {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

let server: Server;
let base: string;
const received: Received[] = [];
const trigger: Trigger = {
  kind: 'failure',
  failure: {
    id: 7,
    namespace: 'shop',
    pod: 'web-1',
    workloadKind: 'Deployment',
    workloadName: 'web',
    reason: 'CrashLoopBackOff',
  },
};

// http_request never talks to the cluster: an empty KubeConfig stands in.
const env = (over: Partial<ActionEnv> = {}): ActionEnv => ({
  kc: new KubeConfig(),
  trigger,
  dryRun: false,
  signal: new AbortController().signal,
  notify: async () => undefined,
  render: (t) => t.replaceAll('{{failure.pod}}', 'web-1'),
  ...over,
});

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (body += c));
    req.on('end', () => {
      received.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
      if (req.url?.startsWith('/hang')) return; // never answers
      if (req.url === '/fail') return void res.writeHead(500, { 'content-type': 'text/plain' }).end('boom');
      if (req.url === '/big') return void res.writeHead(200).end('x'.repeat(100_000));
      res.writeHead(201, { 'content-type': 'application/json' }).end('{"ticket":"T-1"}');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const address = server.address();
  base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
});

/** A loopback port nothing listens on (fetch refuses "bad ports" such as 9, so one is borrowed and released). */
async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
  const address = probe.address();
  await new Promise((r) => probe.close(r));
  return typeof address === 'object' && address ? address.port : 0;
}

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

describe('http_request', () => {
  it('POSTs the trigger as JSON by default and keeps the answer', async () => {
    const r = await httpRequest.run(
      env(),
      spec('http_request', { url: `${base}/hook?token=secret`, headers: { 'x-kubeloop': 'yes' } }),
    );
    expect(r).toMatchObject({
      outcome: 'succeeded',
      summary: `POST ${base}/hook: 201`,
      detail: { status: 201, body: '{"ticket":"T-1"}' },
    });
    expect(r.summary).not.toContain('secret');
    const got = received.at(-1);
    expect(got?.headers['content-type']).toBe('application/json');
    expect(got?.headers['x-kubeloop']).toBe('yes');
    expect(JSON.parse(got?.body ?? '')).toEqual(trigger);
  });

  it('sends a rendered body, and none with GET', async () => {
    await httpRequest.run(
      env(),
      spec('http_request', {
        url: `${base}/t`,
        method: 'PUT',
        body: 'pod={{failure.pod}}',
        headers: { 'Content-Type': 'text/plain' },
      }),
    );
    expect(received.at(-1)).toMatchObject({
      method: 'PUT',
      body: 'pod=web-1',
      headers: { 'content-type': 'text/plain' },
    });
    expect((await httpRequest.run(env(), spec('http_request', { url: `${base}/g`, method: 'GET' }))).outcome).toBe(
      'succeeded',
    );
    expect(received.at(-1)).toMatchObject({ method: 'GET', body: '' });
  });

  it('keeps only the first 4 KiB of a large answer', async () => {
    const r = await httpRequest.run(env(), spec('http_request', { url: `${base}/big` }));
    expect((r.detail as { body: string }).body).toHaveLength(RESPONSE_KEPT_BYTES);
  });

  it('fails on a non-2xx status, a timeout and a refused connection', async () => {
    expect(await httpRequest.run(env(), spec('http_request', { url: `${base}/fail` }))).toMatchObject({
      outcome: 'failed',
      summary: `POST ${base}/fail: HTTP 500 Internal Server Error`,
      detail: { status: 500, body: 'boom' },
    });
    const slow = await httpRequest.run(env(), spec('http_request', { url: `${base}/hang`, timeoutMs: 200 }));
    expect(slow).toMatchObject({ outcome: 'failed', summary: `POST ${base}/hang: no answer within 200 ms` });
    const port = await closedPort();
    const refused = await httpRequest.run(env(), spec('http_request', { url: `http://127.0.0.1:${port}/x` }));
    expect(refused.outcome).toBe('failed');
    expect(refused.summary).toMatch(new RegExp(`^POST http://127\\.0\\.0\\.1:${port}/x: fetch failed: .*ECONNREFUSED`));
  });

  it('fails on a header HTTP does not allow, without sending', async () => {
    const count = received.length;
    const r = await httpRequest.run(
      env(),
      spec('http_request', { url: `${base}/hook`, headers: { 'bad header': 'x' } }),
    );
    expect(r.outcome).toBe('failed');
    expect(r.summary).toContain('invalid header');
    expect(received.length).toBe(count);
  });

  it('stops when the engine aborts the action', async () => {
    const abort = new AbortController();
    setTimeout(() => abort.abort(new Error('the action took too long')), 50);
    const r = await httpRequest.run(env({ signal: abort.signal }), spec('http_request', { url: `${base}/hang-abort` }));
    expect(r).toMatchObject({
      outcome: 'failed',
      summary: expect.stringContaining('aborted: Error: the action took too long'),
    });
  });

  it('dry run sends nothing', async () => {
    const count = received.length;
    const r = await httpRequest.run(env({ dryRun: true }), spec('http_request', { url: `${base}/hook` }));
    expect(r.outcome).toBe('succeeded');
    expect(r.summary).toMatch(new RegExp(`^dry run: would POST ${base}/hook \\(\\d+ bytes\\)$`));
    expect(received.length).toBe(count);
  });
});
