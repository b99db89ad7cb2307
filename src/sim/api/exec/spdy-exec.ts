import { isExecutable, runCommand } from '../../container/index.ts';
import { badRequest } from '../../../kube/apimachinery/errors.ts';
import { exitStatus, notFoundStatus, StdinQueue, type AcceptExecOptions } from './index.ts';
import {
  controlFrame,
  dataFrame,
  FLAG_FIN,
  FrameReader,
  GOAWAY,
  HeaderCodec,
  PING,
  RST_STREAM,
  SYN_REPLY,
  SYN_STREAM,
  type Frame,
} from './spdy-frames.ts';

/**
 * The remote-command protocol over SPDY/3.1, as a kubelet serves it to kubectl before 1.29: after the
 * 101 upgrade the client opens one stream per channel (a `streamtype` header: error, stdin, stdout, stderr,
 * resize), the server replies to each, runs the command once all expected streams exist, writes output as
 * data frames, the result on the error stream (a Status in v4, its message in older versions), and ends
 * every stream.
 */
const VERSIONS = ['v4.channel.k8s.io', 'v3.channel.k8s.io', 'v2.channel.k8s.io', 'channel.k8s.io'];

export function isSpdyUpgrade(headers: AcceptExecOptions['req']['headers']): boolean {
  return String(headers.upgrade ?? '').toLowerCase() === 'spdy/3.1';
}

export function acceptSpdyExec(opts: AcceptExecOptions): void {
  const offered = String(opts.req.headers['x-stream-protocol-version'] ?? '')
    .split(',')
    .map((p) => p.trim());
  const version = VERSIONS.find((v) => offered.includes(v));
  if (!version)
    throw badRequest(
      `unable to upgrade connection: none of the requested stream protocols is supported (${VERSIONS.join(', ')})`,
    );
  opts.socket.write(
    `HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: SPDY/3.1\r\nX-Stream-Protocol-Version: ${version}\r\n\r\n`,
  );
  new SpdyExecSession(opts, version).start();
}

class SpdyExecSession {
  private readonly reader = new FrameReader();
  private readonly codec = new HeaderCodec();
  private readonly streams = new Map<string, number>();
  private readonly stdin: StdinQueue | null;
  private readonly abort = new AbortController();
  private frames: Promise<void> = Promise.resolve();
  private started = false;
  private closed = false;

  constructor(
    private readonly opts: AcceptExecOptions,
    private readonly version: string,
  ) {
    this.stdin = opts.request.stdin ? new StdinQueue() : null;
  }

  start(): void {
    const { socket, head } = this.opts;
    const onBytes = (b: Buffer): void => {
      for (const f of this.reader.push(b))
        this.frames = this.frames.then(() => this.handle(f)).catch((err: unknown) => this.fail(err));
    };
    socket.on('data', onBytes);
    socket.on('close', () => this.shutdown());
    socket.on('error', () => this.shutdown());
    if (head.length > 0) onBytes(head);
  }

  /** The streams the client opens for this request; the command starts when all of them exist. */
  private expected(): string[] {
    const r = this.opts.request;
    return [
      'error',
      ...(r.stdin ? ['stdin'] : []),
      ...(r.stdout ? ['stdout'] : []),
      ...(r.stderr && !r.tty ? ['stderr'] : []),
      ...(r.tty ? ['resize'] : []),
    ];
  }

  private async handle(f: Frame): Promise<void> {
    if (!f.control) {
      if (f.streamId === this.streams.get('stdin')) {
        if (f.data.length > 0) this.stdin?.push(Buffer.from(f.data));
        if (f.flags & FLAG_FIN) this.stdin?.end();
      }
      return;
    }
    if (f.type === SYN_STREAM) {
      const id = f.data.readUInt32BE(0) & 0x7fffffff;
      const headers = await this.codec.read(f.data.subarray(10));
      this.streams.set(headers['streamtype'] ?? '', id);
      const reply = await this.codec.write({});
      const idBytes = Buffer.alloc(4);
      idBytes.writeUInt32BE(id);
      this.write(controlFrame(SYN_REPLY, 0, Buffer.concat([idBytes, reply])));
      if (!this.started && this.expected().every((s) => this.streams.has(s))) {
        this.started = true;
        void this.run();
      }
    } else if (f.type === PING) {
      this.write(controlFrame(PING, 0, f.data));
    } else if (f.type === RST_STREAM || f.type === GOAWAY) {
      this.shutdown();
    }
  }

  private write(b: Buffer): void {
    if (!this.closed && !this.opts.socket.destroyed) this.opts.socket.write(b);
  }

  private send(stream: string, text: string, fin = false): void {
    const id = this.streams.get(stream);
    if (id === undefined || (text === '' && !fin)) return;
    this.write(dataFrame(id, fin ? FLAG_FIN : 0, Buffer.from(text)));
  }

  private async run(): Promise<void> {
    const { request } = this.opts;
    const statusText = (s: Record<string, unknown>, code: number): string =>
      this.version === VERSIONS[0] ? JSON.stringify(s) : code === 0 ? '' : String(s['message']);
    const program = request.command[0] ?? '';
    let code: number;
    let status: Record<string, unknown>;
    if (!isExecutable(program)) {
      code = 127;
      status = notFoundStatus(program);
    } else {
      try {
        code = await runCommand(request.command, {
          env: this.opts.env,
          stdin: this.stdin,
          stdout: (s) => (request.stdout ? this.send('stdout', s) : undefined),
          stderr: (s) => (request.stderr ? this.send(request.tty ? 'stdout' : 'stderr', s) : undefined),
          signal: this.abort.signal,
        });
      } catch (err) {
        this.send('stderr', `exec: ${(err as Error).message}\n`);
        code = 126;
      }
      status = exitStatus(request.command, code);
    }
    this.send('error', statusText(status, code));
    for (const s of ['stdout', 'stderr', 'error']) this.send(s, '', true);
    this.opts.onDone?.(code);
    const goaway = Buffer.alloc(8);
    goaway.writeUInt32BE(Math.max(0, ...this.streams.values()), 0);
    this.write(controlFrame(GOAWAY, 0, goaway));
    this.opts.socket.end();
    this.shutdown();
  }

  private fail(err: unknown): void {
    this.opts.socket.destroy(err instanceof Error ? err : new Error(String(err)));
    this.shutdown();
  }

  private shutdown(): void {
    if (this.closed) return;
    this.closed = true;
    this.stdin?.end();
    this.abort.abort();
    this.codec.close();
  }
}
