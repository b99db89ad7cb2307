import type { Readable } from 'node:stream';
import { LOG_LIMITS, type LogCollector, type LogLevel } from './logs.ts';

/**
 * Feeds a worker's stdout or stderr into the run's log, line by line. The worker is started with
 * its own streams so that nothing it prints reaches Kubeloop's stdout (the platform's log), and
 * so that Node's warnings about the function are recorded with it. Returns a flush for the last,
 * unterminated line.
 */
export function collectLines(stream: Readable, level: LogLevel, logs: LogCollector): () => void {
  let partial = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    partial += chunk;
    const lines = partial.split('\n');
    partial = lines.pop() ?? '';
    // An endless line without a newline must not grow without bound.
    if (partial.length > LOG_LIMITS.lineBytes) {
      lines.push(partial);
      partial = '';
    }
    for (const line of lines) logs.add(level, line.replace(/\r$/, ''));
  });
  // A stream error only loses output; it must not become an uncaught exception in the main thread.
  stream.on('error', () => undefined);
  return () => {
    if (partial !== '') logs.add(level, partial);
    partial = '';
  };
}
