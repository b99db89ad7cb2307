import { useState, type ReactNode } from 'react';
import { useI18n } from '../i18n-context.tsx';
import type { AlertLink, CreatedLink } from '../remediation-api.ts';
import { useApi } from '../use-api.ts';
import { DataTable, type Column } from '../components/DataTable.tsx';
import { LinkStateBadge, SourceName } from '../components/remediation-status.tsx';
import { Loaded, PageHeader, Section } from '../components/Status.tsx';
import { CreateLinkForm, OneTimeUrl, RevokeControl } from './link-parts.tsx';

/** Alert links: create one (its URL is shown once), see which are in use, revoke. */
export function LinksPage(): ReactNode {
  const { t } = useI18n();
  const links = useApi<{ items: AlertLink[] }>('/api/v1/links');
  const [created, setCreated] = useState<CreatedLink | null>(null);
  const onCreated = (link: CreatedLink): void => {
    setCreated(link);
    links.reload();
  };
  return (
    <>
      <PageHeader title={t('links.title')} subtitle={t('links.subtitle')} />
      <Section id="link-create-title" title={t('links.create')}>
        <CreateLinkForm onCreated={onCreated} />
        {created && <OneTimeUrl key={created.name} link={created} onDismiss={() => setCreated(null)} />}
      </Section>
      <Section id="links-title" title={t('links.caption')}>
        <Loaded state={links}>{(d) => <LinkTable rows={d.items} onRevoked={links.reload} />}</Loaded>
      </Section>
    </>
  );
}

function LinkTable({ rows, onRevoked }: { rows: AlertLink[]; onRevoked(): void }): ReactNode {
  const { t, time, relative } = useI18n();
  const columns: Array<Column<AlertLink>> = [
    { key: 'name', header: t('col.name'), className: 'mono', cell: (l) => l.name },
    { key: 'source', header: t('col.source'), cell: (l) => <SourceName source={l.source} /> },
    {
      key: 'state',
      header: t('col.state'),
      cell: (l) => (
        <>
          <LinkStateBadge active={l.active} />
          {l.revokedAt && <div className="muted small">{t('links.revokedAt', { time: time(l.revokedAt) })}</div>}
        </>
      ),
    },
    { key: 'created', header: t('col.created'), className: 'nowrap', cell: (l) => time(l.createdAt) },
    {
      key: 'used',
      header: t('col.lastUsed'),
      className: 'nowrap',
      cell: (l) =>
        l.lastUsedAt ? (
          <time dateTime={l.lastUsedAt} title={time(l.lastUsedAt)}>
            {relative(l.lastUsedAt)}
          </time>
        ) : (
          <span className="muted">{t('links.never')}</span>
        ),
    },
    {
      key: 'revoke',
      header: <span className="visually-hidden">{t('links.revoke')}</span>,
      cell: (l) => (l.active ? <RevokeControl name={l.name} onRevoked={onRevoked} /> : null),
    },
  ];
  return (
    <DataTable
      id="links-table"
      caption={t('links.caption')}
      columns={columns}
      rows={rows}
      rowKey={(l) => l.name}
      empty={t('links.empty')}
    />
  );
}
