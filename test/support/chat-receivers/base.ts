import {
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';

/** What the emulated endpoint answers. */
export interface Reply {
  status: number;
  body: string;
  contentType?: string;
  headers?: Record<string, string>;
}

/**
 * A fault the next requests meet instead of the vendor's normal handling:
 * `{ hang: true }` accepts the request and never answers (timeout tests), `{ reset: true }` drops the
 * connection, a Reply answers with it (e.g. `{ status: 500, body: 'boom' }` or a vendor error).
 */
export type Fault = { hang: true } | { reset: true } | Reply;

export interface ReceivedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  /** The raw body as received (signatures are checked over these bytes). */
  raw: string;
  receivedAt: number;
}

export interface AcceptedMessage<T> extends ReceivedRequest {
  body: T;
}

export interface RejectedRequest extends ReceivedRequest {
  reason: string;
  reply: Reply;
}

export type Verdict<T> = { ok: true; body: T } | { ok: false; reason: string; reply: Reply };

export interface ReceiverOptions {
  /** The receiver's clock for signature timestamps (ms since the epoch). */
  now?: () => number;
}

const MAX_BODY = 1024 * 1024;

/**
 * A loopback HTTP server emulating one chat vendor's webhook endpoint. Subclasses check the exact
 * request the vendor documents and answer like the vendor; this class records everything, injects
 * faults and manages the server's lifecycle.
 */
export abstract class ChatReceiver<T> {
  /** Every request that arrived, faulted or not, in order. */
  readonly received: ReceivedRequest[] = [];
  /** Requests the emulated vendor accepted (its success answer was sent). */
  readonly accepted: AcceptedMessage<T>[] = [];
  /** Requests the emulated vendor refused, with why and what it answered. */
  readonly rejected: RejectedRequest[] = [];
  port = 0;
  protected readonly now: () => number;
  private server: Server | undefined;
  private readonly faults: { fault: Fault; remaining: number }[] = [];
  private readonly hanging = new Set<ServerResponse>();

  constructor(opts: ReceiverOptions = {}) {
    this.now = opts.now ?? Date.now;
  }

  /** The endpoint address a channel is configured with. */
  abstract get url(): string;

  /** Checks a request the way the vendor does. */
  protected abstract validate(req: ReceivedRequest): Verdict<T>;

  /** The vendor's answer to an accepted message. */
  protected abstract successReply(): Reply;

  get baseUrl(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** The next `times` requests meet `fault` (queued after earlier faults). */
  fail(fault: Fault, times = Number.POSITIVE_INFINITY): this {
    this.faults.push({ fault, remaining: times });
    return this;
  }

  /** Clears pending faults; hanging requests stay hung until stop(). */
  recover(): this {
    this.faults.length = 0;
    return this;
  }

  async start(): Promise<this> {
    const server = createServer((req, res) => void this.onRequest(req, res));
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    this.port = (server.address() as AddressInfo).port;
    return this;
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    for (const res of this.hanging) res.destroy();
    this.hanging.clear();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Waits until at least `n` messages were accepted. */
  async waitForAccepted(n = 1, ms = 5000): Promise<AcceptedMessage<T>[]> {
    const deadline = Date.now() + ms;
    while (this.accepted.length < n) {
      if (Date.now() > deadline)
        throw new Error(`timed out waiting for ${n} accepted message(s); got ${this.accepted.length}`);
      await new Promise((r) => setTimeout(r, 10));
    }
    return this.accepted;
  }

  private nextFault(): Fault | undefined {
    const head = this.faults[0];
    if (!head) return undefined;
    head.remaining -= 1;
    if (head.remaining <= 0) this.faults.shift();
    return head.fault;
  }

  private async onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of req as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > MAX_BODY) {
        res.writeHead(413).end('request entity too large');
        return;
      }
      chunks.push(chunk);
    }
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const received: ReceivedRequest = {
      method: req.method ?? 'GET',
      path: url.pathname,
      query: url.searchParams,
      headers: req.headers,
      raw: Buffer.concat(chunks).toString('utf8'),
      receivedAt: this.now(),
    };
    this.received.push(received);

    const fault = this.nextFault();
    if (fault && 'hang' in fault) {
      this.hanging.add(res);
      res.on('close', () => this.hanging.delete(res));
      return;
    }
    if (fault && 'reset' in fault) {
      req.socket.destroy();
      return;
    }
    if (fault) return send(res, fault);

    const verdict = this.validate(received);
    if (verdict.ok) {
      this.accepted.push({ ...received, body: verdict.body });
      return send(res, this.successReply());
    }
    this.rejected.push({ ...received, reason: verdict.reason, reply: verdict.reply });
    send(res, verdict.reply);
  }
}

function send(res: ServerResponse, reply: Reply): void {
  res.writeHead(reply.status, {
    'content-type': reply.contentType ?? 'application/json; charset=utf-8',
    ...reply.headers,
  });
  res.end(reply.body);
}

/** A JSON body as the vendors' parsers see it, or undefined when it is not JSON. */
export function parseJson(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    return undefined;
  }
}

export function isJsonContentType(headers: IncomingHttpHeaders): boolean {
  return /^application\/json\b/i.test(headers['content-type'] ?? '');
}

export function jsonReply(status: number, body: unknown): Reply {
  return { status, body: JSON.stringify(body) };
}
