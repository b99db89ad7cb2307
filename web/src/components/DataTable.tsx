import { Fragment, type ReactNode } from 'react';
import { Empty } from './Status.tsx';

export interface Column<T> {
  /** Unique within the table. */
  key: string;
  header: ReactNode;
  cell(row: T): ReactNode;
  numeric?: boolean;
  /** Classes for the cells of this column (e.g. nowrap, cell-message, mono). */
  className?: string;
}

interface Props<T> {
  id: string;
  /** Read by screen readers (the table's caption, visually hidden). */
  caption: string;
  columns: Array<Column<T>>;
  rows: T[];
  /** Unique per row; also the row's data-key attribute. */
  rowKey(row: T): string | number;
  /** Shown instead of the table when there are no rows. */
  empty: ReactNode;
  /** A full-width row under a row (an expanded detail); nothing when it returns null. */
  below?(row: T): ReactNode;
}

const classes = (...names: Array<string | false | undefined>): string | undefined =>
  names.filter(Boolean).join(' ') || undefined;

/** The table markup every list shares: caption, header row, one row per item, an empty state. */
export function DataTable<T>({ id, caption, columns, rows, rowKey, empty, below }: Props<T>): ReactNode {
  if (rows.length === 0) return <Empty>{empty}</Empty>;
  return (
    <div className="table-wrap">
      <table className="table" id={id}>
        <caption className="visually-hidden">{caption}</caption>
        <thead>
          <tr>
            {columns.map((c) => (
              <th key={c.key} scope="col" className={classes(c.numeric && 'num')}>
                {c.header}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => {
            const key = rowKey(row);
            const extra = below?.(row);
            return (
              <Fragment key={key}>
                <tr data-key={key} className={extra ? 'row-expanded' : undefined}>
                  {columns.map((c) => (
                    <td key={c.key} className={classes(c.numeric && 'num', c.className)}>
                      {c.cell(row)}
                    </td>
                  ))}
                </tr>
                {extra ? (
                  <tr className="row-detail" data-detail-of={key}>
                    <td colSpan={columns.length}>{extra}</td>
                  </tr>
                ) : null}
              </Fragment>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
