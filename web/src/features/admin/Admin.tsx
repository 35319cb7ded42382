import { useEffect, useRef, useState } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { call, type Reply, type Session } from '../api';
import { useI18n } from '../i18n';
import { serverTime } from '../time';
import type { Key } from '../strings';
import { AuditTable, named, Table, type AuditEntry } from './tables';

/** The operator's area (role admin): one panel per part of the service, each one server call. */
export type Panel = 'accounts' | 'cameras' | 'chain' | 'reports' | 'audit' | 'packages';
export const PANELS: Panel[] = ['accounts', 'cameras', 'chain', 'reports', 'audit', 'packages'];
const TITLES: Record<Panel, Key> = {
  accounts: 'adminAccounts', cameras: 'adminCameras', chain: 'adminChain', reports: 'adminReports', audit: 'adminAudit', packages: 'adminPackages',
};

type T = ReturnType<typeof useI18n>['t'];

/** A call's failure in plain words, or null. */
function failure(t: T, r: Reply<unknown>): string | null {
  return r.status === 0 ? null : t('errorGeneric', { status: r.status, message: r.message });
}

function Status({ text, error }: { text: string | null; error?: boolean }) {
  return <p role="status" class={error ? 'error' : 'ok'}>{text ?? ''}</p>;
}

/** Previous / next for a paged list. */
function Pager({ total, offset, size, go }: { total: number; offset: number; size: number; go: (offset: number) => void }) {
  const { t } = useI18n();
  const pages = Math.max(1, Math.ceil(total / size));
  const page = Math.floor(offset / size) + 1;
  if (pages <= 1) return null;
  return (
    <nav class="pager" aria-label={t('pageOf', { page, pages })}>
      <button type="button" class="secondary" disabled={page <= 1} onClick={() => go(offset - size)}>{t('previous')}</button>
      <span>{t('pageOf', { page, pages })}</span>
      <button type="button" class="secondary" disabled={page >= pages} onClick={() => go(offset + size)}>{t('next')}</button>
    </nav>
  );
}

/**
 * A paged list: the page at `offset` from `fetchPage` (the latest render's, so that it sees the form's
 * fields), its failure in words, and the pager under it.
 */
function usePages<R extends { total: number }>(size: number, fetchPage: (offset: number) => Promise<Reply<R>>) {
  const { t } = useI18n();
  const [offset, setOffset] = useState(0);
  const [data, setData] = useState<R | null>(null);
  const [error, setError] = useState<string | null>(null);
  const load = async (at = offset) => {
    setOffset(at);
    const r = await fetchPage(at);
    if (r.status === 0) {
      setData(r.data);
      setError(null);
    } else setError(failure(t, r));
  };
  useEffect(() => void load(0), []);
  const pager = data ? <Pager total={data.total} offset={offset} size={size} go={(o) => void load(o)} /> : null;
  return { data, error, load, pager };
}

interface Account { phone: string; nickname: string | null; role: 'admin' | 'user'; created_at: string; cameras: number; sessions: number }

