import { useState, type FormEvent, type ReactNode } from 'react';
import { useI18n } from '../i18n-context.tsx';
import { ACTION_STATES, type ActionState } from '../remediation-api.ts';
import { actionStateKey } from '../remediation-format.ts';

export interface ActionFilterValues {
  playbook: string;
  state: string;
  namespace: string;
}

export function actionFiltersFrom(query: URLSearchParams): ActionFilterValues {
  const state = query.get('state') ?? '';
  return {
    playbook: query.get('playbook') ?? '',
    // An unknown state would be a 400 from the API: ignore it.
    state: (ACTION_STATES as readonly string[]).includes(state) ? (state as ActionState) : '',
    namespace: query.get('namespace') ?? '',
  };
}

/** The audit log's filters as a form; applying navigates (the URL holds them). Playbook names are suggested. */
export function ActionFilters({
  initial,
  playbooks,
  onApply,
}: {
  initial: ActionFilterValues;
  playbooks: string[];
  onApply(v: ActionFilterValues | null): void;
}): ReactNode {
  const { t } = useI18n();
  const [v, setV] = useState(initial);
  const set =
    (k: keyof ActionFilterValues) =>
    (e: { target: { value: string } }): void =>
      setV((old) => ({ ...old, [k]: e.target.value.trim() }));
  const submit = (e: FormEvent): void => {
    e.preventDefault();
    onApply(v);
  };
  return (
    <form className="filters filters-compact" onSubmit={submit} aria-label={t('filters.label')}>
      <label>
        <span>{t('col.playbook')}</span>
        <input
          name="playbook"
          value={v.playbook}
          onChange={set('playbook')}
          list="known-playbooks"
          placeholder={t('filters.any')}
          autoComplete="off"
        />
        <datalist id="known-playbooks">
          {playbooks.map((p) => (
            <option key={p} value={p} />
          ))}
        </datalist>
      </label>
      <label>
        <span>{t('col.state')}</span>
        <select name="state" value={v.state} onChange={set('state')}>
          <option value="">{t('filters.any')}</option>
          {ACTION_STATES.map((s) => (
            <option key={s} value={s}>
              {t(actionStateKey[s])}
            </option>
          ))}
        </select>
      </label>
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
