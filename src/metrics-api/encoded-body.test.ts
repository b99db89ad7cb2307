import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { acceptsGzip, EncodedBody, MIN_GZIP_BYTES } from './encoded-body.ts';
import { eventually } from '../../test/support/eventually.ts';

const large = Buffer.from(
  JSON.stringify({
    items: Array.from({ length: 500 }, (_, i) => ({
      describedObject: { kind: 'Pod', name: `web-${i}` },
      value: `${i}500m`,
    })),
  }),
);

/** The gzip bytes once the thread pool has made them (however long a loaded machine takes). */
function settled(body: EncodedBody): Promise<Buffer> {
  return eventually('the gzip bytes', async () => body.gzipIfReady(), 10_000, 5);
}

describe('EncodedBody', () => {
  it('compresses a large shared answer once, off the request: the first ask gets nothing, later ones the gzip', async () => {
    expect(large.length).toBeGreaterThan(MIN_GZIP_BYTES);
    const body = new EncodedBody(large, true);
    expect(body.gzipIfReady()).toBeUndefined();
    const gz = await settled(body);
    expect(gunzipSync(gz).equals(large)).toBe(true);
    expect(gz.length).toBeLessThan(large.length / 5);
    expect(body.gzipIfReady()).toBe(gz);
    expect(body.takeFailure()).toBeUndefined();
  });

  it('never compresses a one-off or a small answer', async () => {
    const once = new EncodedBody(large, false);
    const small = new EncodedBody(Buffer.from('{"items":[]}'), true);
    once.gzipIfReady();
    small.gzipIfReady();
    // By the time a shared large body asked later is compressed, the others would have been too.
    await settled(new EncodedBody(large, true));
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