function Accounts({ session }: { session: Session }) {
  const { t } = useI18n();
  const [q, setQ] = useState('');
  const [message, setMessage] = useState<{ text: string; error?: boolean } | null>(null);
  const [confirming, setConfirming] = useState<string | null>(null);
  const SIZE = 20;
  const { data, error, load, pager } = usePages(SIZE, (at) => call<{ total: number; list: Account[] }>('/admin/user', 'user', 'search', { q, limit: SIZE, offset: at }));
  const act = async (subtype: string, data: Record<string, unknown>) => {
    const r = await call('/admin/user', 'user', subtype, data);
    setMessage(r.status === 0 ? { text: t('done') } : { text: failure(t, r)!, error: true });
    setConfirming(null);
    void load();
  };
  return (
    <>
      <form role="search" onSubmit={(e) => {
        e.preventDefault();
        void load(0);
      }}>
        <label for="account-q">{t('searchAccounts')}</label>
        <input id="account-q" type="search" value={q} maxLength={32} onInput={(e) => setQ(e.currentTarget.value)} />
        <button type="submit" class="primary">{t('search')}</button>
      </form>
      <Status text={error ?? message?.text ?? null} error={error !== null || message?.error} />
      {data && <p>{t('results', { n: data.total })}</p>}
      {data && data.list.length > 0 && (
        <ul class="rows">
          {data.list.map((a) => (
            <li class="card" aria-labelledby={`acct-${a.phone}`}>
              <h3 id={`acct-${a.phone}`}>{a.phone}{a.nickname ? ` · ${a.nickname}` : ''}</h3>
              <p>{t('colRole')}: {a.role === 'admin' ? t('roleAdmin') : t('roleUser')} · {t('colCameras')}: {a.cameras} · {t('colSessions')}: {a.sessions}</p>
              <div class="ways" role="group" aria-label={`${t('colActions')} ${a.phone}`}>
                {a.phone !== session.phone && (
                  <button type="button" class="secondary" onClick={() => act('role', { phone: a.phone, role: a.role === 'admin' ? 'user' : 'admin' })}>
                    {a.role === 'admin' ? t('removeAdmin') : t('makeAdmin')}
                  </button>
                )}
                <button type="button" class="secondary" onClick={() => act('signout', { phone: a.phone })}>{t('signOutEverywhere')}</button>
                {a.phone !== session.phone && confirming !== a.phone && <button type="button" class="secondary danger" onClick={() => setConfirming(a.phone)}>{t('deleteAccountOf')}</button>}
              </div>
              {confirming === a.phone && (
                <div role="alertdialog" aria-labelledby={`del-${a.phone}`} class="note">
                  <p id={`del-${a.phone}`}>{t('confirmDelete', { phone: a.phone })}</p>
                  <div class="ways">
                    <button type="button" class="primary danger" onClick={() => act('delete', { phone: a.phone })}>{t('confirm')}</button>
                    <button type="button" class="secondary" onClick={() => setConfirming(null)}>{t('cancel')}</button>
                  </div>
                </div>
              )}
            </li>
          ))}
        </ul>
      )}
      {pager}
    </>
  );
}

interface CameraRow {
  device_id: string; name: string; model: string | null; last_seen: string | null; online: boolean | null; families: number;
  falls_30d: number; judged_30d: number; false_alarms_30d: number; false_alarm_rate: number | null; median_ack_seconds: number | null;
}

const percent = (rate: number | null, locale: string) => (rate === null ? '—' : new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 0 }).format(rate));

function duration(t: T, seconds: number | null): string {
  if (seconds === null) return t('none');
  return seconds < 120 ? t('seconds', { n: seconds }) : t('minutesShort', { n: Math.round(seconds / 60) });
}

function Cameras() {
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

interface Chain {
  pending: { kind: string; steps: number; next_due: string | null }[];
  last_24h: { kind: string; provider: string; messages: number; accepted: number; failed: number; partial: number; sent: number }[];
  unacknowledged_24h: number;
  unacknowledged: { event_id: string; device: string; createtime: string; minutes: number }[];
}

function ChainPanel() {
  const { t } = useI18n();
  const [data, setData] = useState<Chain | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    void call<Chain>('/admin/user', 'alerts', 'chain').then((r) => (r.status === 0 ? setData(r.data) : setError(failure(t, r))));
  }, []);
  const kindName = (prefix: 'step_', kind: string) => named(t, `${prefix}${kind}`, kind);
  return (
    <>
      <Status text={error} error />
      {data && (
        <>
          <h3>{t('pendingSteps')}</h3>
          {data.pending.length === 0 ? <p>{t('noPending')}</p> : (
            <ul>{data.pending.map((p) => <li>{kindName('step_', p.kind)}: {p.steps}{p.next_due ? ` (${t('nextDue', { when: p.next_due })})` : ''}</li>)}</ul>
          )}
          <h3>{t('sends24h')}</h3>
          {data.last_24h.length === 0 ? <p>{t('noSends')}</p> : (
            <Table caption={t('sends24h')} head={[t('colKind'), t('colProvider'), t('colSent'), t('colMessages'), t('colAccepted'), t('colFailed')]}>
              {data.last_24h.map((s) => (
                <tr class={s.failed || s.partial ? 'failing' : ''}>
                  <th scope="row">{kindName('step_', s.kind)}</th>
                  <td>{s.provider}</td>
                  <td>{s.sent}</td>
                  <td>{s.messages}</td>
                  <td>{s.accepted}</td>
                  <td>{s.failed + s.partial}</td>
                </tr>
              ))}
            </Table>
          )}
          <h3>{t('unacked24h', { n: data.unacknowledged_24h })}</h3>
          <ul>{data.unacknowledged.map((u) => <li>{t('unackedAgo', { camera: u.device, n: u.minutes })} ({u.createtime})</li>)}</ul>
        </>
      )}
    </>
  );
}

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

