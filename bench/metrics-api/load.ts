import type { ClientRequest } from 'node:http';
import { promisify } from 'node:util';
import { gunzip, gunzipSync } from 'node:zlib';
import { Agent, request } from 'node:https';
import { performance } from 'node:perf_hooks';

/**
 * Open-loop HTTPS load as kube-aggregator sends it: keep-alive connections presenting the
 * front-proxy client certificate, the user in X-Remote-User, and Accept-Encoding: gzip (Go's
 * transport under client-go adds it, and the aggregator passes it on); a gzip answer is inflated
 * and counted like any other. Requests leave on a fixed schedule
 * whatever the answers do (a slow server is not given a rest), each timed from when it was sent.
 * An answer counts as an error unless it is a 200 with at least `minItems` items within the deadline
 * (10 s). A late request is not cut off when its deadline passes (dropping its connection would
 * cost the server a new TLS handshake, feeding the overload); requests still unanswered 10 s after
 * the last one was sent are cut then, so that a saturated run ends, with their time so far as a
 * lower bound of their latency.
 */

export interface LoadTarget {
  url: string;
  /** CA of the server's serving certificate. */
  ca: string;
  /** The front-proxy client certificate and key. */
  cert: string;
  key: string;
}

export interface LoadResult {
  sent: number;
  latenciesMs: number[];
  errors: number;
  /** Of the errors, answers later than the deadline. */
  late: number;
  /** Of the errors, requests cut at the end of the run (their latency is a lower bound). */
  cut: number;
  /** A few error descriptions. */
  errorSamples: string[];
  /** How far behind schedule the generator fell at most (its own jitter, not the server's). */
  maxLagMs: number;
  seconds: number;
  /** CPU seconds of this (the load generator's) process during the run. */
  clientCpuSeconds: number;
}

const PATTERN = Buffer.from('"describedObject":');

function countItems(body: Buffer): number {
  let n = 0;
  for (let at = body.indexOf(PATTERN); at !== -1; at = body.indexOf(PATTERN, at + PATTERN.length)) n++;
  return n;
}

const HEADERS = {
  accept: 'application/json',
  'accept-encoding': 'gzip',
  'x-remote-user': 'system:serviceaccount:kube-system:horizontal-pod-autoscaler',
  'x-remote-group': 'system:serviceaccounts',
};

interface Counted {
  status: number;
  items: number;
  /** The first 200 bytes, for error messages. */
  head: string;
  /** When the last byte arrived: the latency ends there, before the generator's own checks. */
  receivedAt: number;
}

const gunzipAsync = promisify(gunzip);

export class LoadClient {
  private readonly agent: Agent;

  constructor(
    private readonly target: LoadTarget,
    private readonly deadlineMs = 10_000,
  ) {
    this.agent = new Agent({ keepAlive: true, maxSockets: 128, ca: target.ca, cert: target.cert, key: target.key });
  }

