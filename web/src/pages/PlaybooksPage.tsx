import type { ReactNode } from 'react';
import { useI18n } from '../i18n-context.tsx';
import type { Playbook, PlaybookTrigger } from '../remediation-api.ts';
import { alertStatusKey, severityKey, sourceKey, triggerKey } from '../remediation-format.ts';
import { Link } from '../router.tsx';
import { withQuery } from '../url.ts';
import { useApi } from '../use-api.ts';
import { RunStateBadge } from '../components/remediation-status.tsx';
import { Empty, Loaded, PageHeader } from '../components/Status.tsx';
import { ParamList } from './action-parts.tsx';

/** The configured playbooks as cards: trigger, conditions, actions with parameters, mode and cooldown, recent scheduled runs. */
export function PlaybooksPage(): ReactNode {
  const { t } = useI18n();
  const playbooks = useApi<{ items: Playbook[] }>('/api/v1/playbooks');
  return (
    <>
      <PageHeader title={t('playbooks.title')} subtitle={t('playbooks.subtitle')} />
      <Loaded state={playbooks}>
        {(d) =>
          d.items.length === 0 ? (
            <div className="card">
              <Empty>{t('playbooks.empty')}</Empty>
            </div>
          ) : (
            <div className="playbook-grid">
              {d.items.map((p) => (
                <PlaybookCard key={p.name} playbook={p} />
              ))}
            </div>
          )
        }
      </Loaded>
    </>
  );
}

function PlaybookCard({ playbook: p }: { playbook: Playbook }): ReactNode {
  const { t, duration } = useI18n();
  const titleId = `playbook-${p.name}`;
  return (
    <article className="card playbook" aria-labelledby={titleId} data-playbook={p.name}>
      <div className="card-header">
        <h2 id={titleId} className="mono">
          {p.name}
        </h2>
        <div className="badges">
          <span className={p.dryRun ? 'badge tone-warn' : 'badge tone-plain'}>
            {p.dryRun === null ? t('playbook.modeDefault') : t(p.dryRun ? 'playbook.dryRun' : 'playbook.live')}
          </span>
          <span className="badge tone-plain">
            {p.cooldownSeconds === null
              ? t('playbook.cooldownDefault')
              : t('playbook.cooldown', { time: duration(p.cooldownSeconds) })}
          </span>
        </div>
      </div>
      {p.description && <p className="playbook-description">{p.description}</p>}
      <h3>{t('playbook.trigger')}</h3>
      <TriggerFacts trigger={p.trigger} />
      <h3>{t('playbook.conditions')}</h3>
      {p.conditions.length === 0 ? (
        <p className="muted small">{t('playbook.noConditions')}</p>
      ) : (
        <ul className="chips">
          {p.conditions.map((c) => (
            <li key={c}>
              <code>{c}</code>
            </li>
          ))}
        </ul>
      )}
      <h3>{t('playbook.actions')}</h3>
      <ol className="playbook-actions">
        {p.actions.map((a, i) => (
          <li key={i} data-action={a.action}>
            <code className="action-name">{a.action}</code> <ParamList params={a} empty={t('playbook.noParams')} />
          </li>
        ))}
      </ol>
      {p.trigger.kind === 'schedule' && <RecentRuns runs={p.recentRuns} />}
      <p className="playbook-footer">
        <Link to={withQuery('/actions', { playbook: p.name })}>{t('playbook.viewActions')} →</Link>
      </p>
    </article>
  );
}

function TriggerFacts({ trigger }: { trigger: PlaybookTrigger }): ReactNode {
  const { t } = useI18n();
  const any = <span className="muted">{t('playbook.any')}</span>;
  const list = (values: string[] | undefined): ReactNode =>
    values && values.length > 0 ? <span className="mono">{values.join(', ')}</span> : any;
  const codes = (values: string[]): ReactNode =>
    values.length > 0 ? (
      <ul className="chips">
        {values.map((v) => (
          <li key={v}>
            <code>{v}</code>
          </li>
        ))}
      </ul>
    ) : (
      any
    );
  const rows: Array<[string, ReactNode]> = [
    [t('playbook.kind'), <span className="badge tone-info">{t(triggerKey[trigger.kind])}</span>],
  ];
  switch (trigger.kind) {
    case 'alert':
      rows.push(
        [t('playbook.sources'), trigger.source?.length ? trigger.source.map((s) => t(sourceKey[s])).join(', ') : any],
        [t('playbook.status'), t(alertStatusKey[trigger.status])],
        [t('playbook.labels'), codes(Object.entries(trigger.labels).map(([k, v]) => `${k}="${v}"`))],
        [t('playbook.matchers'), codes(trigger.matchers)],
        [
          t('playbook.severity'),
          trigger.severity?.length ? trigger.severity.map((s) => t(severityKey[s])).join(', ') : any,
        ],
      );
      break;
    case 'failure':
      rows.push(
        [t('playbook.reasons'), list(trigger.reasons)],
        [t('playbook.namespaces'), list(trigger.namespaces)],
        [t('playbook.workloads'), list(trigger.workloads)],
      );
      break;
    case 'schedule':
      rows.push([t('playbook.cron'), <code>{trigger.cron}</code>]);
      if (trigger.timezone) rows.push([t('playbook.timezone'), trigger.timezone]);
      break;
  }
  return (
    <dl className="kv">
      {rows.map(([label, value]) => (
        <div key={label}>
          <dt>{label}</dt>
          <dd>{value}</dd>
        </div>
      ))}
    </dl>
  );
}

function RecentRuns({ runs }: { runs: Playbook['recentRuns'] }): ReactNode {
  const { t, time } = useI18n();
  return (
    <>
      <h3>{t('playbook.recentRuns')}</h3>
      {runs.length === 0 ? (
        <p className="muted small">{t('playbook.noRuns')}</p>
      ) : (
        <ul className="runs">
          {runs.map((r) => (
            <li key={r.scheduledAt}>
              <time dateTime={r.scheduledAt}>{time(r.scheduledAt)}</time> <RunStateBadge state={r.state} />
            </li>
          ))}
        </ul>
      )}
    </>
  );
}
