import type { AlertSource } from '../../../src/remediation/alert.ts';

/**
 * Valid alert payloads of the four sources, as their senders document them, generated from a seeded
 * random source. `n` makes each payload's identity (fingerprint, df_event_id, id) unique, so every
 * valid payload is a new alert and must be processed exactly once.
 */

export type Rng = () => number;

/** mulberry32: small, seedable, good enough to spread cases; the seed is printed on failure. */
export function rng(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const pick = <T>(r: Rng, items: readonly T[]): T => items[Math.floor(r() * items.length)] as T;
export const int = (r: Rng, min: number, max: number): number => min + Math.floor(r() * (max - min + 1));

const WORDS = [
  'checkout',
  'ruoyi-system',
  'payments',
  '订单服务',
  'cart',
  'api-gateway',
  'ñandú',
  'worker',
  'emoji-🚀',
];
const NAMESPACES = ['shop', 'gc-dev', 'batch', 'prod-cn'];

function labels(r: Rng, n: number): Record<string, string> {
  const out: Record<string, string> = {
    alertname: pick(r, ['HighLoad', 'PodCrashLooping', 'CPUThrottling', '业务压力过高']),
    namespace: pick(r, NAMESPACES),
    fuzz_case: String(n),
  };
  if (r() < 0.6) out.deployment = pick(r, WORDS);
  if (r() < 0.3) out.pod = `${pick(r, WORDS)}-${n.toString(36)}`;
  if (r() < 0.5) out.severity = pick(r, ['critical', 'warning', 'info', 'page', 'minor']);
  if (r() < 0.2) out['app.kubernetes.io/name'] = pick(r, WORDS);
  return out;
}

/** RFC 3339 as Go writes it: 0-9 fraction digits, Z or an offset. */
function rfc3339(r: Rng, ms: number): string {
  const iso = new Date(ms).toISOString().slice(0, 19);
  const digits = int(r, 0, 9);
  const fraction = digits === 0 ? '' : `.${String(int(r, 0, 10 ** digits - 1)).padStart(digits, '0')}`;
  return r() < 0.8 ? `${iso}${fraction}Z` : `${iso}${fraction}+00:00`;
}

const ZERO_TIME = '0001-01-01T00:00:00Z';

function groupedElement(r: Rng, n: number, i: number, extra: Record<string, unknown> = {}): Record<string, unknown> {
  const status = r() < 0.75 ? 'firing' : 'resolved';
  const startMs = Date.UTC(2026, 0, 1) + int(r, 0, 1e9);
  return {
    status,
    labels: labels(r, n),
    annotations:
      r() < 0.1 ? null : { summary: `load ${int(r, 1, 99)} %`, runbook: 'https://runbooks.example/high-load' },
    startsAt: rfc3339(r, startMs),
    endsAt: status === 'resolved' ? rfc3339(r, startMs + 60_000) : ZERO_TIME,
    generatorURL: 'http://prometheus.example/graph',
    fingerprint: `${n.toString(16).padStart(8, '0')}${i.toString(16).padStart(8, '0')}`,
    ...extra,
  };
}

function alertmanager(r: Rng, n: number): { body: Record<string, unknown>; alerts: number } {
  const count = int(r, 1, 3);
  const alerts = Array.from({ length: count }, (_, i) => groupedElement(r, n, i));
  return {
    body: {
      version: '4',
      groupKey: `{}:{alertname="HighLoad",case="${n}"}`,
      truncatedAlerts: 0,
      status: 'firing',
      receiver: 'kubeloop',
      groupLabels: { alertname: 'HighLoad' },
      commonLabels: {},
      commonAnnotations: {},
      externalURL: 'http://alertmanager.example',
      alerts,
    },
    alerts: count,
  };
}

function grafana(r: Rng, n: number): { body: Record<string, unknown>; alerts: number } {
  const count = int(r, 1, 3);
  const alerts = Array.from({ length: count }, (_, i) =>
    groupedElement(r, n, i, {
      values: r() < 0.2 ? null : { B: Math.round(r() * 10_000) / 100, C: 1 },
      silenceURL: 'http://grafana.example/silence',
      dashboardURL: '',
      panelURL: '',
      imageURL: '',
    }),
  );
  return {
    body: {
      receiver: 'kubeloop',
      status: 'firing',
      orgId: 1,
      groupLabels: {},
      commonLabels: {},
      commonAnnotations: {},
      externalURL: 'http://grafana.example/',
      version: '1',
      groupKey: `{}:{case="${n}"}`,
      truncatedAlerts: 0,
      title: '[FIRING] HighLoad',
      state: 'alerting',
      message: 'load',
      alerts,
    },
    alerts: count,
  };
}

function guance(r: Rng, n: number): { body: Record<string, unknown>; alerts: number } {
  const now = 1_767_225_600 + int(r, 0, 1e7);
  const ns = pick(r, NAMESPACES);
  const pod = `${pick(r, WORDS)}-${n.toString(36)}`;
  const time = (): number | string => (r() < 0.8 ? now : String(now));
  return {
    body: {
      Result: r() * 10,
      date: time(),
      df_channels: [],
      df_dimension_tags: JSON.stringify({ namespace: ns, pod_name: pod }),
      df_event_id: `event-${n.toString(16)}`,
      df_event_link: 'http://guance.example/keyevents',
      df_issue_start_time: time(),
      df_message: 'CPU 3.81',
      df_monitor_checker_name: '业务压力过高',
      df_monitor_id: 'monitor_e4496b567ce04acb9565dc318b27412d',
      df_monitor_name: '弹性扩容demo操作',
      df_source: 'monitor',
      df_status: pick(r, ['ok', 'info', 'warning', 'error', 'critical', 'nodata']),
      df_title: `位于${ns}中的Pod:${pod}业务压力过高`,
      namespace: ns,
      pod_name: pod,
      timestamp: now,
      fuzz_case: n,
    },
    alerts: 1,
  };
}

function generic(r: Rng, n: number): { body: Record<string, unknown>; alerts: number } {
  const body: Record<string, unknown> = { labels: labels(r, n) };
  if (r() < 0.5) body.id = `generic-${n}`;
  if (r() < 0.7) body.status = pick(r, ['firing', 'resolved']);
  if (r() < 0.7) body.severity = pick(r, ['critical', 'error', 'warning', 'info']);
  if (r() < 0.5) body.title = 'Queue backlog over 10k';
  if (r() < 0.5) body.annotations = { runbook: 'https://runbooks.example/queue' };
  if (r() < 0.5)
    body.startsAt =
      r() < 0.5 ? rfc3339(r, Date.UTC(2026, 1, 1) + int(r, 0, 1e9)) : Date.UTC(2026, 1, 1) + int(r, 0, 1e9);
  return { body, alerts: 1 };
}

export const validPayload: Record<
  AlertSource,
  (r: Rng, n: number) => { body: Record<string, unknown>; alerts: number }
> = { alertmanager, grafana, guance, generic };
