import { Agent, request } from 'node:https';
import { performance } from 'node:perf_hooks';

/**
 * Open-loop HTTPS load as kube-aggregator sends it: keep-alive connections presenting the
 * front-proxy client certificate, the user in X-Remote-User. Requests leave on a fixed schedule
 * whatever the answers do (a slow server is not given a rest), each timed from when it was sent.
 * An answer counts as an error unless it is a 200 with at least `minItems` items within 10 s (a request
 * cut at 10 s is recorded with a latency of 10 s, a lower bound, so a saturated run still ends).
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
  /** Of the errors, requests cut at the 10 s deadline (their latency is a lower bound). */
  timeouts: number;
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

export class LoadClient {
  private readonly agent: Agent;

  constructor(private readonly target: LoadTarget) {
    this.agent = new Agent({ keepAlive: true, maxSockets: 128, ca: target.ca, cert: target.cert, key: target.key });
  }

  get(path: string, timeoutMs = 10_000): Promise<{ status: number; body: Buffer }> {
    return new Promise((resolve, reject) => {
      const req = request(new URL(path, this.target.url), {
        agent: this.agent,
        headers: { accept: 'application/json', 'x-remote-user': 'system:serviceaccount:kube-system:horizontal-pod-autoscaler', 'x-remote-group': 'system:serviceaccounts' },
      }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) }));
        res.on('error', reject);
      });
      // A deadline from the moment the request is made, so time queued for a socket counts too.
      const timer = setTimeout(() => req.destroy(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
      req.on('close', () => clearTimeout(timer));
      req.on('error', reject);
      req.end();
    });
  }

  /**
   * A GET whose answer is only counted (items) as it streams in, never concatenated: at 200
   * answers of 200 KB a second, building each body made the generator's own GC pauses show up
   * in the latencies it measures. The first 200 bytes are kept for error messages.
   */
  getCounting(path: string, timeoutMs = 10_000): Promise<{ status: number; items: number; head: string }> {
    return new Promise((resolve, reject) => {
      const req = request(new URL(path, this.target.url), {
        agent: this.agent,
        headers: { accept: 'application/json', 'x-remote-user': 'system:serviceaccount:kube-system:horizontal-pod-autoscaler', 'x-remote-group': 'system:serviceaccounts' },
      }, (res) => {
        let items = 0;
        let carry: Buffer = Buffer.alloc(0);
        let head = '';
        res.on('data', (c: Buffer) => {
          if (head.length < 200) head += c.toString('utf8', 0, 200 - head.length);
          // The pattern may straddle two chunks: scan the tail of the last one with this one.
          const chunk = carry.length > 0 ? Buffer.concat([carry, c]) : c;
          items += countItems(chunk);
          carry = chunk.subarray(Math.max(0, chunk.length - (PATTERN.length - 1)));
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, items, head }));
        res.on('error', reject);
      });
      const timer = setTimeout(() => req.destroy(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
      req.on('close', () => clearTimeout(timer));
      req.on('error', reject);
      req.end();
    });
  }

  /** `rps` requests per second for `seconds`, then waits for the last answers. */
  async run(path: string, rps: number, seconds: number, minItems: number): Promise<LoadResult> {
    const total = Math.round(rps * seconds);
    const gapMs = 1000 / rps;
    const latenciesMs: number[] = [];
    const errorSamples: string[] = [];
    let errors = 0;
    let timeouts = 0;
    let maxLagMs = 0;
    const fail = (what: string): void => {
      errors++;
      if (errorSamples.length < 5) errorSamples.push(what);
    };
    const inFlight: Promise<void>[] = [];
    const one = async (): Promise<void> => {
      const t0 = performance.now();
      try {
        const res = await this.getCounting(path);
        latenciesMs.push(performance.now() - t0);
        if (res.status !== 200) fail(`HTTP ${res.status}: ${res.head}`);
        else if (res.items < minItems) fail(`200 with ${res.items} items (< ${minItems})`);
      } catch (err) {
        latenciesMs.push(performance.now() - t0);
        if (/^no answer within/.test((err as Error).message)) timeouts++;
        fail((err as Error).message);
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
    await Promise.all(inFlight);
    const cpu = process.cpuUsage(cpu0);
    return { sent, latenciesMs, errors, timeouts, errorSamples, maxLagMs, seconds: (performance.now() - start) / 1000, clientCpuSeconds: (cpu.user + cpu.system) / 1e6 };
  }

  close(): void {
    this.agent.destroy();
  }
}
