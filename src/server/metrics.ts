import { collectDefaultMetrics, Counter, Gauge, Registry } from 'prom-client';

/** Live numbers the platform's modules expose, read at scrape time. */
export interface MetricsSources {
  monitor?: () => {
    detected: number;
    recorded: number;
    duplicates: number;
    captureErrors: number;
    cachedPods: number;
    relistsOn410: number;
    rejected: number;
  };
}

/**
 * Kubeloop's own /metrics (prom-client): process metrics plus the monitor's counters, read from the
 * modules at scrape time rather than pushed, so no hot path pays for them.
 */
export function createMetrics(sources: MetricsSources = {}): { contentType: string; render: () => Promise<string> } {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'kubeloop_' });
  const read = (): ReturnType<NonNullable<MetricsSources['monitor']>> | undefined => sources.monitor?.();
  const counter = (name: string, help: string, pick: (s: NonNullable<ReturnType<typeof read>>) => number): void => {
    new Counter({
      name,
      help,
      registers: [registry],
      collect() {
        const s = read();
        if (s) {
          this.reset();
          this.inc(pick(s));
        }
      },
    });
  };
  counter(
    'kubeloop_monitor_failures_detected_total',
    'Failures read from pod status (before dedup).',
    (s) => s.detected,
  );
  counter('kubeloop_monitor_failures_recorded_total', 'Failures stored for the first time.', (s) => s.recorded);
  counter(
    'kubeloop_monitor_failures_duplicate_total',
    'Detections whose key was already stored (after restarts).',
    (s) => s.duplicates,
  );
  counter('kubeloop_monitor_capture_errors_total', 'Failures stored without their capture.', (s) => s.captureErrors);
  counter('kubeloop_monitor_relists_total', 'Relists after a 410 Gone watch.', (s) => s.relistsOn410);
  counter('kubeloop_monitor_rejected_objects_total', 'Cluster objects ignored for invalid fields.', (s) => s.rejected);
  new Gauge({
    name: 'kubeloop_monitor_cached_pods',
    help: 'Pods in the monitor cache.',
    registers: [registry],
    collect() {
      const s = read();
      if (s) this.set(s.cachedPods);
    },
  });
  return { contentType: registry.contentType, render: () => registry.metrics() };
}
