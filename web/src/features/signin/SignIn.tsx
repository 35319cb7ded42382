import { useEffect, useState } from 'preact/hooks';
import { call, NetworkError, openSession, type Reply, type Session } from '../../api/client';
import { useI18n } from '../../ui/i18n';
import type { Key } from '../../ui/strings';
import { problem, type Mode } from '../../api/problems';
import { CodeStep, proof, PURPOSE, terminal } from '../../ui/CodeStep';

export function SignIn({ onSession }: { onSession: (s: Session) => void }) {
  const { t } = useI18n();
  const [mode, setMode] = useState<Mode>('password');
  const [phone, setPhone] = useState('');
  const [pass, setPass] = useState('');
  const [code, setCode] = useState('');
  const [rand, setRand] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);

  const go = (m: Mode, why: string | null = null) => {
    setMode(m);
    setError(null);
    setNotice(why);
    setRand(null);
    setCode('');
  };

  /** A sign-in's token goes straight to the server as the session cookie; this page keeps nothing of it. */
  const signInWith = async (reply: Reply<{ token: string; retry_after?: number }>, as: Mode) => {
    if (reply.key === 'NEW_DEVICE') return go('sms', t('newDeviceTitle'));
    if (reply.key !== 'OK') return setError(problem(reply, as, t));
    const session = await openSession(reply.data.token);
    if (session.key !== 'OK') return setError(t('errorGeneric', { status: session.status, message: session.message }));
    onSession(session.data);
  };

  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const p = phone.trim();
      if (mode === 'password') {
        await signInWith(await call('/user/login', 'login', 'pass', { phone: p, pass, device: terminal() }), 'password');
      } else if (!rand) {
        setError(t('errorCode'));
      } else if (mode === 'sms') {
        await signInWith(await call('/user/login', 'login', 'sms', { phone: p, hash: proof(code.trim(), rand), device: terminal() }), 'sms');
      } else if (pass.length < 6) {
        setError(t('errorPasswordShort'));
      } else if (mode === 'register') {
        const made = await call('/user/register', 'register', 'phone', { phone: p, hash: proof(code.trim(), rand), pass });
        if (made.key !== 'OK') return setError(problem(made, 'register', t));
        await signInWith(await call('/user/login', 'login', 'pass', { phone: p, pass, device: terminal() }), 'password');
      } else {
        const done = await call('/user/password', 'password', 'forget', { phone: p, hash: proof(code.trim(), rand), pass });
        if (done.key !== 'OK') return setError(problem(done, 'forgot', t));
        go('password', t('passwordSet'));
        setPass('');
      }
    } catch (err) {
      setError(err instanceof NetworkError ? t('errorNetwork') : String(err));
    } finally {
      setBusy(false);
    }
  };

  const title = mode === 'register' ? t('registerTitle') : mode === 'forgot' ? t('forgotTitle') : t('signInTitle');
  const action = mode === 'register' ? t('createAccount') : mode === 'forgot' ? t('setPassword') : t('signIn');
  return (
    <main class="signin">
      <h1>{t('appName')}</h1>
      <p class="lead">{title}</p>
      {notice && <p class="note" role="status">{notice}</p>}
      <form onSubmit={submit} class="card">
        <label for="phone">{t('phone')}</label>
        <input id="phone" name="phone" type="tel" inputMode="numeric" autoComplete="username" required value={phone} onInput={(e) => setPhone(e.currentTarget.value)} />
        {mode !== 'password' && <CodeStep key={mode} phone={phone} purpose={PURPOSE[mode]} onRand={setRand} onError={setError} />}
        {mode !== 'password' && (
          <>
            <label for="sms-code">{t('smsCode')}</label>
            <input id="sms-code" inputMode="numeric" autoComplete="one-time-code" maxLength={6} required value={code} onInput={(e) => setCode(e.currentTarget.value)} />
          </>
        )}
        {mode !== 'sms' && (
          <>
            <label for="password">{mode === 'password' ? t('password') : t('newPassword')}</label>
            <input id="password" name="password" type="password" autoComplete={mode === 'password' ? 'current-password' : 'new-password'} required minLength={mode === 'password' ? undefined : 6}
              value={pass} onInput={(e) => setPass(e.currentTarget.value)} />
          </>
        )}
        {error && <p class="error" role="alert">{error}</p>}
        <button type="submit" class="primary" disabled={busy}>{busy ? t('signingIn') : action}</button>
      </form>
      <nav class="ways" aria-label={t('waysIn')}>
        {mode !== 'password' && <button type="button" class="link" onClick={() => go('password')}>{t('withPassword')}</button>}
        {mode !== 'sms' && <button type="button" class="link" onClick={() => go('sms')}>{t('withSms')}</button>}
        {mode !== 'register' && <button type="button" class="link" onClick={() => go('register')}>{t('register')}</button>}
        {mode !== 'forgot' && <button type="button" class="link" onClick={() => go('forgot')}>{t('forgot')}</button>}
      </nav>
    </main>
  );
}
