import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'node:https';
import type { IncomingMessage } from 'node:http';
import { startTestSim, simRequest, type TestSim } from '../support/sim.ts';

let t: TestSim;

beforeAll(async () => {
  t = await startTestSim({ watchMaxBufferedBytes: 256 * 1024 });
  await simRequest(t.sim, 'POST', '/api/v1/namespaces', {
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ metadata: { name: 'bp' } }),
  });
});
afterAll(async () => {
  await t.sim.stop();
});

function openWatch(path: string): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const req = request(
      new URL(path, t.sim.url),
      { ca: t.sim.caCert, headers: { authorization: `Bearer ${t.sim.tokens.admin}` } },
      resolve,
    );
    req.on('error', reject);
    req.end();
  });
}

/** Events read until the stream ends, or until `stopAt` have arrived (then the watch is closed). */
function countEvents(res: IncomingMessage, stopAt = Number.POSITIVE_INFINITY): Promise<number> {
  return new Promise((resolve, reject) => {
    let text = '';
    const count = (): number => text.split('\n').filter((l) => l.trim() !== '').length;
    res.on('data', (c: Buffer) => {
      text += c.toString();
      if (count() >= stopAt) {
        res.destroy();
        resolve(count());
      }
    });
    res.on('end', () => resolve(count()));
    res.on('error', reject);
  });
}

describe('watch back-pressure', () => {
  it('closes a watcher that stops reading, while other watchers and writes carry on', async () => {
    const rv = (await simRequest(t.sim, 'GET', '/api/v1/namespaces/bp/configmaps')).json<{
      metadata: { resourceVersion: string };
    }>().metadata.resourceVersion;
    const slow = await openWatch(`/api/v1/namespaces/bp/configmaps?watch=true&resourceVersion=${rv}`);
    slow.pause();
    // No timeoutSeconds: however slow the writes are on a loaded machine, the reader gets every
    // event (or the test times out) rather than a deadline cutting the count short.
    const fast = await openWatch(`/api/v1/namespaces/bp/configmaps?watch=true&resourceVersion=${rv}`);
    const payload = 'x'.repeat(16 * 1024);
    const writes = 300;
    const fastCount = countEvents(fast, writes);
    for (let i = 0; i < writes; i++) {
      const r = await simRequest(t.sim, 'POST', '/api/v1/namespaces/bp/configmaps', {
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ metadata: { name: `c${i}` }, data: { payload } }),
      });
      expect(r.status).toBe(201);
    }
    expect(await fastCount).toBe(writes);
    slow.resume();
    const slowCount = await countEvents(slow);
    expect(slowCount).toBeLessThan(writes);
  }, 60_000);
});
