import { useState, type ReactNode } from 'react';
import { sendTestMessage, type Channel } from '../api.ts';
import { channelTypeKey } from '../format.ts';
import { useI18n } from '../i18n-context.tsx';
import { useApi } from '../use-api.ts';
import { Empty, Loaded, PageHeader, Section } from '../components/Status.tsx';

type TestResult = { state: 'sending' } | { state: 'queued'; deliveryId: number } | { state: 'failed'; error: string };

export function ChannelsPage(): ReactNode {
  const { t } = useI18n();
  const channels = useApi<{ items: Channel[] }>('/api/v1/channels');
  return (
    <>
      <PageHeader title={t('channels.title')} subtitle={t('channels.subtitle')} />
      <Section id="channels-caption" title={t('channels.caption')}>
        <Loaded state={channels}>{(c) => (c.items.length === 0 ? <Empty>{t('channels.empty')}</Empty> : <ChannelTable rows={c.items} />)}</Loaded>
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
                    <button type="button" className="button button-small" disabled={r?.state === 'sending'} onClick={() => void test(c.name)}>
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
