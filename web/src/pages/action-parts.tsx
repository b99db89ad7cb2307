import { useState, type ReactNode } from 'react';
import type { JsonValue } from '../api.ts';
import { useI18n } from '../i18n-context.tsx';
import { capturedLogs, field, isObject, type Action, type ActionTarget } from '../remediation-api.ts';
import { jsonText, triggerKey } from '../remediation-format.ts';
import { Link } from '../router.tsx';
import { DataTable, type Column } from '../components/DataTable.tsx';
import { LogViewer } from '../components/LogViewer.tsx';
import { ActionStateBadge, DryRunMarker } from '../components/remediation-status.tsx';
import { FactList } from '../components/FactList.tsx';

/** Actions as a table whose rows expand to the full record; `#id` opens the action's own page. */
export function ActionTable({
  id,
  caption,
  rows,
  empty,
}: {
  id: string;
  caption: string;
  rows: Action[];
  empty: ReactNode;
}): ReactNode {
  const { t, time, relative } = useI18n();
  const [open, setOpen] = useState<ReadonlySet<number>>(new Set());
  const toggle = (actionId: number): void =>
    setOpen((s) => {
      const next = new Set(s);
      if (!next.delete(actionId)) next.add(actionId);
      return next;
    });
  const columns: Array<Column<Action>> = [
    {
      key: 'id',
      header: '#',
      className: 'nowrap',
      cell: (a) => (
        <Link to={`/actions/${a.id}`} aria-label={t('actions.open', { id: a.id })}>
          #{a.id}
        </Link>
      ),
    },
    {
      key: 'time',
      header: t('col.time'),
      className: 'time-cell',
      cell: (a) => (
        <time dateTime={a.startedAt} title={time(a.startedAt)}>
          {relative(a.startedAt)}
        </time>
      ),
    },
    { key: 'playbook', header: t('col.playbook'), className: 'mono nowrap', cell: (a) => a.playbook },
    { key: 'action', header: t('col.action'), className: 'mono nowrap', cell: (a) => a.action },
    { key: 'target', header: t('col.target'), cell: (a) => <TargetLabel target={a.target} /> },
    {
      key: 'state',
      header: t('col.state'),
      cell: (a) => (
        <div className="badges">
          <ActionStateBadge state={a.state} />
          {a.dryRun && <DryRunMarker />}
        </div>
      ),
    },
    { key: 'summary', header: t('col.summary'), className: 'cell-message', cell: (a) => a.summary ?? t('common.none') },
    {
      key: 'details',
      header: <span className="visually-hidden">{t('col.details')}</span>,
      cell: (a) => (
        <button
          type="button"
          className="button button-small"
          aria-expanded={open.has(a.id)}
          aria-controls={`action-body-${a.id}`}
          onClick={() => toggle(a.id)}
        >
          {open.has(a.id) ? t('actions.hide') : t('actions.show')}
        </button>
      ),
    },
  ];
  return (
    <DataTable
      id={id}
      caption={caption}
      columns={columns}
      rows={rows}
      rowKey={(a) => a.id}
      empty={empty}
      below={(a) => (open.has(a.id) ? <ActionBody action={a} /> : null)}
    />
  );
}

/** The whole record: facts, summary, error, before -> after, captured logs, the rest of the detail. */
export function ActionBody({ action: a }: { action: Action }): ReactNode {
  const { t } = useI18n();
  const logs = capturedLogs(a.detail);
  const rest = withoutLogText(a.detail);
  const changed = a.before !== null || a.after !== null;
  return (
    <div className="action-body" id={`action-body-${a.id}`}>
      <ActionFacts action={a} />
      {a.summary && a.summary !== a.error && <pre className="message action-summary">{a.summary}</pre>}
      {a.error && (
        <p className="notice notice-error action-error" role="note">
          {t('action.error', { error: a.error })}
        </p>
      )}
      {changed && (
        <Block title={t('action.change')}>
          <ChangeList before={a.before} after={a.after} />
        </Block>
      )}
      {logs && (
        <Block title={t('action.logs')}>
          <LogViewer logs={logs.text} truncated={logs.truncated} error={null} />
        </Block>
      )}
      {rest !== null && (
        <Block title={t('action.detail')}>
          <pre className="json">{JSON.stringify(rest, null, 2)}</pre>
        </Block>
      )}
    </div>
  );
}

function Block({ title, children }: { title: string; children: ReactNode }): ReactNode {
  return (
    <div className="action-block">
      <h3>{title}</h3>
      {children}
    </div>
  );
}

