import { handler } from './statuses.js';

/** Each live token of the account, named by its session id (never the token itself). */
export default handler({
  type: 'session', subtype: 'list', auth: 'user', success: 'successful',
  async run(_data, { tokens, read, noticeView, user, ok }) {
    const list = (await tokens.sessions(read, user!.id)).map((s) => ({
      session_id: s.id,
      device_no: s.deviceNo,
      device_name: s.deviceName,
      device_brand: s.deviceBrand,
      device_model: s.deviceModel,
      plat_id: s.platId,
      enduring: s.enduring,
      created_at: noticeView.createtime(s.createdAt),
      last_used_at: noticeView.createtime(s.lastUsedAt),
      current: s.id === user!.tokenId,
    }));
    return ok({ num: list.length, list });
  },
});
