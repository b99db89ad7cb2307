import { childConfig, serveParent } from '../support/child.ts';
import { startExporter, type Exporter } from './exporter.ts';

/**
 * The exporter in its own process: rendering 10,000 series for every 1 s scrape blocks an event
 * loop for milliseconds, which must not land in the load generator's latency measurements.
 */
const cfg = childConfig<{ namespace: string; pods: number }>();
let exporter: Exporter | undefined;

serveParent(
  {
    async start() {
      exporter = await startExporter(cfg.namespace, cfg.pods);
      return {
        url: exporter.url,
        rates: Array.from({ length: cfg.pods }, (_, i) => exporter?.rateOf(i) ?? Number.NaN),
      };
    },
    scrapes: () => exporter?.scrapes() ?? 0,
  },
  async () => {
    await exporter?.close();
  },
);
