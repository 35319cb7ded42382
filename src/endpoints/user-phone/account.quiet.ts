import { hhmm, minutesOf } from '../../services/alerts/index.js';
import { handler } from './statuses.js';

interface Data {
  from?: string;
  to?: string;
  off?: true;
}

/**
 * The account's quiet hours, in NOTICE_TIMEZONE: `{from, to}` ("HH:MM"; from after to spans midnight)
 * sets them, `{off: true}` ends them, `{}` only reads them. In them the SMS that are not falls wait, and
 * come as one summary when they end; a fall is never held.
 */
export default handler<Data>({
  type: 'account', subtype: 'quiet', auth: 'user', success: 'successful',
  async run(data, { db, quiet, notifier, read, clock, user, log, ok, fail }) {
    if (data.off && data.from !== undefined) return fail('QUIET_BOTH');
    const id = user!.id;
    if (data.off || data.from !== undefined) {
      const hours = data.off ? null : { from: minutesOf(data.from!)!, to: minutesOf(data.to!)! };
      if (hours && hours.from === hours.to) return fail('QUIET_EMPTY');
      await db.transaction((tx) => quiet.set(tx, id, hours));
      log.info('quiet hours set', { from: data.from ?? null, to: data.to ?? null });
    }
    const hours = (await quiet.of(read, [id])).get(id) ?? null;
    return ok({
      quiet: hours && { from: hhmm(hours.from), to: hhmm(hours.to) },
      quiet_now: notifier.isQuiet(hours, clock.now()),
      held: await quiet.count(read, id),
    });
  },
});
