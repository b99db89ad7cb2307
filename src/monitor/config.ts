import { z } from 'zod';
import { durationMs } from '../util/config-kit.ts';

/** `monitor:` in kubeloop.yaml: what the exception monitor watches and captures. */
export const monitorConfigSchema = z
  .object({
    /** Watch only these namespaces (empty: all). */
    namespaces: z.array(z.string().min(1)).default([]),
    excludeNamespaces: z.array(z.string().min(1)).default([]),
    /** Regular expressions on pod names never reported (the seed's blacklist). */
    excludePods: z
      .array(
        z
          .string()
          .min(1)
          .refine((p) => {
            try {
              new RegExp(p);
              return true;
            } catch {
              return false;
            }
          }, 'expected a valid regular expression'),
      )
      .default([]),
    ignoreReasons: z.array(z.string().min(1)).default([]),
    /** Failures present when Kubeloop starts are recorded as pre-existing; notify them too? */
    notifyExisting: z.boolean().default(false),
    /** Failures of a container that ran less than this are start-up noise (default 0: none). */
    startupGrace: durationMs.default(0),
    /** Per workload ("namespace/name") start-up grace. */
    startupGraceByWorkload: z.record(z.string(), durationMs).default({}),
    logs: z
      .object({
        tailLines: z.number().int().min(1).max(100_000).default(1000),
        maxBytes: z
          .number()
          .int()
          .min(1024)
          .max(64 * 1024 * 1024)
          .default(256 * 1024),
      })
      .strict()
      .default({ tailLines: 1000, maxBytes: 256 * 1024 }),
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
  })
  .strict();

export type MonitorConfig = z.infer<typeof monitorConfigSchema>;
