import { useState, type FormEvent, type ReactNode } from 'react';
import { useI18n } from '../i18n-context.tsx';
import type { MessageKey } from '../i18n.ts';

export interface FailureFilterValues {
  namespace: string;
  workload: string;
  reason: string;
  state: string;
  since: string;
}

export const SINCE_OPTIONS: Array<[string, MessageKey]> = [
  ['', 'filters.since.all'],
  ['1h', 'filters.since.1h'],
  ['6h', 'filters.since.6h'],
  ['24h', 'filters.since.24h'],
  ['168h', 'filters.since.168h'],
  ['720h', 'filters.since.720h'],
];

/** The reasons the monitor records, offered as suggestions (any text is accepted). */
const KNOWN_REASONS = [
  'OOMKilled',
  'Error',
  'CrashLoopBackOff',
  'ImagePullBackOff',
  'ErrImagePull',
  'CreateContainerConfigError',
  'CreateContainerError',
  'InvalidImageName',
  'ContainerCannotRun',
  'DeadlineExceeded',
  'Evicted',
  'Failed',
];

export function filtersFrom(query: URLSearchParams): FailureFilterValues {
  const get = (k: string): string => query.get(k) ?? '';
  return {
    namespace: get('namespace'),
    workload: get('workload'),
    reason: get('reason'),
    state: get('state'),
    since: get('since'),
  };
}

/** The failure filters as a form; applying it navigates (the URL holds the filters). */
export function FailureFilters({
  initial,
  onApply,
}: {
  initial: FailureFilterValues;
  onApply(v: FailureFilterValues | null): void;
}): ReactNode {
  const { t, time } = useI18n();
  const [v, setV] = useState(initial);
  const set =
    (k: keyof FailureFilterValues) =>
    (e: { target: { value: string } }): void =>
      setV((old) => ({ ...old, [k]: e.target.value.trim() }));
  const submit = (e: FormEvent): void => {
    e.preventDefault();
    onApply(v);
  };
  const customSince = v.since !== '' && !SINCE_OPTIONS.some(([value]) => value === v.since);
  return (
    <form className="filters" onSubmit={submit} aria-label={t('filters.label')}>
      <label>
        <span>{t('col.namespace')}</span>
        <input
          name="namespace"
          value={v.namespace}
          onChange={set('namespace')}
          placeholder={t('filters.exact')}
          autoComplete="off"
        />
      </label>
      <label>
        <span>{t('col.workload')}</span>
        <input
          name="workload"
          value={v.workload}
          onChange={set('workload')}
          placeholder={t('filters.exact')}
          autoComplete="off"
        />
      </label>
      <label>
        <span>{t('col.reason')}</span>
        <input
          name="reason"
          value={v.reason}
          onChange={set('reason')}
          list="known-reasons"
          placeholder={t('filters.any')}
          autoComplete="off"
        />
        <datalist id="known-reasons">
          {KNOWN_REASONS.map((r) => (
            <option key={r} value={r} />
          ))}
        </datalist>
      </label>
      <label>
        <span>{t('col.state')}</span>
        <select name="state" value={v.state} onChange={set('state')}>
          <option value="">{t('filters.any')}</option>
          <option value="open">{t('state.open')}</option>
          <option value="resolved">{t('state.resolved')}</option>
        </select>
      </label>
      <label>
        <span>{t('filters.since')}</span>
        <select name="since" value={v.since} onChange={set('since')}>
          {SINCE_OPTIONS.map(([value, key]) => (
            <option key={value} value={value}>
              {t(key)}
            </option>
          ))}
          {customSince && (
            <option value={v.since}>{Number.isNaN(Date.parse(v.since)) ? v.since : time(v.since)}</option>
          )}
        </select>
      </label>
      <div className="filters-actions">
        <button type="submit" className="button button-primary">
          {t('filters.apply')}
        </button>
        <button type="button" className="button" onClick={() => onApply(null)}>
          {t('filters.reset')}
        </button>
      </div>
    </form>
  );
}
