import { useEffect, useRef, useState } from 'preact/hooks';
import type { Session } from '../../api/client';
import { useI18n } from '../../ui/i18n';
import type { Notice } from '../../api/types';
import { When } from '../../ui/When';
import { CameraRecord, ListPhoto, ResidentSays } from './Alerts';

let audio: AudioContext | null = null;

/** Browsers let a page make sound only after a person has touched it: the first tap or key press unlocks it. */
export function unlockSound(): void {
  try {
    audio ??= new AudioContext();
    if (audio.state === 'suspended') void audio.resume();
  } catch {
    audio = null;
  }
}

function beep(): void {
  if (!audio || audio.state !== 'running') return;
  const t0 = audio.currentTime;
  for (let i = 0; i < 3; i++) {
    const osc = audio.createOscillator();
    const gain = audio.createGain();
    osc.type = 'square';
    osc.frequency.value = i % 2 ? 660 : 880;
    gain.gain.setValueAtTime(0.0001, t0 + i * 0.3);
    gain.gain.exponentialRampToValueAtTime(0.3, t0 + i * 0.3 + 0.02);
    gain.gain.exponentialRampToValueAtTime(0.0001, t0 + i * 0.3 + 0.25);
    osc.connect(gain).connect(audio.destination);
    osc.start(t0 + i * 0.3);
    osc.stop(t0 + i * 0.3 + 0.26);
  }
}

/** Over everything while a fall nobody has acknowledged is open here: photo, camera, time, a sound and a vibration until Acknowledge. */
export function Alarm({ notice, session, now, onAcknowledge }: { notice: Notice; session: Session; now: number; onAcknowledge: (id: string) => Promise<boolean> }) {
  const { t } = useI18n();
  const button = useRef<HTMLButtonElement>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    button.current?.focus();
    const ring = () => {
      beep();
      if ('vibrate' in navigator) navigator.vibrate([400, 150, 400]);
    };
    ring();
    const timer = setInterval(ring, 2500);
    return () => {
      clearInterval(timer);
      if ('vibrate' in navigator) navigator.vibrate(0);
    };
  }, [notice.event_id]);

  return (
    <div class="alarm-backdrop">
      <div class="alarm" role="alertdialog" aria-modal="true" aria-labelledby="alarm-title" aria-describedby="alarm-hint">
        <h2 id="alarm-title">{t('alarmTitle')}: {notice.device}</h2>
        <ListPhoto eventId={notice.event_id} alt={t('photoOf', { camera: notice.device })} />
        <p class="when"><When text={notice.createtime} session={session} now={now} /></p>
        <ResidentSays notice={notice} />
        <CameraRecord notice={notice} />
        <p id="alarm-hint">{t('alarmHint')}</p>
        <button ref={button} type="button" class="primary big" disabled={busy} onClick={async () => {
          setBusy(true);
          await onAcknowledge(notice.event_id).finally(() => setBusy(false));
        }}>{busy ? t('acknowledging') : t('acknowledge')}</button>
      </div>
    </div>
  );
}
