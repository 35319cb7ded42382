import { useState } from 'preact/hooks';
import type { Session } from '../../api/client';
import { useI18n } from '../../ui/i18n';
import type { Notice } from '../../api/types';
import { useNicknames, type AlertsState } from './live';
import { maskPhone } from '../../ui/time';
import { When } from '../../ui/When';

/**
 * A fall's photo in a list or the alarm: the small one (at most 480 px, WebP where the browser takes it),
 * the full one where the screen's density wants more pixels than that.
 */
export function ListPhoto({ eventId, alt, width, height, loading }: { eventId: string; alt: string; width?: number; height?: number; loading?: 'eager' | 'lazy' }) {
  const base = `/app/photo/${encodeURIComponent(eventId)}`;
  return <img src={`${base}?size=list`} srcset={`${base}?size=list 480w, ${base} 1280w`} sizes="(max-width: 640px) calc(100vw - 40px), 320px"
    alt={alt} width={width} height={height} loading={loading} decoding="async" />;
}

export function SeenBy({ notice, session, now, nicknames }: { notice: Notice; session: Session; now: number; nicknames: Record<string, string> }) {
  const { t } = useI18n();
  const ack = notice.acknowledged;
  if (!ack) return <p class="status pending">{t('notSeen')}</p>;
  const masked = maskPhone(ack.phone);
  const who = ack.last_resort ? t('lastResortWho', { phone: ack.phone }) : ack.phone === session.phone ? t('you') : nicknames[masked] ?? masked;
  const how = ack.channel === 'call' ? t('via_call') : ack.channel === 'sms' ? t('via_sms') : '';
  return <p class="status seen">{t('seenBy')} {who}{how}, <When text={ack.at} session={session} now={now} /></p>;
}

/** What the resident said when the camera asks them first: calling, all right, needs help, no answer. */
export function ResidentSays({ notice }: { notice: Notice }) {
  const { t } = useI18n();
  const r = notice.resident;
  // acknowledged while the resident's phone rang: the question is over for the family
  if (!r || (r.answer === 'calling' && notice.acknowledged)) return null;
  const cls = r.answer === 'ok' ? 'status seen' : r.answer === 'calling' ? 'status' : 'status pending';
  return <p class={cls} role="status">{t(`resident_${r.answer}`)}</p>;
}

/** How far to trust the camera: what its family said of its falls in the 90 days before this one. */
export function CameraRecord({ notice }: { notice: Notice }) {
  const { t } = useI18n();
  const r = notice.camera_record;
  const judged = r.real + r.false_alarms;
  const text = judged > 0 ? t('recordJudged', { days: r.days, judged, real: r.real, not: r.false_alarms })
    : r.falls > 0 ? t('recordUnjudged', { days: r.days, n: r.falls }) : t('recordFirst', { days: r.days });
  return <p class="record">{text}</p>;
}

/** "Was it a fall?": Real fall or Not a fall, with a note; the last word shows, with who gave it. */
export function VerdictBox({ notice, session, nicknames, onJudge }: { notice: Notice; session: Session; nicknames: Record<string, string>; onJudge: (id: string, v: 'fall' | 'false_alarm', note: string) => Promise<boolean> }) {
  const { t } = useI18n();
  const [note, setNote] = useState(notice.verdict?.note ?? '');
  const [busy, setBusy] = useState(false);
  const v = notice.verdict;
  const who = v ? (v.phone === session.phone ? t('you') : nicknames[maskPhone(v.phone)] ?? maskPhone(v.phone)) : '';
  const noteId = `note-${notice.event_id}`;
  const give = async (verdict: 'fall' | 'false_alarm') => {
    setBusy(true);
    await onJudge(notice.event_id, verdict, note).finally(() => setBusy(false));
  };
  return (
    <div class="verdict" role="group" aria-label={t('wasItAFall')}>
      {v && <p class={v.verdict === 'fall' ? 'status pending' : 'status seen'}>{v.verdict === 'fall' ? t('verdictFall', { who }) : t('verdictFalse', { who })}{v.note ? `: ${v.note}` : ''}</p>}
      <label for={noteId}>{t('verdictNote')}</label>
      <input id={noteId} maxLength={500} value={note} onInput={(e) => setNote(e.currentTarget.value)} />
      <div class="segmented">
        <button type="button" class="secondary" disabled={busy} aria-pressed={v?.verdict === 'fall'} onClick={() => void give('fall')}>{t('realFall')}</button>
        <button type="button" class="secondary" disabled={busy} aria-pressed={v?.verdict === 'false_alarm'} onClick={() => void give('false_alarm')}>{t('notAFall')}</button>
      </div>
    </div>
  );
}

