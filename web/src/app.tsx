import type { JSX } from 'preact';
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { closeSession, currentSession, remember, type Session } from './api';
import { Alarm, unlockSound } from './Alarm';
import { I18nContext, i18nFor, initialLang, rememberLang, type Lang } from './i18n';
import { useAlerts } from './live';
import { Account } from './screens/Account';
import { Alerts } from './screens/Alerts';
import { Cameras } from './screens/Cameras';
import { Detail } from './screens/Detail';
import { SignIn } from './screens/SignIn';
import type { Panel } from './screens/Admin';

const PANEL_NAMES: readonly string[] = ['accounts', 'cameras', 'chain', 'reports', 'audit', 'packages'];

type Route = 'alerts' | 'cameras' | 'account' | 'alert' | 'health' | 'admin';
type AdminScreen = (props: { session: Session; panel: Panel }) => JSX.Element;

function routeOf(hash: string): { route: Route; id: string } {
  const [r, id = ''] = hash.replace(/^#\/?/, '').split('/');
  if (r === 'admin') return { route: 'admin', id: PANEL_NAMES.includes(id) ? id : 'accounts' };
  return { route: r === 'cameras' || r === 'account' || r === 'health' || (r === 'alert' && id) ? r as Route : 'alerts', id: decodeURIComponent(id) };
}

function useNow(): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 30_000);
    return () => clearInterval(timer);
  }, []);
  return now;
}

function useOnline(): boolean {
  const [online, setOnline] = useState(navigator.onLine);
  useEffect(() => {
    const on = () => setOnline(navigator.onLine);
    addEventListener('online', on);
    addEventListener('offline', on);
    return () => {
      removeEventListener('online', on);
      removeEventListener('offline', on);
    };
  }, []);
  return online;
}

function Shell({ session, lang, setLang, onSignOut, onSession }: { session: Session; lang: Lang; setLang: (l: Lang) => void; onSignOut: () => void; onSession: (s: Session) => void }) {
  const i18n = i18nFor(lang);
  const { t } = i18n;
  const alerts = useAlerts(session);
  const now = useNow();
  const [{ route, id }, setRoute] = useState(routeOf(location.hash));
  const page = useRef<HTMLDivElement>(null);
  const online = useOnline();
  // the charts (uPlot) load with their screen, not with the first page
  const [HealthScreen, setHealthScreen] = useState<(() => JSX.Element) | null>(null);
  // and so does the Admin area (its tables and charts), for admins only
  const [AdminArea, setAdminArea] = useState<AdminScreen | null>(null);
  const isAdmin = session.role === 'admin';
  useEffect(() => {
    if (route === 'health' && !HealthScreen) void import('./screens/Health').then((m) => setHealthScreen(() => m.Health));
    if (route === 'admin' && isAdmin && !AdminArea) void import('./screens/Admin').then((m) => setAdminArea(() => m.Admin));
  }, [route]);

  useEffect(() => {
    const onHash = () => setRoute(routeOf(location.hash));
    addEventListener('hashchange', onHash);
    return () => removeEventListener('hashchange', onHash);
  }, []);
  useEffect(() => {
    document.title = alerts.unread > 0 ? `(${alerts.unread}) ${t('appName')}` : t('appName');
  }, [alerts.unread, lang]);
  // while the alarm is up, the rest of the page can be neither clicked nor reached by Tab
  useEffect(() => {
    if (page.current) page.current.inert = alerts.alarm !== null;
  }, [alerts.alarm]);

  const link = (to: Route | 'admin/accounts', label: string, badge?: number) => (
    <a href={`#/${to}`} aria-current={route === to || (to === 'alerts' && route === 'alert') || (to === 'admin/accounts' && route === 'admin') ? 'page' : undefined}>
      {label}
      {badge ? <span class="badge" aria-label={t('unread', { n: badge })}>{badge}</span> : null}
    </a>
  );

  return (
    <I18nContext.Provider value={i18n}>
      <div ref={page}>
        <header class="top">
          <span class="brand">{t('appName')}</span>
          <button type="button" class="lang" onClick={() => setLang(lang === 'zh' ? 'en' : 'zh')} lang={lang === 'zh' ? 'en' : 'zh'}>{t('otherLanguage')}</button>
        </header>
        <nav aria-label={t('navLabel')} class="tabs">
          {link('alerts', t('navAlerts'), alerts.unread)}
          {link('cameras', t('navCameras'))}
          {link('health', t('navHealth'))}
          {link('account', t('navAccount'))}
          {isAdmin && link('admin/accounts', t('navAdmin'))}
        </nav>
        {!online && <p class="banner" role="status">{t('offline')}</p>}
        <main>
          {route === 'alerts' && <Alerts session={session} alerts={alerts} now={now} />}
          {route === 'cameras' && <Cameras session={session} liveness={alerts.liveness} alerts={alerts.list} now={now} />}
          {route === 'account' && <Account session={session} onSignOut={onSignOut} onSession={onSession} />}
          {route === 'health' && (HealthScreen ? <HealthScreen /> : <p>{t('loading')}</p>)}
          {route === 'admin' && (!isAdmin ? <p>{t('adminOnly')}</p> : AdminArea ? <AdminArea session={session} panel={id as Panel} /> : <p>{t('loading')}</p>)}
          {route === 'alert' && <Detail eventId={id} session={session} now={now} refresh={alerts.list.find((n) => n.event_id === id)?.acknowledged} />}
        </main>
      </div>
      {alerts.alarm && <Alarm notice={alerts.alarm} session={session} now={now} onAcknowledge={alerts.acknowledge} />}
    </I18nContext.Provider>
  );
}

export function App() {
  const [lang, setLangState] = useState<Lang>(initialLang);
  const [session, setSession] = useState<Session | null | undefined>(undefined);
  const i18n = useMemo(() => i18nFor(lang), [lang]);
  const setLang = (l: Lang) => {
    rememberLang(l);
    setLangState(l);
  };

  useEffect(() => {
    rememberLang(lang);
    currentSession().then(setSession, () => setSession(null));
    if ('serviceWorker' in navigator) void navigator.serviceWorker.register('/app/sw.js', { scope: '/app/' }).catch(() => undefined);
    addEventListener('pointerdown', unlockSound, { once: true });
    addEventListener('keydown', unlockSound, { once: true });
  }, []);

  if (session === undefined) return null;
  if (session === null) {
    return (
      <I18nContext.Provider value={i18n}>
        <header class="top">
          <span class="brand">{i18n.t('appName')}</span>
          <button type="button" class="lang" onClick={() => setLang(lang === 'zh' ? 'en' : 'zh')} lang={lang === 'zh' ? 'en' : 'zh'}>{i18n.t('otherLanguage')}</button>
        </header>
        <SignIn onSession={(s) => {
          unlockSound();
          remember(s);
          setSession(s);
        }} />
      </I18nContext.Provider>
    );
  }
  return <Shell session={session} lang={lang} setLang={setLang} onSession={(s) => {
    remember(s);
    setSession(s);
  }} onSignOut={async () => {
    await closeSession();
    // whoever signs in next starts at the alerts, not on this account's page
    history.replaceState(null, '', '#/alerts');
    setSession(null);
  }} />;
}
