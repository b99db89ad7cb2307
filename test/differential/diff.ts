export interface Difference {
  path: string;
  real: unknown;
  sim: unknown;
}

function show(v: unknown): string {
  const s = JSON.stringify(v);
  return s === undefined ? 'undefined' : s.length > 300 ? `${s.slice(0, 300)}…` : s;
}

export function formatDifference(d: Difference): string {
  return `  ${d.path}\n    real: ${show(d.real)}\n    sim:  ${show(d.sim)}`;
}

/** Every leaf where the two normalized values differ, with a dotted path. */
export function deepDiff(real: unknown, sim: unknown, path: string, out: Difference[] = []): Difference[] {
  if (real === sim) return out;
  const bothObjects = real !== null && sim !== null && typeof real === 'object' && typeof sim === 'object';
  if (!bothObjects || Array.isArray(real) !== Array.isArray(sim)) {
    out.push({ path, real, sim });
    return out;
  }
  if (Array.isArray(real) && Array.isArray(sim)) {
    const n = Math.max(real.length, sim.length);
    for (let i = 0; i < n; i++) deepDiff(real[i], sim[i], `${path}[${i}]`, out);
    return out;
  }
  const r = real as Record<string, unknown>;
  const s = sim as Record<string, unknown>;
  for (const k of new Set([...Object.keys(r), ...Object.keys(s)])) deepDiff(r[k], s[k], `${path}.${k}`, out);
  return out;
}
