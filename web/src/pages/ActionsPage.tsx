import type { ReactNode } from 'react';
import { useI18n } from '../i18n-context.tsx';
import type { Action, ListPage, Playbook } from '../remediation-api.ts';
import { positiveId } from '../remediation-format.ts';
import { Link, navigate, useLocation } from '../router.tsx';
import { withQuery, type QueryValues } from '../url.ts';
import { useApi } from '../use-api.ts';
import { PageFooter, pagingFrom } from '../components/paging.tsx';
import { Loaded, PageHeader } from '../components/Status.tsx';
import { ActionFilters, actionFiltersFrom, type ActionFilterValues } from './action-filters.tsx';
import { ActionTable } from './action-parts.tsx';

const REFRESH_MS = 15_000;

/** The audit log: every action, newest first, filtered and paged on the server (the URL holds both). */
export function ActionsPage(): ReactNode {
  const { t } = useI18n();
  const { query } = useLocation();
  const filters = actionFiltersFrom(query);
  const scope = { alertId: positiveId(query.get('alertId')), failureId: positiveId(query.get('failureId')) };
  const paging = pagingFrom(query);
  const urlFor = (over: QueryValues): string => withQuery('/actions', { ...filters, ...scope, ...paging.url, ...over });
  const list = useApi<ListPage<Action>>(
    withQuery('/api/v1/actions', { ...filters, ...scope, ...paging.api }),
    REFRESH_MS,
  );
  const playbooks = useApi<{ items: Playbook[] }>('/api/v1/playbooks');
  const apply = (v: ActionFilterValues | null): void => navigate(v ? urlFor({ ...v, page: undefined }) : '/actions');
  const filtered =
    Object.values(filters).some((v) => v !== '') || scope.alertId !== undefined || scope.failureId !== undefined;

  return (
    <>
      <PageHeader title={t('actions.title')} subtitle={t('actions.subtitle')} />
      <ActionFilters
        key={query.toString()}
        initial={filters}
        playbooks={playbooks.data?.items.map((p) => p.name) ?? []}
        onApply={apply}
      />
      {(scope.alertId !== undefined || scope.failureId !== undefined) && (
        <p className="notice notice-info scope-note">
          {scope.alertId !== undefined
            ? t('actions.onlyAlert', { id: scope.alertId })
            : t('actions.onlyFailure', { id: scope.failureId ?? 0 })}{' '}
          <Link to={withQuery('/actions', { ...filters, alertId: undefined, failureId: undefined })}>
            {t('actions.showAll')}
          </Link>
        </p>
      )}
      <section className="card" aria-label={t('actions.caption')}>
        <Loaded state={list}>
          {(data) => (
            <>
              <ActionTable
                id="actions-table"
                caption={t('actions.caption')}
                rows={data.items}
                empty={filtered ? t('actions.empty') : t('actions.emptyAll')}
              />
              {data.total > 0 && <PageFooter paging={paging} total={data.total} urlFor={urlFor} />}
            </>
          )}
        </Loaded>
      </section>
    </>
  );
}
