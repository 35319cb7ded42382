import { handler } from './statuses.js';

/** Every published package, newest first: the operator's list. */
export default handler({
  type: 'upgrade', subtype: 'list', auth: 'admin', success: 'successful',
  async run(_data, { upgrades, noticeView, origin, ok }) {
    const list = (await upgrades.all()).map((u) => ({
      id: u.id, platform: u.platform, version: u.version, desc: u.description, size: u.size, sha256: u.sha256,
      path: `/dist/${u.file}`, full_path: `${origin}/dist/${u.file}`, created_at: noticeView.createtime(u.createdAt),
    }));
    return ok({ num: list.length, list });
  },
});
