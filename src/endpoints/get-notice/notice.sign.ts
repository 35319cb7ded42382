import { handler } from './statuses.js';

export default handler<{ event_id: string }>({
  type: 'notice', subtype: 'sign', auth: 'user', success: 'successful',
  run({ event_id }, { notices, noticeService, user, log, ok, fail }) {
    const notice = notices.visible(user!.id, event_id);
    if (!notice) return fail('EVENT_NOT_FOUND');
    const marked = noticeService.markRead(user!.id, notice.id);
    noticeService.acknowledge(user!, notice, log);
    return marked ? ok() : fail('ALREADY_SIGNED');
  },
});
