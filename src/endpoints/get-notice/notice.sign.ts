import { handler } from './statuses.js';

export default handler<{ event_id: string }>({
  type: 'notice', subtype: 'sign', auth: 'user', success: 'successful',
  run({ event_id }, { notices, user, clock, ok, fail }) {
    const notice = notices.visible(user!.id, event_id);
    if (!notice) return fail('EVENT_NOT_FOUND');
    return notices.markRead(user!.id, notice.id, clock.now()) ? ok() : fail('ALREADY_SIGNED');
  },
});