function ActionFacts({ action: a }: { action: Action }): ReactNode {
  const { t, time } = useI18n();
  const ms = a.finishedAt ? Date.parse(a.finishedAt) - Date.parse(a.startedAt) : null;
  const rows: Array<[string, ReactNode]> = [
    [t('col.playbook'), <span className="mono">{a.playbook}</span>],
    [t('col.action'), <span className="mono">{a.action}</span>],
    [t('col.state'), <ActionStateBadge state={a.state} />],
    [
      t('action.mode'),
      <>
        {a.dryRun ? <DryRunMarker /> : t('action.live')}{' '}
        <span className="muted small">{t(a.mutates ? 'action.mutates' : 'action.readOnly')}</span>
      </>,
    ],
    [t('action.trigger'), <TriggerLink action={a} />],
    [t('col.target'), <TargetLabel target={a.target} />],
    [t('action.started'), time(a.startedAt)],
    [t('action.finished'), time(a.finishedAt)],
    [t('detail.duration'), <Duration ms={ms} />],
    [t('action.params'), <ParamList params={a.spec} empty={t('action.noParams')} />],
  ];
  return <FactList rows={rows} />;
}

function Duration({ ms }: { ms: number | null }): ReactNode {
  const { t, duration } = useI18n();
  if (ms === null || Number.isNaN(ms)) return t('common.none');
  return ms < 1000 ? t('duration.ms', { n: Math.max(0, ms) }) : duration(ms / 1000);
}

/** What started the action, linked: the alert, the failure, or the scheduled time. */
export function TriggerLink({ action: a }: { action: Action }): ReactNode {
  const { t, time } = useI18n();
  const { kind, alertId, failureId, scheduledAt } = a.trigger;
  if (kind === 'alert' && alertId !== null)
    return <Link to={`/alerts/${alertId}`}>{t('trigger.alertRef', { id: alertId })}</Link>;
  if (kind === 'failure' && failureId !== null)
    return <Link to={`/failures/${failureId}`}>{t('trigger.failureRef', { id: failureId })}</Link>;
  if (kind === 'schedule' && scheduledAt) return <>{t('trigger.scheduleRef', { time: time(scheduledAt) })}</>;
  return <>{t(triggerKey[kind])}</>;
}

export function TargetLabel({ target }: { target: ActionTarget | null }): ReactNode {
  const { t } = useI18n();
  if (!target) return <span className="muted">{t('common.none')}</span>;
  const where = [target.namespace, target.name].filter(Boolean).join('/');
  return (
    <span className="target" title={`${target.kind ? `${target.kind} ` : ''}${where}`}>
      {target.kind && <span className="muted kind-prefix">{target.kind} </span>}
      <span className="mono">{where || t('common.none')}</span>
    </span>
  );
}

/** `before -> after`: key by key for objects (replicas 1 → 2), else the two values. */
export function ChangeList({ before, after }: { before: JsonValue; after: JsonValue }): ReactNode {
  const { t } = useI18n();
  if (after === null && isObject(before)) {
    return (
      <>
        <p className="muted small">{t('action.unchanged')}</p>
        <ul className="change-list">
          {Object.entries(before).map(([k, v]) => (
            <li key={k}>
              <span className="mono change-key">{k}</span> <span className="change-value">{jsonText(v)}</span>
            </li>
          ))}
        </ul>
      </>
    );
  }
  if (isObject(before) || isObject(after)) {
    const b = isObject(before) ? before : {};
    const a = isObject(after) ? after : {};
    const keys = [...new Set([...Object.keys(b), ...Object.keys(a)])];
    return (
      <ul className="change-list">
        {keys.map((k) => (
          <li key={k}>
            <span className="mono change-key">{k}</span> <Change from={b[k]} to={a[k]} />
          </li>
        ))}
      </ul>
    );
  }
  return (
    <p className="change-list">
      <Change from={before} to={after} />
    </p>
  );
}

function Change({ from, to }: { from: JsonValue | undefined; to: JsonValue | undefined }): ReactNode {
  const { t } = useI18n();
  const show = (v: JsonValue | undefined): string => (v === undefined || v === null ? t('common.none') : jsonText(v));
  return (
    <span className="change">
      <span className="change-value">{show(from)}</span> → <span className="change-value change-after">{show(to)}</span>
    </span>
  );
}

/** An action's parameters (everything beside `action`) as `name = value`. */
export function ParamList({ params, empty }: { params: JsonValue; empty: string }): ReactNode {
  const entries = isObject(params) ? Object.entries(params).filter(([k]) => k !== 'action') : [];
  if (entries.length === 0) return <span className="muted">{empty}</span>;
  return (
    <span className="params">
      {entries.map(([k, v]) => (
        <span key={k} className="param" data-param={k}>
          <span className="param-name">{k}</span> = <span className="param-value">{jsonText(v)}</span>
        </span>
      ))}
    </span>
  );
}

/** The detail without capture_logs' text (shown in the log viewer instead); null when nothing is left to show. */
function withoutLogText(detail: JsonValue): JsonValue {
  const result = field(detail, 'result');
  if (!isObject(detail) || !isObject(result) || typeof result.text !== 'string') return isEmpty(detail) ? null : detail;
  return { ...detail, result: Object.fromEntries(Object.entries(result).filter(([k]) => k !== 'text')) };
}

function isEmpty(v: JsonValue): boolean {
  return v === null || (isObject(v) && Object.keys(v).length === 0);
}
