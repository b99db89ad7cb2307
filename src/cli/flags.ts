import { InvalidArgumentError } from 'commander';

/** Commander parser for a TCP port: `--port: expected number, got "abc"`. */
export function parsePort(raw: string): number {
  if (!/^\d+$/.test(raw)) throw new InvalidArgumentError(`expected number, got ${JSON.stringify(raw)}`);
  const n = Number(raw);
  if (n > 65535) throw new InvalidArgumentError(`expected a port between 0 and 65535, got ${n}`);
  return n;
}

/** Commander parser for a positive count. */
export function parseCount(raw: string): number {
  if (!/^\d+$/.test(raw) || Number(raw) < 1)
    throw new InvalidArgumentError(`expected a positive integer, got ${JSON.stringify(raw)}`);
  return Number(raw);
}
