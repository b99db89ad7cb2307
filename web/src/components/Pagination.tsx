import type { ReactNode } from 'react';
import { useI18n } from '../i18n-context.tsx';
import { Link } from '../router.tsx';

/** Page numbers to show: first, last, and two either side of the current one; 0 = a gap. */
export function pageWindow(current: number, pages: number): number[] {
  const out: number[] = [];
  for (let p = 1; p <= pages; p++) {
    if (p === 1 || p === pages || Math.abs(p - current) <= 2) out.push(p);
    else if (out[out.length - 1] !== 0) out.push(0);
  }
  return out;
}

/** Numbered pages as links (`hrefFor(n)`), so each page has a URL. */
export function Pagination({
  page,
  pageSize,
  total,
  hrefFor,
}: {
  page: number;
  pageSize: number;
  total: number;
  hrefFor(page: number): string;
}): ReactNode {
  const { t } = useI18n();
  const pages = Math.max(1, Math.ceil(total / pageSize));
  const from = total === 0 ? 0 : (page - 1) * pageSize + 1;
  const to = Math.min(total, page * pageSize);
  return (
    <nav className="pagination" aria-label={t('page.label')}>
      <span className="pagination-range">{t('page.range', { from, to, total })}</span>
      <ul>
        <li>
          {page > 1 ? (
            <Link to={hrefFor(page - 1)} className="page-link" rel="prev">
              {t('page.prev')}
            </Link>
          ) : (
            <span className="page-link disabled" aria-disabled="true">
              {t('page.prev')}
            </span>
          )}
        </li>
        {pageWindow(page, pages).map((p, i) =>
          p === 0 ? (
            <li key={`gap-${i}`} className="page-gap" aria-hidden="true">
              …
            </li>
          ) : (
            <li key={p}>
              <Link
                to={hrefFor(p)}
                className={p === page ? 'page-link current' : 'page-link'}
                aria-current={p === page ? 'page' : undefined}
                aria-label={t('page.number', { n: p })}
              >
                {p}
              </Link>
            </li>
          ),
        )}
        <li>
          {page < pages ? (
            <Link to={hrefFor(page + 1)} className="page-link" rel="next">
              {t('page.next')}
            </Link>
          ) : (
            <span className="page-link disabled" aria-disabled="true">
              {t('page.next')}
            </span>
          )}
        </li>
      </ul>
    </nav>
  );
}
