import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { promQuery } from './prometheus.ts';

// The answers of a Prometheus /api/v1/query, keyed by the query.
const answers: Record<string, { status: number; body: string }> = {
  scalar: {
    status: 200,
    body: JSON.stringify({ status: 'success', data: { resultType: 'scalar', result: [1_700_000_000, '+Inf'] } }),
  },
  range: { status: 200, body: JSON.stringify({ status: 'success', data: { resultType: 'matrix', result: [] } }) },
  odd: {
    status: 200,
    body: JSON.stringify({
      status: 'success',
      data: { resultType: 'vector', result: [{ metric: {}, value: ['x', 1] }] },
    }),
  },
  down: { status: 503, body: 'service unavailable' },
};

let server: Server;
let url: string;
beforeAll(async () => {
  // Queries are POSTed as forms (no URL length limit for long PromQL).
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      const a = answers[new URLSearchParams(body).get('query') ?? ''] ?? { status: 404, body: '' };
      res.writeHead(a.status).end(a.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/prom`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

/** A loopback URL nothing listens on (a port just freed; fetch refuses low ports like 1 outright). */
async function closedPortUrl(): Promise<string> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}

describe('promQuery', () => {
  it('turns a scalar into one unlabelled sample', async () => {
    expect(await promQuery(url, 'scalar')).toEqual([{ metric: {}, value: Infinity, timestamp: 1_700_000_000_000 }]);
  });

  it('fails clearly on what it cannot use', async () => {
    await expect(promQuery(undefined, 'up')).rejects.toThrow(
      'ctx.query: no Prometheus is configured (set remediation.prometheusUrl)',
    );
    await expect(promQuery(url, 'range')).rejects.toThrow(
      /^ctx\.query: query range: returned a matrix; metrics queries must return an instant vector/,
    );
    await expect(promQuery(url, 'odd')).rejects.toThrow(
      /unexpected answer from Prometheus: data\.result\.0\.value\.0: expected number, got string/,
    );
    await expect(promQuery(url, 'down')).rejects.toThrow(
      'ctx.query: query down: Prometheus answered HTTP 503 with a body that is not JSON: "service unavailable"',
    );
    const closed = await closedPortUrl();
    await expect(promQuery(closed, 'up')).rejects.toThrow(
      `ctx.query: query up: cannot reach Prometheus at ${closed}: ECONNREFUSED`,
    );
  });
});
