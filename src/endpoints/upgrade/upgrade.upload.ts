import type { Tx } from '../../db/engine.js';
import type { Upgrade } from '../../services/devices/index.js';
import { decodeBase64 } from '../../services/media/index.js';
import { handler } from './statuses.js';

/** Publishes a package from base64 (small ones) or from a two-step upload's file_id (any size). */
export default handler<{ version: string; platform?: string; desc?: string; base64?: string; file_id?: string; filename?: string }>({
  type: 'upgrade', subtype: 'upload', auth: 'admin', success: 'successful',
  async run(data, { upgrades, uploads, audit, config, user, ip, requestId, origin, ok, fail }) {
    const platform = data.platform ?? '';
    if (await upgrades.exists(platform, data.version)) return fail('VERSION_EXISTS');
    const meta = { platform, version: data.version, description: data.desc ?? null, filename: data.filename };
    const recorded = (tx: Tx, row: Upgrade) => audit.record(tx, { user, ip, requestId }, 'upgrade.upload', { label: `${row.platform || 'all'} ${row.version}` }, { id: row.id, size: row.size, sha256: row.sha256 });
    let published;
    if (data.file_id !== undefined) {
      const file = await uploads.find(user!.id, data.file_id, 'upgrade');
      if (!file) return fail('FILE_NOT_FOUND');
      published = await upgrades.publishFile({ ...meta, filename: data.filename ?? file.filename, source: uploads.files, fileId: file.id, size: file.size, sha256: file.sha256 }, recorded);
      if (published) await uploads.release(file.id);
    } else {
      const bytes = decodeBase64(data.base64!, config.uploadBodyLimitBytes);
      if (typeof bytes === 'string') return fail('VALUE');
      published = await upgrades.publish({ ...meta, bytes }, recorded);
    }
    if (!published) return fail('VERSION_EXISTS');
    return ok({ path: `/dist/${published.file}`, full_path: `${origin}/dist/${published.file}`, size: published.size, sha256: published.sha256 });
  },
});
