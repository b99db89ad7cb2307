import type { ReactNode } from 'react';
import { useI18n } from '../i18n-context.tsx';

export function Loading(): ReactNode {
  const { t } = useI18n();
  return (
    <p className="status status-loading" role="status">
      {t('common.loading')}
    </p>
  );
}

export function ErrorBox({ error, onRetry }: { error: Error; onRetry?: () => void }): ReactNode {
  const { t } = useI18n();
  return (
    <div className="status status-error" role="alert">
      <span>{t('common.error', { message: error.message })}</span>
      {onRetry && (
        <button type="button" className="button button-small" onClick={onRetry}>
          {t('common.retry')}
        </button>
      )}
    </div>
  );
}

export function Empty({ children }: { children: ReactNode }): ReactNode {
  return <p className="status status-empty">{children}</p>;
}

/** Loading, error or content, for one API call: data keeps showing while a refresh runs. */
export function Loaded<T>({
  state,
  children,
}: {
  state: { data: T | undefined; error: Error | undefined; reload(): void };
  children: (data: T) => ReactNode;
}): ReactNode {
  if (state.error && state.data === undefined) return <ErrorBox error={state.error} onRetry={state.reload} />;
  if (state.data === undefined) return <Loading />;
  return (
    <>
      {state.error && <ErrorBox error={state.error} onRetry={state.reload} />}
      {children(state.data)}
    </>
  );
}

export function PageHeader({
  title,
  subtitle,
  children,
}: {
  title: string;
  subtitle?: ReactNode;
  children?: ReactNode;
}): ReactNode {
  return (
    <header className="page-header">
      <div>
        <h1>{title}</h1>
        {subtitle && <p className="page-subtitle">{subtitle}</p>}
      </div>
      {children && <div className="page-actions">{children}</div>}
    </header>
  );
}

export function Section({
  title,
  id,
  children,
  extra,
}: {
  title: string;
  id: string;
  children: ReactNode;
  extra?: ReactNode;
}): ReactNode {
  return (
    <section className="card" aria-labelledby={id}>
      <div className="card-header">
        <h2 id={id}>{title}</h2>
        {extra}
      </div>
      {children}
    </section>
  );
}

export function StateBadge({ state }: { state: 'open' | 'resolved' }): ReactNode {
  const { t } = useI18n();
  return <span className={`badge badge-${state}`}>{t(state === 'open' ? 'state.open' : 'state.resolved')}</span>;
}

export function ReasonBadge({ reason }: { reason: string }): ReactNode {
  return <span className="badge badge-reason">{reason}</span>;
}
