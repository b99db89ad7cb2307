import { useRef, useState, type FormEvent, type ReactNode } from 'react';
import { useI18n } from '../i18n-context.tsx';
import { ALERT_SOURCES, createLink, revokeLink, type AlertSource, type CreatedLink } from '../remediation-api.ts';
import { sourceKey } from '../remediation-format.ts';

const message = (err: unknown): string => (err instanceof Error ? err.message : String(err));

/** Name and source; the server's error (400 naming the field, 409 for a taken name) is shown as it says it. */
export function CreateLinkForm({ onCreated }: { onCreated(link: CreatedLink): void }): ReactNode {
  const { t } = useI18n();
  const [name, setName] = useState('');
  const [source, setSource] = useState<AlertSource>('guance');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const submit = async (e: FormEvent): Promise<void> => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      onCreated(await createLink({ name: name.trim(), source }));
      setName('');
    } catch (err) {
      setError(message(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form className="link-form" onSubmit={(e) => void submit(e)} aria-labelledby="link-create-title">
      <div className="field">
        <label htmlFor="link-name">{t('col.name')}</label>
        <input
          id="link-name"
          name="name"
          value={name}
          onChange={(e) => setName(e.target.value)}
          required
          maxLength={63}
          placeholder="guance-prod"
          autoComplete="off"
          aria-describedby="link-name-hint"
        />
        <span id="link-name-hint" className="small">
          {t('links.nameHint')}
        </span>
      </div>
      <label>
        <span>{t('col.source')}</span>
        <select
          name="source"
          value={source}
          onChange={(e) => setSource(ALERT_SOURCES.find((s) => s === e.target.value) ?? 'guance')}
        >
          {ALERT_SOURCES.map((s) => (
            <option key={s} value={s}>
              {t(sourceKey[s])}
            </option>
          ))}
        </select>
      </label>
      <div className="link-form-actions">
        <button type="submit" className="button button-primary" disabled={busy}>
          {busy ? t('links.creating') : t('links.submit')}
        </button>
      </div>
      {error && (
        <p className="notice notice-error link-form-error" role="alert">
          {t('links.failed', { error })}
        </p>
      )}
    </form>
  );
}

/** The new link's full URL, shown this once, with a copy button and the warning that it will not come back. */
export function OneTimeUrl({ link, onDismiss }: { link: CreatedLink; onDismiss(): void }): ReactNode {
  const { t } = useI18n();
  const url = `${window.location.origin}${link.path}`;
  const input = useRef<HTMLInputElement>(null);
  const [copy, setCopy] = useState<'idle' | 'copied' | 'failed'>('idle');
  const doCopy = async (): Promise<void> => {
    try {
      if (!navigator.clipboard) throw new Error('no clipboard');
      await navigator.clipboard.writeText(url);
      setCopy('copied');
    } catch {
      input.current?.select();
      setCopy('failed');
    }
  };
  return (
    <div className="one-time" id="new-link">
      <p className="notice notice-warn" role="alert">
        <strong>{t('links.created', { name: link.name })}</strong> {t('links.once')}
      </p>
      <label className="url-field">
        <span>{t('links.url')}</span>
        <span className="url-row">
          <input
            ref={input}
            id="new-link-url"
            className="mono"
            readOnly
            value={url}
            onFocus={(e) => e.target.select()}
          />
          <button type="button" className="button" onClick={() => void doCopy()}>
            {t('links.copy')}
          </button>
          <button type="button" className="button" onClick={onDismiss}>
            {t('links.dismiss')}
          </button>
        </span>
      </label>
      <p role="status" className={copy === 'failed' ? 'small test-result error' : 'small test-result ok'}>
        {copy === 'copied' && t('links.copied')}
        {copy === 'failed' && t('links.copyFailed')}
      </p>
    </div>
  );
}

type RevokeState = { step: 'idle' } | { step: 'confirm' } | { step: 'busy' } | { step: 'failed'; error: string };

/** Revoke with a confirmation step in place (no native dialog): the URL stops working at once. */
export function RevokeControl({ name, onRevoked }: { name: string; onRevoked(): void }): ReactNode {
  const { t } = useI18n();
  const [s, setS] = useState<RevokeState>({ step: 'idle' });
  const revoke = async (): Promise<void> => {
    setS({ step: 'busy' });
    try {
      await revokeLink(name);
      setS({ step: 'idle' });
      onRevoked();
    } catch (err) {
      setS({ step: 'failed', error: message(err) });
    }
  };
  if (s.step === 'confirm' || s.step === 'busy') {
    return (
      <div className="confirm" role="group" aria-label={t('links.revoke')}>
        <p className="small">{t('links.confirm', { name })}</p>
        <div className="confirm-actions">
          <button
            type="button"
            className="button button-small button-danger"
            disabled={s.step === 'busy'}
            onClick={() => void revoke()}
          >
            {s.step === 'busy' ? t('links.revoking') : t('links.confirmYes')}
          </button>
          <button
            type="button"
            className="button button-small"
            autoFocus
            disabled={s.step === 'busy'}
            onClick={() => setS({ step: 'idle' })}
          >
            {t('links.cancel')}
          </button>
        </div>
      </div>
    );
  }
  return (
    <div className="test-cell">
      <button type="button" className="button button-small" onClick={() => setS({ step: 'confirm' })}>
        {t('links.revoke')}
      </button>
      {s.step === 'failed' && (
        <span role="alert" className="test-result error small">
          {t('links.revokeFailed', { error: s.error })}
        </span>
      )}
    </div>
  );
}
