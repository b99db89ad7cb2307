import { format } from 'node:util';
import type { LogLevel } from './logs.ts';
import type { FunctionLogger } from './api.ts';

export type LogSink = (level: LogLevel, message: string) => void;

/** `ctx.log`: printf-style like console (util.format), into the run's log. */
export function functionLogger(sink: LogSink): FunctionLogger {
  return {
    info: (...args: unknown[]) => sink('info', format(...args)),
    warn: (...args: unknown[]) => sink('warn', format(...args)),
    error: (...args: unknown[]) => sink('error', format(...args)),
  };
}

/**
 * Routes the worker's console into the run's log: functions written for Node use console.log,
 * and the worker's stdout would otherwise end up in Kubeloop's own (JSON) log stream.
 */
export function captureConsole(sink: LogSink): void {
  const log = functionLogger(sink);
  console.log = log.info;
  console.info = log.info;
  console.debug = log.info;
  console.warn = log.warn;
  console.error = log.error;
  console.trace = (...args: unknown[]) =>
    sink('error', `${format(...args)}\n${new Error().stack?.split('\n').slice(2).join('\n') ?? ''}`);
}
