import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { loadLang, saveLang, translate, type Lang, type MessageKey, type Params } from './i18n.ts';

export interface I18n {
  lang: Lang;
  setLang(lang: Lang): void;
  t(key: MessageKey, params?: Params): string;
  /** An RFC 3339 time as a local date and time; "—" for null. */
  time(iso: string | null | undefined): string;
  /** Hour and minute only, for chart axes. */
  hour(iso: string): string;
  /** "5 minutes ago" / "5 分钟前". */
  relative(iso: string | null | undefined): string;
  /** Seconds as "1 h 5 min" / "1 小时 5 分钟". */
  duration(seconds: number | null | undefined): string;
}

const I18nContext = createContext<I18n | null>(null);

export function I18nProvider({ children }: { children: ReactNode }): ReactNode {
  const [lang, setLangState] = useState<Lang>(loadLang);
  useEffect(() => {
    document.documentElement.lang = lang;
  }, [lang]);
  const setLang = useCallback((next: Lang) => {
    saveLang(next);
    setLangState(next);
  }, []);
  const value = useMemo(() => makeI18n(lang, setLang), [lang, setLang]);
  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

export function useI18n(): I18n {
  const ctx = useContext(I18nContext);
  if (!ctx) throw new Error('useI18n outside I18nProvider');
  return ctx;
}

const UNITS: Array<[Intl.RelativeTimeFormatUnit, number]> = [
  ['day', 86_400],
  ['hour', 3_600],
  ['minute', 60],
  ['second', 1],
];

function makeI18n(lang: Lang, setLang: (l: Lang) => void): I18n {
  const t = (key: MessageKey, params?: Params): string => translate(lang, key, params);
  const dateTime = new Intl.DateTimeFormat(lang, {
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hour12: false,
  });
  const hourFmt = new Intl.DateTimeFormat(lang, { hour: '2-digit', minute: '2-digit', hour12: false });
  const rel = new Intl.RelativeTimeFormat(lang, { numeric: 'auto' });
  const none = t('common.none');
  return {
    lang,
    setLang,
    t,
    time: (iso) => (iso ? dateTime.format(new Date(iso)) : none),
    hour: (iso) => hourFmt.format(new Date(iso)),
    relative(iso) {
      if (!iso) return none;
      const secs = Math.round((Date.parse(iso) - Date.now()) / 1000);
      const [unit, size] = UNITS.find(([, s]) => Math.abs(secs) >= s) ?? ['second', 1];
      return rel.format(Math.round(secs / size), unit);
    },
    duration(seconds) {
      if (seconds === null || seconds === undefined) return none;
      const h = Math.floor(seconds / 3600);
      const m = Math.floor((seconds % 3600) / 60);
      const s = Math.round(seconds % 60);
      const parts: string[] = [];
      if (h > 0) parts.push(t('duration.h', { n: h }));
      if (m > 0) parts.push(t('duration.m', { n: m }));
      if (s > 0 || parts.length === 0) parts.push(t('duration.s', { n: s }));
      return parts.slice(0, 2).join(' ');
    },
  };
}
