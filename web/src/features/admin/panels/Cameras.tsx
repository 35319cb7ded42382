import { call } from '../../../api/client';
import { useI18n } from '../../../ui/i18n';
import { duration, percent, Status, usePages } from '../parts';

interface CameraRow {
  device_id: string; name: string; model: string | null; last_seen: string | null; online: boolean | null; families: number;
  falls_30d: number; judged_30d: number; false_alarms_30d: number; false_alarm_rate: number | null; median_ack_seconds: number | null;
}

export function Cameras() {
  const { t, locale } = useI18n();
  const SIZE = 50;
  const { data, error, pager } = usePages(SIZE, (at) => call<{ total: number; list: CameraRow[] }>('/admin/user', 'device', 'all', { limit: SIZE, offset: at }));
  const state = (c: CameraRow) => (c.online === null ? t('noHeartbeat') : c.online ? t('online') : t('offlineState'));
  return (
    <>
      <Status text={error} error />
      {data && (
        <ul class="rows">
          {data.list.map((c) => (
            <li class="card" aria-labelledby={`adm-cam-${c.device_id}`}>
              <h3 id={`adm-cam-${c.device_id}`}>{c.name}</h3>
              <p><span class={`pill ${c.online ? 'live' : c.online === false ? 'down' : ''}`}>{state(c)}</span> {t('colLastSeen')}: {c.last_seen ?? t('never')}</p>
              <dl class="facts">
                <dt>{t('colFalls30')}</dt><dd>{c.falls_30d}</dd>
                <dt>{t('colFalseRate')}</dt><dd>{percent(c.false_alarm_rate, locale)}{c.judged_30d ? ` (${c.false_alarms_30d}/${c.judged_30d})` : ''}</dd>
                <dt>{t('colMedianAck')}</dt><dd>{duration(t, c.median_ack_seconds)}</dd>
                <dt>{t('colFamilies')}</dt><dd>{c.families}</dd>
                <dt>{t('colModel')}</dt><dd>{c.model ?? t('none')}</dd>
              </dl>
              <p><small>{c.device_id}</small></p>
            </li>
          ))}
        </ul>
      )}
      {pager}
    </>
  );
}
