import { useEffect, useState } from 'preact/hooks';
import { call, currentSession, openSession, type Reply, type Session } from '../../api/client';
import { keyOf } from '../../api/statuses';
import { problem } from '../../api/problems';
import { CodeStep, proof, terminal } from '../../ui/CodeStep';
import { useI18n } from '../../ui/i18n';
import { maskPhone } from '../../ui/time';
import { AuditTable, type AuditEntry } from '../../ui/tables';
import { QuietHours } from './Quiet';

type PushState = 'unsupported' | 'blocked' | 'off' | 'on';

function keyBytes(base64url: string): Uint8Array<ArrayBuffer> {
  const raw = atob(base64url.replace(/-/g, '+').replace(/_/g, '/'));
  const bytes = new Uint8Array(new ArrayBuffer(raw.length));
  for (let i = 0; i < raw.length; i++) bytes[i] = raw.charCodeAt(i);
  return bytes;
}

/** Web Push on this device: the browser's subscription, handed to the server (push.subscribe), or taken back. */
function Notifications() {
  const { t } = useI18n();
  const [state, setState] = useState<PushState>('off');
  const [error, setError] = useState<string | null>(null);
  const supported = 'serviceWorker' in navigator && 'PushManager' in window && 'Notification' in window;

  useEffect(() => {
    if (!supported) return setState('unsupported');
    if (Notification.permission === 'denied') return setState('blocked');
    void navigator.serviceWorker.ready.then((r) => r.pushManager.getSubscription()).then((s) => setState(s ? 'on' : 'off'));
  }, []);

  const turnOn = async () => {
    setError(null);
    try {
      if ((await Notification.requestPermission()) !== 'granted') return setState('blocked');
      const key = await call<{ public_key: string }>('/push', 'push', 'key');
      if (key.key !== 'OK') return setError(t('errorGeneric', { status: key.status, message: key.message }));
      const registration = await navigator.serviceWorker.ready;
      const sub = await registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: keyBytes(key.data.public_key) });
      const reply = await call('/push', 'push', 'subscribe', sub.toJSON());
      if (reply.key !== 'OK') {
        await sub.unsubscribe();
        return setError(t('errorGeneric', { status: reply.status, message: reply.message }));
      }
      setState('on');
    } catch (err) {
      setError(t('errorGeneric', { status: 'push', message: (err as Error).message }));
    }
  };

  const turnOff = async () => {
    const sub = await (await navigator.serviceWorker.ready).pushManager.getSubscription();
    if (sub) {
      await call('/push', 'push', 'unsubscribe', { endpoint: sub.endpoint });
      await sub.unsubscribe();
    }
    setState('off');
  };

  const words = { unsupported: t('notificationsUnsupported'), blocked: t('notificationsBlocked'), off: t('notificationsOff'), on: t('notificationsOn') }[state];
  return (
    <div class="card" aria-labelledby="push-heading">
      <h2 id="push-heading">{t('notifications')}</h2>
      <p>{t('notificationsHint')}</p>
      <p role="status">{words}</p>
      {error && <p class="error" role="alert">{error}</p>}
      {state === 'off' && <button type="button" class="primary" onClick={() => void turnOn()}>{t('turnOn')}</button>}
      {state === 'on' && <button type="button" class="secondary" onClick={() => void turnOff()}>{t('turnOff')}</button>}
    </div>
  );
}

interface SessionRow { session_id: string; device_name: string | null; device_model: string | null; plat_id: number | null; last_used_at: string; current: boolean }

function Profile({ session }: { session: Session }) {
  const { t } = useI18n();
  const [nickname, setNickname] = useState('');
  const [version, setVersion] = useState(Date.now());
  const [message, setMessage] = useState<{ text: string; error: boolean } | null>(null);

  useEffect(() => {
    void fetch('/api/user/info', { credentials: 'same-origin', cache: 'no-store' }).then((r) => r.json()).then((r: { status: number; data: { nickname: string | null } }) => {
      if (keyOf('/user/info', r.status) === 'OK') setNickname(r.data.nickname ?? '');
    }).catch(() => undefined);
  }, [session.phone]);

  const say = (r: Reply<unknown>) => setMessage(r.key === 'OK' ? { text: t('saved'), error: false } : { text: t('errorGeneric', { status: r.status, message: r.message }), error: true });
  return (
    <form class="card" onSubmit={async (e) => {
      e.preventDefault();
      const r = await call('/user/info', 'info', 'update', { phone: session.phone, nickname: nickname.trim() || null });
      say(r);
    }}>
      <h2>{t('profile')}</h2>
      <img class="portrait" src={`/api/get/portrait/${encodeURIComponent(session.phone)}?v=${version}`} alt={t('portraitAlt')} width={96} height={96} />
      <label for="portrait-file">{t('choosePortrait')}</label>
      <input id="portrait-file" type="file" accept="image/jpeg,image/png,image/webp" onChange={async (e) => {
        const file = e.currentTarget.files?.[0];
        if (!file) return;
        const bytes = new Uint8Array(await file.arrayBuffer());
        let binary = '';
        for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
        const r = await call('/portrait', 'portrait', 'upload', { base64: btoa(binary) });
        say(r);
        if (r.key === 'OK') setVersion(Date.now());
      }} />
      <label for="nickname">{t('nickname')}</label>
      <input id="nickname" maxLength={20} value={nickname} onInput={(e) => setNickname(e.currentTarget.value)} autoComplete="nickname" />
      {message && <p class={message.error ? 'error' : 'ok'} role="status">{message.text}</p>}
      <button type="submit" class="primary">{t('save')}</button>
    </form>
  );
}

