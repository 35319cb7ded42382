import { useEffect, useState } from 'preact/hooks';
import { call, type Reply } from '../../api/client';
import { useI18n } from '../../ui/i18n';

interface QuietState {
  quiet: { from: string; to: string } | null;
  quiet_now: boolean;
  held: number;
}

/** account.quiet: the hours in which SMS that are not falls wait (a fall never does). */
export function QuietHours() {
  const { t } = useI18n();
  const [state, setState] = useState<QuietState | null>(null);
  const [from, setFrom] = useState('22:00');
  const [to, setTo] = useState('07:00');
  const [message, setMessage] = useState<{ text: string; error: boolean } | null>(null);
  const apply = (r: Reply<QuietState>, ok?: string) => {
    if (r.key === 'OK') {
      setState(r.data);
      if (r.data.quiet) {
        setFrom(r.data.quiet.from);
        setTo(r.data.quiet.to);
      }
    }
    if (ok !== undefined) setMessage(r.key === 'OK' ? { text: ok, error: false } : { text: r.key === 'QUIET_EMPTY' ? t('quietEmpty') : t('errorGeneric', { status: r.status, message: r.message }), error: true });
  };
  useEffect(() => void call<QuietState>('/user/phone', 'account', 'quiet', {}).then((r) => apply(r)), []);

  return (
    <form class="card" aria-labelledby="quiet-heading" onSubmit={async (e) => {
      e.preventDefault();
      apply(await call<QuietState>('/user/phone', 'account', 'quiet', { from, to }), t('quietSaved'));
    }}>
      <h2 id="quiet-heading">{t('quietTitle')}</h2>
      <p>{t('quietExplain')}</p>
      {state && <p class="status">{state.quiet ? t('quietOn', { from: state.quiet.from, to: state.quiet.to }) : t('quietOff')}{state.held > 0 ? ` ${t('quietHeld', { n: state.held })}` : ''}</p>}
      <label for="quiet-from">{t('quietFrom')}</label>
      <input id="quiet-from" type="time" required value={from} onInput={(e) => setFrom(e.currentTarget.value)} />
      <label for="quiet-to">{t('quietTo')}</label>
      <input id="quiet-to" type="time" required value={to} onInput={(e) => setTo(e.currentTarget.value)} />
      {message && <p class={message.error ? 'error' : 'ok'} role="status">{message.text}</p>}
      <div class="segmented">
        <button type="submit" class="primary">{t('quietSave')}</button>
        {state?.quiet && <button type="button" class="secondary" onClick={async () => apply(await call<QuietState>('/user/phone', 'account', 'quiet', { off: true }), t('quietEnded'))}>{t('quietTurnOff')}</button>}
      </div>
    </form>
  );
}
