import { z } from 'zod';
import type { JsonValue } from '../../store/index.ts';
import type { Alert } from '../alert.ts';
import type { ActionNotice } from '../actions/types.ts';
import type { FunctionTrigger } from './api.ts';
import { logLevels } from './logs.ts';

/**
 * The messages between runner.ts (main thread) and worker.ts. The main thread validates what it
 * receives: the function shares the worker and can post anything on its parentPort.
 */

/** `workerData`: everything the worker needs, as structured-clonable data. */
export interface WorkerInput {
  /** Absolute path of the function module (checked by the runner). */
  file: string;
  /** Absolute; stack frames in it are the user's. */
  functionsDir: string;
  /** Kubeloop's kubeconfig (YAML or JSON); the worker builds its own KubeConfig from it. */
  kubeconfig: string;
  alert: Alert | undefined;
  trigger: FunctionTrigger;
  params: Record<string, JsonValue>;
  prometheusUrl: string | undefined;
}

export const actionNoticeSchema: z.ZodType<ActionNotice> = z
  .object({
    title: z.string().min(1),
    text: z.string(),
    severity: z.enum(['critical', 'warning', 'info']),
    channels: z.array(z.string().min(1)).optional(),
    namespace: z.string().min(1).optional(),
    workload: z
      .object({ kind: z.string().min(1), name: z.string().min(1) })
      .strict()
      .optional(),
  })
  .strict();

export const fromWorkerSchema = z.discriminatedUnion('type', [
  /** The runtime is up (tsx, client-node, the context): the function's own timeout starts now. */
  z.object({ type: z.literal('ready') }),
  z.object({ type: z.literal('log'), level: z.enum(logLevels), message: z.string(), at: z.number() }),
  /** The worker's log collector is full: it sends no more lines. */
  z.object({ type: z.literal('log-truncated') }),
  z.object({ type: z.literal('notify'), id: z.number().int(), notice: z.unknown() }),
  /** The function returned; `json` is its value serialized (absent when it returned undefined). */
  z.object({ type: z.literal('returned'), json: z.string().optional() }),
  /** The function (or loading it) failed; `error` is already trimmed to the user's frames. */
  z.object({ type: z.literal('threw'), error: z.string() }),
]);
export type FromWorker = z.infer<typeof fromWorkerSchema>;

export interface NotifyAck {
  type: 'notify-ack';
  id: number;
  /** Why the notice was refused or failed; absent when it was queued. */
  error?: string;
}
export type ToWorker = NotifyAck;

/** A serialized return value above this is refused: it is stored with the action's result. */
export const MAX_VALUE_BYTES = 1024 * 1024;
/** ctx.notify calls honoured per run: a function looping on notify must not flood the channels. */
export const MAX_NOTICES = 20;
