import { request } from 'node:https';
import { KubeConfig } from '@kubernetes/client-node';

/** One cluster a scenario runs against: the real control plane or the sim, reached the same way. */
export interface Target {
  name: 'real' | 'sim';
  server: string;
  token: string;
  ca: string;
  kc: KubeConfig;
  /** Per-run namespace prefix so scenarios never collide. */
  ns(base: string): string;
  /** Compacts the cluster's history up to a resourceVersion (etcd compaction / the sim's store). */
  compact(rv: string): Promise<void>;
}

export interface Reply {
  status: number;
  body: unknown;
}

export interface RequestOptions {
  body?: unknown;
  rawBody?: string;
  contentType?: string;
  accept?: string;
  token?: string | null;
}

export function makeTarget(
  name: Target['name'],
  server: string,
  token: string,
  ca: string,
  kubeconfig: string,
  compact: (rv: string) => Promise<void>,
): Target {
  const kc = new KubeConfig();
  kc.loadFromString(kubeconfig);
  return { name, server, token, ca, kc, ns: (base) => `diff-${base}`, compact };
}

/** A raw HTTPS call: status plus the parsed JSON body (or the text when it is not JSON). */
export function call(t: Target, method: string, path: string, opts: RequestOptions = {}): Promise<Reply> {
  const payload = opts.rawBody ?? (opts.body === undefined ? undefined : JSON.stringify(opts.body));
  const token = opts.token === undefined ? t.token : opts.token;
  return new Promise((resolve, reject) => {
    const req = request(
      new URL(path, t.server),
      {
        method,
        ca: t.ca,
        headers: {
          accept: opts.accept ?? 'application/json',
          ...(token ? { authorization: `Bearer ${token}` } : {}),
          ...(payload !== undefined
            ? { 'content-type': opts.contentType ?? 'application/json', 'content-length': Buffer.byteLength(payload) }
            : {}),
        },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () => {
          let body: unknown = text;
          try {
            body = text === '' ? '' : (JSON.parse(text) as unknown);
          } catch {
            body = text; // not JSON (e.g. "404 page not found"): compared as text
          }
          resolve({ status: res.statusCode ?? 0, body });
        });
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

export interface WatchEvent {
  type: string;
  object: Record<string, unknown>;
}

/** Collects watch events until `count` arrived or `ms` passed, then closes the stream. */
export function watchEvents(t: Target, path: string, opts: { count: number; ms: number }): Promise<WatchEvent[]> {
  return new Promise((resolve, reject) => {
    const events: WatchEvent[] = [];
    let done = false;
    const finish = (): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      req.destroy();
      resolve(events);
    };
    const timer = setTimeout(finish, opts.ms);
    const req = request(
      new URL(path, t.server),
      { ca: t.ca, headers: { authorization: `Bearer ${t.token}`, accept: 'application/json' } },
      (res) => {
        let buf = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => {
          buf += c;
          let nl = buf.indexOf('\n');
          while (nl >= 0) {
            const line = buf.slice(0, nl).trim();
            buf = buf.slice(nl + 1);
            nl = buf.indexOf('\n');
            if (line !== '') events.push(JSON.parse(line) as WatchEvent);
            if (events.length >= opts.count) finish();
          }
        });
        res.on('end', finish);
      },
    );
    req.on('error', (err) => (done ? undefined : reject(err)));
    req.end();
  });
}

export interface WatchSession {
  status: number;
  contentType: string | undefined;
  events: WatchEvent[];
  /** Who closed the stream: the server (a timeoutSeconds deadline) or this client after `ms`. */
  endedBy: 'server' | 'client';
  elapsedMs: number;
}

/** Reads a watch until the server ends it or `ms` pass: what a timeoutSeconds deadline should cut short. */
export function watchSession(t: Target, path: string, ms: number): Promise<WatchSession> {
  return new Promise((resolve, reject) => {
    const start = Date.now();
    const events: WatchEvent[] = [];
    let head: Pick<WatchSession, 'status' | 'contentType'> = { status: 0, contentType: undefined };
    let done = false;
    const finish = (endedBy: WatchSession['endedBy']): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      req.destroy();
      resolve({ ...head, events, endedBy, elapsedMs: Date.now() - start });
    };
    const timer = setTimeout(() => finish('client'), ms);
    const req = request(
      new URL(path, t.server),
      { ca: t.ca, headers: { authorization: `Bearer ${t.token}`, accept: 'application/json' } },
      (res) => {
        head = { status: res.statusCode ?? 0, contentType: res.headers['content-type'] };
        let buf = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => {
          buf += c;
          const lines = buf.split('\n');
          buf = lines.pop() ?? '';
          for (const line of lines) if (line.trim() !== '') events.push(JSON.parse(line) as WatchEvent);
        });
        res.on('end', () => finish('server'));
      },
    );
    req.on('error', (err) => (done ? undefined : reject(err)));
    req.end();
  });
}

export interface RawReply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** A GET with the given headers, the body kept as bytes (protobuf, gzip). */
export function getRaw(t: Target, path: string, headers: Record<string, string>): Promise<RawReply> {
  return new Promise((resolve, reject) => {
    const req = request(
      new URL(path, t.server),
      { ca: t.ca, headers: { authorization: `Bearer ${t.token}`, ...headers } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
        );
      },
    );
    req.on('error', reject);
    req.end();
  });
}
