import { z } from 'zod';
import { pullRulesSchema } from './pull/rules.ts';
import { durationMs } from '../util/config-kit.ts';

/**
 * `metricsApi:` in kubeloop.yaml: the custom/external metrics API server for the HPA. The same
 * settings are flags of `kubeloop metrics-api`.
 *
 *   metricsApi:
 *     enabled: true                              # default: on with the built-in sim, off otherwise
 *     host: 127.0.0.1
 *     port: 7443
 *     certDir: /var/run/kubeloop/serving-cert   # tls.crt, tls.key, ca.crt; generated when absent
 *     prometheusUrl: http://127.0.0.1:9090      # pull rules query it
 *     rulesFile: metrics-rules.yaml              # prometheus-adapter format
 *     rules: { presets: [{ counterRate: {} }] }  # or inline
 *     pushInterval: 2m                           # push TTL = 3 x this
 *     cacheTtl: 5s
 *     register: true                             # create Service/Endpoints/APIServices (default with the sim)
 */
export const metricsApiConfigSchema = z
  .object({
    /** Unset: on with the built-in simulated cluster (the demo), off against a real one (deploy/metrics-api runs it there). */
    enabled: z.boolean().optional(),
    host: z.string().min(1).default('127.0.0.1'),
    port: z.number().int().min(0).max(65535).default(7443),
    certDir: z.string().min(1).optional(),
    prometheusUrl: z.url({ protocol: /^https?$/ }).optional(),
    rulesFile: z.string().min(1).optional(),
    rules: pullRulesSchema.optional(),
    pushInterval: durationMs.default(120_000),
    ttl: durationMs.optional(),
    cacheTtl: durationMs.refine((ms) => ms <= 60_000, 'must be at most 1m (the HPA polls every 15s)').default(5_000),
    discoveryInterval: durationMs.refine((ms) => ms >= 1_000, 'must be at least 1s').default(30_000),
    maxSeries: z.number().int().positive().default(100_000),
    allowNegativeValues: z.boolean().default(false),
    /** The push bearer token; default: the KUBELOOP_METRICS_WRITE_TOKEN environment variable. */
    writeTokenFile: z.string().min(1).optional(),
    /** PEM file of the front proxy's CA; default: kube-system/extension-apiserver-authentication. */
    requestHeaderClientCaFile: z.string().min(1).optional(),
    requestHeaderAllowedNames: z.array(z.string().min(1)).default(['front-proxy-client', 'aggregator']),
    /** TokenReview + SubjectAccessReview for direct callers with a cluster token. */
    delegatedAuth: z.boolean().default(true),
    insecureAllowAnonymous: z.boolean().default(false),
    /** Unset: on with the built-in sim, whose aggregator reaches this process on loopback. */
    register: z.boolean().optional(),
    /** Where registration points the APIServices: the Service the aggregator reaches. */
    serviceNamespace: z.string().min(1).default('kube-system'),
    serviceName: z.string().min(1).default('kubeloop-metrics-api'),
  })
  .strict();

export type MetricsApiConfig = z.infer<typeof metricsApiConfigSchema>;
