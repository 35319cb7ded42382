import { handler } from './statuses.js';

/** Withdraws a package: upgrade.check stops offering it and its file goes. */
export default handler<{ id: number }>({
  type: 'upgrade', subtype: 'delete', auth: 'admin', success: 'successful',
  async run({ id }, { upgrades, audit, user, ip, requestId, ok, fail }) {
    const removed = await upgrades.remove(id, (tx, row) => audit.record(tx, { user, ip, requestId }, 'upgrade.delete', { label: `${row.platform || 'all'} ${row.version}` }, { id: row.id }));
    return removed ? ok() : fail('PACKAGE_NOT_FOUND');
  },
});
