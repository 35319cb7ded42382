import { useEffect, useRef, useState } from 'preact/hooks';
import { call, type Reply, type Session } from '../../api/client';
import { problem } from '../../api/problems';
import { useI18n } from '../../ui/i18n';
import type { Liveness, Notice, Pause } from '../../api/types';
import { serverTime } from '../../ui/time';
import { When } from '../../ui/When';
import { DrillTable } from './Drill';
import { OnCallForm, type OnCallOrder } from './OnCall';
import { PauseControl } from './Pause';

interface Camera {
  device_id: string;
  device_name: string;
  online: boolean | null;
  last_seen: string | null;
  paused: Pause | null;
}

type Say = (reply: Pick<Reply<unknown>, 'key' | 'status' | 'message'>, ok: string) => void;

/** A camera's escalation as device.info and device.alerts give it. */
interface Escalation {
  repeat_seconds: number;
  call_seconds: number;
  resident_phone: string | null;
  resident_seconds: number;
  last_resort_phone: string | null;
  last_resort_seconds: number;
}

const MOBILE = /^1[3-9][0-9]{9}$/;

/** The escalation form: the repeat and the call; the resident asked first and a last resort when the server takes answers by phone. */
function EscalationForm({ id, alerts, answers, onSaved, say }: { id: string; alerts: Escalation; answers: boolean; onSaved: (a: Escalation) => void; say: Say }) {
  const { t } = useI18n();
  const [repeat, setRepeat] = useState(String(Math.round(alerts.repeat_seconds / 60)));
  const [callAfter, setCallAfter] = useState(String(Math.round(alerts.call_seconds / 60)));
  const [resident, setResident] = useState(alerts.resident_phone ?? '');
  const [residentWait, setResidentWait] = useState(String(alerts.resident_seconds));
  const [lastResort, setLastResort] = useState(alerts.last_resort_phone ?? '');
  const [lastAfter, setLastAfter] = useState(String(Math.round(alerts.last_resort_seconds / 60)));
  const [problem, setProblem] = useState<string | null>(null);
  const after = (s: number) => (s === 0 ? t('off') : t('afterMinutes', { n: Math.round(s / 60) }));
  const minutes = (v: string) => Math.max(0, Math.min(1440, Math.round(Number(v) || 0))) * 60;
  const seconds = (v: string) => Math.max(0, Math.min(180, Math.round(Number(v) || 0)));
  const field = (name: string, value: string, set: (v: string) => void, label: string, extra: Record<string, unknown>) => (
    <>
      <label for={`${name}-${id}`}>{label}</label>
      <input id={`${name}-${id}`} value={value} onInput={(e) => set(e.currentTarget.value)} {...extra} />
    </>
  );
  return (
    <form noValidate onSubmit={async (e) => {
      e.preventDefault();
      const phones = answers ? [[resident.trim(), t('residentPhone')], [lastResort.trim(), t('lastResortPhone')]] : [];
      const bad = phones.find(([v]) => v !== '' && !MOBILE.test(v!));
      if (bad) return setProblem(t('badMobile', { field: bad[1]! }));
      setProblem(null);
      const data = {
        device_id: id, repeat_seconds: minutes(repeat), call_seconds: minutes(callAfter),
        ...(answers ? { resident_phone: resident.trim() || null, resident_seconds: seconds(residentWait), last_resort_phone: lastResort.trim() || null, last_resort_seconds: minutes(lastAfter) } : {}),
      };
      const r = await call<Escalation>('/device', 'device', 'alerts', data);
      if (r.key === 'OK') onSaved(r.data);
      say(r, t('saved'));
    }}>
      <h3>{t('escalation')}</h3>
      <p>{t('escalationNow', { repeat: after(alerts.repeat_seconds), call: after(alerts.call_seconds) })}</p>
      {field('repeat', repeat, setRepeat, t('repeatAfter'), { type: 'number', inputMode: 'numeric', min: 0, max: 1440 })}
      {field('call', callAfter, setCallAfter, t('callAfter'), { type: 'number', inputMode: 'numeric', min: 0, max: 1440 })}
      {answers ? (
        <>
          <h3>{t('residentTitle')}</h3>
          <p>{t('residentExplain')}</p>
          {field('resident', resident, setResident, t('residentPhone'), { type: 'tel', inputMode: 'numeric', autoComplete: 'off', maxLength: 11 })}
          {field('resident-wait', residentWait, setResidentWait, t('residentWait'), { type: 'number', inputMode: 'numeric', min: 0, max: 180 })}
          <h3>{t('lastResortTitle')}</h3>
          <p>{t('lastResortExplain')}</p>
          {field('last-resort', lastResort, setLastResort, t('lastResortPhone'), { type: 'tel', inputMode: 'numeric', autoComplete: 'off', maxLength: 11 })}
          {field('last-after', lastAfter, setLastAfter, t('lastResortAfter'), { type: 'number', inputMode: 'numeric', min: 0, max: 1440 })}
        </>
      ) : <p>{t('answersOff')}</p>}
      {problem && <p class="error" role="alert">{problem}</p>}
      <button type="submit" class="secondary">{t('escalationSave')}</button>
    </form>
  );
}

