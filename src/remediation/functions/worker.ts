import { relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import type { FunctionContext, FunctionHandler } from './api.ts';
import type { LogSink } from './console-capture.ts';
import { createContext } from './context.ts';
import { NotJsonError, toJsonValue } from './json-value.ts';
import { LogCollector } from './logs.ts';
import { guardProcess } from './process-guard.ts';
import { MAX_VALUE_BYTES, type FromWorker, type WorkerInput } from './protocol.ts';
import { describeError } from './stack.ts';

/**
 * The worker thread's entry (started through worker-bootstrap.mjs, which registers tsx): builds
 * ctx, loads the user's module, runs its default export and reports the outcome to runner.ts.
 * The runner terminates the worker after the final message; nothing here needs to clean up.
 */

const input = workerData as WorkerInput;

function portOrThrow(): MessagePort {
  if (!parentPort) throw new Error('worker.ts runs as a worker thread started by runner.ts');
  return parentPort;
}
const port = portOrThrow();
const post = (m: FromWorker): void => port.postMessage(m);

/** Streams log lines as they come (a run cut short by its timeout keeps what it logged), up to the caps. */
function workerLogSink(): LogSink {
  const logs = new LogCollector();
  let toldTruncated = false;
  return (level, message) => {
    const line = logs.add(level, message);
    if (line) post({ type: 'log', ...line });
    else if (!toldTruncated) {
      toldTruncated = true;
      post({ type: 'log-truncated' });
    }
  };
}

/** `export default` of an ES module, or of a .ts/.js file loaded as CommonJS (outside a "type": "module" package). */
function pickHandler(mod: unknown): FunctionHandler | undefined {
  const outer = (mod as { default?: unknown }).default;
  if (typeof outer === 'function') return outer as FunctionHandler;
  const inner = typeof outer === 'object' && outer !== null ? (outer as { default?: unknown }).default : undefined;
  return typeof inner === 'function' ? (inner as FunctionHandler) : undefined;
}

function returned(value: unknown): FromWorker {
  if (value === undefined) return { type: 'returned' };
  let json: string;
  try {
    json = JSON.stringify(toJsonValue(value));
  } catch (err) {
    return {
      type: 'threw',
      error:
        err instanceof NotJsonError
          ? err.message
          : `the return value cannot be serialized: ${describeError(err, input.functionsDir)}`,
    };
  }
  const bytes = Buffer.byteLength(json, 'utf8');
  if (bytes > MAX_VALUE_BYTES)
    return {
      type: 'threw',
      error: `the return value is too large: ${bytes} bytes of JSON (the limit is ${MAX_VALUE_BYTES})`,
    };
  return { type: 'returned', json };
}

async function run(): Promise<FromWorker> {
  const name = relative(input.functionsDir, input.file);
  guardProcess();
  let ctx: FunctionContext;
  try {
    ctx = createContext(input, port, workerLogSink());
  } catch (err) {
    return { type: 'threw', error: `the function runtime could not start: ${(err as Error).message}` };
  }
  post({ type: 'ready' });
  let mod: unknown;
  try {
    mod = await import(pathToFileURL(input.file).href);
  } catch (err) {
    return { type: 'threw', error: `cannot load ${name}: ${describeError(err, input.functionsDir)}` };
  }
  const handler = pickHandler(mod);
  if (!handler)
    return {
      type: 'threw',
      error: `${name} has no default export function (export default async (ctx, alert) => { ... })`,
    };
  try {
    return returned(await handler(ctx, input.alert));
  } catch (err) {
    return { type: 'threw', error: describeError(err, input.functionsDir) };
  }
}

post(await run());
