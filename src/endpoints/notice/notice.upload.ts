import { handler } from './statuses.js';

/** A camera's fall report. The reply comes only once the image and its row are durable. */
export default handler<{ base64: string; content?: string | null }>({
  type: 'notice', subtype: 'upload', auth: 'device', success: 'Successful',
  async run({ base64, content }, { device, noticeUploads, noticeIngest, log, ok, fail }) {
    const key = `device:${device!.id}`;
    // checked before the work, counted in the transaction that stores the notice (a refused or failed
    // upload does not count; two instances checking at once may let one more through)
    const wait = await noticeUploads.blockedFor(key);
    if (wait) return fail('TOO_MANY_NOTICES', { retry_after: wait });
    const stored = await noticeIngest.upload(device!, base64, content ?? '', log, (tx) => noticeUploads.hitIn(tx, key));
    if (stored.ok) return ok({ pic_name: stored.picName });
    switch (stored.problem) {
      case 'storage': return fail('UPLOAD');
      case 'too_large':
      case 'too_many_pixels': return fail('IMAGE_TOO_LARGE');
      default: return fail('IMAGE_INVALID');
    }
  },
});
