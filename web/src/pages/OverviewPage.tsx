import type { ReactNode } from 'react';
import type { Finding, OpenWorkload, Overview } from '../api.ts';
import { useI18n } from '../i18n-context.tsx';
import { Link } from '../router.tsx';
import { withQuery } from '../url.ts';
import { useApi } from '../use-api.ts';
import { Empty, Loaded, PageHeader, ReasonBadge, Section } from '../components/Status.tsx';
import { Timeline } from '../components/Timeline.tsx';

const REFRESH_MS = 15_000;

export function OverviewPage(): ReactNode {
  const { t } = useI18n();
  const overview = useApi<Overview>('/api/v1/overview', REFRESH_MS);
  const findings = useApi<{ items: Finding[] }>('/api/v1/findings?limit=10', REFRESH_MS);
  const cluster = overview.data?.cluster;
  return (
    <>
      <PageHeader title={t('overview.title')} subtitle={cluster ? t('overview.subtitle', { cluster }) : undefined}>
        <Link to="/failures" className="button">
          {t('overview.viewAll')}
        </Link>
      </PageHeader>
      <Loaded state={overview}>
        {(o) => (
          <>
            <Stats overview={o} />
            <Section id="timeline-title" title={t('overview.timeline.title')}>
              <Timeline buckets={o.timeline} />
            </Section>
            <Section id="open-title" title={t('overview.open.title')}>
              <OpenTable rows={o.open} />
            </Section>
          </>
        )}
      </Loaded>
      <Section id="findings-title" title={t('overview.findings.title')}>
        <Loaded state={findings}>{(f) => <FindingsTable rows={f.items} />}</Loaded>
      </Section>
    </>
  );
}

function Stats({ overview }: { overview: Overview }): ReactNode {
  const { t } = useI18n();
  const open = overview.open.reduce((n, w) => n + w.open, 0);
  const day = overview.timeline.reduce((n, b) => n + b.count, 0);
  const stats: Array<[string, number, string]> = [
    [t('overview.stat.open'), open, open > 0 ? 'stat-alert' : ''],
    [t('overview.stat.workloads'), overview.open.length, ''],
    [t('overview.stat.day'), day, ''],
  ];
  return (
    <dl className="stats">
      {stats.map(([label, value, cls]) => (
        <div key={label} className={`stat ${cls}`}>
          <dt>{label}</dt>
          <dd>{value}</dd>
        </div>
      ))}
    </dl>
  );
}

function OpenTable({ rows }: { rows: OpenWorkload[] }): ReactNode {
  const { t, relative, time } = useI18n();
  if (rows.length === 0) return <Empty>{t('overview.open.empty')}</Empty>;
  return (
    <div className="table-wrap">
      <table className="table" id="open-failures">
        <thead>
          <tr>
            <th scope="col">{t('col.namespace')}</th>
            <th scope="col">{t('col.workload')}</th>
            <th scope="col" className="num">
              {t('col.open')}
            </th>
            <th scope="col">{t('col.reasons')}</th>
            <th scope="col">{t('col.lastDetected')}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((w) => (
            <tr key={`${w.namespace}/${w.workload.kind}/${w.workload.name}`}>
              <td>{w.namespace}</td>
              <td>
                <Link to={withQuery('/failures', { namespace: w.namespace, workload: w.workload.name, state: 'open' })}>
                  <span className="muted">{w.workload.kind}/</span>
                  {w.workload.name}
                </Link>
              </td>
              <td className="num">
                <strong>{w.open}</strong>
              </td>
              <td>
                <div className="badges">
                  {w.reasons.map((r) => (
                    <ReasonBadge key={r} reason={r} />
                  ))}
                </div>
              </td>
              <td className="nowrap">
                <time dateTime={w.lastDetectedAt ?? undefined} title={time(w.lastDetectedAt)}>
                  {relative(w.lastDetectedAt)}
                </time>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function FindingsTable({ rows }: { rows: Finding[] }): ReactNode {
  const { t, relative, time } = useI18n();
  if (rows.length === 0) return <Empty>{t('overview.findings.empty')}</Empty>;
  return (
    <div className="table-wrap">
      <table className="table" id="findings">
        <thead>
          <tr>
            <th scope="col">{t('col.reason')}</th>
            <th scope="col">{t('col.namespace')}</th>
            <th scope="col">{t('col.workload')}</th>
            <th scope="col">{t('col.message')}</th>
            <th scope="col" className="num">
              {t('col.count')}
            </th>
            <th scope="col">{t('col.lastSeen')}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((f) => (
            <tr key={f.id}>
              <td>
                <ReasonBadge reason={f.reason} />
              </td>
              <td>{f.namespace ?? t('common.none')}</td>
              <td>{f.workload ? `${f.workload.kind}/${f.workload.name}` : t('common.none')}</td>
              <td className="cell-message">{f.message}</td>
              <td className="num">{f.count}</td>
              <td className="nowrap">
                <time dateTime={f.lastSeen} title={time(f.lastSeen)}>
                  {relative(f.lastSeen)}
                </time>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
