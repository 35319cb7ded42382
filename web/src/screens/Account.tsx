import { useEffect, useState } from 'preact/hooks';
import { call, type Session } from '../api';
import { useI18n } from '../i18n';
import { maskPhone } from '../time';

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
      if (key.status !== 0) return setError(t('errorGeneric', { status: key.status, message: key.message }));
      const registration = await navigator.serviceWorker.ready;
      const sub = await registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: keyBytes(key.data.public_key) });
      const reply = await call('/push', 'push', 'subscribe', sub.toJSON());
      if (reply.status !== 0) {
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

export function Account({ session, onSignOut }: { session: Session; onSignOut: () => void }) {
  const { t } = useI18n();
  return (
    <section aria-labelledby="account-heading">
      <h1 id="account-heading">{t('account')}</h1>
      <div class="card">
        <p>{t('signedInAs', { phone: maskPhone(session.phone) })}</p>
        <button type="button" class="secondary" onClick={onSignOut}>{t('signOut')}</button>
      </div>
      <Notifications />
    </section>
  );
}
