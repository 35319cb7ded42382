import { handler } from './statuses.js';

export default handler<{ endpoint: string }>({
  type: 'push', subtype: 'unsubscribe', auth: 'user', success: 'successful',
  async run({ endpoint }, { db, pushSubscriptions, user, ok, fail }) {
    return (await db.transaction((tx) => pushSubscriptions.remove(tx, user!.id, endpoint))) ? ok() : fail('NOT_SUBSCRIBED');
  },
});
