import { pauseOf } from '../../db/devices.js';
import { handler } from './statuses.js';

const DAY = 86_400_000;

/**
 * Every camera, offline first: last heard from, how many accounts are bound, and over the last 30 days
 * its falls, how many were judged and judged false alarms, the median time to acknowledge, its pause.
 */
export default handler<{ limit?: number; offset?: number }>({
  type: 'device', subtype: 'all', auth: 'admin', success: 'successful',
  async run({ limit = 50, offset = 0 }, { panels, noticeView, read, clock, ok }) {
    const now = clock.now();
    const { total, rows } = await panels.cameras(read, now - 30 * DAY, limit, offset);
    return ok({
      total,
      offset,
      list: rows.map((r) => ({
        device_id: r.deviceId, name: r.name, model: r.model,
        last_seen: r.lastSeenAt === null ? null : noticeView.createtime(r.lastSeenAt),
        online: r.lastSeenAt === null ? null : r.offline === 0,
        families: r.families,
        falls_30d: r.falls,
        judged_30d: r.judged,
        false_alarms_30d: r.falseAlarms,
        false_alarm_rate: r.judged ? +(r.falseAlarms / r.judged).toFixed(3) : null,
        median_ack_seconds: r.medianAckMs === null ? null : Math.round(r.medianAckMs / 1000),
        paused: noticeView.pause(pauseOf(r, now)),
      })),
    });
  },
});
