import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { randomBytes } from 'node:crypto';
import { WebSocketServer, type WebSocket, type RawData } from 'ws';
import { badRequest } from '../../../kube/apimachinery/errors.ts';
import { isExecutable, runCommand, type ContainerEnv } from '../../container/index.ts';

/**
 * The websocket remote-command protocol (k8s.io/apimachinery/pkg/util/remotecommand): binary
 * frames whose first byte is the channel: 0 stdin, 1 stdout, 2 stderr, 3 error (a Status in
 * v4/v5), 4 resize; v5 adds 255 = close a channel (the client closes stdin with [255, 0]).
 */
export interface ExecRequest {
  command: string[];
  stdin: boolean;
  stdout: boolean;
  stderr: boolean;
  tty: boolean;
  container: string;
}

const SUPPORTED = [
  'v5.channel.k8s.io',
  'v4.channel.k8s.io',
  'v3.channel.k8s.io',
  'v2.channel.k8s.io',
  'channel.k8s.io',
];
const STDIN = 0;
const STDOUT = 1;
const STDERR = 2;
const ERROR = 3;
const CLOSE = 255;

function bool(v: string | null): boolean {
  return v === 'true' || v === '1';
}

export function parseExecQuery(url: URL): ExecRequest {
  const q = url.searchParams;
  const command = q.getAll('command');
  const req: ExecRequest = {
    command,
    stdin: bool(q.get('stdin')),
    stdout: bool(q.get('stdout')),
    stderr: bool(q.get('stderr')),
    tty: bool(q.get('tty')),
    container: q.get('container') ?? '',
  };
  if (command.length === 0) throw badRequest('you must specify at least 1 command');
  if (!req.stdin && !req.stdout && !req.stderr)
    throw badRequest('you must specify at least 1 of stdin, stdout, stderr');
  return req;
}

const wss = new WebSocketServer({
  noServer: true,
  handleProtocols: (offered) => SUPPORTED.find((p) => offered.has(p)) ?? false,
});

/** The Status a kubelet writes on the error channel when the command ends. */
export function exitStatus(command: string[], code: number): Record<string, unknown> {
  if (code === 0) return { metadata: {}, status: 'Success' };
  return {
    metadata: {},
    status: 'Failure',
    message: `command terminated with non-zero exit code: error executing command [${command.join(' ')}], exit code ${code}`,
    reason: 'NonZeroExitCode',
    details: { causes: [{ reason: 'ExitCode', message: String(code) }] },
  };
}

/**
 * A program the image does not have never starts: runc fails the exec and the kubelet answers
 * with an InternalError Status (containerd's wording), not an exit code.
 */
export function notFoundStatus(cmd: string): Record<string, unknown> {
  const detail =
    `error executing command in container: failed to exec in container: failed to start exec "${randomBytes(32).toString('hex')}": ` +
    `OCI runtime exec failed: exec failed: unable to start container process: exec: "${cmd}": executable file not found in $PATH: unknown`;
  return {
    metadata: {},
    status: 'Failure',
    message: `Internal error occurred: ${detail}`,
    reason: 'InternalError',
    details: { causes: [{ message: detail }] },
    code: 500,
  };
}

/** Stdin as an async stream of the bytes the client sends on channel 0, ended by close. */
export class StdinQueue implements AsyncIterable<Buffer> {
  private readonly chunks: Buffer[] = [];
  private ended = false;
  private wake: (() => void) | undefined;

  push(b: Buffer): void {
    this.chunks.push(b);
    this.wake?.();
  }

  end(): void {
    this.ended = true;
    this.wake?.();
  }

  async *[Symbol.asyncIterator](): AsyncIterator<Buffer> {
    for (;;) {
      const next = this.chunks.shift();
      if (next) yield next;
      else if (this.ended) return;
      else await new Promise<void>((r) => (this.wake = r));
    }
  }
}

export interface AcceptExecOptions {
  req: IncomingMessage;
  socket: Duplex;
  head: Buffer;
  request: ExecRequest;
  env: ContainerEnv;
  onDone?: (exitCode: number) => void;
}

export function acceptExec(opts: AcceptExecOptions): void {
  const offered = String(opts.req.headers['sec-websocket-protocol'] ?? '')
    .split(',')
    .map((p) => p.trim());
  if (!offered.some((p) => SUPPORTED.includes(p))) {
    throw badRequest(
      `unable to upgrade connection: none of the requested subprotocols is supported (${SUPPORTED.join(', ')})`,
    );
  }
  wss.handleUpgrade(opts.req, opts.socket, opts.head, (ws) => {
    void serve(ws, opts);
  });
}

async function serve(ws: WebSocket, opts: AcceptExecOptions): Promise<void> {
  const { request } = opts;
  const v5 = ws.protocol === 'v5.channel.k8s.io';
  const statusAsJson = ws.protocol !== 'channel.k8s.io';
  const stdin = request.stdin ? new StdinQueue() : null;
  const abort = new AbortController();
  const send = (channel: number, data: string): void => {
    if (data === '' || ws.readyState !== ws.OPEN) return;
    ws.send(Buffer.concat([Buffer.from([channel]), Buffer.from(data)]));
  };
  ws.on('message', (data: RawData) => {
    const buf = Array.isArray(data) ? Buffer.concat(data) : Buffer.isBuffer(data) ? data : Buffer.from(data);
    if (buf.length === 0) return;
    const channel = buf[0];
    if (channel === STDIN) stdin?.push(buf.subarray(1));
    else if (v5 && channel === CLOSE && buf[1] === STDIN) stdin?.end();
  });
  ws.on('close', () => {
    stdin?.end();
    abort.abort();
  });
  const program = request.command[0] ?? '';
  if (!isExecutable(program)) {
    const status = notFoundStatus(program);
    send(ERROR, statusAsJson ? JSON.stringify(status) : String(status['message']));
    opts.onDone?.(127);
    if (ws.readyState === ws.OPEN) ws.close(1000);
    return;
  }
  let code: number;
  try {
    code = await runCommand(request.command, {
      env: opts.env,
      stdin,
      stdout: (s) => request.stdout && send(STDOUT, s),
      stderr: (s) => (request.stderr ? send(STDERR, s) : undefined),
      signal: abort.signal,
    });
  } catch (err) {
    send(STDERR, `exec: ${(err as Error).message}\n`);
    code = 126;
  }
  const status = exitStatus(request.command, code);
  send(ERROR, statusAsJson ? JSON.stringify(status) : code === 0 ? '' : String(status['message']));
  opts.onDone?.(code);
  if (ws.readyState === ws.OPEN) ws.close(1000);
}
