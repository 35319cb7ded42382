import { handler } from './statuses.js';

/** The notice with its image, as sent; reading it marks it read for this account and acknowledges the fall. */
export default handler<{ event_id: string }>({
  type: 'notice', subtype: 'info', auth: 'user', success: 'successful',
  async run({ event_id }, { notices, noticeIngest, noticeLists, placeholders, read, user, ip, requestId, via, log, ok, fail }) {
    const notice = await notices.visible(read, user!.id, event_id);
    if (!notice) return fail('GET_NOTICE_ERROR');
    let image: Buffer;
    try {
      // a photo past its retention: the notice all the same, with the "error" image and a status that says why
      image = notice.photoRemovedAt === null ? await noticeIngest.image(notice.picName) : placeholders.error.bytes;
    } catch (err) {
      log.error('notice image missing', { event_id, pic_name: notice.picName, err });
      return fail('GET_NOTICE_ERROR');
    }
    const acknowledged = await noticeIngest.open({ user: user!, ip, requestId, via }, notice, log);
    const { event_id: id, content, device, pic_name, createtime, photo_ok, verdict, photo, resident, paused, camera_record } = (await noticeLists.toPublic(read, [notice]))[0]!;
    const data = { event_id: id, content, device, pic_name, base64: image.toString('base64'), createtime, acknowledged, photo_ok, verdict, photo, resident, paused, camera_record };
    return notice.photoRemovedAt === null ? ok(data) : fail('PHOTO_REMOVED', data);
  },
});
