import type { ReactNode } from 'react';
import type { FailurePage, FailureSummary } from '../api.ts';
import { signalOf } from '../format.ts';
import { useI18n } from '../i18n-context.tsx';
import { Link, navigate, useLocation } from '../router.tsx';
import { withQuery, type QueryValues } from '../url.ts';
import { useApi } from '../use-api.ts';
import { Pagination } from '../components/Pagination.tsx';
import { SortHeader, useSort, type SortValue } from '../components/sort.tsx';
import { Empty, Loaded, PageHeader, ReasonBadge, StateBadge } from '../components/Status.tsx';
import { FailureFilters, filtersFrom, type FailureFilterValues } from './failure-filters.tsx';

const PAGE_SIZES = [10, 25, 50, 100];
const DEFAULT_SIZE = 25;

type Column = 'detected' | 'namespace' | 'workload' | 'pod' | 'reason' | 'exitCode' | 'restarts' | 'state';
const ACCESSORS: Record<Column, (f: FailureSummary) => SortValue> = {
  detected: (f) => Date.parse(f.detectedAt),
  namespace: (f) => f.namespace,
  workload: (f) => `${f.workload.kind}/${f.workload.name}`,
  pod: (f) => `${f.pod}/${f.container ?? ''}`,
  reason: (f) => f.reason,
  exitCode: (f) => f.exitCode,
  restarts: (f) => f.restartCount,
  state: (f) => f.state,
};

function positiveInt(raw: string | null, fallback: number): number {
  const n = Number(raw);
  return Number.isInteger(n) && n > 0 ? n : fallback;
}

export function FailuresPage(): ReactNode {
  const { t } = useI18n();
  const { query } = useLocation();
  const filters = filtersFrom(query);
  const page = positiveInt(query.get('page'), 1);
  const sizeParam = positiveInt(query.get('size'), DEFAULT_SIZE);
  const size = PAGE_SIZES.includes(sizeParam) ? sizeParam : DEFAULT_SIZE;
  const urlFor = (over: QueryValues): string =>
    withQuery('/failures', {
      ...filters,
      size: size === DEFAULT_SIZE ? undefined : size,
      page: page > 1 ? page : undefined,
      ...over,
    });
  const list = useApi<FailurePage>(
    withQuery('/api/v1/failures', { ...filters, limit: size, offset: page > 1 ? (page - 1) * size : undefined }),
  );
  const apply = (v: FailureFilterValues | null): void => navigate(v ? urlFor({ ...v, page: undefined }) : '/failures');

  return (
    <>
      <PageHeader title={t('failures.title')} subtitle={t('failures.subtitle')} />
      <FailureFilters key={query.toString()} initial={filters} onApply={apply} />
      <section className="card" aria-label={t('failures.caption')}>
        <Loaded state={list}>
          {(data) => (
            <>
              <FailureTable rows={data.items} />
              <div className="table-footer">
                <Pagination
                  page={page}
                  pageSize={size}
                  total={data.total}
                  hrefFor={(p) => urlFor({ page: p > 1 ? p : undefined })}
                />
                <label className="page-size">
                  <span>{t('page.size')}</span>
                  <select
                    value={size}
                    onChange={(e) =>
                      navigate(
                        urlFor({
                          size: Number(e.target.value) === DEFAULT_SIZE ? undefined : e.target.value,
                          page: undefined,
                        }),
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
            </>
          )}
        </Loaded>
      </section>
    </>
  );
}

function FailureTable({ rows }: { rows: FailureSummary[] }): ReactNode {
  const { t, time, relative } = useI18n();
  const { sorted, sort, toggle } = useSort(rows, ACCESSORS);
  if (rows.length === 0) return <Empty>{t('failures.empty')}</Empty>;
  const head = (column: Column, label: string, numeric?: boolean): ReactNode => (
    <SortHeader column={column} label={label} sort={sort} onSort={toggle} numeric={numeric} />
  );
  return (
    <div className="table-wrap">
      <table className="table" id="failures-table">
        <caption className="visually-hidden">{t('failures.caption')}</caption>
        <thead>
          <tr>
            {head('detected', t('col.detected'))}
            {head('namespace', t('col.namespace'))}
            {head('workload', t('col.workload'))}
            {head('pod', `${t('col.pod')} / ${t('col.container')}`)}
            {head('reason', t('col.reason'))}
            {head('exitCode', t('col.exitCode'), true)}
            {head('restarts', t('col.restarts'), true)}
            {head('state', t('col.state'))}
          </tr>
        </thead>
        <tbody>
          {sorted.map((f) => {
            const sig = signalOf(f.exitCode, f.signal);
            return (
              <tr key={f.id} data-failure-id={f.id}>
                <td className="time-cell">
                  <time dateTime={f.detectedAt} title={time(f.detectedAt)}>
                    {relative(f.detectedAt)}
                  </time>
                </td>
                <td>{f.namespace}</td>
                <td title={`${f.workload.kind}/${f.workload.name}`}>
                  <span className="muted kind-prefix">{f.workload.kind}/</span>
                  {f.workload.name}
                </td>
                <td>
                  <Link to={`/failures/${f.id}`} className="strong-link">
                    {f.pod}
                  </Link>
                  {f.container && <div className="muted small">{f.container}</div>}
                </td>
                <td>
                  <ReasonBadge reason={f.reason} />
                </td>
                <td className="num">
                  {f.exitCode ?? t('common.none')}
                  {sig && <div className="muted small">{sig.name}</div>}
                </td>
                <td className="num">{f.restartCount}</td>
                <td>
                  <StateBadge state={f.state} />
                  {f.preExisting && (
                    <div className="muted small" title={t('state.preExistingHint')}>
                      {t('state.preExisting')}
                    </div>
                  )}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
