import { compareVersions } from '../../services/devices/index.js';
import { handler } from './statuses.js';

/** Public: the newest package for a platform, and whether it is newer than `current`. */
export default handler<{ platform?: string; current?: string }>({
  type: 'upgrade', subtype: 'check', auth: 'public', success: 'successful',
  async run({ platform = '', current }, { upgrades, noticeView, origin, ok, fail }) {
    const latest = await upgrades.latest(platform);
    if (!latest) return fail('NO_PACKAGE');
    return ok({
      version: latest.version,
      path: `/dist/${latest.file}`,
      full_path: `${origin}/dist/${latest.file}`,
      release_time: noticeView.createtime(latest.createdAt),
      desc: latest.description,
      size: latest.size,
      sha256: latest.sha256,
      platform: latest.platform,
      newer: current === undefined ? true : compareVersions(latest.version, current) > 0,
    });
  },
});
