import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { fails, newPhone, passes, startTestServer, type TestServer } from '../helpers.js';

let t: TestServer;
let token: string;
const healthData = suite('health.upload / health.query');
healthData.before(async () => {
  t = await startTestServer();
  token = await t.signUp(newPhone());
});
healthData.after(() => t.close());

const upload = (samples: unknown[], tok = token) => t.call('health.upload', { samples }, { token: tok });
const query = (data: Record<string, unknown>, tok = token) => t.call('health.query', data, { token: tok });
/** Unix seconds of a wall-clock time in Asia/Shanghai (UTC+8, no DST). */
const cst = (y: number, mo: number, d: number, h = 0, mi = 0, sec = 0) => Date.UTC(y, mo - 1, d, h - 8, mi, sec) / 1000;

healthData('invalid samples are reported by index; the valid ones are stored', async () => {
  const camera = await t.addDevice(token);
  const res = await upload([
    { type: 'heart_rate', value: 72, timestamp: cst(2026, 5, 1, 8) },
    { type: 'heart_rate', value: 300, timestamp: cst(2026, 5, 1, 8, 1) },
    { type: 'steps', value: 120, timestamp: cst(2026, 5, 1, 8), device_id: camera },
    { type: 'altitude', value: 5, timestamp: cst(2026, 5, 1, 8) },
    { type: 'steps', value: 10 },
    { type: 'blood_pressure', value: { systolic: 120 }, timestamp: cst(2026, 5, 1, 8) },
    { type: 'blood_pressure', value: { systolic: 121, diastolic: 79 }, timestamp: cst(2026, 5, 1, 8) },
    { type: 'steps', value: 12.5, timestamp: cst(2026, 5, 1, 9) },
    { type: 'steps', value: 5, timestamp: cst(2026, 5, 1, 9), device_id: 'f'.repeat(32) },
    'not an object',
  ]);
  passes(res);
  assert.is(res.data.received_count, 3);
  assert.is(res.data.invalid_count, 7);
  assert.equal(res.data.invalid_samples.map((x: { index: number }) => x.index), [1, 3, 4, 5, 7, 8, 9]);
  assert.match(res.data.invalid_samples[0].error, /300 is outside 20\.\.250/);
  assert.match(res.data.invalid_samples[1].error, /unknown type/);
  assert.match(res.data.invalid_samples[2].error, /timestamp/);
  assert.match(res.data.invalid_samples[3].error, /diastolic/);
  assert.match(res.data.invalid_samples[5].error, /device_id/);
});

healthData('re-sending a batch stores nothing twice, and the chart is unchanged', async () => {
  const tok = await t.signUp(newPhone());
  const batch = Array.from({ length: 60 }, (_, i) => ({ type: 'steps', value: 10 + i, timestamp: cst(2026, 6, 1, 10, i) }));
  const first = await upload(batch, tok);
  assert.is(first.data.received_count, 60);
  assert.is(first.data.duplicate_count, 0);
  const again = await upload(batch, tok);
  assert.is(again.data.received_count, 60);
  assert.is(again.data.duplicate_count, 60);
  const chart = await query({ type: 'steps', granularity: 'day', start_time: cst(2026, 6, 1), end_time: cst(2026, 6, 2) }, tok);
  assert.equal(chart.data.points, [{ timestamp: cst(2026, 6, 1), value: 60 * 10 + (59 * 60) / 2 }]);
});

healthData('daily buckets start at local midnight: 23:59:59 and 00:00:00 fall on different days; empty days are null', async () => {
  const tok = await t.signUp(newPhone());
  await upload([
    { type: 'steps', value: 100, timestamp: cst(2026, 7, 1, 23, 59, 59) },
    { type: 'steps', value: 7, timestamp: cst(2026, 7, 2, 0, 0, 0) },
    { type: 'steps', value: 3, timestamp: cst(2026, 7, 2, 12) },
    { type: 'steps', value: 50, timestamp: cst(2026, 7, 4, 6) },
  ], tok);
  const res = await query({ type: 'steps', granularity: 'day', start_time: cst(2026, 7, 1), end_time: cst(2026, 7, 5) }, tok);
  assert.equal(Object.keys(res.data), ['type', 'granularity', 'start_time', 'end_time', 'tz', 'unit', 'points', 'summary']);
  assert.is(res.data.tz, 'Asia/Shanghai');
  assert.equal(res.data.points, [
    { timestamp: cst(2026, 7, 1), value: 100 },
    { timestamp: cst(2026, 7, 2), value: 10 },
    { timestamp: cst(2026, 7, 3), value: null },
    { timestamp: cst(2026, 7, 4), value: 50 },
  ]);
  assert.equal(res.data.summary, { total: 160, average: 53.33, min: 10, max: 100, count: 4, buckets: 4, empty_buckets: 1 });
});

