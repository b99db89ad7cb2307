import { KubeConfig } from '@kubernetes/client-node';
import { startPrometheus, type RunningPrometheus } from '../../test/support/prometheus.ts';

/**
 * The comparison row: Debian's Prometheus scraping the sim's kube-state-metrics exposition
 * (/metrics/kube-state, KSM v2 families) every 15 s, as a cluster's Prometheus scrapes
 * kube-state-metrics. Afterwards every raw sample it stored is read back (a range selector at
 * the end: no step, no interpolation): that is all a person can find out from it later.
 */
export const SCRAPE_INTERVAL_S = 15;

/** One scrape's view of one container. */
export interface PromSample {
  t: number;
  restarts?: number;
  waiting?: string;
  terminated?: string;
  lastTerminated?: string;
}

export interface PromSide {
  prom: RunningPrometheus;
  /** uid/container -> samples in time order. */
  read(fromMs: number, toMs: number, namespaceRe: string): Promise<Map<string, PromSample[]>>;
  scrapes(): Promise<number>;
  stop(): Promise<void>;
}

export async function startPromSide(kubeconfig: string): Promise<PromSide> {
  const kc = new KubeConfig();
  kc.loadFromString(kubeconfig);
  const server = new URL(kc.getCurrentCluster()?.server ?? '');
  const ca = Buffer.from(kc.getCurrentCluster()?.caData ?? '', 'base64').toString('utf8');
  const prom = await startPrometheus(
    (dir) => `
global:
  scrape_interval: ${SCRAPE_INTERVAL_S}s
  scrape_timeout: 10s
scrape_configs:
  - job_name: kube-state-metrics
    honor_labels: true
    scheme: https
    metrics_path: /metrics/kube-state
    tls_config: { ca_file: ${dir}/ca.crt }
    static_configs: [{ targets: ['${server.host}'] }]
`,
    { 'ca.crt': ca },
  );

  async function matrix(
    query: string,
    atMs: number,
  ): Promise<{ metric: Record<string, string>; values: [number, string][] }[]> {
    const res = await fetch(`${prom.url}/api/v1/query?${new URLSearchParams({ query, time: String(atMs / 1000) })}`);
    const body = (await res.json()) as {
      status: string;
      error?: string;
      data?: { resultType: string; result: { metric: Record<string, string>; values: [number, string][] }[] };
    };
    if (body.status !== 'success' || body.data?.resultType !== 'matrix')
      throw new Error(
        `prometheus: ${query} failed: ${body.error ?? `HTTP ${res.status}, ${body.data?.resultType ?? 'no'} result`}`,
      );
    return body.data.result;
  }

  return {
    prom,
    async read(fromMs, toMs, namespaceRe) {
      const range = `${Math.ceil((toMs - fromMs) / 1000) + SCRAPE_INTERVAL_S}s`;
      const sel = `{namespace=~"${namespaceRe}"}[${range}]`;
      const out = new Map<string, Map<number, PromSample>>();
      const at = (m: Record<string, string>, t: number): PromSample => {
        const key = `${m['uid'] ?? ''}/${m['container'] ?? ''}`;
        let byT = out.get(key);
        if (!byT) out.set(key, (byT = new Map()));
        let s = byT.get(t);
        if (!s) byT.set(t, (s = { t }));
        return s;
      };
      for (const r of await matrix(`kube_pod_container_status_restarts_total${sel}`, toMs))
        for (const [t, v] of r.values) at(r.metric, t * 1000).restarts = Number(v);
      const reasons: [string, 'waiting' | 'terminated' | 'lastTerminated'][] = [
        ['kube_pod_container_status_waiting_reason', 'waiting'],
        ['kube_pod_container_status_terminated_reason', 'terminated'],
        ['kube_pod_container_status_last_terminated_reason', 'lastTerminated'],
      ];
      for (const [name, field] of reasons) {
        for (const r of await matrix(`${name}${sel}`, toMs))
          for (const [t, v] of r.values) if (Number(v) === 1) at(r.metric, t * 1000)[field] = r.metric['reason'] ?? '';
      }
      return new Map([...out].map(([k, byT]) => [k, [...byT.values()].sort((a, b) => a.t - b.t)]));
    },
    async scrapes() {
      const r = await matrix(`up{job="kube-state-metrics"}[1h]`, Date.now());
      return r[0]?.values.length ?? 0;
    },
    stop: () => prom.stop(),
  };
}
