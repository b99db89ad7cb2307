import { Agent, request } from 'node:https';

export interface HttpTarget {
  url: string;
  token: string;
  ca: string;
}

/** A keep-alive HTTPS client for benchmarks, trusting the sim's CA. */
export class BenchClient {
  private readonly agent: Agent;

  constructor(
    private readonly target: HttpTarget,
    maxSockets = 256,
  ) {
    this.agent = new Agent({ keepAlive: true, maxSockets, ca: target.ca });
  }

  send(
    method: string,
    path: string,
    body?: unknown,
    contentType = 'application/json',
  ): Promise<{ status: number; text: string }> {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    return new Promise((resolve, reject) => {
      const req = request(
        new URL(path, this.target.url),
        {
          method,
          agent: this.agent,
          headers: {
            authorization: `Bearer ${this.target.token}`,
            ...(payload !== undefined
              ? { 'content-type': contentType, 'content-length': Buffer.byteLength(payload) }
              : {}),
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
        },
      );
      req.on('error', reject);
      req.end(payload);
    });
  }

  async json(method: string, path: string, body?: unknown, contentType?: string): Promise<unknown> {
    const res = await this.send(method, path, body, contentType);
    if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${res.text.slice(0, 300)}`);
    return res.text.length > 0 ? (JSON.parse(res.text) as unknown) : undefined;
  }

  close(): void {
    this.agent.destroy();
  }
}
