import { z } from 'zod';
import { alertingConfigSchema, defaultAlertingConfig } from '../alerting/config.ts';
import { remediationConfigSchema } from '../remediation/config.ts';
import { metricsApiConfigSchema } from '../metrics-api/config.ts';
import { clusterConfigSchema, databaseConfigSchema, serverConfigSchema } from './platform.ts';
import { monitorConfigSchema } from '../monitor/config.ts';

/** kubeloop.yaml: every section strict, so a typo is an error rather than a silently ignored key. */
export const simConfigSchema = z
  .object({
    port: z.number().int().min(0).max(65535).default(6443),
    host: z.string().min(1).default('127.0.0.1'),
    tls: z.boolean().default(true),
    scenario: z.string().min(1).default('demo'),
    kubeconfigOut: z.string().min(1).optional(),
    adminToken: z.string().min(16).optional(),
    readOnlyToken: z.string().min(16).optional(),
    watchWindow: z.number().int().min(100).default(10_000),
  })
  .strict();

export const logConfigSchema = z
  .object({
    level: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal']).default('info'),
  })
  .strict();

export const configSchema = z
  .object({
    sim: simConfigSchema.default(simConfigSchema.parse({})),
    log: logConfigSchema.default(logConfigSchema.parse({})),
    /** Where the platform keeps its database and the embedded sim's kubeconfig. */
    dataDir: z.string().min(1).default('data'),
    server: serverConfigSchema.default(serverConfigSchema.parse({})),
    database: databaseConfigSchema.default({}),
    cluster: clusterConfigSchema.default({}),
    monitor: monitorConfigSchema.default(monitorConfigSchema.parse({})),
    alerting: alertingConfigSchema.default(defaultAlertingConfig()),
    remediation: remediationConfigSchema.default(remediationConfigSchema.parse({})),
    metricsApi: metricsApiConfigSchema.default(metricsApiConfigSchema.parse({})),
  })
  .strict();

export type KubeloopConfig = z.infer<typeof configSchema>;
export type SimConfig = z.infer<typeof simConfigSchema>;
