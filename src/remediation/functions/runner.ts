import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { z } from 'zod';
import type { JsonValue } from '../../store/index.ts';
import { projectRoot } from '../../util/project-root.ts';
import type { Alert } from '../alert.ts';
import type { ActionNotice } from '../actions/types.ts';
import type { FunctionTrigger } from './api.ts';
import { LogCollector, type LogLine } from './logs.ts';
import { collectLines } from './output-lines.ts';
import {
  actionNoticeSchema,
  fromWorkerSchema,
  MAX_NOTICES,
  MAX_VALUE_BYTES,
  type FromWorker,
  type ToWorker,
  type WorkerInput,
} from './protocol.ts';
import { resolveFunctionFile } from './resolve-file.ts';
import { describeError } from './stack.ts';

export interface RunFunctionOptions {
  /** remediation.functionsDir. */
  functionsDir: string;
  /** The spec's `function:`, relative to functionsDir. */
  file: string;
  /** Kubeloop's kubeconfig as text (`kc.exportConfig()`): a KubeConfig cannot cross threads. */
  kubeconfig: string;
  alert: Alert | undefined;
  trigger: FunctionTrigger;
  params: Record<string, JsonValue>;
  /** Counted from the moment the runtime is up (see BOOT_TIMEOUT_MS): module load plus the call. */
  timeoutMs: number;
  /** The function's heap budget, on top of the runtime's own (RUNTIME_HEAP_MB). */
  memoryMb: number;
  prometheusUrl?: string;
  /** Called in the main thread for each ctx.notify; the function's call settles with it. */
  notify: (n: ActionNotice) => Promise<void>;
  signal?: AbortSignal;
}

export interface FunctionRun {
  ok: boolean;
  /** The return value (absent when the function returned undefined or failed). */
  value?: JsonValue;
  /** The failure: a message, then the stack frames in the functions directory. */
  error?: string;
  /** At most LOG_LIMITS.lines lines / LOG_LIMITS.bytes, ending with a marker when cut. */
  logs: LogLine[];
  durationMs: number;
  timedOut: boolean;
  memoryExceeded: boolean;
}

/**
 * Old-generation heap the runtime uses before the function's code runs: @kubernetes/client-node
 * alone is ~35 MB once loaded. memoryMb is added to it, so that a function given 32 MB gets 32 MB
 * to use rather than failing while the Kubernetes client loads.
 */
export const RUNTIME_HEAP_MB = 64;
/** The young generation is per-allocation scratch space; a small one keeps the total close to the limit. */
const YOUNG_GENERATION_MB = 16;
/** Starting tsx and loading client-node takes ~1 s; this only catches a runtime that hangs. */
export const BOOT_TIMEOUT_MS = 30_000;
/** After terminate(), how long to wait for the exit event before reporting anyway. */
const EXIT_GRACE_MS = 5_000;

/** Resolved from the checkout, not import.meta: this module may be running from the dist/ bundle. */
export function workerEntry(): string {
  return join(projectRoot(), 'src/remediation/functions/worker-bootstrap.mjs');
}

type Outcome =
  { ok: true; value?: JsonValue } | { ok: false; error: string; timedOut?: boolean; memoryExceeded?: boolean };

/**
 * Runs one user function in a worker thread with a timeout and a heap limit and reports its return
 * value and log lines. Never throws and never rejects: every failure (bad file name, the function
 * throwing, timing out, running out of memory, the worker dying) is a FunctionRun with ok: false.
 */
export async function runFunction(opts: RunFunctionOptions): Promise<FunctionRun> {
  const started = Date.now();
  const logs = new LogCollector();
  const failed = (error: string): FunctionRun => ({
    ok: false,
    error,
    logs: logs.lines(),
    durationMs: Date.now() - started,
    timedOut: false,
    memoryExceeded: false,
  });

  if (opts.signal?.aborted) return failed('aborted before the function started');
  const file = resolveFunctionFile(opts.functionsDir, opts.file);
  if (!file.ok) return failed(file.error);
  let entry: string;
  try {
    entry = workerEntry();
  } catch (err) {
    return failed(`the function runtime cannot be found: ${(err as Error).message}`);
  }
  if (!existsSync(entry))
    return failed(
      `the function runtime is missing: ${entry} (src/remediation/functions must be shipped with Kubeloop)`,
    );

  const input: WorkerInput = {
    file: file.path,
    functionsDir: file.functionsDir,
    kubeconfig: opts.kubeconfig,
    alert: opts.alert,
    trigger: opts.trigger,
    params: opts.params,
    prometheusUrl: opts.prometheusUrl,
  };
  let worker: Worker;
  try {
    worker = new Worker(entry, {
      workerData: input,
      // No inherited --import/--loader: the bootstrap registers tsx itself, exactly once.
      execArgv: [],
      stdout: true,
      stderr: true,
      resourceLimits: {
        maxOldGenerationSizeMb: opts.memoryMb + RUNTIME_HEAP_MB,
        maxYoungGenerationSizeMb: YOUNG_GENERATION_MB,
      },
    });
  } catch (err) {
    return failed(`cannot start the function's worker: ${(err as Error).message}`);
  }
  const outcome = await supervise(worker, opts, file.functionsDir, logs);
  return {
    ok: outcome.ok,
    ...(outcome.ok && outcome.value !== undefined ? { value: outcome.value } : {}),
    ...(!outcome.ok ? { error: outcome.error } : {}),
    logs: logs.lines(),
    durationMs: Date.now() - started,
    timedOut: !outcome.ok && outcome.timedOut === true,
    memoryExceeded: !outcome.ok && outcome.memoryExceeded === true,
  };
}

