import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { acceptsGzip, EncodedBody, MIN_GZIP_BYTES } from './encoded-body.ts';

const large = Buffer.from(JSON.stringify({ items: Array.from({ length: 500 }, (_, i) => ({ describedObject: { kind: 'Pod', name: `web-${i}` }, value: `${i}500m` })) }));

async function settled(body: EncodedBody): Promise<Buffer | undefined> {
  for (let i = 0; i < 200; i++) {
    const gz = body.gzipIfReady();
    if (gz) return gz;
    await new Promise((r) => setTimeout(r, 5));
  }
  return undefined;
}

describe('EncodedBody', () => {
  it('compresses a large shared answer once, off the request: the first ask gets nothing, later ones the gzip', async () => {
    expect(large.length).toBeGreaterThan(MIN_GZIP_BYTES);
    const body = new EncodedBody(large, true);
    expect(body.gzipIfReady()).toBeUndefined();
    const gz = await settled(body);
    expect(gz).toBeDefined();
    expect(gunzipSync(gz as Buffer).equals(large)).toBe(true);
    expect((gz as Buffer).length).toBeLessThan(large.length / 5);
    expect(body.gzipIfReady()).toBe(gz);
    expect(body.takeFailure()).toBeUndefined();
  });

  it('never compresses a one-off or a small answer', async () => {
    const once = new EncodedBody(large, false);
    const small = new EncodedBody(Buffer.from('{"items":[]}'), true);
    once.gzipIfReady();
    small.gzipIfReady();
    // By the time a shared large body asked later is compressed, the others would have been too.
    expect(await settled(new EncodedBody(large, true))).toBeDefined();
    expect(once.gzipIfReady()).toBeUndefined();
    expect(small.gzipIfReady()).toBeUndefined();
  });
});

describe('acceptsGzip', () => {
  it.each([
    ['gzip', true],
    ['gzip, deflate', true],
    ['deflate, GZIP;q=0.5', true],
    ['x-gzip', true],
    ['*', true],
    ['*;q=0.1, br', true],
    ['gzip;q=0', false],
    ['gzip;q=0, *', false],
    ['gzip;q=0.000', false],
    ['identity', false],
    ['br, deflate', false],
    ['', false],
    [undefined, false],
    ['gzip;q=abc', false],
  ])('%s -> %s', (header, expected) => {
    expect(acceptsGzip(header)).toBe(expected);
  });
});
