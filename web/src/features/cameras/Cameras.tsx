import { useEffect, useRef, useState } from 'preact/hooks';
import { call, type Reply, type Session } from '../../api/client';
import { useI18n } from '../../ui/i18n';
import type { Liveness, Notice } from '../../api/types';
import { When } from '../../ui/When';

interface Camera {
  device_id: string;
  device_name: string;
  online: boolean | null;
  last_seen: string | null;
}

type Say = (reply: Pick<Reply<unknown>, 'key' | 'status' | 'message'>, ok: string) => void;

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

function CameraCard({ camera, live, lastFall, session, now, reload, say }: { camera: Camera; live: Liveness | Camera; lastFall: Notice | undefined; session: Session; now: number; reload: () => void; say: Say }) {
  const { t } = useI18n();
  const [family, setFamily] = useState<string[] | null>(null);
  const [alerts, setAlerts] = useState<{ repeat_seconds: number; call_seconds: number } | null>(null);
  const [repeat, setRepeat] = useState('');
  const [callAfter, setCallAfter] = useState('');
  const [confirming, setConfirming] = useState(false);
  const id = camera.device_id;

  useEffect(() => {
    void call<{ family: { name: string }[] }>('/device', 'device', 'family', { device_id: id }).then((r) => r.key === 'OK' && setFamily(r.data.family.map((m) => m.name)));
    void call<{ alerts: { repeat_seconds: number; call_seconds: number } }>('/device', 'device', 'info', { device_id: id }).then((r) => {
      if (r.key !== 'OK') return;
      setAlerts(r.data.alerts);
      setRepeat(String(Math.round(r.data.alerts.repeat_seconds / 60)));
      setCallAfter(String(Math.round(r.data.alerts.call_seconds / 60)));
    });
  }, [id]);

  const state = live.online === null ? t('noHeartbeat') : live.online ? t('online') : t('offlineState');
  const after = (s: number) => (s === 0 ? t('off') : t('afterMinutes', { n: Math.round(s / 60) }));
  const minutes = (v: string) => Math.max(0, Math.min(1440, Math.round(Number(v) || 0))) * 60;
  return (
    <li class="card camera" aria-labelledby={`cam-${id}`}>
      <h2 id={`cam-${id}`}>{camera.device_name}</h2>
      <p><span class={`pill ${live.online ? 'live' : live.online === false ? 'down' : ''}`}>{state}</span></p>
      {live.last_seen && <p>{t('lastSeen')} <When text={live.last_seen} session={session} now={now} /></p>}
      <p>{t('lastFall')} {lastFall ? <a href={`#/alert/${encodeURIComponent(lastFall.event_id)}`}><When text={lastFall.createtime} session={session} now={now} /></a> : t('noFallYet')}</p>
      {family && <p>{family.length ? `${t('family')} ${family.join(', ')}` : t('familyNobody')}</p>}
      {alerts && (
        <form onSubmit={async (e) => {
          e.preventDefault();
          const r = await call<{ repeat_seconds: number; call_seconds: number }>('/device', 'device', 'alerts', { device_id: id, repeat_seconds: minutes(repeat), call_seconds: minutes(callAfter) });
          if (r.key === 'OK') setAlerts(r.data);
          say(r, t('saved'));
        }}>
          <h3>{t('escalation')}</h3>
          <p>{t('escalationNow', { repeat: after(alerts.repeat_seconds), call: after(alerts.call_seconds) })}</p>
          <label for={`repeat-${id}`}>{t('repeatAfter')}</label>
          <input id={`repeat-${id}`} type="number" inputMode="numeric" min={0} max={1440} value={repeat} onInput={(e) => setRepeat(e.currentTarget.value)} />
          <label for={`call-${id}`}>{t('callAfter')}</label>
          <input id={`call-${id}`} type="number" inputMode="numeric" min={0} max={1440} value={callAfter} onInput={(e) => setCallAfter(e.currentTarget.value)} />
          <button type="submit" class="secondary">{t('save')}</button>
        </form>
      )}
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

export function Cameras({ session, liveness, alerts, now }: { session: Session; liveness: Record<string, Liveness>; alerts: Notice[]; now: number }) {
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

  const say: Say = (r, ok) => setMessage(r.key === 'OK' ? { text: ok, error: false } : { text: t('errorGeneric', { status: r.status, message: r.message }), error: true });
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
          <CameraCard key={c.device_id} camera={c} live={liveness[c.device_id] ?? c} lastFall={alerts.find((n) => n.device === c.device_name)}
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