function Password({ session, onSession }: { session: Session; onSession: (s: Session) => void }) {
  const { t } = useI18n();
  const [old, setOld] = useState('');
  const [fresh, setFresh] = useState('');
  const [message, setMessage] = useState<{ text: string; error: boolean } | null>(null);
  return (
    <form class="card" onSubmit={async (e) => {
      e.preventDefault();
      if (fresh.length < 6) return setMessage({ text: t('errorPasswordShort'), error: true });
      const r = await call('/user/password', 'password', 'change', { phone: session.phone, old, new: fresh });
      if (r.key !== 'OK') return setMessage({ text: problem(r, 'password', t), error: true });
      // a new password ends every token of the account, this browser's too: sign in again with it
      const login = await call<{ token: string }>('/user/login', 'login', 'pass', { phone: session.phone, pass: fresh, device: terminal() });
      const next = login.key === 'OK' ? await openSession(login.data.token) : null;
      setOld('');
      setFresh('');
      setMessage({ text: t('passwordChanged'), error: false });
      if (next?.key === 'OK') onSession(next.data);
    }}>
      <h2>{t('changePassword')}</h2>
      <label for="old-password">{t('currentPassword')}</label>
      <input id="old-password" type="password" autoComplete="current-password" required value={old} onInput={(e) => setOld(e.currentTarget.value)} />
      <label for="new-password">{t('newPassword')}</label>
      <input id="new-password" type="password" autoComplete="new-password" required minLength={6} value={fresh} onInput={(e) => setFresh(e.currentTarget.value)} />
      {message && <p class={message.error ? 'error' : 'ok'} role="status">{message.text}</p>}
      <button type="submit" class="primary">{t('changePassword')}</button>
    </form>
  );
}

/** A change that needs an SMS code (the picture check first): a new phone number (4), deleting the account (5). */
function CodeForm({ title, hint, purpose, phoneField, ownPhone, action, danger, onDone }: {
  title: string; hint?: string; purpose: 4 | 5; phoneField: boolean; ownPhone: string; action: string; danger?: boolean;
  onDone: (phone: string, hash: string) => Promise<Reply<unknown> | null>;
}) {
  const { t } = useI18n();
  const [phone, setPhone] = useState('');
  const [code, setCode] = useState('');
  const [rand, setRand] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [open, setOpen] = useState(false);
  const prefix = purpose === 4 ? 'phone-change' : 'account-delete';
  if (!open) return <div class="card"><h2>{title}</h2>{hint && <p>{hint}</p>}<button type="button" class={danger ? 'secondary danger' : 'secondary'} onClick={() => setOpen(true)}>{title}</button></div>;
  return (
    <form class="card" onSubmit={async (e) => {
      e.preventDefault();
      if (!rand) return setError(t('errorCode'));
      const r = await onDone(phone.trim(), proof(code.trim(), rand));
      if (r && r.key !== 'OK') setError(problem(r, 'sms', t));
    }}>
      <h2>{title}</h2>
      {hint && <p>{hint}</p>}
      {phoneField && (
        <>
          <label for={`${prefix}-phone`}>{t('newPhone')}</label>
          <input id={`${prefix}-phone`} type="tel" inputMode="numeric" required value={phone} onInput={(e) => setPhone(e.currentTarget.value)} />
        </>
      )}
      <CodeStep id={`${prefix}-captcha`} phone={phoneField ? phone : ownPhone} purpose={purpose} onRand={setRand} onError={setError} />
      <label for={`${prefix}-code`}>{t('smsCode')}</label>
      <input id={`${prefix}-code`} inputMode="numeric" autoComplete="one-time-code" maxLength={6} required value={code} onInput={(e) => setCode(e.currentTarget.value)} />
      {error && <p class="error" role="alert">{error}</p>}
      <button type="submit" class={danger ? 'primary danger' : 'primary'}>{action}</button>{' '}
      <button type="button" class="secondary" onClick={() => setOpen(false)}>{t('cancel')}</button>
    </form>
  );
}