healthData('heart rate is averaged, with min and max of the samples; blood pressure averages both numbers', async () => {
  const tok = await t.signUp(newPhone());
  await upload([
    { type: 'heart_rate', value: 60, timestamp: cst(2026, 8, 1, 9, 0) },
    { type: 'heart_rate', value: 90, timestamp: cst(2026, 8, 1, 9, 30) },
    { type: 'heart_rate', value: 75, timestamp: cst(2026, 8, 1, 11, 0) },
    { type: 'blood_pressure', value: { systolic: 120, diastolic: 80 }, timestamp: cst(2026, 8, 1, 9) },
    { type: 'blood_pressure', value: { systolic: 130, diastolic: 90 }, timestamp: cst(2026, 8, 1, 10) },
  ], tok);
  const hr = await query({ type: 'heart_rate', granularity: 'hour', start_time: cst(2026, 8, 1, 9), end_time: cst(2026, 8, 1, 12) }, tok);
  assert.equal(hr.data.points.map((p: { value: number | null }) => p.value), [75, null, 75]);
  assert.equal(hr.data.summary, { total: null, average: 75, min: 60, max: 90, count: 3, buckets: 3, empty_buckets: 1 });
  const bp = await query({ type: 'blood_pressure', granularity: 'day', start_time: cst(2026, 8, 1), end_time: cst(2026, 8, 2) }, tok);
  assert.equal(bp.data.points[0].value, { systolic: 125, diastolic: 85 });
  assert.equal(bp.data.summary.min, { systolic: 120, diastolic: 80 });
});

healthData('Europe/Berlin: the spring-forward day has 23 hours and the fall-back day 25, each one bucket', async () => {
  const tok = await t.signUp(newPhone());
  const hourly = (from: number, hours: number) => Array.from({ length: hours }, (_, i) => ({ type: 'steps', value: 1, timestamp: from + i * 3600 }));
  const march27 = Date.UTC(2026, 2, 26, 23) / 1000; // 2026-03-27 00:00 CET
  await upload(hourly(march27, 24 * 4), tok);
  const spring = await query({ type: 'steps', granularity: 'day', start_time: march27, end_time: Date.UTC(2026, 2, 30, 22) / 1000, tz: 'Europe/Berlin' }, tok);
  assert.equal(spring.data.points.map((p: { timestamp: number }) => new Date(p.timestamp * 1000).toISOString()),
    ['2026-03-26T23:00:00.000Z', '2026-03-27T23:00:00.000Z', '2026-03-28T23:00:00.000Z', '2026-03-29T22:00:00.000Z']);
  assert.equal(spring.data.points.map((p: { value: number }) => p.value), [24, 24, 23, 24]);

  const october24 = Date.UTC(2026, 9, 23, 22) / 1000; // 2026-10-24 00:00 CEST
  await upload(hourly(october24, 24 * 3), tok);
  const fall = await query({ type: 'steps', granularity: 'day', start_time: october24, end_time: Date.UTC(2026, 9, 26, 23) / 1000, tz: 'Europe/Berlin' }, tok);
  assert.equal(fall.data.points.map((p: { value: number }) => p.value), [24, 25, 23]);
});

healthData('weeks start on Monday, months on the 1st, in the requested zone', async () => {
  const tok = await t.signUp(newPhone());
  await upload([
    { type: 'calories', value: 10, timestamp: cst(2026, 1, 4, 23) },
    { type: 'calories', value: 20, timestamp: cst(2026, 1, 5, 1) },
    { type: 'calories', value: 40, timestamp: cst(2026, 2, 1, 0) },
  ], tok);
  const weeks = await query({ type: 'calories', granularity: 'week', start_time: cst(2025, 12, 29), end_time: cst(2026, 1, 12) }, tok);
  assert.equal(weeks.data.points, [{ timestamp: cst(2025, 12, 29), value: 10 }, { timestamp: cst(2026, 1, 5), value: 20 }]);
  const months = await query({ type: 'calories', granularity: 'month', start_time: cst(2026, 1, 1), end_time: cst(2026, 3, 1) }, tok);
  assert.equal(months.data.points, [{ timestamp: cst(2026, 1, 1), value: 30 }, { timestamp: cst(2026, 2, 1), value: 40 }]);
});

healthData('statuses: unknown type 100, end before start 101, too many buckets 102, bad zone 103, bad data -3/-203/-204', async () => {
  const base = { type: 'steps', granularity: 'day', start_time: cst(2026, 1, 1), end_time: cst(2026, 1, 2) };
  fails(await query({ ...base, type: 'mood' }), 'UNKNOWN_TYPE');
  fails(await query({ ...base, end_time: base.start_time }), 'BAD_RANGE');
  assert.equal((await query({ ...base, granularity: 'hour', end_time: base.start_time + 3600 * 3000 })).data, { max_buckets: 2000 });
  fails(await query({ ...base, granularity: 'hour', end_time: base.start_time + 3600 * 3000 }), 'TOO_MANY_BUCKETS');
  fails(await query({ ...base, tz: 'Mars/Olympus' }), 'BAD_TIMEZONE');
  fails(await query({ ...base, granularity: 'minute' }), 'VALUE');
  fails(await query({ type: 'steps', granularity: 'day', start_time: 1 }), 'DATA_KEY');
  fails(await query({ ...base, start_time: '1' }), 'VALUE_TYPE');
  fails(await upload([]), 'VALUE_EMPTY');
  fails(await upload(Array.from({ length: 1001 }, () => ({}))), 'VALUE');
  fails(await t.call('health.upload', { samples: {} }, { token }), 'VALUE_TYPE');
  fails(await t.call('health.upload', { samples: [] }), 'TOKEN_MISSING');
});

healthData('a full batch of 1,000 samples is stored whole', async () => {
  const tok = await t.signUp(newPhone());
  const batch = Array.from({ length: 1000 }, (_, i) => ({ type: 'heart_rate', value: 60 + (i % 40), timestamp: cst(2026, 9, 1) + i * 60 }));
  const res = await upload(batch, tok);
  assert.is(res.data.received_count, 1000);
  const day = await query({ type: 'heart_rate', granularity: 'day', start_time: cst(2026, 9, 1), end_time: cst(2026, 9, 2) }, tok);
  assert.is(day.data.summary.count, 1000);
});

healthData.run();
