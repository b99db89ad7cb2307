import { useEffect, type ReactNode } from 'react';
import { useI18n } from './i18n-context.tsx';
import { languages, type Lang, type MessageKey } from './i18n.ts';
import { Link, useLocation } from './router.tsx';
import { ActionDetailPage } from './pages/ActionDetailPage.tsx';
import { ActionsPage } from './pages/ActionsPage.tsx';
import { AlertDetailPage } from './pages/AlertDetailPage.tsx';
import { AlertsPage } from './pages/AlertsPage.tsx';
import { ChannelsPage } from './pages/ChannelsPage.tsx';
import { FailureDetailPage } from './pages/FailureDetailPage.tsx';
import { FailuresPage } from './pages/FailuresPage.tsx';
import { LinksPage } from './pages/LinksPage.tsx';
import { OverviewPage } from './pages/OverviewPage.tsx';
import { PlaybooksPage } from './pages/PlaybooksPage.tsx';

type ListPage = 'overview' | 'failures' | 'channels' | 'alerts' | 'actions' | 'playbooks' | 'links';
type DetailPage = 'failure' | 'alert' | 'action';
type Route = { page: ListPage | 'notFound' } | { page: DetailPage; id: number };

const LIST_PAGES: Record<string, ListPage> = {
  '/': 'overview',
  '/failures': 'failures',
  '/channels': 'channels',
  '/alerts': 'alerts',
  '/actions': 'actions',
  '/playbooks': 'playbooks',
  '/links': 'links',
};
const DETAIL_PAGES: Record<string, DetailPage> = { failures: 'failure', alerts: 'alert', actions: 'action' };

export function matchRoute(path: string): Route {
  const p = path.replace(/\/+$/, '') || '/';
  const list = LIST_PAGES[p];
  if (list) return { page: list };
  const m = /^\/(failures|alerts|actions)\/(\d+)$/.exec(p);
  const detail = m ? DETAIL_PAGES[m[1] ?? ''] : undefined;
  if (m && detail) return { page: detail, id: Number(m[2]) };
  return { page: 'notFound' };
}

const NAV: Array<{ to: string; key: MessageKey; section: Route['page'][] }> = [
  { to: '/', key: 'nav.overview', section: ['overview'] },
  { to: '/failures', key: 'nav.failures', section: ['failures', 'failure'] },
  { to: '/channels', key: 'nav.channels', section: ['channels'] },
  { to: '/alerts', key: 'nav.alerts', section: ['alerts', 'alert'] },
  { to: '/actions', key: 'nav.actions', section: ['actions', 'action'] },
  { to: '/playbooks', key: 'nav.playbooks', section: ['playbooks'] },
  { to: '/links', key: 'nav.links', section: ['links'] },
];

export function App(): ReactNode {
  const { t } = useI18n();
  const { path } = useLocation();
  const route = matchRoute(path);
  const current = NAV.find((n) => n.section.includes(route.page));
  const isDetail = 'id' in route;

  useEffect(() => {
    // Detail pages title themselves once their record has loaded.
    if (!isDetail) document.title = current ? `${t(current.key)} · Kubeloop` : 'Kubeloop';
  }, [isDetail, current, t]);

  return (
    <>
      <a className="skip-link" href="#main">
        {t('app.skip')}
      </a>
      <header className="topbar">
        <div className="topbar-inner">
          <Link to="/" className="brand">
            <span className="brand-mark" aria-hidden="true" />
            {t('app.name')}
          </Link>
          <nav aria-label={t('nav.label')} className="mainnav">
            {NAV.map((n) => (
              <Link key={n.to} to={n.to} aria-current={n === current ? 'page' : undefined}>
                {t(n.key)}
              </Link>
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
    case 'overview':
      return <OverviewPage />;
    case 'failures':
      return <FailuresPage />;
    case 'failure':
      return <FailureDetailPage id={route.id} />;
    case 'channels':
      return <ChannelsPage />;
    case 'alerts':
      return <AlertsPage />;
    case 'alert':
      return <AlertDetailPage id={route.id} />;
    case 'actions':
      return <ActionsPage />;
    case 'action':
      return <ActionDetailPage id={route.id} />;
    case 'playbooks':
      return <PlaybooksPage />;
    case 'links':
      return <LinksPage />;
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
      <select
        value={lang}
        onChange={(e) => setLang(e.target.value === 'zh-CN' ? 'zh-CN' : 'en')}
        aria-label={t('lang.label')}
        id="lang-switch"
      >
        {languages.map((l) => (
          <option key={l.code} value={l.code satisfies Lang}>
            {l.label}
          </option>
        ))}
      </select>
    </label>
  );
}