  /** One GET with the whole body (for checks outside the measured load), cut after the deadline. */
  get(path: string): Promise<{ status: number; body: Buffer }> {
    return new Promise((resolve, reject) => {
      const req = request(new URL(path, this.target.url), { agent: this.agent, headers: HEADERS }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const raw = Buffer.concat(chunks);
          try {
            resolve({
              status: res.statusCode ?? 0,
              body: res.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw,
            });
          } catch (err) {
            reject(new Error(`GET ${path}: the gzip answer does not inflate: ${(err as Error).message}`));
          }
        });
        res.on('error', reject);
      });
      const timer = setTimeout(() => req.destroy(new Error(`no answer within ${this.deadlineMs} ms`)), this.deadlineMs);
      req.on('close', () => clearTimeout(timer));
      req.on('error', reject);
      req.end();
    });
  }

  /**
   * A GET timed to its last byte, then checked. A plain answer is counted as it streams in, never
   * concatenated (at 200 answers of 200 KB a second, building each body made the generator's own
   * GC pauses show up in the latencies it measures). A gzip answer (~15 KB) is inflated and counted
   * only when its bytes differ from the last one checked: identical bytes hold identical items, and
   * inflating and scanning 200 KB per answer made the generator the busiest process on the machine.
   */
  private getCounting(path: string): { req: ClientRequest; done: Promise<Counted> } {
    let req: ClientRequest | undefined;
    const done = new Promise<Counted>((resolve, reject) => {
      req = request(new URL(path, this.target.url), { agent: this.agent, headers: HEADERS }, (res) => {
        const status = res.statusCode ?? 0;
        res.on('error', reject);
        if (res.headers['content-encoding'] === 'gzip') {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const receivedAt = performance.now();
            this.countGzip(Buffer.concat(chunks)).then(
              ({ items, head }) => resolve({ status, items, head, receivedAt }),
              reject,
            );
          });
          return;
        }
        let items = 0;
        let carry: Buffer = Buffer.alloc(0);
        let head = '';
        res.on('data', (c: Buffer) => {
          if (head.length < 200) head += c.toString('utf8', 0, 200 - head.length);
          // The pattern may straddle two chunks: scan the seam (a few bytes), then the chunk itself.
          if (carry.length > 0) items += countItems(Buffer.concat([carry, c.subarray(0, PATTERN.length - 1)]));
          items += countItems(c);
          carry = Buffer.from(c.subarray(Math.max(0, c.length - (PATTERN.length - 1))));
        });
        res.on('end', () => resolve({ status, items, head, receivedAt: performance.now() }));
      });
      req.on('error', reject);
      req.end();
    });
    return { req: req as ClientRequest, done };
  }

  private lastGzip: { raw: Buffer; items: number; head: string } | undefined;

  private async countGzip(raw: Buffer): Promise<{ items: number; head: string }> {
    if (this.lastGzip?.raw.equals(raw)) return this.lastGzip;
    let body: Buffer;
    try {
      body = await gunzipAsync(raw);
    } catch (err) {
      throw new Error(`a gzip answer (${raw.length} bytes) does not inflate: ${(err as Error).message}`);
    }
    this.lastGzip = { raw, items: countItems(body), head: body.toString('utf8', 0, 200) };
    return this.lastGzip;
  }

  /** `rps` requests per second for `seconds`, then waits for the last answers (up to the deadline). */
  async run(path: string, rps: number, seconds: number, minItems: number): Promise<LoadResult> {
    const total = Math.round(rps * seconds);
    const gapMs = 1000 / rps;
    const latenciesMs: number[] = [];
    const errorSamples: string[] = [];
    const pending = new Set<ClientRequest>();
    let errors = 0;
    let late = 0;
    let cut = 0;
    let maxLagMs = 0;
    const fail = (what: string): void => {
      errors++;
      if (errorSamples.length < 5) errorSamples.push(what);
    };
    const inFlight: Promise<void>[] = [];
    const one = async (): Promise<void> => {
      const t0 = performance.now();
      const { req, done } = this.getCounting(path);
      pending.add(req);
      try {
        const res = await done;
        const ms = res.receivedAt - t0;
        latenciesMs.push(ms);
        if (res.status !== 200) fail(`HTTP ${res.status}: ${res.head}`);
        else if (res.items < minItems) fail(`200 with ${res.items} items (< ${minItems})`);
        else if (ms > this.deadlineMs) {
          late++;
          fail(`answered after the ${this.deadlineMs / 1000} s deadline`);
        }
      } catch (err) {
        latenciesMs.push(performance.now() - t0);
        if (/^cut:/.test((err as Error).message)) cut++;
        fail((err as Error).message);
      } finally {
        pending.delete(req);
      }
    };
    const cpu0 = process.cpuUsage();
    const start = performance.now();
    let sent = 0;
    while (sent < total) {
      const now = performance.now();
      const due = Math.min(total, Math.floor((now - start) / gapMs) + 1);
      if (due > sent) maxLagMs = Math.max(maxLagMs, now - (start + sent * gapMs));
      while (sent < due) {
        inFlight.push(one());
        sent++;
      }
      const next = start + sent * gapMs;
      await new Promise((r) => setTimeout(r, Math.max(0, next - performance.now())));
    }
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<void>((r) => (timer = setTimeout(r, this.deadlineMs)));
    await Promise.race([Promise.all(inFlight), deadline]);
    clearTimeout(timer);
    for (const req of pending)
      req.destroy(new Error(`cut: no answer ${this.deadlineMs / 1000} s after the last request was sent`));
    await Promise.all(inFlight);
    const cpu = process.cpuUsage(cpu0);
    return {
      sent,
      latenciesMs,
      errors,
      late,
      cut,
      errorSamples,
      maxLagMs,
      seconds: (performance.now() - start) / 1000,
      clientCpuSeconds: (cpu.user + cpu.system) / 1e6,
    };
  }

  close(): void {
    this.agent.destroy();
  }
}
