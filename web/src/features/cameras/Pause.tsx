import { useState } from 'preact/hooks';
import { call, type Reply } from '../../api/client';
import type { Pause } from '../../api/types';
import { useI18n } from '../../ui/i18n';
import { maskPhone } from '../../ui/time';

/** The lengths offered, in minutes (device.pause takes 15 to 480). */
const LENGTHS = [15, 30, 60, 120, 240, 480] as const;

/** "15:30" today, "12-08 07:10" another day: when a pause ends, from the server's `YYYY-MM-DD HH:MM:SS`. */
export function untilText(until: string, today: string): string {
  return until.slice(0, 10) === today ? until.slice(11, 16) : until.slice(5, 16);
}

/** One line saying a camera is paused, by whom, until when and why: the banner's and the card's words. */
export function PausedLine({ camera, pause, phone, today }: { camera: string; pause: Pause; phone: string; today: string }) {
  const { t } = useI18n();
  const who = pause.by === phone ? t('you') : maskPhone(pause.by);
  return <>{t('pausedLine', { camera, until: untilText(pause.until, today), who })}{pause.reason ? ` (${pause.reason})` : ''}</>;
}

/**
 * On a camera's card: the pause under way with "End the pause now", or the form that starts one (how
 * long, and why). Every bound account sees the same pause, live from the stream.
 */
export function PauseControl({ id, camera, pause, phone, today, onChange, say }: {
  id: string; camera: string; pause: Pause | null; phone: string; today: string;
  onChange: (p: Pause | null) => void; say: (r: Pick<Reply<unknown>, 'key' | 'status' | 'message'>, ok: string) => void;
}) {
  const { t } = useI18n();
  const [minutes, setMinutes] = useState(60);
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const send = async (data: { minutes: number; reason?: string | null }, ok: string) => {
    setBusy(true);
    const r = await call<{ paused: Pause | null }>('/device', 'device', 'pause', { device_id: id, ...data }).finally(() => setBusy(false));
    if (r.key === 'OK') onChange(r.data.paused);
    say(r, ok);
  };
  if (pause) {
    return (
      <div class="paused" role="group" aria-label={t('pauseTitle')}>
        <h3>{t('pauseTitle')}</h3>
        <p class="status pending"><PausedLine camera={camera} pause={pause} phone={phone} today={today} /></p>
        <button type="button" class="primary" disabled={busy} onClick={() => void send({ minutes: 0 }, t('pauseEnded'))}>{t('pauseEnd')}</button>
      </div>
    );
  }
  return (
    <form onSubmit={(e) => {
      e.preventDefault();
      void send({ minutes, reason: reason.trim() || null }, t('pauseStarted'));
    }}>
      <h3>{t('pauseTitle')}</h3>
      <p>{t('pauseExplain')}</p>
      <fieldset class="segmented wrap">
        <legend>{t('pauseHowLong')}</legend>
        {LENGTHS.map((m) => (
          <label key={m} class="choice">
            <input type="radio" name={`pause-${id}`} value={m} checked={minutes === m} onChange={() => setMinutes(m)} />
            {m < 60 ? t('minutesN', { n: m }) : t('hoursN', { n: m / 60 })}
          </label>
        ))}
      </fieldset>
      <label for={`pause-reason-${id}`}>{t('pauseReason')}</label>
      <input id={`pause-reason-${id}`} maxLength={200} value={reason} onInput={(e) => setReason(e.currentTarget.value)} />
      <button type="submit" class="secondary" disabled={busy}>{t('pauseStart')}</button>
    </form>
  );
}
