import { deleteAccount, PURPOSE } from '../../services/accounts/index.js';
import { handler } from './statuses.js';

/** The account holder deletes the account, proven by a command_type 5 code sent to its phone. */
export default handler<{ hash: string }>({
  type: 'account', subtype: 'delete', auth: 'user', success: 'successful',
  async run({ hash }, ctx) {
    const code = await ctx.codes.check(ctx.user!.phone, PURPOSE.DELETE_ACCOUNT, hash);
    if (!code.ok) return ctx.fail(code.why === 'expired' ? 'HASH_EXPIRED' : 'HASH_ERROR');
    const { user, ip, requestId } = ctx;
    const deleted = await deleteAccount(ctx, user!.id, async (tx) => {
      if (!(await ctx.codes.consume(tx, code.codeId))) return false;
      await ctx.audit.record(tx, { user, ip, requestId }, 'account.delete', { user });
      return true;
    });
    return deleted ? ctx.ok() : ctx.fail('HASH_ERROR');
  },
});
