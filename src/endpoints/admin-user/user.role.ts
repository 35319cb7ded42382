import { handler } from './statuses.js';

/** Grants or revokes the admin role. An admin cannot change their own (the last admin cannot lock everyone out). */
export default handler<{ phone: string; role: 'admin' | 'user' }>({
  type: 'user', subtype: 'role', auth: 'admin', success: 'successful',
  async run({ phone, role }, { db, users, audit, read, clock, user, ip, requestId, ok, fail }) {
    const target = await users.byPhone(read, phone);
    if (!target) return fail('USER_NOT_FOUND');
    if (target.id === user!.id) return fail('OWN_ROLE');
    if (target.role !== role) {
      await db.transaction(async (tx) => {
        await users.setRole(tx, target.id, role, clock.now());
        await audit.record(tx, { user, ip, requestId }, role === 'admin' ? 'admin.grant' : 'admin.revoke', { user: target });
      });
    }
    return ok({ phone, role });
  },
});
