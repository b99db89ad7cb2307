import { request } from 'node:http';
import { guanceAlert as guancePayload } from '../../test/support/seed-payloads.ts';

/** One alert as the bench sent it and what came back. */
export interface Sent {
  workload: string;
  /** The replica count this alert's Scale PUT should produce (the k-th alert of a run for a workload: k + 1). */
  expectReplicas: number;
  /** When the request started (epoch ms), before the connection was opened. */
  sentAt: number;
  /** When the answer was complete (epoch ms), and its status (0: the request failed). */
  answeredAt: number;
  status: number;
  error?: string;
}

const now = (): number => performance.timeOrigin + performance.now();

/**
 * POSTs one body on a new TCP connection (no keep-alive agent), as Alertmanager's and Guance's
 * webhook senders do for notifications that are seconds apart.
 */
function post(url: string, body: string): Promise<{ status: number; error?: string }> {
  return new Promise((resolve) => {
    const req = request(
      url,
      {
        method: 'POST',
        agent: false,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), connection: 'close' },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve({ status: res.statusCode ?? 0 }));
      },
    );
    req.setTimeout(30_000, () => req.destroy(new Error('no answer within 30 s')));
    req.on('error', (err) => resolve({ status: 0, error: err.message }));
    req.end(body);
  });
}

/** A Guance (观测云) alert naming a pod, as seed 000 shows it, as the request body. */
export function guanceAlert(eventId: string, namespace: string, pod: string): string {
  return JSON.stringify(guancePayload(eventId, namespace, pod));
}

/**
 * Open-loop load: alert i starts at t0 + i / rate whatever the earlier ones are doing (parallel
 * senders, as independent monitors are), round-robin over the workloads, so each workload gets
 * one alert every workloads / rate seconds.
 */
export async function sendAlerts(opts: {
  url: string;
  rate: number;
  seconds: number;
  namespace: string;
  pods: Map<string, string>;
  workloads: string[];
  run: string;
}): Promise<Sent[]> {
  const total = Math.round(opts.rate * opts.seconds);
  const t0 = now() + 50;
  const out: Promise<Sent>[] = [];
  for (let i = 0; i < total; i++) {
    const at = t0 + (i * 1000) / opts.rate;
    const wait = at - now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    const workload = opts.workloads[i % opts.workloads.length] as string;
    const k = Math.floor(i / opts.workloads.length) + 1;
    const body = guanceAlert(`event-${opts.run}-${i}`, opts.namespace, opts.pods.get(workload) ?? '');
    const sentAt = now();
    out.push(post(opts.url, body).then((r) => ({ workload, expectReplicas: k + 1, sentAt, answeredAt: now(), ...r })));
  }
  return Promise.all(out);
}
