import { InvalidArgumentError, type Command } from 'commander';
import type { Lang } from '../i18n/index.ts';

export interface MetricsGetFlags {
  namespace: string;
  selector?: string;
  metricSelector?: string;
  apiVersion: 'v1beta1' | 'v1beta2';
  output: 'table' | 'json';
  kubeconfig?: string;
  context?: string;
}

function oneOf<T extends string>(allowed: readonly T[]): (raw: string) => T {
  return (raw) => {
    if ((allowed as readonly string[]).includes(raw)) return raw as T;
    throw new InvalidArgumentError(`expected one of ${allowed.join(', ')}, got ${JSON.stringify(raw)}`);
  };
}

/** `kubeloop metrics get`: what the HPA would read, through the cluster's aggregator. */
export function registerMetricsCommand(program: Command, lang: Lang): void {
  const metrics = program
    .command('metrics')
    .description('read the custom and external metrics APIs as the HPA reads them');
  metrics
    .command('get <target>')
    .description(
      'print the values behind <resource>/<name|*>/<metric> (e.g. pods/*/http_requests_qps), nodes/<name>/<metric>, namespaces/<ns>/<metric> or external/<metric>',
    )
    .option('-n, --namespace <ns>', 'namespace of the objects', 'default')
    .option(
      '-l, --selector <selector>',
      "label selector of the objects (pods/*), as the HPA sends the scale target's selector",
    )
    .option('--metric-selector <selector>', "metricLabelSelector (v1beta2) or the external metric's labelSelector")
    .option(
      '--api-version <v>',
      'custom.metrics.k8s.io version: v1beta1 or v1beta2',
      oneOf(['v1beta1', 'v1beta2'] as const),
      'v1beta2',
    )
    .option('-o, --output <format>', 'table or json', oneOf(['table', 'json'] as const), 'table')
    .option('--kubeconfig <file>', "kubeconfig (default ./data/sim-kubeconfig.yaml when present, else kubectl's)")
    .option('--context <name>', 'kubeconfig context to use')
    .action(async (target: string, flags: MetricsGetFlags) => {
      const { runMetricsGet } = await import('./metrics-get-run.ts');
      await runMetricsGet(target, flags, lang);
    });
}
