import { decodeBase64 } from '../../services/media/index.js';
import { handler } from './statuses.js';

/** Re-encoded (upright, bounded, metadata dropped) and replacing the old one. */
export default handler<{ base64?: string; file_id?: string }>({
  type: 'portrait', subtype: 'upload', auth: 'user', success: 'Successful',
  async run({ base64, file_id }, { portraits, uploads, config, user, ok, fail }) {
    const upload = file_id === undefined ? null : await uploads.find(user!.id, file_id, 'avatar');
    if (file_id !== undefined && !upload) return fail('FILE_NOT_FOUND');
    const bytes = upload ? await uploads.files.read(upload.id) : decodeBase64(base64!, config.imageMaxBytes);
    if (bytes === 'too_large') return fail('IMAGE_TOO_LARGE');
    if (typeof bytes === 'string') return fail('IMAGE_INVALID');
    const stored = await portraits.set(user!.id, bytes);
    if (upload) await uploads.release(upload.id);
    if (stored.ok) return ok({ url: `./api/get/portrait/${user!.phone}` });
    if (stored.problem === 'storage') return fail('UPLOAD');
    return fail(stored.problem === 'too_large' || stored.problem === 'too_many_pixels' ? 'IMAGE_TOO_LARGE' : 'IMAGE_INVALID');
  },
});
