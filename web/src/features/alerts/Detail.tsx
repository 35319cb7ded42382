import { useEffect, useState } from 'preact/hooks';
import { call, type Session } from '../../api/client';
import { useI18n } from '../../ui/i18n';
import type { Key } from '../../ui/strings';
import { When } from '../../ui/When';

interface Entry { step: string; at: string; outcome: string; sent?: number; total?: number; attempt?: number; by?: string; by_you?: boolean; role?: string; channel?: string }
interface Timeline { event_id: string; device: string; createtime: string; timeline: Entry[] }

/** One fall: its photo and what was done about it, step by step (notice.timeline). */
export function Detail({ eventId, session, now, refresh }: { eventId: string; session: Session; now: number; refresh: unknown }) {
  const { t } = useI18n();
  const [data, setData] = useState<Timeline | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    call<Timeline>('/get/notice', 'notice', 'timeline', { event_id: eventId }).then((r) => {
      if (r.key === 'OK') setData(r.data);
      else setError(t('errorGeneric', { status: r.status, message: r.message }));
    }, () => setError(t('errorNetwork')));
  }, [eventId, refresh]);

  const who = (e: Entry) => (e.role === 'resident' ? t('theResident') : e.role === 'last_resort' ? t('lastResortWho', { phone: e.by ?? '' }) : e.by_you ? t('you') : e.by ?? '');
  const via = (e: Entry) => (e.channel === 'call' ? t('via_call') : e.channel === 'sms' ? t('via_sms') : '');
  const label = (e: Entry) => {
    if (e.step === 'acknowledged') return t('step_acknowledged', { who: who(e) }) + via(e);
    if (e.step === 'keypress') return t('step_keypress', { who: who(e), key: e.outcome });
    if (e.step === 'resident') return t(`resident_${e.outcome}` as Key);
    if (e.step === 'call-ended') return t('step_call-ended', { who: who(e) });
    return t(`step_${e.step}` as Key);
  };
  /** The key pressed and the resident's answer are said in the label already. */
  const said = (e: Entry) => e.step === 'keypress' || e.step === 'resident';
  const outcome = (e: Entry) => {
    const words = e.outcome === 'partial' ? t('outcome_partial', { sent: e.sent ?? 0, total: e.total ?? 0 }) : t(`outcome_${e.outcome}` as Key);
    return e.attempt ? `${words} (${t('retry', { n: e.attempt })})` : words;
  };

  return (
    <section aria-labelledby="detail-heading">
      <a href="#/alerts" class="back">{t('backToAlerts')}</a>
      {error && <p class="error" role="alert">{error}</p>}
      {data && (
        <>
          <h1 id="detail-heading">{t('detailsOf', { camera: data.device })}</h1>
          <img class="detail-photo" src={`/app/photo/${encodeURIComponent(data.event_id)}`} alt={t('photoOf', { camera: data.device })} />
          <h2>{t('timeline')}</h2>
          <ol class="timeline">
            {data.timeline.map((e, i) => (
              <li key={i} class={`step ${e.outcome}`}>
                <strong>{label(e)}</strong>
                {!said(e) && <span> · {outcome(e)}</span>}
                <br />
                <When text={e.at} session={session} now={now} />
              </li>
            ))}
          </ol>
        </>
      )}
    </section>
  );
}
