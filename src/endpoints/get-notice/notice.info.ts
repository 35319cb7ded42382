import { handler } from './statuses.js';

/** The notice with its image, as sent; reading it marks it read for this account and acknowledges the fall. */
export default handler<{ event_id: string }>({
  type: 'notice', subtype: 'info', auth: 'user', success: 'successful',
  async run({ event_id }, { notices, noticeService, read, user, log, ok, fail }) {
    const notice = await notices.visible(read, user!.id, event_id);
    if (!notice) return fail('GET_NOTICE_ERROR');
    let image: Buffer;
    try {
      image = await noticeService.image(notice.picName);
    } catch (err) {
      log.error('notice image missing', { event_id, pic_name: notice.picName, err });
      return fail('GET_NOTICE_ERROR');
    }
    const acknowledged = await noticeService.open(user!, notice, log);
    const { event_id: id, content, device, pic_name, createtime, photo_ok, verdict } = noticeService.toPublic(notice);
    return ok({ event_id: id, content, device, pic_name, base64: image.toString('base64'), createtime, acknowledged, photo_ok, verdict });
  },
});
