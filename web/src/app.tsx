import type { JSX } from 'preact';
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { closeSession, currentSession, remember, type Session } from './api/client';
import { Alarm, unlockSound } from './features/alerts/Alarm';
import { I18nContext, i18nFor, initialLang, rememberLang, useI18n, type Lang } from './ui/i18n';
import { useAlerts } from './features/alerts/live';
import { Account } from './features/account/Account';
import { Alerts } from './features/alerts/Alerts';
import { Cameras } from './features/cameras/Cameras';
import { PausedLine } from './features/cameras/Pause';
import { serverTime } from './ui/time';
import type { AlertsState } from './features/alerts/live';
import { Detail } from './features/alerts/Detail';
import { SignIn } from './features/signin/SignIn';
import { PANELS, type Panel } from './features/admin/panels';

/** The tabs' pictures (24-unit strokes): a bell, a camera, a heart, a person, a shield. */
const ICONS = {
  bell: 'M6 8a6 6 0 0 1 12 0c0 7 3 9 3 9H3s3-2 3-9M10.3 21a1.94 1.94 0 0 0 3.4 0',
  camera: 'M14.5 4h-5L7 7H4a2 2 0 0 0-2 2v9a2 2 0 0 0 2 2h16a2 2 0 0 0 2-2V9a2 2 0 0 0-2-2h-3l-2.5-3zM12 17a4 4 0 1 0 0-8 4 4 0 0 0 0 8z',
  heart: 'M19 14c1.49-1.46 3-3.21 3-5.5A5.5 5.5 0 0 0 16.5 3c-1.76 0-3 .5-4.5 2-1.5-1.5-2.74-2-4.5-2A5.5 5.5 0 0 0 2 8.5c0 2.3 1.5 4.05 3 5.5l7 7z',
  person: 'M20 21v-2a4 4 0 0 0-4-4H8a4 4 0 0 0-4 4v2M12 11a4 4 0 1 0 0-8 4 4 0 0 0 0 8z',
  shield: 'M12 22s8-4 8-10V5l-8-3-8 3v7c0 6 8 10 8 10z',
} as const;

type Route = 'alerts' | 'cameras' | 'account' | 'alert' | 'health' | 'admin';
type AdminScreen = (props: { session: Session; panel: Panel }) => JSX.Element;

function routeOf(hash: string): { route: Route; id: string } {
  const [r, id = ''] = hash.replace(/^#\/?/, '').split('/');
  if (r === 'admin') return { route: 'admin', id: (PANELS as readonly string[]).includes(id) ? id : 'accounts' };
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

/** Every camera paused now, on every page: nobody is phoned about its falls, and nobody should forget it. */
function PausedBanner({ pauses, session, now }: { pauses: AlertsState['pauses']; session: Session; now: number }) {
  const { t } = useI18n();
  const today = serverTime(now, session.timezone).slice(0, 10);
  const paused = Object.entries(pauses).filter(([, p]) => p.paused !== null);
  if (paused.length === 0) return null;
  return (
    <div class="banner paused-banner" role="status">
      {paused.map(([id, p]) => <p key={id}><PausedLine camera={p.device_name} pause={p.paused!} phone={session.phone} today={today} />. {t('pausedNobody')} <a href="#/cameras">{t('pauseManage')}</a></p>)}
    </div>
  );
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
    if (route === 'health' && !HealthScreen) void import('./features/health/Health').then((m) => setHealthScreen(() => m.Health));
    if (route === 'admin' && isAdmin && !AdminArea) void import('./features/admin/Admin').then((m) => setAdminArea(() => m.Admin));
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

  const link = (to: Route | 'admin/accounts', icon: keyof typeof ICONS, label: string, badge?: number) => (
    <a href={`#/${to}`} aria-current={route === to || (to === 'alerts' && route === 'alert') || (to === 'admin/accounts' && route === 'admin') ? 'page' : undefined}>
      <svg class="tab-icon" aria-hidden="true" viewBox="0 0 24 24" width="26" height="26" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round"><path d={ICONS[icon]} /></svg>
      <span>{label}</span>
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
          {link('alerts', 'bell', t('navAlerts'), alerts.unread)}
          {link('cameras', 'camera', t('navCameras'))}
          {link('health', 'heart', t('navHealth'))}
          {link('account', 'person', t('navAccount'))}
          {isAdmin && link('admin/accounts', 'shield', t('navAdmin'))}
        </nav>
        {!online && <p class="banner" role="status">{t('offline')}</p>}
        <PausedBanner pauses={alerts.pauses} session={session} now={now} />
        <main>
          {route === 'alerts' && <Alerts session={session} alerts={alerts} now={now} />}
          {route === 'cameras' && <Cameras session={session} liveness={alerts.liveness} pauses={alerts.pauses} setPause={alerts.setPause} alerts={alerts.list} now={now} />}
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