function Reports({ session }: { session: Session }) {
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
    if (r.status === 0) {
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

const KINDS = ['signin', 'signin.failed', 'signout', 'session.revoke', 'signup', 'password.change', 'password.reset', 'phone.change', 'account.delete', 'account.export',
  'device.add', 'device.bind', 'device.unbind', 'device.claim', 'device.alerts', 'notice.ack', 'notice.verdict',
  'admin.grant', 'admin.revoke', 'admin.update', 'admin.signout', 'admin.delete', 'upgrade.upload', 'upgrade.delete'];

function Audit() {
  const { t } = useI18n();
  const [phone, setPhone] = useState('');
  const [camera, setCamera] = useState('');
  const [kind, setKind] = useState('');
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const SIZE = 50;
  const { data, error, load, pager } = usePages(SIZE, (at) => {
    const filter: Record<string, unknown> = { limit: SIZE, offset: at };
    if (phone.trim()) filter.phone = phone.trim();
    if (camera.trim()) filter.device_id = camera.trim();
    if (kind) filter.kind = kind;
    if (from) filter.from = from;
    if (to) filter.to = new Date(Date.parse(`${to}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
    return call<{ total: number; list: AuditEntry[] }>('/admin/user', 'audit', 'list', filter);
  });
  return (
    <>
      <form class="filters" onSubmit={(e) => {
        e.preventDefault();
        void load(0);
      }}>
        <div><label for="audit-phone">{t('filterAccount')}</label><input id="audit-phone" inputMode="tel" value={phone} maxLength={32} onInput={(e) => setPhone(e.currentTarget.value)} /></div>
        <div><label for="audit-camera">{t('filterCamera')}</label><input id="audit-camera" value={camera} maxLength={64} onInput={(e) => setCamera(e.currentTarget.value)} /></div>
        <div>
          <label for="audit-kind">{t('filterKind')}</label>
          <select id="audit-kind" value={kind} onChange={(e) => setKind(e.currentTarget.value)}>
            <option value="">{t('anyKind')}</option>
            {KINDS.map((k) => <option value={k}>{t(`audit_${k}` as Key)}</option>)}
          </select>
        </div>
        <div><label for="audit-from">{t('from')}</label><input id="audit-from" type="date" value={from} onInput={(e) => setFrom(e.currentTarget.value)} /></div>
        <div><label for="audit-to">{t('to')}</label><input id="audit-to" type="date" value={to} onInput={(e) => setTo(e.currentTarget.value)} /></div>
        <button type="submit" class="primary">{t('search')}</button>
      </form>
      <Status text={error} error />
      {data && <p>{t('results', { n: data.total })}</p>}
      {data && <AuditTable list={data.list} caption={t('adminAudit')} />}
      {pager}
    </>
  );
}

interface Package { id: number; platform: string; version: string; desc: string | null; size: number; sha256: string; path: string; created_at: string }

function Packages() {
  const { t, locale } = useI18n();
  const [list, setList] = useState<Package[] | null>(null);
  const [message, setMessage] = useState<{ text: string; error?: boolean } | null>(null);
  const [version, setVersion] = useState('');
  const [platform, setPlatform] = useState('');
  const [desc, setDesc] = useState('');
  const file = useRef<HTMLInputElement>(null);
  const load = async () => {
    const r = await call<{ list: Package[] }>('/upgrade', 'upgrade', 'list');
    if (r.status === 0) setList(r.data.list);
  };
  useEffect(() => void load(), []);
  const size = (n: number) => new Intl.NumberFormat(locale, { style: 'unit', unit: n >= 1e6 ? 'megabyte' : 'kilobyte', maximumFractionDigits: 1 }).format(n >= 1e6 ? n / 1e6 : n / 1e3);
  return (
    <>
      <form class="card" onSubmit={async (e) => {
        e.preventDefault();
        const chosen = file.current?.files?.[0];
        if (!chosen) return;
        const bytes = new Uint8Array(await chosen.arrayBuffer());
        let binary = '';
        for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
        const r = await call('/upgrade', 'upgrade', 'upload', { version: version.trim(), platform: platform.trim(), desc: desc.trim() || undefined, base64: btoa(binary), filename: chosen.name });
        setMessage(r.status === 0 ? { text: t('done') } : { text: failure(t, r)!, error: true });
        if (r.status === 0) void load();
      }}>
        <h3>{t('uploadPackage')}</h3>
        <label for="pkg-file">{t('packageFile')}</label>
        <input id="pkg-file" type="file" ref={file} required />
        <label for="pkg-version">{t('packageVersion')}</label>
        <input id="pkg-version" value={version} required maxLength={32} onInput={(e) => setVersion(e.currentTarget.value)} />
        <label for="pkg-platform">{t('packagePlatform')}</label>
        <input id="pkg-platform" value={platform} maxLength={32} onInput={(e) => setPlatform(e.currentTarget.value)} />
        <label for="pkg-desc">{t('packageDesc')}</label>
        <input id="pkg-desc" value={desc} maxLength={200} onInput={(e) => setDesc(e.currentTarget.value)} />
        <button type="submit" class="primary">{t('upload')}</button>
      </form>
      <Status text={message?.text ?? null} error={message?.error} />
      {list && list.length === 0 && <p>{t('noPackages')}</p>}
      {list && list.length > 0 && (
        <Table caption={t('adminPackages')} head={[t('colVersion'), t('colPlatform'), t('colSize'), t('colUploaded'), t('colActions')]}>
          {list.map((p) => (
            <tr>
              <th scope="row"><a href={p.path}>{p.version}</a>{p.desc ? <><br /><small>{p.desc}</small></> : null}</th>
              <td>{p.platform || t('allPlatforms')}</td>
              <td>{size(p.size)}</td>
              <td>{p.created_at}</td>
              <td><button type="button" class="secondary danger" onClick={async () => {
                const r = await call('/upgrade', 'upgrade', 'delete', { id: p.id });
                setMessage(r.status === 0 ? { text: t('done') } : { text: failure(t, r)!, error: true });
                void load();
              }}>{t('deletePackage', { version: p.version })}</button></td>
            </tr>
          ))}
        </Table>
      )}
    </>
  );
}

export function Admin({ session, panel }: { session: Session; panel: Panel }) {
  const { t } = useI18n();
  return (
    <section aria-labelledby="admin-heading">
      <h1 id="admin-heading">{t('admin')}: {t(TITLES[panel])}</h1>
      <nav aria-label={t('adminSections')} class="subtabs">
        {PANELS.map((p) => <a href={`#/admin/${p}`} aria-current={p === panel ? 'page' : undefined}>{t(TITLES[p])}</a>)}
      </nav>
      {panel === 'accounts' && <Accounts session={session} />}
      {panel === 'cameras' && <Cameras />}
      {panel === 'chain' && <ChainPanel />}
      {panel === 'reports' && <Reports session={session} />}
      {panel === 'audit' && <Audit />}
      {panel === 'packages' && <Packages />}
    </section>
  );
}
