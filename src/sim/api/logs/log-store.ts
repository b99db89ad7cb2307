/**
 * Per-container log buffers, as a kubelet keeps them: the current instance and the one before
 * it (what `kubectl logs --previous` reads), each capped in bytes like the kubelet's rotation.
 */
interface LogLine {
  atMs: number;
  text: string;
}

class InstanceLog {
  readonly lines: LogLine[] = [];
  private head = 0;
  private bytes = 0;
  readonly followers = new Set<(line: LogLine | null) => void>();
  ended = false;

  constructor(
    readonly instance: number,
    private readonly maxBytes: number,
  ) {}

  append(line: LogLine): void {
    this.lines.push(line);
    this.bytes += line.text.length + 1;
    while (this.bytes > this.maxBytes && this.head < this.lines.length) {
      const dropped = this.lines[this.head++];
      if (dropped) this.bytes -= dropped.text.length + 1;
    }
    // Compact occasionally so the dropped prefix does not keep memory.
    if (this.head > 4096 && this.head * 2 > this.lines.length) {
      this.lines.splice(0, this.head);
      this.head = 0;
    }
    for (const f of this.followers) f(line);
  }

  live(): LogLine[] {
    return this.head === 0 ? this.lines : this.lines.slice(this.head);
  }

  end(): void {
    this.ended = true;
    for (const f of this.followers) f(null);
    this.followers.clear();
  }
}

interface ContainerLogs {
  current: InstanceLog;
  previous: InstanceLog | undefined;
}

export interface ReadOptions {
  previous?: boolean;
  tailLines?: number;
  limitBytes?: number;
  sinceTime?: Date;
  timestamps?: boolean;
}

export function formatLogTimestamp(atMs: number): string {
  // RFC 3339 with nanoseconds, as the kubelet prefixes lines for --timestamps.
  return new Date(atMs).toISOString().replace(/\.(\d{3})Z$/, '.$1000000Z');
}

export class LogStore {
  private readonly containers = new Map<string, ContainerLogs>();

  // A kubelet rotates container logs at 10 MiB; the sim keeps the last 1 MiB per instance so that
  // thousands of chatty pods stay within memory (clients read tails; limitBytes/tailLines still apply).
  constructor(private readonly maxBytesPerInstance = 1024 * 1024) {}

  private key(podUid: string, container: string): string {
    return `${podUid}/${container}`;
  }

  private logs(podUid: string, container: string): ContainerLogs {
    const k = this.key(podUid, container);
    let c = this.containers.get(k);
    if (!c) {
      c = { current: new InstanceLog(0, this.maxBytesPerInstance), previous: undefined };
      this.containers.set(k, c);
    }
    return c;
  }

  /** Appends one line to the container's current instance. */
  append(podUid: string, container: string, text: string, at: Date = new Date()): void {
    const c = this.logs(podUid, container);
    for (const part of text.split('\n')) c.current.append({ atMs: at.getTime(), text: part });
  }

  /** A container restarted: the current log becomes the previous one; followers of it end. */
  startInstance(podUid: string, container: string, instance: number): void {
    const c = this.logs(podUid, container);
    if (c.current.instance === instance) return;
    c.current.end();
    c.previous = c.current;
    c.current = new InstanceLog(instance, this.maxBytesPerInstance);
  }

  /** The container's current instance terminated: `logs -f` readers see the end of the stream. */
  endInstance(podUid: string, container: string): void {
    this.containers.get(this.key(podUid, container))?.current.end();
  }

  hasPrevious(podUid: string, container: string): boolean {
    return this.containers.get(this.key(podUid, container))?.previous !== undefined;
  }

  read(podUid: string, container: string, opts: ReadOptions = {}): string {
    const c = this.containers.get(this.key(podUid, container));
    const inst = opts.previous ? c?.previous : c?.current;
    if (!inst) return '';
    let lines = inst.live();
    if (opts.sinceTime) {
      const since = opts.sinceTime.getTime();
      lines = lines.filter((l) => l.atMs >= since);
    }
    if (opts.tailLines !== undefined) lines = opts.tailLines === 0 ? [] : lines.slice(-opts.tailLines);
    let out = lines.map((l) => renderLine(l, opts.timestamps)).join('');
    if (opts.limitBytes !== undefined && Buffer.byteLength(out) > opts.limitBytes) {
      out = Buffer.from(out).subarray(0, opts.limitBytes).toString();
    }
    return out;
  }

  /** Calls `onLine` for every new line of the current instance; `null` when it ends. */
  follow(podUid: string, container: string, onLine: (rendered: string | null) => void, timestamps = false): () => void {
    const inst = this.logs(podUid, container).current;
    if (inst.ended) {
      onLine(null);
      return () => {};
    }
    const f = (l: LogLine | null): void => onLine(l ? renderLine(l, timestamps) : null);
    inst.followers.add(f);
    return () => inst.followers.delete(f);
  }

  dropPod(podUid: string): void {
    for (const [k, c] of this.containers) {
      if (k.startsWith(`${podUid}/`)) {
        c.current.end();
        this.containers.delete(k);
      }
    }
  }
}

function renderLine(l: LogLine, timestamps: boolean | undefined): string {
  return timestamps ? `${formatLogTimestamp(l.atMs)} ${l.text}\n` : `${l.text}\n`;
}
