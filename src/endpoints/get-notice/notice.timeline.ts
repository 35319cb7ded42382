import { maskPhone } from '../../services/shared/index.js';
import { handler } from './statuses.js';

type Entry = { step: string; at: string; outcome: string; sent?: number; total?: number; attempt?: number; by?: string; by_you?: boolean };

/** The chain's order, for steps recorded in the same millisecond (a push starts before the SMS beside it). */
const RANK: Record<string, number> = { stored: 0, streamed: 1, pushed: 2, sms: 3, 'sms-repeat': 4, call: 5, acknowledged: 6 };

/**
 * A fall's timeline for an account bound to its camera: stored, streamed, pushed, each SMS burst and retry,
 * the repeat SMS and the call (sent, failed, pending or skipped), acknowledged and by whom (nickname,
 * or the phone masked), oldest first.
 */
export default handler<{ event_id: string }>({
  type: 'notice', subtype: 'timeline', auth: 'user', success: 'successful',
  async run({ event_id }, { notices, noticeView, alerts, users, read, user, ok, fail }) {
    const notice = await notices.visible(read, user!.id, event_id);
    if (!notice) return fail('GET_NOTICE_ERROR');
    const at = (ms: number) => noticeView.createtime(ms);
    const { steps, sends } = await alerts.timeline(notice.id);
    const entries: [number, Entry][] = [
      [notice.createdAt, { step: 'stored', at: at(notice.createdAt), outcome: notice.photoOk === 1 ? 'ok' : 'photo_incomplete' }],
      // the hub writes every open stream as the notice commits (or on the instance's next wake-up)
      [notice.createdAt, { step: 'streamed', at: at(notice.createdAt), outcome: 'sent' }],
      ...sends.map((e): [number, Entry] => [e.at, { step: e.kind, at: at(e.at), outcome: e.outcome, sent: e.sent, total: e.total, attempt: e.attempt }]),
      // sent or failed steps are in the sends above; what is left is still to come, or was not needed
      ...steps.filter((s) => s.outcome === null || s.outcome === 'skipped').map((s): [number, Entry] => {
        const when = s.outcome === null ? s.dueAt : s.doneAt ?? s.dueAt;
        return [when, { step: s.kind === 'alert-repeat' ? 'sms-repeat' : s.kind, at: at(when), outcome: s.outcome ?? 'pending' }];
      }),
    ];
    if (notice.ackAt !== null && notice.ackPhone !== null) {
      const who = await users.byPhone(read, notice.ackPhone);
      entries.push([notice.ackAt, { step: 'acknowledged', at: at(notice.ackAt), outcome: 'ok', by: who?.nickname || maskPhone(notice.ackPhone), by_you: notice.ackPhone === user!.phone }]);
    }
    entries.sort((a, b) => a[0] - b[0] || RANK[a[1].step]! - RANK[b[1].step]!);
    const { device, createtime } = noticeView.toPublic(notice);
    return ok({ event_id, device, createtime, timeline: entries.map(([, e]) => e) });
  },
});
