import { z } from 'zod';
import { parseDuration } from '../util/duration.ts';

/** A Go-style duration ("90s", "5m") as milliseconds; a bad one names the field and the format. */
export const durationMs = z.string().transform((raw, ctx) => {
  const ms = parseDuration(raw.trim());
  if (ms === undefined) {
    ctx.addIssue({ code: 'custom', message: `expected a duration such as 30s, 5m or 1h, got ${JSON.stringify(raw)}` });
    return z.NEVER;
  }
  return ms;
});

export const serverConfigSchema = z.object({
  host: z.string().min(1).default('127.0.0.1'),
  port: z.number().int().min(0).max(65535).default(7420),
  /**
   * The address people and monitoring systems reach this server at: links in notifications and the
   * URL `kubeloop links create` prints (default: the address `up` listens on, as it records it).
   */
  publicUrl: z.url().optional(),
}).strict();

export const databaseConfigSchema = z.object({
  /** postgres://user:pass@host:5432/db; absent: SQLite at <dataDir>/kubeloop.db. */
  url: z.string().regex(/^postgres(ql)?:\/\//, 'expected a postgres:// URL').optional(),
}).strict();

export const clusterConfigSchema = z.object({
  kubeconfig: z.string().min(1).optional(),
  context: z.string().min(1).optional(),
}).strict();

export const monitorConfigSchema = z.object({
  /** Watch only these namespaces (empty: all). */
  namespaces: z.array(z.string().min(1)).default([]),
  excludeNamespaces: z.array(z.string().min(1)).default([]),
  /** Regular expressions on pod names never reported (the seed's blacklist). */
  excludePods: z.array(z.string().min(1).refine((p) => {
    try {
      new RegExp(p);
      return true;
    } catch {
      return false;
    }
  }, 'expected a valid regular expression')).default([]),
  ignoreReasons: z.array(z.string().min(1)).default([]),
  /** Failures present when Kubeloop starts are recorded as pre-existing; notify them too? */
  notifyExisting: z.boolean().default(false),
  /** Failures of a container that ran less than this are start-up noise (default 0: none). */
  startupGrace: durationMs.default(0),
  /** Per workload ("namespace/name") start-up grace. */
  startupGraceByWorkload: z.record(z.string(), durationMs).default({}),
  logs: z.object({
    tailLines: z.number().int().min(1).max(100_000).default(1000),
    maxBytes: z.number().int().min(1024).max(64 * 1024 * 1024).default(256 * 1024),
  }).strict().default({ tailLines: 1000, maxBytes: 256 * 1024 }),
  /**
   * Failures captured at once (each: a log read and a pod read). 32 keeps a burst of 150 crashes in
   * the same second under a second of capture (bench/monitor) at a load any API server takes.
   */
  captureConcurrency: z.number().int().min(1).max(256).default(32),
  /** A failure is resolved when all pods of its workload have been Ready this long. */
  resolveAfter: durationMs.default(120_000),
  /** Record Warning events (FailedScheduling, FailedMount, ...) as findings. */
  warningEvents: z.boolean().default(true),
  /** /readyz fails once the pod watch has been failing this long: the monitor is blind, not reconnecting. */
  watchUnhealthyAfter: durationMs.default(60_000),
}).strict();

export type ServerConfig = z.infer<typeof serverConfigSchema>;
export type DatabaseConfig = z.infer<typeof databaseConfigSchema>;
export type ClusterConfig = z.infer<typeof clusterConfigSchema>;
export type MonitorConfig = z.infer<typeof monitorConfigSchema>;