function Sessions({ session }: { session: Session }) {
  const { t } = useI18n();
  const [list, setList] = useState<SessionRow[]>([]);
  const [message, setMessage] = useState<string | null>(null);
  const load = async () => {
    const r = await call<{ list: SessionRow[] }>('/user/session', 'session', 'list');
    if (r.key === 'OK') setList(r.data.list);
  };
  useEffect(() => void load(), [session]);
  return (
    <div class="card">
      <h2>{t('sessions')}</h2>
      {message && <p class="ok" role="status">{message}</p>}
      <ul class="sessions">
        {list.map((s) => (
          <li key={s.session_id}>
            <strong>{s.device_name || s.device_model || t('unknownDevice')}</strong>{s.current ? ` (${t('thisBrowser')})` : ''}
            <br />
            <span class="hint">{t('lastUsed')} {s.last_used_at}</span>
            {!s.current && <><br /><button type="button" class="secondary" aria-label={`${t('signOutDevice')}: ${s.device_name || t('unknownDevice')}`} onClick={async () => {
              const r = await call('/user/session', 'session', 'revoke', { session_id: s.session_id });
              if (r.key === 'OK') setMessage(t('signedOutDevice'));
              void load();
            }}>{t('signOutDevice')}</button></>}
          </li>
        ))}
      </ul>
    </div>
  );
}

/** The account's own audit entries: what it did, and what was done to it (audit.list on /user/session). */
function Activity() {
  const { t } = useI18n();
  const [list, setList] = useState<AuditEntry[] | null>(null);
  useEffect(() => {
    void call<{ list: AuditEntry[] }>('/user/session', 'audit', 'list', { limit: 20 }).then((r) => r.key === 'OK' && setList(r.data.list));
  }, []);
  return (
    <div class="card" aria-labelledby="activity-heading">
      <h2 id="activity-heading">{t('myActivity')}</h2>
      {list ? <AuditTable list={list} caption={t('myActivity')} /> : <p>{t('loading')}</p>}
    </div>
  );
}

type ExportState = { state: 'idle' | 'pending' | 'building' | 'ready' | 'taken' | 'failed' | 'expired'; url?: string };

/** "Take your data with you": account.export, then account.export_status until the ZIP is ready, then its one-time link. */
function MyData() {
  const { t } = useI18n();
  const [exp, setExp] = useState<ExportState>({ state: 'idle' });
  const [error, setError] = useState<string | null>(null);
  const poll = async (id: string) => {
    for (let i = 0; i < 600; i++) {
      const r = await call<{ state: ExportState['state']; url?: string }>('/user/phone', 'account', 'export_status', { export_id: id });
      if (r.key !== 'OK') return setError(t('errorGeneric', { status: r.status, message: r.message }));
      setExp(r.data);
      if (r.data.state !== 'pending' && r.data.state !== 'building') return;
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  };
  const ask = async () => {
    setError(null);
    const r = await call<{ export_id: string }>('/user/phone', 'account', 'export');
    if (r.key === 'EXPORT_LIMIT') return setError(t('dataLimit'));
    if (r.key !== 'OK') return setError(t('errorGeneric', { status: r.status, message: r.message }));
    setExp({ state: 'pending' });
    await poll(r.data.export_id);
  };
  const working = exp.state === 'pending' || exp.state === 'building';
  return (
    <div class="card" aria-labelledby="data-heading">
      <h2 id="data-heading">{t('myData')}</h2>
      <p class="hint">{t('myDataHint')}</p>
      {exp.state === 'ready' && exp.url
        ? <a class="primary button-link" href={exp.url} download onClick={() => setTimeout(() => setExp({ state: 'taken' }), 500)}>{t('downloadData')}</a>
        : <button type="button" class="primary" disabled={working} onClick={ask}>{working ? t('preparing') : t('requestData')}</button>}
      <p role="status">{exp.state === 'taken' ? t('dataTaken') : exp.state === 'failed' || exp.state === 'expired' ? t('dataFailed') : working ? t('preparing') : ''}</p>
      {error && <p class="error" role="alert">{error}</p>}
    </div>
  );
}

export function Account({ session, onSignOut, onSession }: { session: Session; onSignOut: () => void; onSession: (s: Session) => void }) {
  const { t } = useI18n();
  return (
    <section aria-labelledby="account-heading">
      <h1 id="account-heading">{t('account')}</h1>
      <div class="card">
        <p>{t('signedInAs', { phone: maskPhone(session.phone) })}</p>
        <button type="button" class="secondary" onClick={onSignOut}>{t('signOut')}</button>
      </div>
      <Profile session={session} />
      <Notifications />
      <QuietHours />
      <Sessions session={session} />
      <Activity />
      <MyData />
      <Password session={session} onSession={onSession} />
      <CodeForm title={t('changePhone')} purpose={4} phoneField ownPhone={session.phone} action={t('changePhone')} onDone={async (phone, hash) => {
        const r = await call('/user/phone', 'phone', 'change', { phone, hash });
        if (r.key === 'OK') {
          const next = await currentSession();
          if (next) onSession(next);
        }
        return r;
      }} />
      <CodeForm title={t('deleteAccount')} hint={t('deleteHint')} purpose={5} phoneField={false} ownPhone={session.phone} action={t('deleteNow')} danger onDone={async (_phone, hash) => {
        const r = await call('/user/phone', 'account', 'delete', { hash });
        if (r.key === 'OK') onSignOut();
        return r;
      }} />
    </section>
  );
}
