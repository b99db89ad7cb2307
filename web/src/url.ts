export type QueryValues = Record<string, string | number | undefined>;

/** `/failures` + {page: 2, state: undefined} -> `/failures?page=2`; empty values are left out. */
export function withQuery(path: string, query: QueryValues = {}): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== '') q.set(k, String(v));
  const s = q.toString();
  return s ? `${path}?${s}` : path;
}
