import { useState } from 'preact/hooks';
import { call, NetworkError, openSession, type Session } from '../api';
import { useI18n } from '../i18n';

/** A stable id for this browser, so the account knows it as one terminal (the new-device rule, 441). */
function browserId(): string {
  let id = localStorage.getItem('helpaged.device');
  if (!id) {
    id = Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, '0')).join('');
    localStorage.setItem('helpaged.device', id);
  }
  return id;
}

export function SignIn({ onSession }: { onSession: (s: Session) => void }) {
  const { t } = useI18n();
  const [phone, setPhone] = useState('');
  const [pass, setPass] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const reply = await call<{ token: string; retry_after?: number }>('/user/login', 'login', 'pass', {
        phone: phone.trim(), pass,
        device: { device_no: browserId(), device_name: navigator.userAgent.slice(0, 60), plat_id: 1 },
      });
      if (reply.status !== 0) {
        setError(reply.status === 100 || reply.status === 101 || reply.status === -3 || reply.status === -203 || reply.status === -204 ? t('errorLogin')
          : reply.status === 441 ? t('errorNewDevice')
            : reply.status === 102 ? t('errorTooMany', { s: reply.data.retry_after ?? 60 })
              : t('errorGeneric', { status: reply.status, message: reply.message }));
        return;
      }
      const session = await openSession(reply.data.token);
      if (session.status !== 0) return setError(t('errorGeneric', { status: session.status, message: session.message }));
      onSession(session.data);
    } catch (err) {
      setError(err instanceof NetworkError ? t('errorNetwork') : String(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <main class="signin">
      <h1>{t('appName')}</h1>
      <p class="lead">{t('signInTitle')}</p>
      <form onSubmit={submit} class="card">
        <label for="phone">{t('phone')}</label>
        <input id="phone" name="phone" type="tel" inputMode="numeric" autoComplete="username" required value={phone} onInput={(e) => setPhone(e.currentTarget.value)} />
        <label for="password">{t('password')}</label>
        <input id="password" name="password" type="password" autoComplete="current-password" required value={pass} onInput={(e) => setPass(e.currentTarget.value)} />
        {error && <p class="error" role="alert">{error}</p>}
        <button type="submit" class="primary" disabled={busy}>{busy ? t('signingIn') : t('signIn')}</button>
      </form>
    </main>
  );
}
