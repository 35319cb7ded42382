import { useEffect, useRef, useState } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { call } from '../../api/client';
import { useI18n } from '../../ui/i18n';
import type { Key } from '../../ui/strings';

type Value = number | Record<string, number> | null;
interface Chart {
  unit: string;
  points: { timestamp: number; value: Value }[];
  summary: { total: number | null; average: number | null; min: number | null; max: number | null; count: number };
}

const TYPES = ['heart_rate', 'steps', 'blood_oxygen', 'body_temperature', 'blood_pressure', 'sleep', 'calories'] as const;
const RANGES = { day: { granularity: 'hour', days: 1 }, week: { granularity: 'day', days: 7 }, month: { granularity: 'day', days: 30 } } as const;
type Range = keyof typeof RANGES;

/** Midnight, `days` periods back, in this browser's zone: the chart's window, whose buckets the server cuts in the same zone. */
function windowOf(range: Range, back: number): [number, number] {
  const end = new Date();
  end.setHours(24, 0, 0, 0);
  end.setDate(end.getDate() - back * RANGES[range].days);
  const start = new Date(end);
  start.setDate(start.getDate() - RANGES[range].days);
  return [Math.floor(start.getTime() / 1000), Math.floor(end.getTime() / 1000)];
}

/** The wearable data of seed 000 (health.query) as a chart per day, week or month, in this browser's time zone. */
export function Health() {
  const { t, locale } = useI18n();
  const [type, setType] = useState<(typeof TYPES)[number]>('heart_rate');
  const [range, setRange] = useState<Range>('week');
  const [back, setBack] = useState(0);
  const [chart, setChart] = useState<Chart | null>(null);
  const [error, setError] = useState<string | null>(null);
  const box = useRef<HTMLDivElement>(null);
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;

  useEffect(() => {
    const [start_time, end_time] = windowOf(range, back);
    setChart(null);
    call<Chart>('/health', 'health', 'query', { type, granularity: RANGES[range].granularity, start_time, end_time, tz: zone }).then((r) => {
      if (r.key === 'OK') setChart(r.data);
      else setError(t('errorGeneric', { status: r.status, message: r.message }));
    }, () => setError(t('errorNetwork')));
  }, [type, range, back]);

  const parts = chart?.points.find((p) => p.value !== null && typeof p.value === 'object')?.value as Record<string, number> | undefined;
  const names = parts ? Object.keys(parts) : [t(`type_${type}` as Key)];
  const series = (i: number) => chart!.points.map((p) => (p.value === null ? null : typeof p.value === 'number' ? p.value : p.value[names[i]!] ?? null));

  useEffect(() => {
    if (!chart || !box.current || chart.summary.count === 0) return;
    const width = Math.max(280, box.current.clientWidth);
    const plot = new uPlot({
      width, height: 260,
      series: [{}, ...names.map((label, i) => ({ label, stroke: i ? '#b00020' : '#0b5cad', width: 2, spanGaps: false, points: { show: true, size: 6 } }))],
      axes: [{ stroke: '#1a1a1a' }, { stroke: '#1a1a1a', label: chart.unit }],
      scales: { x: { time: true } },
      legend: { show: names.length > 1 },
    }, [chart.points.map((p) => p.timestamp), ...names.map((_, i) => series(i))] as uPlot.AlignedData, box.current);
    return () => plot.destroy();
  }, [chart]);

  const label = (ts: number) => new Intl.DateTimeFormat(locale, RANGES[range].granularity === 'hour' ? { hour: '2-digit', minute: '2-digit' } : { month: 'short', day: 'numeric', weekday: 'short' }).format(ts * 1000);
  const fmt = (v: number | null) => (v === null ? '—' : new Intl.NumberFormat(locale, { maximumFractionDigits: 1 }).format(v));
  return (
    <section aria-labelledby="health-heading">
      <h1 id="health-heading">{t('health')}</h1>
      <div class="card controls">
        <label for="health-type">{t('healthType')}</label>
        <select id="health-type" value={type} onChange={(e) => setType(e.currentTarget.value as (typeof TYPES)[number])}>
          {TYPES.map((k) => <option key={k} value={k}>{t(`type_${k}` as Key)}</option>)}
        </select>
        <div role="group" aria-label={t('range')} class="segmented">
          {(Object.keys(RANGES) as Range[]).map((r) => (
            <button key={r} type="button" class={r === range ? 'primary' : 'secondary'} aria-pressed={r === range} onClick={() => {
              setRange(r);
              setBack(0);
            }}>{t(r)}</button>
          ))}
        </div>
        <div class="segmented">
          <button type="button" class="secondary" onClick={() => setBack(back + 1)}>{t('earlier')}</button>
          <button type="button" class="secondary" disabled={back === 0} onClick={() => setBack(back - 1)}>{t('later')}</button>
        </div>
      </div>
      {error && <p class="error" role="alert">{error}</p>}
      {!chart && !error && <p>{t('loading')}</p>}
      {chart && chart.summary.count === 0 && <p class="empty">{t('noData')}</p>}
      {chart && chart.summary.count > 0 && (
        <div class="card">
          <p role="status">{chart.summary.total !== null
            ? t('summarySum', { total: fmt(chart.summary.total), unit: chart.unit, count: chart.summary.count })
            : t('summary', { average: fmt(chart.summary.average), min: fmt(chart.summary.min), max: fmt(chart.summary.max), unit: chart.unit, count: chart.summary.count })}</p>
          <div ref={box} class="chart" aria-hidden="true" />
          <details>
            <summary>{t('tableOf')}</summary>
            <table>
              <thead><tr><th scope="col">{t('when')}</th>{names.map((n) => <th key={n} scope="col">{n} ({chart.unit})</th>)}</tr></thead>
              <tbody>
                {chart.points.filter((p) => p.value !== null).map((p) => (
                  <tr key={p.timestamp}><td>{label(p.timestamp)}</td>{names.map((n, i) => <td key={n}>{fmt(series(i)[chart.points.indexOf(p)] ?? null)}</td>)}</tr>
                ))}
              </tbody>
            </table>
          </details>
        </div>
      )}
    </section>
  );
}
