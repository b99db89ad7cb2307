import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A loopback /metrics endpoint in the Prometheus text format standing in for 1,000 pods' exporters
 * behind one target (Prometheus scrapes it with honor_labels, so the namespace and pod labels
 * survive), with explicit sample timestamps: FAMILIES counter families per pod, each increasing at a steady per-pod rate, so a
 * rate() over them is known in advance. The first family is the one the bench reads.
 */

export const FAMILIES = [
  'http_requests_total',
  'http_request_errors_total',
  'http_bytes_received_total',
  'http_bytes_sent_total',
  'grpc_requests_total',
  'jobs_processed_total',
  'cache_hits_total',
  'cache_misses_total',
  'queue_messages_total',
  'db_queries_total',
] as const;

export interface Exporter {
  url: string;
  /** The per-second rate of http_requests_total for pod i. */
  rateOf(i: number): number;
  scrapes(): number;
  close(): Promise<void>;
}

/** Deterministic pseudo-random rates (mulberry32), so runs are comparable. */
function rng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export async function startExporter(namespace: string, pods: number): Promise<Exporter> {
  const random = rng(7);
  // http_requests_total: 30 +- 10 per second per pod; the other families at rates of their own.
  const rates = FAMILIES.map((_f, k) =>
    Array.from({ length: pods }, () => (k === 0 ? 20 + 20 * random() : 1 + 100 * random())),
  );
  const started = Date.now();
  let scrapes = 0;
  const server: Server = createServer((req, res) => {
    if (req.url !== '/metrics') {
      res.writeHead(404).end();
      return;
    }
    scrapes++;
    // Each sample carries the time its value is for: the answer may leave a busy process late, and
    // Prometheus would otherwise date it at the scrape's start, skewing rate().
    const now = Date.now();
    const elapsed = (now - started) / 1000;
    const parts: string[] = [];
    FAMILIES.forEach((family, k) => {
      parts.push(`# HELP ${family} Bench counter ${k}.\n# TYPE ${family} counter\n`);
      const r = rates[k] as number[];
      const code = k === 0 ? ',code="200"' : '';
      for (let i = 0; i < pods; i++)
        parts.push(
          `${family}{namespace="${namespace}",pod="web-${i}"${code}} ${(1000 + (r[i] as number) * elapsed).toFixed(3)} ${now}\n`,
        );
    });
    res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' }).end(parts.join(''));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/metrics`,
    rateOf: (i) => rates[0]?.[i] ?? NaN,
    scrapes: () => scrapes,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
