import { request } from 'node:http';

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

/** A Guance (观测云) alert naming a pod, as seed 000 shows it. */
export function guanceAlert(eventId: string, namespace: string, pod: string): string {
  const t = Math.floor(Date.now() / 1000);
  return JSON.stringify({
    Result: 3.81,
    date: t,
    df_channels: [],
    df_dimension_tags: JSON.stringify({ namespace, pod_name: pod }),
    df_event_id: eventId,
    df_event_link: 'http://guance.example/keyevents',
    df_issue_start_time: t,
    df_message: 'CPU 3.81',
    df_monitor_checker_name: '业务压力过高',
    df_monitor_id: 'monitor_e4496b567ce04acb9565dc318b27412d',
    df_monitor_name: '弹性扩容demo操作',
    df_source: 'monitor',
    df_status: 'warning',
    df_title: `位于${namespace}中的Pod:${pod}业务压力过高，请尽快处理`,
    namespace,
    pod_name: pod,
    timestamp: t,
  });
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
