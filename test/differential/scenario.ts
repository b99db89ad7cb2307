import type { Target } from './target.ts';

/** What a scenario observed, step by step, in the order the API defines. */
export class Recorder {
  readonly steps: { step: string; value: unknown }[] = [];
  readonly aliases = new Map<string, string>();

  record(step: string, value: unknown): void {
    this.steps.push({ step, value });
  }

  /** A generated name is compared by role, not by its random suffix. */
  alias(actual: string, alias: string): void {
    this.aliases.set(actual, alias);
  }
}

export interface Scenario {
  name: string;
  run(t: Target, rec: Recorder): Promise<void>;
}

export function pick(obj: unknown, ...paths: string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const p of paths) {
    let cur: unknown = obj;
    for (const k of p.split('.'))
      cur = cur !== null && typeof cur === 'object' ? (cur as Record<string, unknown>)[k] : undefined;
    out[p] = cur;
  }
  return out;
}