function AlertCard({ notice, session, now, eager, nicknames, onCall, onAcknowledge, onJudge }: {
  notice: Notice; session: Session; now: number; eager: boolean; nicknames: Record<string, string>; onCall: string[] | null;
  onAcknowledge: (id: string) => Promise<boolean>; onJudge: (id: string, v: 'fall' | 'false_alarm', note: string) => Promise<boolean>;
}) {
  const { t } = useI18n();
  const [busy, setBusy] = useState(false);
  const titleId = `alert-${notice.event_id}`;
  return (
    <article class="card alert" aria-labelledby={titleId}>
      <ListPhoto eventId={notice.event_id} alt={t('photoOf', { camera: notice.device })} width={320} height={180} loading={eager ? 'eager' : 'lazy'} />
      <div class="alert-body">
        <h2 id={titleId}>{t('fallAt', { camera: notice.device })}</h2>
        <p class="when"><When text={notice.createtime} session={session} now={now} /></p>
        {notice.content && <p>{notice.content}</p>}
        <ResidentSays notice={notice} />
        <CameraRecord notice={notice} />
        {notice.paused && <p class="status">{t('fallPaused')}</p>}
        {!notice.acknowledged && !notice.paused && onCall && onCall.length > 0 && <p class="status">{t('alertOnCall', { who: onCall.join(', ') })}</p>}
        <SeenBy notice={notice} session={session} now={now} nicknames={nicknames} />
        <VerdictBox notice={notice} session={session} nicknames={nicknames} onJudge={onJudge} />
        <p><a href={`#/alert/${encodeURIComponent(notice.event_id)}`} aria-label={`${t('details')}: ${t('fallAt', { camera: notice.device })}`}>{t('details')}</a></p>
        {!notice.acknowledged && (
          <button type="button" class="primary" disabled={busy} onClick={async () => {
            setBusy(true);
            await onAcknowledge(notice.event_id).finally(() => setBusy(false));
          }}>{busy ? t('acknowledging') : t('acknowledge')}</button>
        )}
      </div>
    </article>
  );
}

export function Alerts({ session, alerts, now }: { session: Session; alerts: AlertsState; now: number }) {
  const { t } = useI18n();
  const nicknames = useNicknames(session, alerts.list.length);
  return (
    <section aria-labelledby="alerts-heading">
      <div class="heading-row">
        <h1 id="alerts-heading">{t('alerts')}</h1>
        <span class={alerts.connected ? 'pill live' : 'pill'} role="status">{alerts.connected ? t('live') : t('reconnecting')}</span>
      </div>
      {alerts.unread > 0 && <p class="unread">{t('unread', { n: alerts.unread })}</p>}
      {alerts.loaded && alerts.list.length === 0 && <p class="empty">{t('noAlerts')}</p>}
      <div class="alert-list">
        {alerts.list.map((n, i) => {
          const onCall = Object.values(alerts.pauses).find((c) => c.device_name === n.device)?.on_call?.map((m) => m.name) ?? null;
          return <AlertCard key={n.event_id} notice={n} session={session} now={now} eager={i < 4} nicknames={nicknames} onCall={onCall} onAcknowledge={alerts.acknowledge} onJudge={alerts.judge} />;
        })}
      </div>
      {alerts.list.length < alerts.total && <button type="button" class="secondary" onClick={() => void alerts.more()}>{t('showMore')}</button>}
    </section>
  );
}
