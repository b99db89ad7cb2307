import { gzip } from 'node:zlib';

/**
 * A serialized answer and, once compressed, its gzip form. client-go asks for gzip (Go's
 * transport adds Accept-Encoding: gzip and the aggregator passes it through), and a 1,000-pod
 * MetricValueList is ~200 KB of JSON that gzip shrinks ~15x: encrypting and writing the
 * compressed bytes is most of what a cache hit costs. Compression runs once per shared answer, in
 * libuv's thread pool rather than on the event loop; requests that arrive before it is done get
 * the identity bytes, which are equally valid, so no request waits for it.
 */

/** Below this, compressing saves less than it costs (kube-apiserver draws its line at 128 KB). */
export const MIN_GZIP_BYTES = 16 * 1024;

export class EncodedBody {
  private gzipped: Buffer | undefined;
  private state: 'idle' | 'compressing' | 'done' | 'failed' = 'idle';
  private failure: Error | undefined;

  /**
   * @param shared whether more requests will be answered with these same bytes (a cached pull
   *   answer); a one-off body is never compressed, since compressing costs more than sending it.
   */
  constructor(
    readonly identity: Buffer,
    private readonly shared: boolean,
  ) {}

  /** The gzip bytes if they are ready; the first call on a shared, large body starts compressing. */
  gzipIfReady(): Buffer | undefined {
    if (this.state === 'idle' && this.shared && this.identity.length >= MIN_GZIP_BYTES) this.compress();
    return this.gzipped;
  }

  /** Why compression failed (the identity bytes are served instead), reported once for the server's log. */
  takeFailure(): Error | undefined {
    const f = this.failure;
    this.failure = undefined;
    return f;
  }

  private compress(): void {
    this.state = 'compressing';
    // Level 1: JSON of repeated keys compresses almost as well as at level 6, at a fraction of the CPU.
    gzip(this.identity, { level: 1 }, (err, out) => {
      if (err) {
        this.state = 'failed';
        this.failure = new Error(`gzip of a ${this.identity.length}-byte answer failed: ${err.message}`);
        return;
      }
      this.gzipped = out;
      this.state = 'done';
    });
  }
}

/**
 * Whether an Accept-Encoding header admits gzip (RFC 9110 section 12.5.3): listed, or covered by
 * "*", with a q-value above 0.
 */
export function acceptsGzip(header: string | undefined): boolean {
  if (!header) return false;
  let gzipQ: number | undefined;
  let starQ: number | undefined;
  for (const part of header.split(',')) {
    const [coding = '', ...params] = part.split(';').map((s) => s.trim());
    const qParam = params.find((p) => /^q=/i.test(p));
    const q = qParam === undefined ? 1 : Number(qParam.slice(2));
    const quality = Number.isFinite(q) ? q : 0;
    const name = coding.toLowerCase();
    if (name === 'gzip' || name === 'x-gzip') gzipQ = quality;
    else if (name === '*') starQ = quality;
  }
  return (gzipQ ?? starQ ?? 0) > 0;
}
