import type { ReactNode } from 'react';

/** A label/value list (the "facts" block of the detail pages), in the order given. */
export function FactList({ rows }: { rows: Array<[string, ReactNode]> }): ReactNode {
  return (
    <dl className="facts">
      {rows.map(([label, value]) => (
        <div key={label} className="fact">
          <dt>{label}</dt>
          <dd>{value}</dd>
        </div>
      ))}
    </dl>
  );
}
