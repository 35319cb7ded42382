import { handler } from './statuses.js';

/** A bound account marks a fall as real or not, with an optional note, and may change its mind; it acknowledges the fall. */
export default handler<{ event_id: string; verdict: 'fall' | 'false_alarm'; note?: string | null }>({
  type: 'notice', subtype: 'verdict', auth: 'user', success: 'successful',
  async run({ event_id, verdict, note }, { notices, noticeIngest, read, user, ip, requestId, via, log, ok, fail }) {
    const notice = await notices.visible(read, user!.id, event_id);
    if (!notice) return fail('GET_NOTICE_ERROR');
    const text = typeof note === 'string' && note.trim() ? note.trim() : null;
    return ok({ event_id, verdict: await noticeIngest.setVerdict({ user: user!, ip, requestId, via }, notice, verdict, text, log) });
  },
});
