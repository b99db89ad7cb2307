import type { ServerResponse } from 'node:http';
import type { WatchSink } from '../watch/watch-session.ts';

export interface HttpWatchSinkOptions {
  /** Bytes queued for a client before it counts as too slow and its watch is closed. */
  maxBufferedBytes: number;
}

/**
 * Streams watch events over a chunked HTTP response. Events of one tick are coalesced into one
 * write, so a burst costs one syscall per watcher, not one per event.
 */
export class HttpWatchSink implements WatchSink {
  private queue: string[] = [];
  private scheduled = false;
  private ended = false;

  constructor(
    private readonly res: ServerResponse,
    private readonly opts: HttpWatchSinkOptions,
  ) {}

  write(line: string): boolean {
    if (this.ended) return false;
    this.queue.push(line);
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.flush());
    }
    return this.res.writableLength < this.opts.maxBufferedBytes;
  }

  end(): void {
    if (this.ended) return;
    this.flush();
    this.ended = true;
    this.res.end();
  }

  private flush(): void {
    this.scheduled = false;
    if (this.queue.length === 0 || this.res.destroyed) {
      this.queue = [];
      return;
    }
    const chunk = this.queue.length === 1 ? (this.queue[0] as string) : this.queue.join('');
    this.queue = [];
    this.res.write(chunk);
  }
}
