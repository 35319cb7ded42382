import { deleteAccount } from '../../services/accounts/index.js';
import { handler } from './statuses.js';

export default handler<{ phone: string }>({
  type: 'user', subtype: 'delete', auth: 'admin', success: 'Successful',
  async run({ phone }, ctx) {
    const user = await ctx.users.byPhone(ctx.read, phone);
    if (!user) return ctx.fail('USER_NOT_FOUND');
    await deleteAccount(ctx, user.id);
    return ctx.ok();
  },
});