/** A camera id from its QR code: the 32-hex id itself, or HELPAGED-DEVICE:<id>. */
export function cameraIdOf(text: string): string | null {
  const m = /^(?:HELPAGED-DEVICE:)?([0-9a-f]{32})$/i.exec(text.trim());
  return m ? m[1]!.toLowerCase() : null;
}

/** jsQR (loaded only when a picture is scanned, so the first load stays small) on a photo the person took or chose. */
async function scan(file: File): Promise<string | null> {
  const { default: jsQR } = await import('jsqr');
  const bitmap = await createImageBitmap(file);
  const scale = Math.min(1, 1600 / Math.max(bitmap.width, bitmap.height));
  const canvas = document.createElement('canvas');
  canvas.width = Math.round(bitmap.width * scale);
  canvas.height = Math.round(bitmap.height * scale);
  const ctx = canvas.getContext('2d')!;
  ctx.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
  const pixels = ctx.getImageData(0, 0, canvas.width, canvas.height);
  return jsQR(pixels.data, pixels.width, pixels.height)?.data ?? null;
}

function CameraCard({ camera, live, pause, setPause, lastFall, session, now, reload, say }: {
  camera: Camera; live: Liveness | Camera; pause: Pause | null; setPause: (p: Pause | null) => void; lastFall: Notice | undefined; session: Session; now: number; reload: () => void; say: Say;
}) {
  const { t } = useI18n();
  const [family, setFamily] = useState<string[] | null>(null);
  const [alerts, setAlerts] = useState<Escalation | null>(null);
  const [order, setOrder] = useState<OnCallOrder | null>(null);
  const [confirming, setConfirming] = useState(false);
  const id = camera.device_id;

  useEffect(() => {
    void call<{ family: { name: string }[] }>('/device', 'device', 'family', { device_id: id }).then((r) => r.key === 'OK' && setFamily(r.data.family.map((m) => m.name)));
    void call<{ alerts: Escalation; oncall: OnCallOrder }>('/device', 'device', 'info', { device_id: id }).then((r) => {
      if (r.key !== 'OK') return;
      setAlerts(r.data.alerts);
      setOrder(r.data.oncall);
    });
  }, [id]);

  const state = live.online === null ? t('noHeartbeat') : live.online ? t('online') : t('offlineState');
  return (
    <li class="card camera" aria-labelledby={`cam-${id}`}>
      <h2 id={`cam-${id}`}>{camera.device_name}</h2>
      <p><span class={`pill ${live.online ? 'live' : live.online === false ? 'down' : ''}`}>{state}</span></p>
      {live.last_seen && <p>{t('lastSeen')} <When text={live.last_seen} session={session} now={now} /></p>}
      <p>{t('lastFall')} {lastFall ? <a href={`#/alert/${encodeURIComponent(lastFall.event_id)}`}><When text={lastFall.createtime} session={session} now={now} /></a> : t('noFallYet')}</p>
      {family && <p>{family.length ? `${t('family')} ${family.join(', ')}` : t('familyNobody')}</p>}
      <PauseControl id={id} camera={camera.device_name} pause={pause} phone={session.phone} today={serverTime(now, session.timezone).slice(0, 10)} onChange={setPause} say={say} />
      <DrillTable id={id} say={say} />
      {order && <OnCallForm id={id} order={order} onSaved={setOrder} say={say} />}
      {alerts && <EscalationForm id={id} alerts={alerts} answers={session.answers === true} onSaved={setAlerts} say={say} />}
      {!confirming && <button type="button" class="secondary danger" onClick={() => setConfirming(true)}>{t('unbind')}</button>}
      {confirming && (
        <div role="group" aria-label={t('unbind')}>
          <p>{t('unbindConfirm', { camera: camera.device_name })}</p>
          <button type="button" class="primary danger" onClick={async () => {
            const r = await call('/device', 'device', 'unbind', { device_id: id });
            say(r, t('unbound'));
            if (r.key === 'OK') reload();
          }}>{t('unbindYes')}</button>{' '}
          <button type="button" class="secondary" onClick={() => setConfirming(false)}>{t('cancel')}</button>
        </div>
      )}
    </li>
  );
}

