import { md5 } from '@noble/hashes/legacy.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';
import { useEffect, useState } from 'preact/hooks';
import { call } from '../api/client';
import { problem } from '../api/problems';
import { useI18n } from './i18n';
import { maskPhone } from './time';

/** The old API's code proof: md5(code + rand), lower-case hex (the code itself never travels back). */
export const proof = (code: string, rand: string) => bytesToHex(md5(utf8ToBytes(code + rand)));

/** sms.generate's purposes. */
export const PURPOSE = { register: 1, forgot: 2, sms: 3 } as const;

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
    if (reply.key === 'OK') setCaptcha(reply.data);
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
    if (check.key !== 'OK') {
      onError(t('errorPicture'));
      return void picture();
    }
    const reply = await call<{ rand: string; retry_after?: number }>('/captcha', 'sms', 'generate', { phone: phone.trim(), command_type: purpose });
    void picture();
    if (reply.key !== 'OK') {
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
