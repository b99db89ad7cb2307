import type { ReactNode } from 'react';
import { useI18n } from '../i18n-context.tsx';
import { navigate } from '../router.tsx';
import type { QueryValues } from '../url.ts';
import { Pagination } from './Pagination.tsx';

const PAGE_SIZES = [10, 25, 50, 100];
const DEFAULT_SIZE = 25;

export interface Paging {
  page: number;
  size: number;
  /** For the API: limit and offset. */
  api: { limit: number; offset: number | undefined };
  /** For the page's own URL: defaults left out. */
  url: QueryValues;
}

function positiveInt(raw: string | null, fallback: number): number {
  const n = Number(raw);
  return Number.isInteger(n) && n > 0 ? n : fallback;
}

/** Page number and page size from the URL (?page=2&size=50), as the Failures page keeps them. */
export function pagingFrom(query: URLSearchParams): Paging {
  const page = positiveInt(query.get('page'), 1);
  const asked = positiveInt(query.get('size'), DEFAULT_SIZE);
  const size = PAGE_SIZES.includes(asked) ? asked : DEFAULT_SIZE;
  return {
    page,
    size,
    api: { limit: size, offset: page > 1 ? (page - 1) * size : undefined },
    url: { page: page > 1 ? page : undefined, size: size === DEFAULT_SIZE ? undefined : size },
  };
}

/** Numbered pages and the page size under a server-paged table; `urlFor` builds this page's URL with some values replaced. */
export function PageFooter({
  paging,
  total,
  urlFor,
}: {
  paging: Paging;
  total: number;
  urlFor(over: QueryValues): string;
}): ReactNode {
  const { t } = useI18n();
  const { page, size } = paging;
  return (
    <div className="table-footer">
      <Pagination page={page} pageSize={size} total={total} hrefFor={(p) => urlFor({ page: p > 1 ? p : undefined })} />
      <label className="page-size">
        <span>{t('page.size')}</span>
        <select
          value={size}
          onChange={(e) =>
            navigate(
              urlFor({ size: Number(e.target.value) === DEFAULT_SIZE ? undefined : e.target.value, page: undefined }),
            )
          }
        >
          {PAGE_SIZES.map((s) => (
            <option key={s} value={s}>
              {s}
            </option>
          ))}
        </select>
      </label>
    </div>
  );
}
