import { handler } from './statuses.js';

/**
 * Where an export stands: pending, building, ready (with a link that downloads it once, for
 * EXPORT_LINK_SECONDS), taken, failed or expired. Each answer while ready gives a new link.
 */
export default handler<{ export_id: string }>({
  type: 'account', subtype: 'export_status', auth: 'user', success: 'successful',
  async run({ export_id }, { exports, user, origin, ok, fail }) {
    const status = await exports.status(user!.id, export_id, origin);
    return status ? ok({ export_id, ...status }) : fail('EXPORT_NOT_FOUND');
  },
});
