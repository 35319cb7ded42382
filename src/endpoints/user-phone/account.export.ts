import { handler } from './statuses.js';

/** Asks for the account's data as a ZIP: answered at once with the export's id, built in the background. */
export default handler({
  type: 'account', subtype: 'export', auth: 'user', success: 'successful',
  async run(_data, { exports, audit, user, ip, requestId, ok, fail }) {
    const asked = await exports.request(user!.id, (tx, id) => audit.record(tx, { user, ip, requestId }, 'account.export', { user }, { export_id: id }));
    if (asked === 'busy') return fail('EXPORT_BUSY');
    if (asked === 'limit') return fail('EXPORT_LIMIT');
    return ok({ export_id: asked.id });
  },
});