/** Watches the worker until it has exited: the first decisive event (result, error, timeout, abort) wins. */
function supervise(
  worker: Worker,
  opts: RunFunctionOptions,
  functionsDir: string,
  logs: LogCollector,
): Promise<Outcome> {
  return new Promise<Outcome>((resolve) => {
    let outcome: Outcome | undefined;
    let settled = false;
    let ready = false;
    let notices = 0;
    let exitGuard: NodeJS.Timeout | undefined;
    let timer: NodeJS.Timeout | undefined;
    const flushStdout = collectLines(worker.stdout, 'info', logs);
    const flushStderr = collectLines(worker.stderr, 'error', logs);

    const settle = (): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      clearTimeout(exitGuard);
      opts.signal?.removeEventListener('abort', onAbort);
      flushStdout();
      flushStderr();
      resolve(outcome ?? { ok: false, error: "the function's worker stopped without a result" });
    };
    const conclude = (o: Outcome): void => {
      if (outcome) return;
      outcome = o;
      clearTimeout(timer);
      // Whatever the function left running (timers, sockets, loops) ends with the worker.
      worker.terminate().catch(() => undefined);
      exitGuard = setTimeout(settle, EXIT_GRACE_MS);
      exitGuard.unref();
    };
    const onAbort = (): void => conclude({ ok: false, error: 'aborted' });
    timer = setTimeout(
      () =>
        conclude({
          ok: false,
          error: `the function runtime did not start within ${BOOT_TIMEOUT_MS / 1000} s`,
          timedOut: true,
        }),
      BOOT_TIMEOUT_MS,
    );
    opts.signal?.addEventListener('abort', onAbort, { once: true });

    const reply = (ack: ToWorker): void => {
      try {
        worker.postMessage(ack);
      } catch {
        // The worker has gone: nobody is waiting for the acknowledgement.
      }
    };
    const onNotice = (id: number, raw: unknown): void => {
      const notice = actionNoticeSchema.safeParse(raw);
      if (!notice.success)
        return reply({
          type: 'notify-ack',
          id,
          error: `invalid notice: ${z.prettifyError(notice.error).replace(/\n/g, '; ')}`,
        });
      if (++notices > MAX_NOTICES)
        return reply({ type: 'notify-ack', id, error: `the limit of ${MAX_NOTICES} notices per run is reached` });
      // Through a promise so that a notify that throws synchronously cannot throw in this handler.
      Promise.resolve(notice.data)
        .then(opts.notify)
        .then(
          () => reply({ type: 'notify-ack', id }),
          (err: unknown) => reply({ type: 'notify-ack', id, error: err instanceof Error ? err.message : String(err) }),
        );
    };
    const onMessage = (m: FromWorker): void => {
      switch (m.type) {
        case 'ready':
          // Only the first: the function could post another to push its deadline back.
          if (ready) return;
          ready = true;
          clearTimeout(timer);
          // Concluded a turn later: log lines the worker posted before the deadline, still queued
          // behind the timer when the main thread was busy, are taken in first.
          timer = setTimeout(
            () =>
              setImmediate(() =>
                conclude({ ok: false, error: `timed out after ${opts.timeoutMs} ms`, timedOut: true }),
              ),
            opts.timeoutMs,
          );
          return;
        case 'log':
          logs.add(m.level, m.message, m.at);
          return;
        case 'log-truncated':
          logs.markTruncated();
          return;
        case 'notify':
          return onNotice(m.id, m.notice);
        case 'returned':
          return conclude(parseReturned(m.json));
        case 'threw':
          return conclude({ ok: false, error: m.error });
      }
    };

    worker.on('message', (raw: unknown) => {
      if (outcome) return;
      const m = fromWorkerSchema.safeParse(raw);
      if (m.success) onMessage(m.data);
      else logs.add('warn', "kubeloop: ignored a message on the worker's port that is not from the function runtime");
    });
    worker.on('error', (err: unknown) => {
      // `err` is whatever the worker threw, possibly null: nothing here may throw in the main thread.
      if ((err as { code?: unknown } | null | undefined)?.code === 'ERR_WORKER_OUT_OF_MEMORY') {
        return conclude({
          ok: false,
          error: `the function ran out of memory (memoryMb: ${opts.memoryMb})`,
          memoryExceeded: true,
        });
      }
      // Before 'ready' no user code has run: the runtime itself failed (tsx missing, a broken install).
      if (!ready)
        return conclude({
          ok: false,
          error: `the function runtime failed to start: ${describeError(err, functionsDir)}`,
        });
      conclude({
        ok: false,
        error: `uncaught in the function (an exception outside its promise, or an unhandled rejection): ${describeError(err, functionsDir)}`,
      });
    });
    worker.on('exit', (code: number) => {
      if (!outcome)
        outcome = { ok: false, error: `the function's worker exited (code ${code}) before the function returned` };
      settle();
    });
  });
}

/** The worker checked the value already; the port is shared with the function, so check again. */
function parseReturned(json: string | undefined): Outcome {
  if (json === undefined) return { ok: true };
  if (Buffer.byteLength(json, 'utf8') > MAX_VALUE_BYTES)
    return { ok: false, error: `the return value is too large (the limit is ${MAX_VALUE_BYTES} bytes of JSON)` };
  try {
    return { ok: true, value: JSON.parse(json) as JsonValue };
  } catch {
    return { ok: false, error: 'the return value arrived as invalid JSON' };
  }
}
