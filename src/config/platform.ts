import { z } from 'zod';

export const serverConfigSchema = z
  .object({
    host: z.string().min(1).default('127.0.0.1'),
    port: z.number().int().min(0).max(65535).default(7420),
    /**
     * The address people and monitoring systems reach this server at: links in notifications and the
     * URL `kubeloop links create` prints (default: the address `up` listens on, as it records it).
     */
    publicUrl: z.url().optional(),
  })
  .strict();

export const databaseConfigSchema = z
  .object({
    /** postgres://user:pass@host:5432/db; absent: SQLite at <dataDir>/kubeloop.db. */
    url: z
      .string()
      .regex(/^postgres(ql)?:\/\//, 'expected a postgres:// URL')
      .optional(),
  })
  .strict();

export const clusterConfigSchema = z
  .object({
    kubeconfig: z.string().min(1).optional(),
    context: z.string().min(1).optional(),
  })
  .strict();

export type ServerConfig = z.infer<typeof serverConfigSchema>;
export type DatabaseConfig = z.infer<typeof databaseConfigSchema>;
export type ClusterConfig = z.infer<typeof clusterConfigSchema>;
