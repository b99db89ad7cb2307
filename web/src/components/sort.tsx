import { useMemo, useState, type ReactNode } from 'react';
import { useI18n } from '../i18n-context.tsx';

export type SortValue = string | number | null;
export interface SortState<K extends string> {
  key: K;
  dir: 'asc' | 'desc';
}

/** Client-side sorting of the rows on screen; null values sort last. Pass module-level accessors. */
export function useSort<T, K extends string>(
  rows: T[],
  accessors: Record<K, (row: T) => SortValue>,
  initial: SortState<K> | null = null,
): {
  sorted: T[];
  sort: SortState<K> | null;
  toggle(key: K): void;
} {
  const [sort, setSort] = useState<SortState<K> | null>(initial);
  const sorted = useMemo(() => {
    if (!sort) return rows;
    const get = accessors[sort.key];
    const sign = sort.dir === 'asc' ? 1 : -1;
    return [...rows].sort((a, b) => {
      const x = get(a);
      const y = get(b);
      if (x === y) return 0;
      if (x === null) return 1;
      if (y === null) return -1;
      const c = typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y));
      return c * sign;
    });
  }, [rows, sort, accessors]);
  const toggle = (key: K): void =>
    setSort((s) => (s && s.key === key ? { key, dir: s.dir === 'asc' ? 'desc' : 'asc' } : { key, dir: 'asc' }));
  return { sorted, sort, toggle };
}

/** A column header that sorts: a button inside the th, with aria-sort on the th. */
export function SortHeader<K extends string>({
  label,
  column,
  sort,
  onSort,
  numeric,
}: {
  label: string;
  column: K;
  sort: SortState<K> | null;
  onSort(k: K): void;
  numeric?: boolean;
}): ReactNode {
  const { t } = useI18n();
  const active = sort?.key === column;
  const ariaSort = active ? (sort.dir === 'asc' ? 'ascending' : 'descending') : 'none';
  const arrow = active ? (sort.dir === 'asc' ? '▲' : '▼') : '↕';
  return (
    <th scope="col" aria-sort={ariaSort} className={numeric ? 'num' : undefined}>
      <button
        type="button"
        className="sort-button"
        onClick={() => onSort(column)}
        title={t('common.sortBy', { column: label })}
      >
        {label}
        <span className={active ? 'sort-arrow active' : 'sort-arrow'} aria-hidden="true">
          {arrow}
        </span>
      </button>
    </th>
  );
}
