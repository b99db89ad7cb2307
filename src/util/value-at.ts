/** The value at a path inside parsed JSON (`["alerts", 0, "labels"]`), or undefined where the path leaves the data. */
export function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let cur = input;
  for (const k of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<PropertyKey, unknown>)[k];
  }
  return cur;
}
