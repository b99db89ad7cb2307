import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimCluster, type SimCluster } from '../../sim/cluster.ts';
import type { Alert } from '../alert.ts';
import type { ActionNotice } from '../actions/types.ts';
import { LOG_LIMITS } from './logs.ts';
import { runFunction, type FunctionRun, type RunFunctionOptions } from './runner.ts';

// Each run starts a worker (tsx + @kubernetes/client-node: 1-3 s on a busy machine), so the tests
// run one after another with generous per-test timeouts, and the whole file stays near a minute.
const RUN_TIMEOUT = 40_000;
const fixtures = join(import.meta.dirname, 'fixtures');

const alert: Alert = {
  source: 'alertmanager',
  id: 'fp-1',
  status: 'firing',
  severity: 'warning',
  labels: { namespace: 'shop', pod: 'api-1' },
  annotations: {},
  title: 'HighLatency',
  raw: { fingerprint: 'fp-1' },
};

let sim: SimCluster;
let kubeconfig: string;

beforeAll(async () => {
  sim = await startSimCluster({ port: 0, scenario: 'empty', controllers: { scheduler: false, kubelet: false } });
  kubeconfig = sim.kubeconfig();
});
afterAll(async () => {
  await sim?.stop();
});

function run(file: string, over: Partial<RunFunctionOptions> = {}): Promise<FunctionRun> {
  return runFunction({
    functionsDir: fixtures,
    file,
    kubeconfig,
    alert,
    trigger: { kind: 'alert', alertRowId: 7, alertId: alert.id, source: alert.source },
    params: {},
    timeoutMs: 10_000,
    memoryMb: 64,
    notify: async () => undefined,
    ...over,
  });
}

/** A local stand-in for Prometheus's /api/v1/query (queries are POSTed as forms), answering with `answer(query)`. */
async function fakePrometheus(
  answer: (query: string, res: ServerResponse) => void,
): Promise<{ url: string; server: Server; seen: URLSearchParams[] }> {
  const seen: URLSearchParams[] = [];
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname !== '/api/v1/query') {
      res.writeHead(404).end();
      return;
    }
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      const form = new URLSearchParams(body);
      seen.push(form);
      answer(form.get('query') ?? '', res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server, seen };
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

