import { useState, type ReactNode } from 'react';
import { sendTestMessage, type Channel, type Routing } from '../api.ts';
import { channelTypeKey } from '../format.ts';
import { useI18n } from '../i18n-context.tsx';
import { useApi } from '../use-api.ts';
import { Empty, Loaded, PageHeader, Section } from '../components/Status.tsx';

type TestResult = { state: 'sending' } | { state: 'queued'; deliveryId: number } | { state: 'failed'; error: string };

export function ChannelsPage(): ReactNode {
  const { t } = useI18n();
  const channels = useApi<{ items: Channel[]; routing: Routing | null }>('/api/v1/channels');
  return (
    <>
      <PageHeader title={t('channels.title')} subtitle={t('channels.subtitle')} />
      <Section id="channels-caption" title={t('channels.caption')}>
        <Loaded state={channels}>
          {(c) => (c.items.length === 0 ? <Empty>{t('channels.empty')}</Empty> : <ChannelTable rows={c.items} />)}
        </Loaded>
      </Section>
      <Section id="routing-caption" title={t('routing.caption')}>
        <Loaded state={channels}>
          {(c) => (c.routing ? <RoutingTable routing={c.routing} /> : <Empty>{t('routing.none')}</Empty>)}
        </Loaded>
      </Section>
    </>
  );
}

function ChannelTable({ rows }: { rows: Channel[] }): ReactNode {
  const { t } = useI18n();
  const [results, setResults] = useState<Record<string, TestResult>>({});
  const test = async (name: string): Promise<void> => {
    setResults((r) => ({ ...r, [name]: { state: 'sending' } }));
    const result: TestResult = await sendTestMessage(name).then(
      (res) => ({ state: 'queued', deliveryId: res.deliveryId }),
      (err: unknown) => ({ state: 'failed', error: err instanceof Error ? err.message : String(err) }),
    );
    setResults((r) => ({ ...r, [name]: result }));
  };
  return (
    <div className="table-wrap">
      <table className="table" id="channels-table">
        <thead>
          <tr>
            <th scope="col">{t('col.name')}</th>
            <th scope="col">{t('col.type')}</th>
            <th scope="col">{t('col.test')}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((c) => {
            const typeKey = channelTypeKey(c.type);
            const r = results[c.name];
            return (
              <tr key={c.name} data-channel={c.name}>
                <td className="mono">{c.name}</td>
                <td>{typeKey ? t(typeKey) : c.type}</td>
                <td>
                  <div className="test-cell">
                    <button
                      type="button"
                      className="button button-small"
                      disabled={r?.state === 'sending'}
                      onClick={() => void test(c.name)}
                    >
                      {r?.state === 'sending' ? t('channels.sending') : t('channels.test')}
                    </button>
                    <span role="status" className={r?.state === 'failed' ? 'test-result error' : 'test-result ok'}>
                      {r?.state === 'queued' && t('channels.queued', { id: r.deliveryId })}
                      {r?.state === 'failed' && t('channels.failed', { error: r.error })}
                    </span>
                  </div>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

function RoutingTable({ routing }: { routing: Routing }): ReactNode {
  const { t } = useI18n();
  const list = (v: string[] | undefined): string => (v && v.length > 0 ? v.join(', ') : t('routing.any'));
  return (
    <>
      <p className="muted" id="routing-summary">
        {t('routing.summary', {
          window: routing.groupingWindowSeconds,
          messages: routing.rateLimit.messages,
          per: routing.rateLimit.perSeconds,
        })}
      </p>
      {routing.routes.length === 0 ? (
        <Empty>{t('routing.everything')}</Empty>
      ) : (
        <div className="table-wrap">
          <table className="table" id="routing-table">
            <thead>
              <tr>
                <th scope="col">#</th>
                <th scope="col">{t('col.namespace')}</th>
                <th scope="col">{t('col.workload')}</th>
                <th scope="col">{t('col.reason')}</th>
                <th scope="col">{t('routing.severity')}</th>
                <th scope="col">{t('nav.channels')}</th>
                <th scope="col">{t('routing.continue')}</th>
              </tr>
            </thead>
            <tbody>
              {routing.routes.map((r, i) => (
                <tr key={i}>
                  <td className="num">{i + 1}</td>
                  <td className="mono">{list(r.match.namespaces)}</td>
                  <td className="mono">{list(r.match.workloads)}</td>
                  <td>{list(r.match.reasons)}</td>
                  <td>{list(r.match.severity)}</td>
                  <td className="mono">{r.channels.join(', ')}</td>
                  <td>{r.continue ? t('routing.yes') : t('routing.no')}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}
