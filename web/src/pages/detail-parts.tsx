import type { ReactNode } from 'react';
import type { Delivery, FailureDetail, RecordedEvent } from '../api.ts';
import { deliveryStatusKey, signalOf } from '../format.ts';
import { useI18n } from '../i18n-context.tsx';
import { Empty, ReasonBadge, StateBadge } from '../components/Status.tsx';
import { FactList } from '../components/FactList.tsx';

/** Namespace, then the owners from the top-level workload down to the pod. */
export function OwnerChain({ failure }: { failure: FailureDetail }): ReactNode {
  const { t } = useI18n();
  const chain =
    failure.ownerChain.length > 0 ? [...failure.ownerChain].reverse() : [{ kind: 'Pod', name: failure.pod }];
  return (
    <nav aria-label={t('detail.ownerChain')} className="breadcrumb">
      <ol>
        <li>
          <span className="crumb-kind">{t('col.namespace')}</span> {failure.namespace}
        </li>
        {chain.map((o, i) => (
          <li key={`${o.kind}/${o.name}`} aria-current={i === chain.length - 1 ? 'location' : undefined}>
            <span className="crumb-kind">{o.kind}</span> {o.name}
          </li>
        ))}
      </ol>
    </nav>
  );
}

export function Facts({ failure: f }: { failure: FailureDetail }): ReactNode {
  const { t, time, duration } = useI18n();
  const sig = signalOf(f.exitCode, f.signal);
  const none = t('common.none');
  const rows: Array<[string, ReactNode]> = [
    [t('col.workload'), `${f.workload.kind}/${f.workload.name}`],
    [t('col.pod'), f.pod],
    [t('col.container'), f.container ?? t('detail.podLevel')],
    [t('detail.node'), f.node ?? none],
    [t('col.reason'), <ReasonBadge reason={f.reason} />],
    [t('col.exitCode'), f.exitCode ?? none],
    [
      t('detail.signal'),
      sig ? (sig.derived ? t('detail.signalDerived', { name: sig.name, n: sig.n }) : `${sig.n} (${sig.name})`) : none,
    ],
    [t('col.restarts'), f.restartCount],
    [
      t('col.state'),
      <>
        <StateBadge state={f.state} />
        {f.preExisting && (
          <span className="muted small" title={t('state.preExistingHint')}>
            {' '}
            {t('state.preExisting')}
          </span>
        )}
      </>,
    ],
    [t('detail.occurred'), time(f.occurredAt)],
    [t('col.detected'), time(f.detectedAt)],
    [t('detail.resolved'), time(f.resolvedAt)],
    [t('detail.duration'), duration(f.durationSeconds)],
    [
      t('detail.services'),
      f.services.length > 0 ? f.services.join(', ') : <span className="muted">{t('detail.noServices')}</span>,
    ],
  ];
  return <FactList rows={rows} />;
}

export function EventsTable({ events }: { events: RecordedEvent[] }): ReactNode {
  const { t, time } = useI18n();
  if (events.length === 0) return <Empty>{t('detail.events.empty')}</Empty>;
  return (
    <div className="table-wrap">
      <table className="table" id="events-table">
        <thead>
          <tr>
            <th scope="col">{t('col.type')}</th>
            <th scope="col">{t('col.reason')}</th>
            <th scope="col">{t('col.message')}</th>
            <th scope="col" className="num">
              {t('col.count')}
            </th>
            <th scope="col">{t('col.lastSeen')}</th>
          </tr>
        </thead>
        <tbody>
          {events.map((e, i) => (
            <tr key={i}>
              <td>
                <span className={e.type === 'Warning' ? 'badge badge-warn' : 'badge'}>{e.type}</span>
              </td>
              <td>{e.reason}</td>
              <td className="cell-message">{e.message}</td>
              <td className="num">{e.count}</td>
              <td className="nowrap">{time(e.lastSeen)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function DeliveriesTable({ deliveries }: { deliveries: Delivery[] }): ReactNode {
  const { t, time } = useI18n();
  if (deliveries.length === 0) return <Empty>{t('detail.deliveries.empty')}</Empty>;
  return (
    <div className="table-wrap">
      <table className="table" id="deliveries-table">
        <thead>
          <tr>
            <th scope="col">{t('col.channel')}</th>
            <th scope="col">{t('col.status')}</th>
            <th scope="col" className="num">
              {t('col.attempts')}
            </th>
            <th scope="col">{t('col.created')}</th>
            <th scope="col">{t('col.sent')}</th>
            <th scope="col">{t('col.lastError')}</th>
          </tr>
        </thead>
        <tbody>
          {deliveries.map((d) => (
            <tr key={d.id}>
              <td>{d.channel}</td>
              <td>
                <span className={`badge badge-delivery-${d.status}`}>{t(deliveryStatusKey[d.status])}</span>
                {d.status === 'failed' && d.nextAttemptAt && (
                  <div className="muted small">{t('detail.nextAttempt', { time: time(d.nextAttemptAt) })}</div>
                )}
              </td>
              <td className="num">{d.attempts}</td>
              <td className="nowrap">{time(d.createdAt)}</td>
              <td className="nowrap">{time(d.sentAt)}</td>
              <td className="cell-message">{d.lastError ?? t('common.none')}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
