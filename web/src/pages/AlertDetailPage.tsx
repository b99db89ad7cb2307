import { useEffect, type ReactNode } from 'react';
import { ApiError } from '../api.ts';
import { useI18n } from '../i18n-context.tsx';
import type { AlertDetail } from '../remediation-api.ts';
import { Link } from '../router.tsx';
import { useLiveApi } from '../use-api.ts';
import { DataTable, type Column } from '../components/DataTable.tsx';
import { AlertStateBadge, AlertStatusBadge, SeverityBadge, SourceName } from '../components/remediation-status.tsx';
import { Empty, ErrorBox, Loading, PageHeader, Section } from '../components/Status.tsx';
import { ActionTable } from './action-parts.tsx';
import { FactList } from '../components/FactList.tsx';

/** Still changing: being processed, or an action it caused still running. */
const isLive = (a: AlertDetail): boolean => a.state === 'pending' || a.actions.some((x) => x.state === 'running');

/** One received alert: what it said (labels, annotations, the payload) and the actions it caused. */
export function AlertDetailPage({ id }: { id: number }): ReactNode {
  const { t } = useI18n();
  const state = useLiveApi<AlertDetail>(`/api/v1/alerts/${id}`, isLive);
  const a = state.data?.id === id ? state.data : undefined;

  useEffect(() => {
    if (a) document.title = `${a.title || a.alertId} · Kubeloop`;
  }, [a]);

  const back = (
    <Link to="/alerts" className="back-link">
      ← {t('alert.back')}
    </Link>
  );
  if (state.error instanceof ApiError && state.error.status === 404) {
    return (
      <>
        {back}
        <PageHeader title={t('alert.title', { id })} />
        <Empty>{t('alert.notFound', { id })}</Empty>
      </>
    );
  }
  if (!a)
    return (
      <>
        {back}
        {state.error ? <ErrorBox error={state.error} onRetry={state.reload} /> : <Loading />}
      </>
    );
  return (
    <>
      {back}
      <PageHeader
        title={t('alert.title', { id })}
        subtitle={
          <>
            <SeverityBadge severity={a.severity} />
            <AlertStatusBadge status={a.status} /> <span>{a.title}</span>
          </>
        }
      />
      <Section id="alert-summary-title" title={t('alert.summary')}>
        <AlertFacts alert={a} />
      </Section>
      <Section id="alert-actions-title" title={t('alert.actions')}>
        <ActionTable
          id="alert-actions"
          caption={t('alert.actionsCaption')}
          rows={a.actions}
          empty={a.state === 'pending' ? t('alert.processing') : t('alert.noActions')}
        />
      </Section>
      <div className="two-columns">
        <Section id="alert-labels-title" title={t('alert.labels')}>
          <KeyValues id="alert-labels" caption={t('alert.labels')} values={a.labels} empty={t('alert.noLabels')} />
        </Section>
        <Section id="alert-annotations-title" title={t('alert.annotations')}>
          <KeyValues
            id="alert-annotations"
            caption={t('alert.annotations')}
            values={a.annotations}
            empty={t('alert.noAnnotations')}
          />
        </Section>
      </div>
      <details className="card raw-details">
        <summary>{t('alert.raw')}</summary>
        <pre>{JSON.stringify(a.raw, null, 2)}</pre>
      </details>
    </>
  );
}

function AlertFacts({ alert: a }: { alert: AlertDetail }): ReactNode {
  const { t, time } = useI18n();
  const rows: Array<[string, ReactNode]> = [
    [t('col.source'), <SourceName source={a.source} />],
    [t('alert.sourceId'), <span className="mono">{a.alertId}</span>],
    [t('col.status'), <AlertStatusBadge status={a.status} />],
    [t('col.severity'), <SeverityBadge severity={a.severity} />],
    [t('col.handling'), <AlertStateBadge state={a.state} />],
    [t('alert.starts'), time(a.startsAt)],
    [t('alert.ends'), time(a.endsAt)],
    [t('col.received'), time(a.receivedAt)],
    [
      t('col.duplicates'),
      a.duplicates > 0 ? (
        <>
          {a.duplicates} <div className="muted small">{t('alert.duplicatesHint', { n: a.duplicates })}</div>
        </>
      ) : (
        0
      ),
    ],
  ];
  return <FactList rows={rows} />;
}

/** Only http(s) values become links; anything else stays text. */
function Value({ text }: { text: string }): ReactNode {
  return /^https?:\/\/\S+$/.test(text) ? (
    <a href={text} target="_blank" rel="noopener noreferrer">
      {text}
    </a>
  ) : (
    <>{text}</>
  );
}

function KeyValues({
  id,
  caption,
  values,
  empty,
}: {
  id: string;
  caption: string;
  values: Record<string, string>;
  empty: string;
}): ReactNode {
  const { t } = useI18n();
  const columns: Array<Column<[string, string]>> = [
    { key: 'key', header: t('col.key'), className: 'mono nowrap', cell: ([k]) => k },
    { key: 'value', header: t('col.value'), className: 'cell-message', cell: ([, v]) => <Value text={v} /> },
  ];
  return (
    <DataTable
      id={id}
      caption={caption}
      columns={columns}
      rows={Object.entries(values)}
      rowKey={([k]) => k}
      empty={empty}
    />
  );
}
