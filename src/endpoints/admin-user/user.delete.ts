import { deleteAccount } from '../../services/accounts/index.js';
import { handler } from './statuses.js';

export default handler<{ phone: string }>({
  type: 'user', subtype: 'delete', auth: 'admin', success: 'Successful',
  async run({ phone }, ctx) {
    const target = await ctx.users.byPhone(ctx.read, phone);
    if (!target) return ctx.fail('USER_NOT_FOUND');
    const { user, ip, requestId } = ctx;
    await deleteAccount(ctx, target.id, async (tx) => {
      await ctx.audit.record(tx, { user, ip, requestId }, 'admin.delete', { user: target });
      return true;
    });
    return ctx.ok();
  },
});
