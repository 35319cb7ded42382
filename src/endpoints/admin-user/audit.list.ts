import { auditList, type AuditQuery } from '../audit-list.js';
import { handler } from './statuses.js';

/** The audit trail, newest first, filtered by account (phone), camera, kind and time. */
export default handler<AuditQuery>({
  type: 'audit', subtype: 'list', auth: 'admin', success: 'successful',
  async run(data, ctx) {
    let userId: number | undefined;
    if (data.phone !== undefined) {
      const account = await ctx.users.byPhone(ctx.read, data.phone);
      // entries outlive their accounts, but a phone only names a current one
      if (!account) return ctx.ok({ total: 0, list: [] });
      userId = account.id;
    }
    const answer = await auditList(ctx, data, userId);
    return answer ? ctx.ok(answer) : ctx.fail('BAD_RANGE');
  },
});
