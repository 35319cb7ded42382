import { useEffect, useState } from 'preact/hooks';
import { call, type Reply } from '../../api/client';
import { useI18n } from '../../ui/i18n';

type Check = { tried: string; outcome: string; proved: string | null; last_proved: string | null } | null;
interface Member { name: string; phone: string; push: Check; sms: Check; call: Check }

/**
 * "Test the alarm": device.drill, then the table device.reach gives: who is reachable by which channel,
 * and when that was last proved. Read again every few seconds for a minute after a test, as answers come.
 */
export function DrillTable({ id, say }: { id: string; say: (r: Pick<Reply<unknown>, 'key' | 'status' | 'message'>, ok: string) => void }) {
  const { t } = useI18n();
  const [family, setFamily] = useState<Member[] | null>(null);
  const [withCall, setWithCall] = useState(false);
  const [since, setSince] = useState(0);
  const load = async () => {
    const r = await call<{ family: Member[] }>('/device', 'device', 'reach', { device_id: id });
    if (r.key === 'OK') setFamily(r.data.family);
  };
  useEffect(() => void load(), [id]);
  useEffect(() => {
    if (!since) return;
    const timer = setInterval(() => (Date.now() - since > 60_000 ? clearInterval(timer) : void load()), 3000);
    return () => clearInterval(timer);
  }, [since]);
  const cell = (c: Check) => (c === null ? t('drillNever') : c.proved ? t('drillProved', { at: c.proved.slice(5, 16) })
    : c.outcome !== 'sent' ? t('drillFailed') : c.last_proved ? t('drillWaitingWas', { at: c.last_proved.slice(5, 16) }) : t('drillWaiting'));

  return (
    <div role="group" aria-labelledby={`drill-${id}`}>
      <h3 id={`drill-${id}`}>{t('drillTitle')}</h3>
      <p>{t('drillExplain')}</p>
      <label class="choice"><input type="checkbox" checked={withCall} onChange={() => setWithCall(!withCall)} />{t('drillWithCall')}</label>
      <button type="button" class="secondary" onClick={async () => {
        const r = await call('/device', 'device', 'drill', { device_id: id, call: withCall });
        say(r, t('drillSent'));
        if (r.key === 'OK') {
          setSince(Date.now());
          void load();
        }
      }}>{t('drillStart')}</button>
      {family && (
        <div class="week reach" role="region" aria-label={t('drillTable')} tabIndex={0}>
          <table>
            <caption>{t('drillTable')}</caption>
            <thead><tr><th scope="col">{t('oncallWho')}</th><th scope="col">{t('drillPush')}</th><th scope="col">{t('drillSms')}</th><th scope="col">{t('drillCall')}</th></tr></thead>
            <tbody>
              {family.map((m) => <tr key={m.phone}><th scope="row">{m.name}</th><td>{cell(m.push)}</td><td>{cell(m.sms)}</td><td>{cell(m.call)}</td></tr>)}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
