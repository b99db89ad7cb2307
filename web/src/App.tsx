import { useEffect, type ReactNode } from 'react';
import { useI18n } from './i18n-context.tsx';
import { languages, type Lang, type MessageKey } from './i18n.ts';
import { Link, useLocation } from './router.tsx';
import { ChannelsPage } from './pages/ChannelsPage.tsx';
import { FailureDetailPage } from './pages/FailureDetailPage.tsx';
import { FailuresPage } from './pages/FailuresPage.tsx';
import { OverviewPage } from './pages/OverviewPage.tsx';

type Route = { page: 'overview' | 'failures' | 'channels' | 'notFound' } | { page: 'failure'; id: number };

export function matchRoute(path: string): Route {
  const p = path.replace(/\/+$/, '') || '/';
  if (p === '/') return { page: 'overview' };
  if (p === '/failures') return { page: 'failures' };
  if (p === '/channels') return { page: 'channels' };
  const m = /^\/failures\/(\d+)$/.exec(p);
  if (m) return { page: 'failure', id: Number(m[1]) };
  return { page: 'notFound' };
}

const NAV: Array<{ to: string; key: MessageKey; section: Route['page'][] }> = [
  { to: '/', key: 'nav.overview', section: ['overview'] },
  { to: '/failures', key: 'nav.failures', section: ['failures', 'failure'] },
  { to: '/channels', key: 'nav.channels', section: ['channels'] },
];

export function App(): ReactNode {
  const { t } = useI18n();
  const { path } = useLocation();
  const route = matchRoute(path);
  const current = NAV.find((n) => n.section.includes(route.page));

  useEffect(() => {
    if (route.page !== 'failure') document.title = current ? `${t(current.key)} · Kubeloop` : 'Kubeloop';
  }, [route.page, current, t]);

  return (
    <>
      <a className="skip-link" href="#main">{t('app.skip')}</a>
      <header className="topbar">
        <div className="topbar-inner">
          <Link to="/" className="brand"><span className="brand-mark" aria-hidden="true" />{t('app.name')}</Link>
          <nav aria-label={t('nav.label')} className="mainnav">
            {NAV.map((n) => (
              <Link key={n.to} to={n.to} aria-current={n === current ? 'page' : undefined}>{t(n.key)}</Link>
            ))}
          </nav>
          <LangSwitch />
        </div>
      </header>
      <main id="main" className="content" tabIndex={-1}>
        <Page route={route} />
      </main>
    </>
  );
}

function Page({ route }: { route: Route }): ReactNode {
  const { t } = useI18n();
  switch (route.page) {
    case 'overview': return <OverviewPage />;
    case 'failures': return <FailuresPage />;
    case 'failure': return <FailureDetailPage id={route.id} />;
    case 'channels': return <ChannelsPage />;
    case 'notFound':
      return (
        <div className="card">
          <p>{t('common.notFound')}</p>
          <Link to="/">{t('common.toOverview')}</Link>
        </div>
      );
  }
}

function LangSwitch(): ReactNode {
  const { t, lang, setLang } = useI18n();
  return (
    <label className="lang-switch">
      <span className="visually-hidden">{t('lang.label')}</span>
      <select value={lang} onChange={(e) => setLang(e.target.value === 'zh-CN' ? 'zh-CN' : 'en')} aria-label={t('lang.label')} id="lang-switch">
        {languages.map((l) => <option key={l.code} value={l.code satisfies Lang}>{l.label}</option>)}
      </select>
    </label>
  );
}
