import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { call, LAST_LIST, NetworkError, type Session } from '../../api/client';
import type { Liveness, Notice, Pause, Verdict } from '../../api/types';
import { serverTime } from '../../ui/time';

const PAGE = 20;
/** Who is on call for a camera with a rota (device.list), by name; null without one. */
type OnCall = { name: string; phone: string }[] | null;

/**
 * The account's falls, kept live: the stream is opened first and the list read after, so a fall that
 * lands in between is not missed (items are kept once by event id). The browser's EventSource comes back
 * by itself after a dropped connection or a server restart, with Last-Event-ID, and the server replays
 * what it missed.
 */
export function useAlerts(session: Session) {
  const [list, setList] = useState<Notice[]>([]);
  const [total, setTotal] = useState(0);
  const [unread, setUnread] = useState(0);
  const [loaded, setLoaded] = useState(false);
  const [connected, setConnected] = useState(false);
  const [alarms, setAlarms] = useState<Notice[]>([]);
  const [liveness, setLiveness] = useState<Record<string, Liveness>>({});
  /** Each camera's pause by device id (device.list, then the stream's `paused` events), and who was on call then. */
  const [pauses, setPauses] = useState<Record<string, { device_name: string; paused: Pause | null; on_call?: OnCall }>>({});
  const setPause = useCallback((deviceId: string, device_name: string, paused: Pause | null) => setPauses((all) => ({ ...all, [deviceId]: { ...all[deviceId], device_name, paused } })), []);
  const [error, setError] = useState<string | null>(null);
  const known = useRef(new Set<string>());

  const refreshUnread = useCallback(async () => {
    const reply = await call<{ total: number }>('/get/notice', 'notice', 'get', { mode: 0, limit: 1 }).catch(() => null);
    if (reply?.key === 'OK') setUnread(reply.data.total);
  }, []);

  /** Each camera's pause and who is on call (device.list): at start, and again with each new fall. */
  const loadCameras = useCallback(async () => {
    const r = await call<{ list: { device_id: string; device_name: string; paused: Pause | null; on_call: OnCall }[] }>('/device', 'device', 'list').catch(() => null);
    if (r?.key === 'OK') setPauses(Object.fromEntries(r.data.list.map((c) => [c.device_id, { device_name: c.device_name, paused: c.paused, on_call: c.on_call }])));
  }, []);

  const acknowledgedHere = useCallback((eventId: string, acknowledged: Notice['acknowledged']) => {
    setList((items) => items.map((n) => (n.event_id === eventId && !n.acknowledged ? { ...n, acknowledged } : n)));
    setAlarms((items) => items.filter((n) => n.event_id !== eventId));
  }, []);

  useEffect(() => {
    const source = new EventSource('/api/notice/stream');
    source.onopen = () => setConnected(true);
    source.onerror = () => setConnected(false);
    source.addEventListener('notice', (e) => {
      const notice = JSON.parse((e as MessageEvent<string>).data) as Notice;
      if (known.current.has(notice.event_id)) return;
      known.current.add(notice.event_id);
      setList((items) => [notice, ...items]);
      setTotal((n) => n + 1);
      // a paused camera's falls are listed, and do not ring: the pause is there so that nobody is woken
      if (!notice.acknowledged && !notice.paused) setAlarms((items) => [...items, notice]);
      void refreshUnread();
      void loadCameras(); // who is on call now, for the alert
    });
    source.addEventListener('acknowledged', (e) => {
      const { event_id, acknowledged } = JSON.parse((e as MessageEvent<string>).data) as { event_id: string; acknowledged: Notice['acknowledged'] };
      acknowledgedHere(event_id, acknowledged);
    });
    source.addEventListener('verdict', (e) => {
      const { event_id, verdict } = JSON.parse((e as MessageEvent<string>).data) as { event_id: string; verdict: Verdict };
      setList((items) => items.map((n) => (n.event_id === event_id ? { ...n, verdict } : n)));
    });
    source.addEventListener('resident', (e) => {
      const { event_id, resident } = JSON.parse((e as MessageEvent<string>).data) as { event_id: string; resident: Notice['resident'] };
      setList((items) => items.map((n) => (n.event_id === event_id ? { ...n, resident } : n)));
      setAlarms((items) => items.map((n) => (n.event_id === event_id ? { ...n, resident } : n)));
    });
    source.addEventListener('paused', (e) => {
      const d = JSON.parse((e as MessageEvent<string>).data) as { device_id: string; device_name: string; paused: Pause | null };
      setPause(d.device_id, d.device_name, d.paused);
    });
    void loadCameras();
    source.addEventListener('device', (e) => {
      const d = JSON.parse((e as MessageEvent<string>).data) as Liveness;
      setLiveness((all) => ({ ...all, [d.device_id]: d }));
    });
    (async () => {
      let reply;
      try {
        reply = await call<{ list: Notice[]; total: number }>('/get/notice', 'notice', 'get', { mode: 2, limit: PAGE, offset: 0 });
      } catch (err) {
        if (!(err instanceof NetworkError)) throw err;
        // offline: the last list this browser had, until the stream is back
        const last = JSON.parse(localStorage.getItem(LAST_LIST) ?? '[]') as Notice[];
        setList((items) => [...items, ...last.filter((n) => !known.current.has(n.event_id))]);
        setLoaded(true);
        return;
      }
      if (reply.key !== 'OK') return setError(`${reply.status}: ${reply.message}`);
      const fresh = reply.data.list.filter((n) => !known.current.has(n.event_id));
      for (const n of fresh) known.current.add(n.event_id);
      setList((items) => [...items, ...fresh]);
      setTotal(reply.data.total);
      setLoaded(true);
      await refreshUnread();
    })().catch(() => setError('network'));
    return () => source.close();
  }, [session, refreshUnread, acknowledgedHere, setPause, loadCameras]);

  useEffect(() => {
    if (loaded) localStorage.setItem(LAST_LIST, JSON.stringify(list.slice(0, PAGE)));
  }, [list, loaded]);

  const more = useCallback(async () => {
    const reply = await call<{ list: Notice[]; total: number }>('/get/notice', 'notice', 'get', { mode: 2, limit: PAGE, offset: list.length });
    if (reply.key !== 'OK') return;
    const fresh = reply.data.list.filter((n) => !known.current.has(n.event_id));
    for (const n of fresh) known.current.add(n.event_id);
    setList((items) => [...items, ...fresh]);
    setTotal(reply.data.total);
  }, [list.length]);

  /** notice.sign: 0, or 101 when someone was first; the fall is acknowledged either way. */
  const acknowledge = useCallback(async (eventId: string): Promise<boolean> => {
    const reply = await call('/get/notice', 'notice', 'sign', { event_id: eventId });
    if (reply.key !== 'OK' && reply.key !== 'ALREADY_SIGNED') return false;
    acknowledgedHere(eventId, { phone: session.phone, at: serverTime(Date.now(), session.timezone), channel: 'console' });
    void refreshUnread();
    return true;
  }, [session, acknowledgedHere, refreshUnread]);

  /** notice.verdict: a real fall or not, with a note; it acknowledges the fall too. */
  const judge = useCallback(async (eventId: string, verdict: Verdict['verdict'], note: string): Promise<boolean> => {
    const reply = await call<{ verdict: Verdict }>('/get/notice', 'notice', 'verdict', { event_id: eventId, verdict, note: note.trim() || null });
    if (reply.key !== 'OK') return false;
    setList((items) => items.map((n) => (n.event_id === eventId ? { ...n, verdict: reply.data.verdict } : n)));
    acknowledgedHere(eventId, { phone: session.phone, at: reply.data.verdict.at, channel: 'console' });
    void refreshUnread();
    return true;
  }, [session, acknowledgedHere, refreshUnread]);

  return { list, total, unread, loaded, connected, alarm: alarms[0] ?? null, liveness, pauses, setPause, error, more, acknowledge, judge };
}

export type AlertsState = ReturnType<typeof useAlerts>;

/**
 * The nicknames of the family, by masked phone (device.family of every camera): "Seen by Mei" rather
 * than "Seen by 139****0002" where a member has a nickname. Read again when the list of falls grows.
 */
export function useNicknames(session: Session, falls: number): Record<string, string> {
  const [names, setNames] = useState<Record<string, string>>({});
  useEffect(() => {
    (async () => {
      const cameras = await call<{ list: { device_id: string }[] }>('/device', 'device', 'list');
      if (cameras.key !== 'OK') return;
      const found: Record<string, string> = {};
      for (const c of cameras.data.list) {
        const r = await call<{ family: { name: string; phone: string }[] }>('/device', 'device', 'family', { device_id: c.device_id });
        if (r.key === 'OK') for (const m of r.data.family) if (m.name !== m.phone) found[m.phone] = m.name;
      }
      setNames(found);
    })().catch(() => undefined);
  }, [session, falls > 0]);
  return names;
}
