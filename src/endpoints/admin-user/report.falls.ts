import { offsetAt, parseWhen } from '../../services/devices/index.js';
import { handler } from './statuses.js';

const DAY = 86_400_000;
/** Cameras listed by name in a report: the ones with most falls. */
const CAMERAS = 1000;

const secondsOf = (ms: number | null) => (ms === null ? null : Math.round(ms / 1000));

/**
 * Falls in [from, to) (default: the last 30 days): in all, per day, per model and per camera (the 1000
 * with most falls), with verdicts, the false-alarm rate among judged falls, and the time to
 * acknowledge (50th and 90th percentiles, seconds).
 */
export default handler<{ from?: number | string; to?: number | string }>({
  type: 'report', subtype: 'falls', auth: 'admin', success: 'successful',
  async run(data, { panels, read, clock, config, ok, fail }) {
    const tz = config.noticeTimezone;
    // [from, to): by default up to and including this millisecond
    const to = data.to === undefined ? clock.now() + 1 : parseWhen(tz, data.to);
    const from = data.from === undefined ? (to ?? 0) - 30 * DAY : parseWhen(tz, data.from);
    if (from === null || to === null || from >= to || to - from > 366 * DAY) return fail('BAD_RANGE');
    const shift = offsetAt(tz, from);
    const rows = await panels.report(read, from, to, shift, CAMERAS);
    const figures = (r: (typeof rows)[number]) => ({
      falls: r.falls, real: r.real, false_alarms: r.falseAlarms, unjudged: r.falls - r.real - r.falseAlarms,
      false_alarm_rate: r.real + r.falseAlarms ? +(r.falseAlarms / (r.real + r.falseAlarms)).toFixed(3) : null,
      acknowledged: r.acked, ack_p50_seconds: secondsOf(r.p50), ack_p90_seconds: secondsOf(r.p90),
    });
    const of = (grp: string) => rows.filter((r) => r.grp === grp);
    const all = of('all')[0];
    const day = (key: string) => new Date(Number(key) * DAY).toISOString().slice(0, 10);
    return ok({
      from: new Date(from).toISOString(),
      to: new Date(to).toISOString(),
      timezone: tz,
      total: all ? figures(all) : figures({ grp: 'all', key: '', label: '', falls: 0, real: 0, falseAlarms: 0, acked: 0, p50: null, p90: null }),
      days: of('day').sort((a, b) => Number(a.key) - Number(b.key)).map((r) => ({ day: day(r.key), ...figures(r) })),
      models: of('model').sort((a, b) => b.falls - a.falls).map((r) => ({ model: r.key || null, ...figures(r) })),
      cameras: of('camera').sort((a, b) => b.falls - a.falls || a.key.localeCompare(b.key)).map((r) => ({ device_id: r.key, name: r.label, ...figures(r) })),
    });
  },
});
