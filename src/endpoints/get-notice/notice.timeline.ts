import { EVENT_KIND } from '../../db/alerts.js';
import { maskPhone } from '../../services/shared/index.js';
import { handler } from './statuses.js';

type Entry = {
  step: string; at: string; outcome: string; sent?: number; total?: number; attempt?: number;
  by?: string; by_you?: boolean; role?: string; channel?: string;
};

/** The chain's order, for steps recorded in the same millisecond (a push starts before the SMS beside it). */
const RANK: Record<string, number> = {
  stored: 0, streamed: 1, 'resident-call': 2, pushed: 3, resident: 4.5, sms: 5, 'sms-ok': 5, 'sms-next-level': 5.5, 'sms-repeat': 6, call: 7,
  'last-resort-sms': 8, 'last-resort-call': 8, keypress: 8.5, 'call-ended': 9, acknowledged: 11,
};
/** A key pressed on a call comes after that call; the resident's, before the answer it gave. */
const rankOf = (e: Entry) => (e.step === 'keypress' && e.role === 'resident' ? 4 : RANK[e.step] ?? 99);

/**
 * A fall's timeline for an account bound to its camera: stored, streamed, pushed, the resident's call
 * and answer, each SMS burst and retry, the repeat SMS and the call (sent, failed, pending or skipped),
 * how each call ended and the keys pressed, the last resort, acknowledged by whom (nickname, or the
 * phone masked) and how, oldest first.
 */
export default handler<{ event_id: string }>({
  type: 'notice', subtype: 'timeline', auth: 'user', success: 'successful',
  async run({ event_id }, { notices, noticeView, alerts, users, devices, read, user, ok, fail }) {
    const notice = await notices.visible(read, user!.id, event_id);
    if (!notice) return fail('GET_NOTICE_ERROR');
    const at = (ms: number) => noticeView.createtime(ms);
    const { steps, sends, contacts } = await alerts.timeline(notice.id);
    const family = new Map((await devices.boundUsers(read, notice.deviceRowId)).map((u) => [u.id, u]));
    const nameOf = async (userId: number | null, phone: string) => {
      const bound = userId === null ? undefined : family.get(userId);
      const profile = bound && await users.profile(read, bound.id);
      return profile?.nickname || maskPhone(phone);
    };
    const entries: [number, Entry][] = [
      [notice.createdAt, { step: 'stored', at: at(notice.createdAt), outcome: notice.photoOk === 1 ? 'ok' : 'photo_incomplete' }],
      // the hub writes every open stream as the notice commits (or on the instance's next wake-up)
      [notice.createdAt, { step: 'streamed', at: at(notice.createdAt), outcome: 'sent' }],
      ...sends.map((e): [number, Entry] => [e.at, { step: e.kind, at: at(e.at), outcome: e.outcome, sent: e.sent, total: e.total, attempt: e.attempt }]),
      // sent or failed steps are in the sends above; what is left is still to come, or was not needed
      ...steps.filter((s) => (s.outcome === null || s.outcome === 'skipped') && s.kind !== 'resident-wait').map((s): [number, Entry] => {
        const when = s.outcome === null ? s.dueAt : s.doneAt ?? s.dueAt;
        return [when, { step: EVENT_KIND[s.kind], at: at(when), outcome: s.outcome ?? 'pending' }];
      }),
    ];
    for (const c of contacts) {
      const by = c.role === 'family' ? await nameOf(c.userId, c.phone) : maskPhone(c.phone);
      if (c.status !== null) entries.push([c.statusAt!, { step: 'call-ended', at: at(c.statusAt!), outcome: c.status, by, role: c.role }]);
      if (c.keypress !== null) entries.push([c.keypressAt!, { step: 'keypress', at: at(c.keypressAt!), outcome: c.keypress, by, role: c.role }]);
    }
    if (notice.residentAnswer !== null && notice.residentAnswer !== 'calling') {
      entries.push([notice.residentAt!, { step: 'resident', at: at(notice.residentAt!), outcome: notice.residentAnswer }]);
    }
    if (notice.ackAt !== null && notice.ackPhone !== null) {
      const channel = notice.ackChannel ?? 'app';
      if (notice.ackBy === 'last_resort') {
        entries.push([notice.ackAt, { step: 'acknowledged', at: at(notice.ackAt), outcome: 'ok', by: maskPhone(notice.ackPhone), by_you: false, role: 'last_resort', channel }]);
      } else {
        const who = await users.byPhone(read, notice.ackPhone);
        entries.push([notice.ackAt, { step: 'acknowledged', at: at(notice.ackAt), outcome: 'ok', by: who?.nickname || maskPhone(notice.ackPhone), by_you: notice.ackPhone === user!.phone, channel }]);
      }
    }
    entries.sort((a, b) => a[0] - b[0] || rankOf(a[1]) - rankOf(b[1]));
    const { device, createtime } = noticeView.describe(notice);
    return ok({ event_id, device, createtime, timeline: entries.map(([, e]) => e) });
  },
});
