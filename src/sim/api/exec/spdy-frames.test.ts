import { describe, expect, it } from 'vitest';
import { controlFrame, dataFrame, FLAG_FIN, FrameReader, HeaderCodec, SYN_REPLY } from './spdy-frames.ts';

describe('SPDY/3.1 frames', () => {
  it('reads control and data frames split anywhere across chunks', () => {
    const bytes = Buffer.concat([
      controlFrame(SYN_REPLY, 0, Buffer.from([0, 0, 0, 1])),
      dataFrame(3, FLAG_FIN, Buffer.from('hello')),
    ]);
    const reader = new FrameReader();
    const frames = [
      ...reader.push(bytes.subarray(0, 5)),
      ...reader.push(bytes.subarray(5, 15)),
      ...reader.push(bytes.subarray(15)),
    ];
    expect(frames).toEqual([
      { control: true, type: SYN_REPLY, flags: 0, data: Buffer.from([0, 0, 0, 1]) },
      { control: false, streamId: 3, flags: FLAG_FIN, data: Buffer.from('hello') },
    ]);
    expect(bytes.subarray(0, 4)).toEqual(Buffer.from([0x80, 0x03, 0x00, 0x02]));
  });

  it('compresses header blocks in one zlib context per direction, over the SPDY dictionary', async () => {
    const server = new HeaderCodec();
    const client = new HeaderCodec();
    // What the server writes, the peer's inflater (same dictionary, one stream) reads back, block after block.
    const first = await server.write({ streamType: 'stdout' });
    const second = await server.write({ streamtype: 'stderr', other: 'x' });
    expect(await client.read(first)).toEqual({ streamtype: 'stdout' });
    expect(await client.read(second)).toEqual({ streamtype: 'stderr', other: 'x' });
    // A block that is not part of a dictionary stream is refused, not misread.
    await expect(new HeaderCodec().read(Buffer.from('not zlib at all'))).rejects.toThrow();
    server.close();
    client.close();
  });
});
