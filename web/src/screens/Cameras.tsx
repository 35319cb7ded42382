import { useEffect, useState } from 'preact/hooks';
import { call, type Session } from '../api';
import { useI18n } from '../i18n';
import type { Liveness } from '../live';
import { When } from './Alerts';

interface Camera {
  device_id: string;
  device_name: string;
  online: boolean | null;
  last_seen: string | null;
}

export function Cameras({ session, liveness, now }: { session: Session; liveness: Record<string, Liveness>; now: number }) {
  const { t } = useI18n();
  const [cameras, setCameras] = useState<Camera[] | null>(null);
  const [name, setName] = useState('');
  const [id, setId] = useState('');
  const [message, setMessage] = useState<{ text: string; error: boolean } | null>(null);

  const load = async () => {
    const reply = await call<{ list: Camera[] }>('/device', 'device', 'list');
    if (reply.status === 0) setCameras(reply.data.list);
  };
  useEffect(() => void load(), [session]);

  const say = (status: number, message: string, ok: string) => setMessage(status === 0 ? { text: ok, error: false } : { text: t('errorGeneric', { status, message }), error: true });

  return (
    <section aria-labelledby="cameras-heading">
      <h1 id="cameras-heading">{t('cameras')}</h1>
      {cameras?.length === 0 && <p class="empty">{t('noCameras')}</p>}
      <ul class="cameras">
        {cameras?.map((c) => {
          const live = liveness[c.device_id] ?? c;
          const state = live.online === null ? t('noHeartbeat') : live.online ? t('online') : t('offlineState');
          return (
            <li key={c.device_id} class="card camera" aria-label={c.device_name}>
              <h2>{c.device_name}</h2>
              <p><span class={`pill ${live.online ? 'live' : live.online === false ? 'down' : ''}`}>{state}</span></p>
              {live.last_seen && <p>{t('lastSeen')} <When text={live.last_seen} session={session} now={now} /></p>}
            </li>
          );
        })}
      </ul>
      {message && <p class={message.error ? 'error' : 'ok'} role="status">{message.text}</p>}
      <form class="card" onSubmit={async (e) => {
        e.preventDefault();
        const reply = await call<{ device_id: string }>('/device', 'device', 'add', { device: name.trim() });
        say(reply.status, reply.message, t('added', { id: reply.data.device_id }));
        if (reply.status === 0) {
          setName('');
          void load();
        }
      }}>
        <h2>{t('addCamera')}</h2>
        <label for="camera-name">{t('cameraName')}</label>
        <input id="camera-name" required maxLength={64} value={name} onInput={(e) => setName(e.currentTarget.value)} />
        <button type="submit" class="primary">{t('add')}</button>
      </form>
      <form class="card" onSubmit={async (e) => {
        e.preventDefault();
        const reply = await call('/device', 'device', 'bind', { device_id: id.trim() });
        say(reply.status, reply.message, t('bound'));
        if (reply.status === 0) {
          setId('');
          void load();
        }
      }}>
        <h2>{t('bindCamera')}</h2>
        <label for="camera-id">{t('cameraId')}</label>
        <input id="camera-id" required value={id} onInput={(e) => setId(e.currentTarget.value)} autoComplete="off" spellcheck={false} />
        <button type="submit" class="primary">{t('bind')}</button>
      </form>
    </section>
  );
}