/** device.pairing's code and QR for a camera to scan; the new camera shows up in device.list once it claims the code. */
function Pairing({ known, onPaired }: { known: string[]; onPaired: (name: string) => void }) {
  const { t } = useI18n();
  const [pairing, setPairing] = useState<{ pairing_code: string; qrcode: string; expires_in: number } | null>(null);
  const before = useRef<string[]>(known);

  useEffect(() => {
    if (!pairing) return;
    const until = Date.now() + pairing.expires_in * 1000;
    const timer = setInterval(async () => {
      if (Date.now() > until) {
        clearInterval(timer);
        return setPairing(null);
      }
      const r = await call<{ list: Camera[] }>('/device', 'device', 'list');
      const fresh = r.key === 'OK' ? r.data.list.find((c) => !before.current.includes(c.device_id)) : undefined;
      if (fresh) {
        clearInterval(timer);
        setPairing(null);
        onPaired(fresh.device_name);
      }
    }, 2000);
    return () => clearInterval(timer);
  }, [pairing]);

  return (
    <div class="card">
      <h2>{t('pairCamera')}</h2>
      {!pairing && <button type="button" class="primary" onClick={async () => {
        before.current = known;
        const r = await call<{ pairing_code: string; qrcode: string; expires_in: number }>('/device', 'device', 'pairing');
        if (r.key === 'OK') setPairing(r.data);
      }}>{t('pairCamera')}</button>}
      {pairing && (
        <>
          <p>{t('pairHint')}</p>
          <img class="qr" src={`data:image/png;base64,${pairing.qrcode}`} alt={t('pairQrAlt', { code: pairing.pairing_code })} width={240} height={240} />
          <p class="code">{t('pairCode', { code: pairing.pairing_code })}</p>
          <p role="status">{t('pairWaiting')}</p>
        </>
      )}
    </div>
  );
}

export function Cameras({ session, liveness, pauses, setPause, alerts, now }: {
  session: Session; liveness: Record<string, Liveness>; pauses: Record<string, { paused: Pause | null }>; setPause: (id: string, name: string, p: Pause | null) => void; alerts: Notice[]; now: number;
}) {
  const { t } = useI18n();
  const [cameras, setCameras] = useState<Camera[] | null>(null);
  const [name, setName] = useState('');
  const [id, setId] = useState('');
  const [message, setMessage] = useState<{ text: string; error: boolean } | null>(null);

  const load = async () => {
    const reply = await call<{ list: Camera[] }>('/device', 'device', 'list');
    if (reply.key === 'OK') setCameras(reply.data.list);
  };
  useEffect(() => void load(), [session]);

  const say: Say = (r, ok) => setMessage(r.key === 'OK' ? { text: ok, error: false } : { text: problem(r as Reply<unknown>, 'camera', t), error: true });
  const bind = async (deviceId: string) => {
    const reply = await call('/device', 'device', 'bind', { device_id: deviceId });
    say(reply, t('bound'));
    if (reply.key === 'OK') {
      setId('');
      void load();
    }
  };

  return (
    <section aria-labelledby="cameras-heading">
      <h1 id="cameras-heading">{t('cameras')}</h1>
      {message && <p class={message.error ? 'error' : 'ok'} role="status">{message.text}</p>}
      {cameras?.length === 0 && <p class="empty">{t('noCameras')}</p>}
      <ul class="cameras">
        {cameras?.map((c) => (
          <CameraCard key={c.device_id} camera={c} live={liveness[c.device_id] ?? c} pause={(pauses[c.device_id] ?? c).paused} setPause={(p) => setPause(c.device_id, c.device_name, p)} lastFall={alerts.find((n) => n.device === c.device_name)}
            session={session} now={now} reload={() => void load()} say={say} />
        ))}
      </ul>
      <Pairing known={cameras?.map((c) => c.device_id) ?? []} onPaired={(camera) => {
        say({ key: 'OK', status: 0, message: '' }, t('paired', { camera }));
        void load();
      }} />
      <form class="card" onSubmit={async (e) => {
        e.preventDefault();
        const reply = await call<{ device_id: string }>('/device', 'device', 'add', { device: name.trim() });
        say(reply, t('added', { id: reply.data.device_id }));
        if (reply.key === 'OK') {
          setName('');
          void load();
        }
      }}>
        <h2>{t('addCamera')}</h2>
        <label for="camera-name">{t('cameraName')}</label>
        <input id="camera-name" required maxLength={64} value={name} onInput={(e) => setName(e.currentTarget.value)} />
        <button type="submit" class="primary">{t('add')}</button>
      </form>
      <form class="card" onSubmit={(e) => {
        e.preventDefault();
        void bind(id.trim());
      }}>
        <h2>{t('bindCamera')}</h2>
        <label for="camera-qr">{t('scanQr')}</label>
        <p class="hint">{t('scanHint')}</p>
        <input id="camera-qr" type="file" accept="image/*" capture="environment" onChange={async (e) => {
          const file = e.currentTarget.files?.[0];
          if (!file) return;
          const found = cameraIdOf((await scan(file).catch(() => null)) ?? '');
          if (!found) return setMessage({ text: t('scanFailed'), error: true });
          setId(found);
          await bind(found);
        }} />
        <label for="camera-id">{t('cameraId')}</label>
        <input id="camera-id" required value={id} onInput={(e) => setId(e.currentTarget.value)} autoComplete="off" spellcheck={false} />
        <button type="submit" class="primary">{t('bind')}</button>
      </form>
    </section>
  );
}
