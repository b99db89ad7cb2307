import type { KubeObject } from '../api/registry.ts';
import type { Cumulative } from './counters.ts';
import { renderFamilies } from './exposition.ts';
import { appContainerName, instanceKey, runningContainers } from './objects.ts';

/**
 * What a pod's app would serve at its own /metrics, as a client_golang-instrumented HTTP server
 * does: http_requests_total (labels sorted: code, handler, method) counting the requests of
 * `rate` (requests/s now) since its process started, and process_start_time_seconds. Undefined when the app
 * container is not running (a real scrape would find nothing listening).
 */
export function renderPodAppMetrics(pod: KubeObject, cumulative: Cumulative, rate: number): string | undefined {
  const name = appContainerName(pod);
  const c = runningContainers(pod).find((x) => x.name === name);
  if (!c) return undefined;
  const requests = cumulative.total(`http/${instanceKey(pod, c)}`, c.startMs, rate);
  return renderFamilies([
    {
      name: 'http_requests_total',
      help: 'Total number of HTTP requests by status code, handler and method.',
      type: 'counter',
      samples: [
        {
          labels: [
            ['code', '200'],
            ['handler', '/'],
            ['method', 'GET'],
          ],
          value: Math.floor(requests),
        },
      ],
    },
    {
      name: 'process_start_time_seconds',
      help: 'Start time of the process since unix epoch in seconds.',
      type: 'gauge',
      samples: [{ labels: [], value: c.startMs / 1000 }],
    },
  ]);
}