describe('runFunction', () => {
  it(
    'runs a .ts function: return value, ctx.log and console lines',
    async () => {
      // memoryMb 16 is the smallest the playbook schema allows: the runtime's own heap comes on top of it.
      const r = await run('scale.ts', { params: { n: 4 }, memoryMb: 16 });
      expect(r.error).toBeUndefined();
      expect(r).toMatchObject({
        ok: true,
        value: { scaled: 5, alertId: 'fp-1', trigger: 'alert' },
        timedOut: false,
        memoryExceeded: false,
      });
      expect(r.logs.map((l) => [l.level, l.message])).toEqual([
        ['info', 'scaling from 4'],
        ['info', 'console line { n: 4 }'],
        ['warn', 'careful'],
        ['error', 'an error line'],
      ]);
      expect(r.logs.every((l) => Math.abs(l.at - Date.now()) < 60_000)).toBe(true);
      expect(r.durationMs).toBeGreaterThan(0);
    },
    RUN_TIMEOUT,
  );

  it(
    'runs a plain .mjs function and a .mts one',
    async () => {
      const mjs = await run('plain.mjs', { params: { name: 'ops' } });
      expect(mjs).toMatchObject({ ok: true, value: { greeting: 'hello ops', list: [1, 2, 3] } });
      expect(mjs.logs.map((l) => l.message)).toEqual(['from mjs']);
      const mts = await run('esm.mts', { params: { a: 1, b: 'x' } });
      expect(mts).toMatchObject({ ok: true, value: { kind: 'mts', params: ['a', 'b'] } });
    },
    RUN_TIMEOUT,
  );

  it(
    'runs a .ts function outside an ES-module package (loaded as CommonJS)',
    async () => {
      const dir = mkdtempSync(join(tmpdir(), 'kubeloop-fn-'));
      try {
        writeFileSync(
          join(dir, 'cjs.ts'),
          'export default async (ctx: { params: { n: number } }): Promise<number> => ctx.params.n * 2;\n',
        );
        const r = await run('cjs.ts', { functionsDir: dir, params: { n: 21 } });
        expect(r).toMatchObject({ ok: true, value: 42 });
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
    RUN_TIMEOUT,
  );

  it(
    "reports a thrown error with its message and only the user's stack frames",
    async () => {
      const r = await run('throws.ts');
      expect(r.ok).toBe(false);
      const lines = (r.error ?? '').split('\n');
      expect(lines[0]).toBe('Error: the deployment is not healthy');
      expect(lines.length).toBeGreaterThan(1);
      for (const frame of lines.slice(1)) expect(frame).toMatch(/^\s+at .*fixtures\/throws\.ts:\d+:\d+\)?$/);
      expect(r.logs.map((l) => l.message)).toEqual(['about to fail']);
    },
    RUN_TIMEOUT,
  );

  it(
    'times out a function that never returns, keeping what it logged',
    async () => {
      const r = await run('forever.ts', { timeoutMs: 2_000 });
      expect(r).toMatchObject({ ok: false, timedOut: true, memoryExceeded: false, error: 'timed out after 2000 ms' });
      expect(r.logs.map((l) => l.message)).toEqual(['looping']);
    },
    RUN_TIMEOUT,
  );

  it(
    'stops a function that exceeds its memory',
    async () => {
      const r = await run('hog.ts', { memoryMb: 32, timeoutMs: 20_000 });
      expect(r).toMatchObject({ ok: false, memoryExceeded: true, timedOut: false });
      expect(r.error).toContain('ran out of memory');
    },
    RUN_TIMEOUT,
  );

  it(
    'relays ctx.notify to the parent and refuses an invalid notice',
    async () => {
      const notices: ActionNotice[] = [];
      const r = await run('notifies.ts', { params: { pod: 'api-1' }, notify: async (n) => void notices.push(n) });
      expect(notices).toEqual([
        { title: 'restart api-1', text: 'restarted by a function', severity: 'warning', namespace: 'shop' },
      ]);
      expect(r.ok).toBe(true);
      expect(r.value).toMatchObject({ sent: true });
      expect(JSON.stringify(r.value)).toMatch(/invalid notice.*title/);
    },
    RUN_TIMEOUT,
  );

  it(
    "fails ctx.notify when the parent's notify fails",
    async () => {
      const r = await run('notifies.ts', { notify: async () => Promise.reject(new Error('outbox is full')) });
      expect(r).toMatchObject({ ok: false, error: expect.stringContaining('ctx.notify: outbox is full') });
    },
    RUN_TIMEOUT,
  );

  it(
    'queries Prometheus with ctx.query (vector) and reports Prometheus errors',
    async () => {
      const prom = await fakePrometheus((query, res) => {
        if (query === 'up') {
          json(res, 200, {
            status: 'success',
            data: {
              resultType: 'vector',
              result: [
                { metric: { __name__: 'up', job: 'api' }, value: [1_700_000_000.5, '1'] },
                { metric: { job: 'db' }, value: [1_700_000_000.5, 'NaN'] },
              ],
            },
          });
        } else
          json(res, 400, { status: 'error', errorType: 'bad_data', error: 'parse error: unexpected end of input' });
      });
      try {
        const ok = await run('query.ts', { params: { promql: 'up' }, prometheusUrl: `${prom.url}/` });
        expect(ok.error).toBeUndefined();
        expect(ok.value).toEqual([
          { metric: { __name__: 'up', job: 'api' }, value: 1, timestamp: 1_700_000_000_500 },
          { metric: { job: 'db' }, value: 'NaN', timestamp: 1_700_000_000_500 },
        ]);
        expect(prom.seen[0]?.get('time')).toBe('1700000000');
        const bad = await run('query.ts', { params: { promql: 'sum(' }, prometheusUrl: prom.url });
        expect(bad).toMatchObject({ ok: false });
        expect(bad.error).toMatch(
          /^Error: ctx\.query: query sum\(: Prometheus refused it \(bad_data\): parse error: unexpected end of input/,
        );
      } finally {
        prom.server.close();
      }
    },
    RUN_TIMEOUT,
  );

  it(
    'turns a malformed Prometheus answer into a clear error',
    async () => {
      const prom = await fakePrometheus((_query, res) =>
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"status": "success", "data": '),
      );
      try {
        const r = await run('query.ts', { params: { promql: 'up' }, prometheusUrl: prom.url });
        expect(r.ok).toBe(false);
        expect(r.error).toMatch(
          /^Error: ctx\.query: query up: Prometheus answered HTTP 200 with a body that is not JSON/,
        );
      } finally {
        prom.server.close();
      }
    },
    RUN_TIMEOUT,
  );

  it(
    'lists namespaces of the simulated cluster through ctx.k8s',
    async () => {
      const r = await run('namespaces.ts');
      expect(r.error).toBeUndefined();
      expect(r.value).toEqual(expect.arrayContaining(['default', 'kube-system']));
    },
    RUN_TIMEOUT,
  );

  it(
    'caps the log at 1,000 lines with a truncation marker',
    async () => {
      const r = await run('chatty.ts', { params: { lines: 5000 } });
      expect(r).toMatchObject({ ok: true, value: 'done' });
      expect(r.logs).toHaveLength(LOG_LIMITS.lines);
      expect(r.logs[0]?.message).toBe('line 0');
      expect(r.logs.at(-1)?.message).toMatch(/^\[log truncated/);
    },
    RUN_TIMEOUT,
  );

  it(
    'refuses a return value that is not JSON',
    async () => {
      const r = await run('not-json.ts');
      expect(r).toMatchObject({
        ok: false,
        error:
          'the return value is not JSON-serializable: $.nested.big is a bigint (convert it with String() or Number())',
      });
    },
    RUN_TIMEOUT,
  );

  it(
    'reports a module without a default export function',
    async () => {
      const r = await run('no-default.ts');
      expect(r.error).toMatch(/^no-default\.ts has no default export function/);
    },
    RUN_TIMEOUT,
  );

  it(
    'captures raw stdout and fails on an unhandled rejection without harming the main thread',
    async () => {
      const r = await run('stdout.ts');
      expect(r.ok).toBe(false);
      expect(r.error).toMatch(
        /unhandled rejection.*\nError: forgotten promise|unhandled rejection\): Error: forgotten promise/,
      );
      expect(r.logs).toContainEqual(expect.objectContaining({ level: 'info', message: 'raw stdout line' }));
    },
    RUN_TIMEOUT,
  );

  it(
    'refuses process.abort() and reports a worker that exits early',
    async () => {
      const r = await run('exits.ts');
      expect(r).toMatchObject({
        ok: false,
        error: "the function's worker exited (code 3) before the function returned",
      });
      expect(r.logs).toContainEqual(
        expect.objectContaining({
          level: 'warn',
          message: expect.stringMatching(/^process\.abort\(\) is not allowed/),
        }),
      );
    },
    RUN_TIMEOUT,
  );

  it(
    'terminates the worker when the signal aborts',
    async () => {
      // The fixture's ctx.notify tells the test that the function is running: abort there.
      const controller = new AbortController();
      const r = await run('slow.ts', {
        params: { ms: 30_000 },
        signal: controller.signal,
        notify: async () => controller.abort(),
      });
      expect(r).toMatchObject({ ok: false, error: 'aborted', timedOut: false });
      expect(r.durationMs).toBeLessThan(15_000);
      const booting = new AbortController();
      setTimeout(() => booting.abort(), 100);
      expect(await run('slow.ts', { params: { ms: 30_000 }, signal: booting.signal })).toMatchObject({
        ok: false,
        error: 'aborted',
      });
      const already = await run('slow.ts', { params: { ms: 1 }, signal: AbortSignal.abort() });
      expect(already).toMatchObject({ ok: false, error: 'aborted before the function started' });
    },
    RUN_TIMEOUT,
  );

  it(
    'rejects paths outside the functions directory and missing files without starting a worker',
    async () => {
      for (const file of ['../x.ts', 'a/../../x.ts', '/etc/passwd.ts', join(fixtures, 'scale.ts')]) {
        const r = await run(file);
        expect(r, file).toMatchObject({ ok: false, timedOut: false, memoryExceeded: false, logs: [] });
        expect(r.error, file).toMatch(/must (stay inside|be a path relative to) the functions directory/);
      }
      expect((await run('missing.ts')).error).toMatch(/^function file "missing\.ts" not found in /);
      expect((await run('notes.txt')).error).toMatch(/must end in \.ts, \.mts, \.js, \.mjs/);
    },
    RUN_TIMEOUT,
  );
});
