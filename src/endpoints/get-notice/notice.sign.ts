import { handler } from './statuses.js';

export default handler<{ event_id: string }>({
  type: 'notice', subtype: 'sign', auth: 'user', success: 'successful',
  async run({ event_id }, { db, notices, noticeLists, noticeIngest, read, user, ip, requestId, via, log, ok, fail }) {
    const notice = await notices.visible(read, user!.id, event_id);
    if (!notice) return fail('EVENT_NOT_FOUND');
    const marked = await db.transaction((tx) => noticeLists.markRead(tx, user!.id, notice.id));
    await noticeIngest.acknowledge({ user: user!, ip, requestId, via }, notice, log);
    return marked ? ok() : fail('ALREADY_SIGNED');
  },
});
