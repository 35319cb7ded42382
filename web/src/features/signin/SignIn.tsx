import { md5 } from '@noble/hashes/legacy.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';
import { useEffect, useState } from 'preact/hooks';
import { call, NetworkError, openSession, type Reply, type Session } from '../api';
import { useI18n } from '../i18n';
import type { Key } from '../strings';
import { maskPhone } from '../time';

/** The old API's code proof: md5(code + rand), lower-case hex (the code itself never travels back). */
export const proof = (code: string, rand: string) => bytesToHex(md5(utf8ToBytes(code + rand)));

/** sms.generate's purposes. */
const PURPOSE = { register: 1, forgot: 2, sms: 3 } as const;

export type Mode = 'password' | 'sms' | 'register' | 'forgot';

/** A stable id for this browser, so the account knows it as one terminal (the new-device rule, 441). */
function browserId(): string {
  let id = localStorage.getItem('helpaged.device');
  if (!id) {
    id = Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, '0')).join('');
    localStorage.setItem('helpaged.device', id);
  }
  return id;
}

export const terminal = () => ({ device_no: browserId(), device_name: navigator.userAgent.slice(0, 60), plat_id: 1 });

/** What a refusal means to a person, by the call's local table and the global one. */
export function problem(reply: Reply<{ retry_after?: number }>, mode: Mode, t: (k: Key, p?: Record<string, string | number>) => string): string {
  const s = reply.status;
  const wait = reply.data?.retry_after ?? 60;
  if (s === -3 || s === -203 || s === -204 || s === 1016) return mode === 'password' && s !== 1016 ? t('errorLogin') : t('errorPhone');
  if (s === -4 || s === 400) return t('errorCode');
  if (s === 1023 || s === 1024 || s === 1025) return t('errorWait', { s: wait });
  if (mode === 'password' && (s === 100 || s === 101)) return t('errorLogin');
  if (mode === 'password' && s === 102) return t('errorTooMany', { s: wait });
  if (mode === 'register' && s === 101) return t('errorPhoneTaken');
  if ((mode === 'forgot' || mode === 'sms') && s === 100) return t('errorNoAccount');
  return t('errorGeneric', { status: s, message: reply.message });
}

/** The picture check, then the SMS code: sends the code when the picture's characters match. */
export function CodeStep({ phone, purpose, onRand, onError, id = 'captcha' }: { phone: string; purpose: number; onRand: (rand: string) => void; onError: (e: string | null) => void; id?: string }) {
  const { t } = useI18n();
  const [captcha, setCaptcha] = useState<{ imgdata: string; rand: string } | null>(null);
  const [text, setText] = useState('');
  const [wait, setWait] = useState(0);
  const [sent, setSent] = useState(false);

  /** A new picture; what was typed for the old one is cleared when it is replaced, not on the first load. */
  const picture = async (replace = true) => {
    if (replace) {
      setCaptcha(null);
      setText('');
    }
    const reply = await call<{ imgdata: string; rand: string }>('/captcha', 'img', 'generate');
    if (reply.status === 0) setCaptcha(reply.data);
  };
  useEffect(() => void picture(false), []);
  useEffect(() => {
    if (wait <= 0) return;
    const timer = setTimeout(() => setWait(wait - 1), 1000);
    return () => clearTimeout(timer);
  }, [wait]);

  const send = async () => {
    onError(null);
    if (!captcha) return;
    const check = await call('/captcha', 'img', 'validate', { hash: proof(text.trim().toLowerCase(), captcha.rand) });
    if (check.status !== 0) {
      onError(t('errorPicture'));
      return void picture();
    }
    const reply = await call<{ rand: string; retry_after?: number }>('/captcha', 'sms', 'generate', { phone: phone.trim(), command_type: purpose });
    void picture();
    if (reply.status !== 0) {
      if (reply.data?.retry_after) setWait(reply.data.retry_after);
      return onError(problem(reply, 'sms', t));
    }
    onRand(reply.data.rand);
    setSent(true);
    setWait(30);
  };

  return (
    <div class="code-step">
      <label for={id}>{t('pictureCode')}</label>
      <div class="captcha-row">
        {captcha && <img src={`data:image/png;base64,${captcha.imgdata}`} alt={t('pictureAlt')} width={120} height={30} class="captcha" />}
        <button type="button" class="secondary" onClick={() => void picture()}>{t('newPicture')}</button>
      </div>
      <input id={id} autoComplete="off" autoCapitalize="off" spellcheck={false} maxLength={5} value={text} onInput={(e) => setText(e.currentTarget.value)} />
      <button type="button" class="secondary" disabled={wait > 0 || !captcha || !phone.trim() || text.trim().length < 5} onClick={() => void send()}>
        {wait > 0 ? t('resendIn', { s: wait }) : t('sendCode')}
      </button>
      {sent && <p class="ok" role="status">{t('codeSent', { phone: maskPhone(phone.trim()) })}</p>}
    </div>
  );
}

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
    if (reply.status === 441) return go('sms', t('newDeviceTitle'));
    if (reply.status !== 0) return setError(problem(reply, as, t));
    const session = await openSession(reply.data.token);
    if (session.status !== 0) return setError(t('errorGeneric', { status: session.status, message: session.message }));
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
        if (made.status !== 0) return setError(problem(made, 'register', t));
        await signInWith(await call('/user/login', 'login', 'pass', { phone: p, pass, device: terminal() }), 'password');
      } else {
        const done = await call('/user/password', 'password', 'forget', { phone: p, hash: proof(code.trim(), rand), pass });
        if (done.status !== 0) return setError(problem(done, 'forgot', t));
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
