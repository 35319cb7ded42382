import type { UploadModule } from '../../services/media/index.js';
import { handler } from './statuses.js';

/** Step one of an upload: a grant for one file of at most `size` bytes. Packages are for admins only. */
export default handler<{ module: UploadModule; filename: string; size: number }>({
  type: 'file', subtype: 'params', auth: 'user', success: 'successful',
  async run({ module, filename, size }, { uploads, config, user, origin, ok, fail }) {
    if (module === 'upgrade' && user!.role !== 'admin') return fail('NO_PERMISSION');
    const max = module === 'avatar' ? config.imageMaxBytes : config.fileMaxBytes;
    if (size > max) return fail('TOO_LARGE', { max_bytes: max });
    const grant = await uploads.grant(user!.id, module, filename, size);
    return ok({
      upload_url: `${origin}/api/file/upload`,
      file_url: `${origin}/api/file/${grant.id}`,
      form_data: grant.form_data,
      file_field: 'file',
      file_id: grant.id,
    });
  },
});
