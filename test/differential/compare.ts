import type { Recorder } from './scenario.ts';
import { normalize, type NormalizeOptions } from './normalize.ts';
import { deepDiff, type Difference } from './diff.ts';
import { isAllowed, type AllowEntry } from './allowlist.ts';

export interface Comparison {
  steps: number;
  /** Leaf values compared (after normalization), the figure the suites report. */
  leaves: number;
  allowed: number;
  /** Differences no allowlist entry explains: the suite fails on these. */
  unexplained: Difference[];
}

function countLeaves(v: unknown): number {
  if (v === null || typeof v !== 'object') return 1;
  return Object.values(v as object).reduce((n: number, x) => n + countLeaves(x), 0);
}

/**
 * Compares one scenario's recordings step by step: a step missing or out of order on one side is a
 * difference; matching steps are normalized (with each side's aliases) and diffed leaf by leaf.
 */
export function compareRecordings(
  scenario: string,
  real: Recorder,
  sim: Recorder,
  allow: AllowEntry[],
  opts: Pick<NormalizeOptions, 'replace'> = {},
): Comparison {
  const diffs: Difference[] = [];
  let steps = 0;
  let leaves = 0;
  for (let i = 0; i < Math.max(real.steps.length, sim.steps.length); i++) {
    const r = real.steps[i];
    const s = sim.steps[i];
    const label = `${scenario}/${r?.step ?? s?.step ?? i}`;
    if (r?.step !== s?.step) {
      diffs.push({ path: `${label}.<step>`, real: r?.step, sim: s?.step });
      continue;
    }
    const nr = normalize(r?.value, { ...opts, aliases: real.aliases });
    const ns = normalize(s?.value, { ...opts, aliases: sim.aliases });
    steps++;
    leaves += countLeaves(nr);
    diffs.push(...deepDiff(nr, ns, label));
  }
  const unexplained = diffs.filter((d) => !isAllowed(d, allow));
  return { steps, leaves, allowed: diffs.length - unexplained.length, unexplained };
}
