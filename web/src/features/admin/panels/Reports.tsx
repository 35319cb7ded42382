import { useEffect, useRef, useState } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { call, type Session } from '../../../api/client';
import { useI18n } from '../../../ui/i18n';
import { serverTime } from '../../../ui/time';
import { Table } from '../../../ui/tables';
import { duration, failure, percent, Status } from '../parts';

interface Figures { falls: number; real: number; false_alarms: number; unjudged: number; false_alarm_rate: number | null; acknowledged: number; ack_p50_seconds: number | null; ack_p90_seconds: number | null }
interface Report {
  from: string; to: string; timezone: string; total: Figures;
  days: (Figures & { day: string })[]; models: (Figures & { model: string | null })[]; cameras: (Figures & { device_id: string; name: string })[];
}

/** A file made in the browser from what is on screen, downloaded by a click (nothing leaves for another site). */
function download(name: string, type: string, text: string): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

const csvCell = (v: unknown) => {
  const s = v === null || v === undefined ? '' : String(v);
  // quoted when needed; a leading = + - @ is escaped so that a spreadsheet never runs it as a formula
  const safe = /^[=+\-@]/.test(s) ? `'${s}` : s;
  return /[",\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
};

export function reportCsv(report: Report): string {
  const cols = ['falls', 'real', 'false_alarms', 'unjudged', 'false_alarm_rate', 'acknowledged', 'ack_p50_seconds', 'ack_p90_seconds'] as const;
  const lines = [['group', 'key', 'name', ...cols].join(',')];
  const row = (group: string, key: string, name: string, f: Figures) => lines.push([group, key, name, ...cols.map((c) => f[c])].map(csvCell).join(','));
  row('total', '', '', report.total);
  for (const d of report.days) row('day', d.day, '', d);
  for (const m of report.models) row('model', m.model ?? '', '', m);
  for (const c of report.cameras) row('camera', c.device_id, c.name, c);
  return lines.join('\n') + '\n';
}

function DayChart({ days, label }: { days: Report['days']; label: string }) {
  const { t } = useI18n();
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!box.current || days.length === 0) return;
    const width = Math.min(900, box.current.clientWidth || 320);
    const xs = days.map((d) => Date.parse(`${d.day}T00:00:00Z`) / 1000);
    const bars = uPlot.paths.bars!({ size: [0.6, 40] });
    const DAY = 86_400;
    const top = Math.max(1, ...days.map((d) => d.falls));
    const plot = new uPlot({
      width, height: 220,
      scales: { x: { time: true, range: () => [xs[0]! - DAY, xs.at(-1)! + DAY] }, y: { range: () => [0, top + Math.ceil(top / 10)] } },
      axes: [{ space: 60, incrs: [DAY, 7 * DAY, 30 * DAY], values: (_u, ticks) => ticks.map((s) => new Date(s * 1000).toISOString().slice(5, 10)) }, { space: 30 }],
      series: [
        { label: t('colDay'), value: (_u, s) => (s == null ? '' : new Date(s * 1000).toISOString().slice(0, 10)) },
        { label: t('colFalls'), stroke: '#1f5fbf', fill: 'rgba(31,95,191,0.35)', paths: bars },
        { label: t('colNotFall'), stroke: '#8a5a00', fill: 'rgba(138,90,0,0.45)', paths: bars },
      ],
    }, [xs, days.map((d) => d.falls), days.map((d) => d.false_alarms)] as uPlot.AlignedData, box.current);
    return () => plot.destroy();
  }, [days]);
  return <div class="chart" ref={box} role="img" aria-label={label} />;
}

export function Reports({ session }: { session: Session }) {
  const { t, locale } = useI18n();
  // dates as the server reads them: days in its zone (NOTICE_TIMEZONE)
  const today = serverTime(Date.now(), session.timezone).slice(0, 10);
  const monthAgo = serverTime(Date.now() - 30 * 86_400_000, session.timezone).slice(0, 10);
  const [from, setFrom] = useState(monthAgo);
  const [to, setTo] = useState(today);
  const [report, setReport] = useState<Report | null>(null);
  const [error, setError] = useState<string | null>(null);
  const load = async () => {
    // the end date's whole day
    const end = new Date(Date.parse(`${to}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
    const r = await call<Report>('/admin/user', 'report', 'falls', { from, to: end });
    if (r.key === 'OK') {
      setReport(r.data);
      setError(null);
    } else setError(failure(t, r));
  };
  useEffect(() => void load(), []);
  const figures = (f: Figures) => [f.falls, f.real, f.false_alarms, percent(f.false_alarm_rate, locale), duration(t, f.ack_p50_seconds), duration(t, f.ack_p90_seconds)];
  const head = [t('colFalls'), t('colReal'), t('colNotFall'), t('colFalseRate'), t('colP50'), t('colP90')];
  const maxFalls = Math.max(1, ...(report?.models.map((m) => m.falls) ?? [1]));
  return (
    <>
      <form class="range" onSubmit={(e) => {
        e.preventDefault();
        void load();
      }}>
        <div>
          <label for="report-from">{t('from')}</label>
          <input id="report-from" type="date" value={from} onInput={(e) => setFrom(e.currentTarget.value)} />
        </div>
        <div>
          <label for="report-to">{t('to')}</label>
          <input id="report-to" type="date" value={to} onInput={(e) => setTo(e.currentTarget.value)} />
        </div>
        <button type="submit" class="primary">{t('show')}</button>
      </form>
      <Status text={error} error />
      {report && (
        <>
          <div class="card">
            <p>{t('totalFalls', { falls: report.total.falls, real: report.total.real, false: report.total.false_alarms, unjudged: report.total.unjudged })}</p>
            <p>{t('falseRate', { rate: percent(report.total.false_alarm_rate, locale) })}</p>
            <p>{t('ackTimes', { p50: duration(t, report.total.ack_p50_seconds), p90: duration(t, report.total.ack_p90_seconds) })}</p>
            <div class="ways">
              <button type="button" class="secondary" onClick={() => download(`falls-${from}-${to}.csv`, 'text/csv', reportCsv(report))}>{t('downloadCsv')}</button>
              <button type="button" class="secondary" onClick={() => download(`falls-${from}-${to}.json`, 'application/json', JSON.stringify(report, null, 2))}>{t('downloadJson')}</button>
            </div>
          </div>
          <h3>{t('fallsPerDay')}</h3>
          <DayChart days={report.days} label={t('fallsPerDay')} />
          <h3>{t('perModel')}</h3>
          <Table caption={t('perModel')} head={[t('colModel'), ...head]}>
            {report.models.map((m) => (
              <tr>
                <th scope="row">{m.model ?? t('noModel')}<span class="bar" aria-hidden="true" style={{ width: `${(m.falls / maxFalls) * 100}%` }} /></th>
                {figures(m).map((v) => <td>{v}</td>)}
              </tr>
            ))}
          </Table>
          <h3>{t('perCamera')}</h3>
          <Table caption={t('perCamera')} head={[t('colCamera'), ...head]}>
            {report.cameras.map((c) => <tr><th scope="row">{c.name}</th>{figures(c).map((v) => <td>{v}</td>)}</tr>)}
          </Table>
        </>
      )}
    </>
  );
}
