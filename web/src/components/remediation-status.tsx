import type { ReactNode } from 'react';
import { useI18n } from '../i18n-context.tsx';
import type {
  ActionState,
  AlertSeverity,
  AlertSource,
  AlertState,
  AlertStatus,
  ScheduleRunState,
} from '../remediation-api.ts';
import {
  actionStateKey,
  alertStateKey,
  alertStatusKey,
  runStateKey,
  severityKey,
  sourceKey,
} from '../remediation-format.ts';

/** Colour classes of the badges (styles.css): ok green, warn amber, bad red, info blue, plain grey. */
type Tone = 'ok' | 'warn' | 'bad' | 'info' | 'plain';

function Badge({ tone, children, title }: { tone: Tone; children: ReactNode; title?: string }): ReactNode {
  return (
    <span className={`badge tone-${tone}`} title={title}>
      {children}
    </span>
  );
}

const ACTION_TONE: Record<ActionState, Tone> = {
  running: 'info',
  succeeded: 'ok',
  failed: 'bad',
  skipped: 'warn',
  interrupted: 'bad',
};
const SEVERITY_TONE: Record<AlertSeverity, Tone> = { critical: 'bad', error: 'bad', warning: 'warn', info: 'info' };
const RUN_TONE: Record<ScheduleRunState, Tone> = { running: 'info', done: 'ok', missed: 'warn' };

export function ActionStateBadge({ state }: { state: ActionState }): ReactNode {
  const { t } = useI18n();
  return <Badge tone={ACTION_TONE[state]}>{t(actionStateKey[state])}</Badge>;
}

export function DryRunMarker(): ReactNode {
  const { t } = useI18n();
  return (
    <span className="badge tone-plain dry-run" title={t('action.dryRunHint')}>
      {t('action.dryRun')}
    </span>
  );
}

export function AlertStatusBadge({ status }: { status: AlertStatus }): ReactNode {
  const { t } = useI18n();
  return <Badge tone={status === 'firing' ? 'bad' : 'ok'}>{t(alertStatusKey[status])}</Badge>;
}

export function SeverityBadge({ severity }: { severity: AlertSeverity }): ReactNode {
  const { t } = useI18n();
  return <Badge tone={SEVERITY_TONE[severity]}>{t(severityKey[severity])}</Badge>;
}

export function AlertStateBadge({ state }: { state: AlertState }): ReactNode {
  const { t } = useI18n();
  return <Badge tone={state === 'done' ? 'plain' : 'info'}>{t(alertStateKey[state])}</Badge>;
}

export function RunStateBadge({ state }: { state: ScheduleRunState }): ReactNode {
  const { t } = useI18n();
  return <Badge tone={RUN_TONE[state]}>{t(runStateKey[state])}</Badge>;
}

export function LinkStateBadge({ active }: { active: boolean }): ReactNode {
  const { t } = useI18n();
  return <Badge tone={active ? 'ok' : 'plain'}>{t(active ? 'links.active' : 'links.revoked')}</Badge>;
}

/** "Guance" / "观测云"; an unknown source as the server names it. */
export function SourceName({ source }: { source: AlertSource }): ReactNode {
  const { t } = useI18n();
  const key = sourceKey[source];
  return <>{key ? t(key) : source}</>;
}
