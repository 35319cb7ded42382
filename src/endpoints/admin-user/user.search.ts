import { handler } from './statuses.js';

/** Accounts by phone (its start) or nickname (any part), by phone, paged: the operator's accounts panel. */
export default handler<{ q?: string; limit?: number; offset?: number }>({
  type: 'user', subtype: 'search', auth: 'admin', success: 'successful',
  async run({ q = '', limit = 20, offset = 0 }, { panels, noticeView, read, ok }) {
    const { total, rows } = await panels.accounts(read, q.trim(), limit, offset);
    return ok({
      total,
      offset,
      list: rows.map((r) => ({
        phone: r.phone, nickname: r.nickname, role: r.role, created_at: noticeView.createtime(r.createdAt), cameras: r.cameras, sessions: r.sessions,
      })),
    });
  },
});
