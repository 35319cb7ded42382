import { useState } from 'preact/hooks';
import { call, type Reply } from '../../api/client';
import { useI18n } from '../../ui/i18n';

/** A camera's on-call order as device.info and device.oncall give it. */
export interface OnCallOrder {
  order: 'everyone' | 'rota';
  rota: { phone: string; days: number[]; from: string; to: string }[];
  next_level_seconds: number;
  time_zone: string;
  on_call: { name: string; phone: string }[] | null;
  family: { name: string; phone: string }[];
}

const DAYS = [1, 2, 3, 4, 5, 6, 7] as const;

/** One member's row of the week: the days they take, and the hours. */
interface Row { days: number[]; from: string; to: string }

/**
 * Who is woken first: everyone at once, or taking turns. The week is a table (a member a row, a day a
 * column of checkboxes), each member's hours below it, so Tab and Space are all it takes; one shift per member.
 */
export function OnCallForm({ id, order, onSaved, say }: { id: string; order: OnCallOrder; onSaved: (o: OnCallOrder) => void; say: (r: Pick<Reply<unknown>, 'key' | 'status' | 'message'>, ok: string) => void }) {
  const { t } = useI18n();
  const [mode, setMode] = useState(order.order);
  const [rows, setRows] = useState<Record<string, Row>>(() => Object.fromEntries(order.family.map((m) => {
    const shift = order.rota.find((s) => s.phone === m.phone);
    return [m.phone, shift ? { days: shift.days, from: shift.from, to: shift.to } : { days: [], from: '20:00', to: '08:00' }];
  })));
  const [minutes, setMinutes] = useState(String(Math.round(order.next_level_seconds / 60)));
  const [problem, setProblem] = useState<string | null>(null);
  const change = (phone: string, next: Partial<Row>) => setRows((all) => ({ ...all, [phone]: { ...all[phone]!, ...next } }));
  const toggle = (phone: string, day: number) => change(phone, { days: rows[phone]!.days.includes(day) ? rows[phone]!.days.filter((d) => d !== day) : [...rows[phone]!.days, day].sort() });
  const now = order.on_call;

  return (
    <form noValidate aria-labelledby={`oncall-${id}`} onSubmit={async (e) => {
      e.preventDefault();
      const rota = Object.entries(rows).filter(([, r]) => r.days.length > 0).map(([phone, r]) => ({ phone, ...r }));
      if (mode === 'rota' && rota.length === 0) return setProblem(t('rotaEmpty'));
      setProblem(null);
      const seconds = Math.max(1, Math.min(60, Math.round(Number(minutes) || 5))) * 60;
      const r = await call<OnCallOrder>('/device', 'device', 'oncall', mode === 'rota' ? { device_id: id, order: 'rota', rota, next_level_seconds: seconds } : { device_id: id, order: 'everyone' });
      if (r.key === 'OK') onSaved(r.data);
      say(r, t('saved'));
    }}>
      <h3 id={`oncall-${id}`}>{t('oncallTitle')}</h3>
      <p class="status">{now === null ? t('oncallEveryone') : now.length ? t('oncallNow', { who: now.map((m) => m.name).join(', ') }) : t('oncallNobody')}</p>
      <fieldset class="segmented wrap">
        <legend>{t('oncallHow')}</legend>
        <label class="choice"><input type="radio" name={`order-${id}`} checked={mode === 'everyone'} onChange={() => setMode('everyone')} />{t('oncallAll')}</label>
        <label class="choice"><input type="radio" name={`order-${id}`} checked={mode === 'rota'} onChange={() => setMode('rota')} />{t('oncallRota')}</label>
      </fieldset>
      {mode === 'rota' && (
        <>
          <p>{t('oncallExplain', { zone: order.time_zone })}</p>
          <div class="week" role="region" aria-label={t('oncallWeek')} tabIndex={0}>
            <table>
              <caption>{t('oncallWeek')}</caption>
              <thead>
                <tr><th scope="col">{t('oncallWho')}</th>{DAYS.map((d) => <th scope="col" key={d}>{t(`day${d}` as 'day1')}</th>)}</tr>
              </thead>
              <tbody>
                {order.family.map((m) => (
                  <tr key={m.phone}>
                    <th scope="row">{m.name}</th>
                    {DAYS.map((d) => (
                      <td key={d}><input type="checkbox" aria-label={t('oncallDay', { who: m.name, day: t(`dayLong${d}` as 'dayLong1') })} checked={rows[m.phone]!.days.includes(d)} onChange={() => toggle(m.phone, d)} /></td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {order.family.map((m) => (
            <fieldset key={m.phone} class="hours">
              <legend>{t('oncallHours', { who: m.name })}</legend>
              <label>{t('oncallFrom')}<input type="time" aria-label={t('oncallFromWho', { who: m.name })} value={rows[m.phone]!.from} onInput={(e) => change(m.phone, { from: e.currentTarget.value })} /></label>
              <label>{t('oncallTo')}<input type="time" aria-label={t('oncallToWho', { who: m.name })} value={rows[m.phone]!.to} onInput={(e) => change(m.phone, { to: e.currentTarget.value })} /></label>
            </fieldset>
          ))}
          <label for={`next-level-${id}`}>{t('oncallNext')}</label>
          <input id={`next-level-${id}`} type="number" inputMode="numeric" min={1} max={60} value={minutes} onInput={(e) => setMinutes(e.currentTarget.value)} />
        </>
      )}
      {problem && <p class="error" role="alert">{problem}</p>}
      <button type="submit" class="secondary">{t('oncallSave')}</button>
    </form>
  );
}
