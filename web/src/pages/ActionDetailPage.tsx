import { useEffect, type ReactNode } from 'react';
import { ApiError } from '../api.ts';
import { useI18n } from '../i18n-context.tsx';
import type { Action } from '../remediation-api.ts';
import { Link } from '../router.tsx';
import { useLiveApi } from '../use-api.ts';
import { ActionStateBadge, DryRunMarker } from '../components/remediation-status.tsx';
import { Empty, ErrorBox, Loading, PageHeader, Section } from '../components/Status.tsx';
import { ActionBody } from './action-parts.tsx';

const isRunning = (a: Action): boolean => a.state === 'running';

/** One audit record on its own page (linked from alerts and from the audit log). */
export function ActionDetailPage({ id }: { id: number }): ReactNode {
  const { t } = useI18n();
  const state = useLiveApi<Action>(`/api/v1/actions/${id}`, isRunning);
  const a = state.data?.id === id ? state.data : undefined;

  useEffect(() => {
    if (a) document.title = `${a.action} · ${a.playbook} · Kubeloop`;
  }, [a]);

  const back = (
    <Link to="/actions" className="back-link">
      ← {t('action.back')}
    </Link>
  );
  if (state.error instanceof ApiError && state.error.status === 404) {
    return (
      <>
        {back}
        <PageHeader title={t('action.title', { id })} />
        <Empty>{t('action.notFound', { id })}</Empty>
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
        title={t('action.title', { id })}
        subtitle={
          <>
            <ActionStateBadge state={a.state} />
            {a.dryRun && <DryRunMarker />}{' '}
            <span className="mono">
              {a.playbook} / {a.action}
            </span>
          </>
        }
      />
      <Section id="action-summary-title" title={t('action.summary')}>
        <ActionBody action={a} />
      </Section>
    </>
  );
}
