import { auditList, type AuditQuery } from '../audit-list.js';
import { handler } from './statuses.js';

/** The account's own audit entries: the ones where it acted or was acted on, newest first. */
export default handler<Omit<AuditQuery, 'phone'>>({
  type: 'audit', subtype: 'list', auth: 'user', success: 'successful',
  async run(data, ctx) {
    const answer = await auditList(ctx, data, ctx.user!.id);
    return answer ? ctx.ok(answer) : ctx.fail('BAD_RANGE');
  },
});
