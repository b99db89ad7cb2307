/**
 * The capped log of one function run. Both sides keep one: the worker stops posting lines once its
 * collector is full (a logging loop must not flood the main thread with messages), and the main
 * thread enforces the same caps again because it cannot trust what the worker sends.
 */
export const logLevels = ['info', 'warn', 'error'] as const;
export type LogLevel = (typeof logLevels)[number];

export interface LogLine {
  level: LogLevel;
  message: string;
  /** Epoch milliseconds. */
  at: number;
}

export const LOG_LIMITS = {
  /** Lines kept per run, the truncation marker included. */
  lines: 1000,
  /** UTF-8 bytes of messages kept per run, the marker included. */
  bytes: 256 * 1024,
  /** One line longer than this is cut, so a single dump cannot use the whole budget. */
  lineBytes: 16 * 1024,
} as const;

const CUT_SUFFIX = ' …[line cut at 16 KiB]';
const MARKER = `[log truncated: the limit of ${LOG_LIMITS.lines} lines / ${LOG_LIMITS.bytes / 1024} KiB was reached; later lines were dropped]`;

function byteLength(s: string): number {
  return Buffer.byteLength(s, 'utf8');
}

/** Cuts a message to LOG_LIMITS.lineBytes, slicing by characters first so a huge string is not encoded whole. */
export function cutLine(message: string): string {
  if (message.length <= LOG_LIMITS.lineBytes / 4 || byteLength(message) <= LOG_LIMITS.lineBytes) return message;
  const room = LOG_LIMITS.lineBytes - byteLength(CUT_SUFFIX);
  // A cut inside a multi-byte character decodes as U+FFFD: acceptable for a log line.
  return Buffer.from(message.slice(0, room), 'utf8').subarray(0, room).toString('utf8') + CUT_SUFFIX;
}

export class LogCollector {
  private readonly kept: LogLine[] = [];
  private bytes = 0;
  private full = false;

  /** Keeps the line (cut if long) and returns it as kept, or undefined once a limit is reached. */
  add(level: LogLevel, message: string, at: number = Date.now()): LogLine | undefined {
    if (this.full) return undefined;
    const text = cutLine(message);
    const size = byteLength(text);
    if (this.kept.length >= LOG_LIMITS.lines || this.bytes + size > LOG_LIMITS.bytes) {
      this.full = true;
      return undefined;
    }
    const line: LogLine = { level, message: text, at };
    this.kept.push(line);
    this.bytes += size;
    return line;
  }

  /** Records that lines were dropped elsewhere (the worker's collector filled up first). */
  markTruncated(): void {
    this.full = true;
  }

  get truncated(): boolean {
    return this.full;
  }

  /** The kept lines, ending with the truncation marker when lines were dropped (room made for it). */
  lines(): LogLine[] {
    const out = this.kept.slice();
    if (!this.full) return out;
    const markerSize = byteLength(MARKER);
    let bytes = this.bytes;
    while (out.length > 0 && (out.length >= LOG_LIMITS.lines || bytes + markerSize > LOG_LIMITS.bytes)) {
      bytes -= byteLength(out.pop()?.message ?? '');
    }
    out.push({ level: 'warn', message: MARKER, at: Date.now() });
    return out;
  }
}
