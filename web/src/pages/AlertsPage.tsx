import type { ReactNode } from 'react';
import { useI18n } from '../i18n-context.tsx';
import { ALERT_SOURCES, type Alert, type ListPage } from '../remediation-api.ts';
import { sourceKey } from '../remediation-format.ts';
import { Link, navigate, useLocation } from '../router.tsx';
import { withQuery, type QueryValues } from '../url.ts';
import { useApi } from '../use-api.ts';
import { DataTable, type Column } from '../components/DataTable.tsx';
import { PageFooter, pagingFrom } from '../components/paging.tsx';
import { AlertStateBadge, AlertStatusBadge, SeverityBadge, SourceName } from '../components/remediation-status.tsx';
import { Loaded, PageHeader } from '../components/Status.tsx';

const REFRESH_MS = 15_000;

/** Alerts received through alert links, newest first, paged on the server; ?source= filters. */
export function AlertsPage(): ReactNode {
  const { t } = useI18n();
  const { query } = useLocation();
  const asked = query.get('source') ?? '';
  const source = (ALERT_SOURCES as readonly string[]).includes(asked) ? asked : '';
  const paging = pagingFrom(query);
  const urlFor = (over: QueryValues): string => withQuery('/alerts', { source, ...paging.url, ...over });
  const list = useApi<ListPage<Alert>>(withQuery('/api/v1/alerts', { source, ...paging.api }), REFRESH_MS);

  return (
    <>
      <PageHeader title={t('alerts.title')} subtitle={t('alerts.subtitle')}>
        <Link to="/links" className="button">
          {t('alerts.toLinks')}
        </Link>
      </PageHeader>
      <form className="filters filters-compact" aria-label={t('filters.label')} onSubmit={(e) => e.preventDefault()}>
        <label>
          <span>{t('col.source')}</span>
          <select
            name="source"
            value={source}
            onChange={(e) => navigate(urlFor({ source: e.target.value, page: undefined }))}
          >
            <option value="">{t('filters.any')}</option>
            {ALERT_SOURCES.map((s) => (
              <option key={s} value={s}>
                {t(sourceKey[s])}
              </option>
            ))}
          </select>
        </label>
      </form>
      <section className="card" aria-label={t('alerts.caption')}>
        <Loaded state={list}>
          {(data) => (
            <>
              <AlertTable
                rows={data.items}
                empty={
                  source ? (
                    t('alerts.emptyFiltered')
                  ) : (
                    <>
                      {t('alerts.empty')} <Link to="/links">{t('links.create')}</Link>
                    </>
                  )
                }
              />
              {data.total > 0 && <PageFooter paging={paging} total={data.total} urlFor={urlFor} />}
            </>
          )}
        </Loaded>
      </section>
    </>
  );
}

function AlertTable({ rows, empty }: { rows: Alert[]; empty: ReactNode }): ReactNode {
  const { t, time, relative } = useI18n();
  const columns: Array<Column<Alert>> = [
    {
      key: 'time',
      header: t('col.received'),
      className: 'time-cell',
      cell: (a) => (
        <time dateTime={a.receivedAt} title={time(a.receivedAt)}>
          {relative(a.receivedAt)}
        </time>
      ),
    },
    { key: 'source', header: t('col.source'), className: 'nowrap', cell: (a) => <SourceName source={a.source} /> },
    { key: 'status', header: t('col.status'), cell: (a) => <AlertStatusBadge status={a.status} /> },
    { key: 'severity', header: t('col.severity'), cell: (a) => <SeverityBadge severity={a.severity} /> },
    {
      key: 'title',
      header: t('col.title'),
      className: 'cell-message',
      cell: (a) => (
        <>
          <Link to={`/alerts/${a.id}`} className="strong-link">
            {a.title || a.alertId}
          </Link>
          <div className="muted small mono">{a.alertId}</div>
        </>
      ),
    },
    { key: 'state', header: t('col.handling'), cell: (a) => <AlertStateBadge state={a.state} /> },
    { key: 'duplicates', header: t('col.duplicates'), numeric: true, cell: (a) => a.duplicates },
  ];
  return (
    <DataTable
      id="alerts-table"
      caption={t('alerts.caption')}
      columns={columns}
      rows={rows}
      rowKey={(a) => a.id}
      empty={empty}
    />
  );
}
