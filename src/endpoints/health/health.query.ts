import { MAX_BUCKETS, SAMPLE_TYPES, validZone, type Granularity } from '../../services/devices/index.js';
import { handler } from './statuses.js';

export default handler<{ type: string; granularity: Granularity; start_time: number; end_time: number; tz?: string }>({
  type: 'health', subtype: 'query', auth: 'user', success: 'successful',
  async run({ type, granularity, start_time, end_time, tz = 'Asia/Shanghai' }, { health, user, ok, fail }) {
    if (!Object.hasOwn(SAMPLE_TYPES, type)) return fail('UNKNOWN_TYPE', { types: Object.keys(SAMPLE_TYPES) });
    if (end_time <= start_time) return fail('BAD_RANGE');
    if (!validZone(tz)) return fail('BAD_TIMEZONE');
    const chart = await health.query(user!.id, type, granularity, start_time, end_time, tz);
    return chart ? ok(chart) : fail('TOO_MANY_BUCKETS', { max_buckets: MAX_BUCKETS });
  },
});
