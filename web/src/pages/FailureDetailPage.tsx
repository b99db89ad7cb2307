import { useEffect, type ReactNode } from 'react';
import { ApiError, type FailureDetail } from '../api.ts';
import { useI18n } from '../i18n-context.tsx';
import { Link } from '../router.tsx';
import { useApi } from '../use-api.ts';
import { LogViewer } from '../components/LogViewer.tsx';
import { Empty, ErrorBox, Loading, PageHeader, ReasonBadge, Section } from '../components/Status.tsx';
import { DeliveriesTable, EventsTable, Facts, OwnerChain } from './detail-parts.tsx';

export function FailureDetailPage({ id }: { id: number }): ReactNode {
  const { t } = useI18n();
  const state = useApi<FailureDetail>(`/api/v1/failures/${id}`);
  const f = state.data?.id === id ? state.data : undefined;

  useEffect(() => {
    if (f) document.title = `${f.reason} · ${f.pod} · Kubeloop`;
  }, [f]);

  const back = (
    <Link to="/failures" className="back-link">
      ← {t('detail.back')}
    </Link>
  );
  if (state.error instanceof ApiError && state.error.status === 404) {
    return (
      <>
        {back}
        <PageHeader title={t('detail.title', { id })} />
        <Empty>{t('detail.notFound', { id })}</Empty>
      </>
    );
  }
  if (!f)
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
        title={t('detail.title', { id })}
        subtitle={
          <>
            <ReasonBadge reason={f.reason} />{' '}
            <span className="mono">
              {f.pod}
              {f.container ? ` / ${f.container}` : ''}
            </span>
          </>
        }
      />
      <OwnerChain failure={f} />
      <Section id="summary-title" title={t('detail.summary')}>
        <Facts failure={f} />
        {f.message && <pre className="message">{f.message}</pre>}
      </Section>
      <Section id="logs-title" title={t('logs.title')}>
        <LogViewer logs={f.logs} truncated={f.logsTruncated} error={f.logsError} />
      </Section>
      <Section id="events-title" title={t('detail.events.title')}>
        <EventsTable events={f.events} />
      </Section>
      <Section id="deliveries-title" title={t('detail.deliveries.title')}>
        <DeliveriesTable deliveries={f.deliveries} />
      </Section>
      {Object.keys(f.details).length > 0 && (
        <details className="card raw-details">
          <summary>{t('detail.details.title')}</summary>
          <pre>{JSON.stringify(f.details, null, 2)}</pre>
        </details>
      )}
    </>
  );
}
