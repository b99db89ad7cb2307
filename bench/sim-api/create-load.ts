import { Agent, request, type RequestOptions } from 'node:https';
import { createSecureContext, type SecureContext } from 'node:tls';
import type { HttpTarget } from '../support/http.ts';

/**
 * Creates pods as parallel clients do: `clients` workers POST one pod after another, either each
 * over a new TLS connection (a full handshake, no session resumption: what curl and kubectl
 * invocations do) or over one keep-alive connection per worker. Every request's latency is
 * kept, from the request's start (including the connection) to the end of the response.
 */
export interface CreateLoadOptions {
  target: HttpTarget;
  namespaces: string[];
  podsPerNamespace: number;
  clients: number;
  connection: 'new-tls' | 'keep-alive';
  /** Pod names start with this (a second round in the same namespaces needs other names). */
  prefix: string;
}

export interface CreateLoadResult {
  created: number;
  failed: number;
  seconds: number;
  /** Created pods per second of wall time. */
  rate: number;
  latencies: number[];
  /** The commonest failures: "count x status body". */
  failures: string[];
}

function podBody(name: string): string {
  return JSON.stringify({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, labels: { app: 'bench' } },
    spec: {
      containers: [
        { name: 'app', image: 'kubeloop/httpserver:1.0', resources: { requests: { cpu: '10m', memory: '16Mi' } } },
      ],
    },
  });
}

function post(
  target: HttpTarget,
  agent: Agent | false,
  secureContext: SecureContext,
  path: string,
  body: string,
): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    // https.request hands secureContext to tls.connect; its type does not list it.
    const options: RequestOptions & { secureContext: SecureContext } = {
      method: 'POST',
      agent,
      secureContext,
      headers: {
        authorization: `Bearer ${target.token}`,
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(body),
      },
    };
    const req = request(new URL(path, target.url), options, (res) => {
      let text = '';
      res.on('data', (c: Buffer) => (text += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.setTimeout(60_000, () => req.destroy(new Error(`POST ${path}: no answer within 60 s`)));
    req.on('error', reject);
    req.end(body);
  });
}

export async function createPods(o: CreateLoadOptions): Promise<CreateLoadResult> {
  const jobs: { path: string; body: string }[] = [];
  for (let p = 0; p < o.podsPerNamespace; p++) {
    for (const ns of o.namespaces)
      jobs.push({ path: `/api/v1/namespaces/${ns}/pods`, body: podBody(`${o.prefix}-${p}`) });
  }
  const latencies: number[] = [];
  let created = 0;
  let failed = 0;
  const failures = new Map<string, number>();
  let next = 0;
  // The CA is parsed once: a context per request (what `ca` per request does) cost the load's
  // process ~15 % of its CPU, on a machine whose two cores it shares with the server it measures.
  // Each connection still makes a full handshake and verifies the server's certificate.
  const secureContext = createSecureContext({ ca: o.target.ca });
  const start = performance.now();
  await Promise.all(
    Array.from({ length: o.clients }, async () => {
      // agent false: Node makes a new connection (and a full TLS handshake) for every request.
      const agent =
        o.connection === 'keep-alive' ? new Agent({ keepAlive: true, maxSockets: 1, ca: o.target.ca }) : false;
      try {
        while (next < jobs.length) {
          const job = jobs[next++] as { path: string; body: string };
          const t0 = performance.now();
          const res = await post(o.target, agent, secureContext, job.path, job.body).catch((err: Error) => ({
            status: 0,
            text: err.message,
          }));
          latencies.push(performance.now() - t0);
          if (res.status === 201) created++;
          else {
            failed++;
            const why = `${res.status} ${res.text.slice(0, 160)}`;
            failures.set(why, (failures.get(why) ?? 0) + 1);
          }
        }
      } finally {
        if (agent) agent.destroy();
      }
    }),
  );
  const seconds = (performance.now() - start) / 1000;
  return {
    created,
    failed,
    seconds,
    rate: created / seconds,
    latencies,
    failures: [...failures]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 3)
      .map(([w, n]) => `${n}x ${w}`),
  };
}
