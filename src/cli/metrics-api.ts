import { InvalidArgumentError, type Command } from 'commander';
import type { Lang } from '../i18n/index.ts';
import { parsePort } from './flags.ts';

export interface MetricsApiFlags {
  config?: string;
  kubeconfig?: string;
  context?: string;
  data?: string;
  securePort?: number;
  bindAddress?: string;
  certDir?: string;
  prometheusUrl?: string;
  rules?: string;
  requestheaderClientCaFile?: string;
  insecureAllowAnonymous?: boolean;
  register?: boolean;
  pushInterval?: string;
  cacheTtl?: string;
}

export interface ManifestsFlags {
  namespace?: string;
  image?: string;
  certDir?: string;
}

const duration = (raw: string): string => {
  if (!/^\d+(ms|s|m|h)$/.test(raw))
    throw new InvalidArgumentError(`expected a duration such as 5s, 2m or 1h, got ${JSON.stringify(raw)}`);
  return raw;
};

/** `kubeloop metrics-api`: the custom/external metrics API server on its own (in a cluster, deploy/metrics-api runs it). */
export function registerMetricsApiCommand(program: Command, lang: Lang): void {
  const cmd = program
    .command('metrics-api')
    .description(
      'serve custom.metrics.k8s.io (v1beta1, v1beta2) and external.metrics.k8s.io for the HPA, from pushed values and Prometheus pull rules',
    )
    .option(
      '--config <file>',
      'configuration file; its metricsApi section is the base the flags override (default ./kubeloop.yaml if present)',
    )
    .option('--kubeconfig <file>', "kubeconfig (default: in-cluster, or ./data/sim-kubeconfig.yaml, or kubectl's)")
    .option('--context <name>', 'kubeconfig context to use')
    .option('--data <dir>', 'where the generated serving CA is written (metrics-api-ca.crt)')
    .option('--secure-port <n>', 'HTTPS port (default 7443)', parsePort)
    .option('--bind-address <ip>', 'address to listen on (default 127.0.0.1)')
    .option(
      '--cert-dir <dir>',
      'serving certificate directory with tls.crt, tls.key and ca.crt (default: generated at start)',
    )
    .option('--prometheus-url <url>', 'Prometheus for pull rules')
    .option('--rules <file>', 'pull rules in prometheus-adapter format')
    .option(
      '--requestheader-client-ca-file <file>',
      'front proxy CA (default: kube-system/extension-apiserver-authentication)',
    )
    .option('--insecure-allow-anonymous', 'serve unauthenticated callers (local tests only)')
    .option(
      '--register',
      'create the Service, Endpoints and APIServices pointing at this process (the simulated cluster, development)',
    )
    .option('--push-interval <d>', 'expected push interval; pushed values expire after 3x (default 2m)', duration)
    .option('--cache-ttl <d>', 'how long a Prometheus answer is reused (default 5s)', duration)
    .action(async (flags: MetricsApiFlags) => {
      const { runMetricsApi } = await import('./metrics-api-run.ts');
      await runMetricsApi(flags, lang);
    });
  cmd
    .command('manifests')
    .description('print the Deployment, Service, RBAC and APIServices for a cluster (YAML)')
    .option('--namespace <ns>', 'namespace to install into (default kubeloop)')
    .option('--image <image>', 'container image')
    .option(
      '--cert-dir <dir>',
      'serving certificate directory: its ca.crt (or tls.crt) becomes the APIServices caBundle',
    )
    .action(async (_flags: ManifestsFlags, sub: Command) => {
      // --cert-dir is also an option of `metrics-api` itself, which commander gives the parent.
      const flags = sub.optsWithGlobals<ManifestsFlags>();
      const { runManifests } = await import('./metrics-api-run.ts');
      await runManifests(flags);
    });
}
