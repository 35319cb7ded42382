import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { fails, jpeg, newPhone, passes, startTestServer, type TestServer } from '../helpers.js';

/**
 * The operator's panels against data whose answers are known: three cameras (one offline, one
 * online, one never heard from), falls acknowledged after 60, 120 and 300 s, two verdicts, a fall
 * nobody acknowledged with its escalation pending, and a fall from before the 30 days.
 */
const test = suite('admin panels: accounts, cameras, the alert chain and reports, computed in the database');
let t: TestServer;
let admin: string;
let mum: string;
let son: string;
let mumPhone: string;
let adminPhone = '';
const cams = { hall: '', attic: '', shed: '' };
const falls: { eventId: string }[] = [];
let unacked = '';
let oldFall = '';
let started = 0;
let oldAt = 0;

const newest = async (token: string) => (await t.call('notice.get', { mode: 2 }, { token })).data.list[0].event_id as string;
const sends = async () => Number((await t.sql.get<{ n: number }>("select count(*) n from notice_events where kind = 'sms'")).n);
async function settle(expected: number) {
  for (let i = 0; i < 200 && await sends() < expected; i++) await new Promise((r) => setTimeout(r, 10));
  assert.is(await sends(), expected);
}

test.before(async () => {
  t = await startTestServer({ ALERT_SMS_COOLDOWN_SECONDS: '0' });
  adminPhone = newPhone();
  admin = await t.signUp(adminPhone);
  await t.makeAdmin(adminPhone);
  mumPhone = newPhone();
  mum = await t.signUp(mumPhone);
  await t.call('info.update', { phone: mumPhone, nickname: 'Mum Zhang' }, { token: mum });
  const sonPhone = newPhone();
  son = await t.signUp(sonPhone);
  cams.hall = await t.addDevice(mum, 'hall');
  await t.bind(son, cams.hall);
  cams.attic = await t.addDevice(mum, 'attic');
  cams.shed = await t.addDevice(mum, 'shed');
  for (const [id, model] of [[cams.hall, 'FD-100'], [cams.attic, 'FD-200'], [cams.shed, 'FD-200']]) {
    await t.sql.run('update devices set model = ? where device_id = ?', model, id);
  }
  // hall: no repeat, no call (its falls are acknowledged within minutes and nothing more is sent)
  await t.call('device.alerts', { device_id: cams.hall, repeat_seconds: 0, call_seconds: 0 }, { token: mum });

  // a fall from 31 days ago, acknowledged after 10 s
  oldAt = t.clock.now();
  await t.upload(cams.hall, await jpeg(10));
  oldFall = await newest(mum);
  t.clock.advance(10);
  await t.call('notice.sign', { event_id: oldFall }, { token: mum });
  await settle(1);
  t.clock.advance(31 * 86_400);
  mum = await t.login(mumPhone);
  admin = await t.login(adminPhone);
  son = await t.login(sonPhone);
  started = t.clock.now();

  for (const delay of [60, 120, 300]) {
    await t.upload(cams.hall, await jpeg(10));
    const eventId = await newest(mum);
    falls.push({ eventId });
    t.clock.advance(delay);
    await t.call('notice.sign', { event_id: eventId }, { token: son });
    mum = await t.login(mumPhone);
    son = await t.login(sonPhone);
    admin = await t.login(adminPhone);
  }
  await settle(4);
  await t.call('notice.verdict', { event_id: falls[0]!.eventId, verdict: 'false_alarm' }, { token: mum });
  await t.call('notice.verdict', { event_id: falls[1]!.eventId, verdict: 'fall' }, { token: son });
  // hall is heard from; attic had a fall nobody acknowledged and then went offline; shed was never heard from
  passes(await t.call('device.heartbeat', {}, { token: cams.hall }));
  await t.upload(cams.attic, await jpeg(10));
  unacked = await newest(mum);
  await settle(5);
  await t.sql.run('update devices set last_seen_at = ?, offline = 1 where device_id = ?', t.clock.now() - 3600_000, cams.attic);
});
test.after(() => t.close());

test('accounts: search by the start of a phone or any part of a nickname, paged, with cameras and sessions', async () => {
  const byNick = await t.call('user.search', { q: 'zhang' }, { token: admin });
  passes(byNick);
  assert.is(byNick.data.total, 1);
  assert.equal(byNick.data.list[0], { phone: mumPhone, nickname: 'Mum Zhang', role: 'user', created_at: byNick.data.list[0].created_at, cameras: 3, sessions: byNick.data.list[0].sessions });
  assert.ok(byNick.data.list[0].sessions >= 1);
  const byPhone = await t.call('user.search', { q: mumPhone.slice(0, 9) }, { token: admin });
  assert.ok(byPhone.data.list.some((u: { phone: string }) => u.phone === mumPhone));
  assert.ok(byPhone.data.list.every((u: { phone: string }) => u.phone.startsWith(mumPhone.slice(0, 9))));
  const all = await t.call('user.search', { limit: 2 }, { token: admin });
  assert.is(all.data.total, 3);
  assert.is(all.data.list.length, 2);
  const last = await t.call('user.search', { limit: 2, offset: 2 }, { token: admin });
  assert.equal([last.data.total, last.data.list.length], [3, 1]);
  const past = await t.call('user.search', { limit: 2, offset: 10 }, { token: admin });
  assert.equal([past.data.total, past.data.list.length], [3, 0]);
  assert.is((await t.call('user.search', { q: '%' }, { token: admin })).data.total, 0, 'LIKE wildcards are taken literally');
});

test('cameras: offline first, then online, then never heard from; falls, verdicts and median time to acknowledge over 30 days', async () => {
  const res = await t.call('device.all', {}, { token: admin });
  passes(res);
  assert.is(res.data.total, 3);
  const [attic, hall, shed] = res.data.list;
  assert.equal([attic.name, hall.name, shed.name], ['attic', 'hall', 'shed']);
  assert.equal({ ...attic, last_seen: null }, {
    device_id: cams.attic, name: 'attic', model: 'FD-200', last_seen: null, online: false, families: 1,
    falls_30d: 1, judged_30d: 0, false_alarms_30d: 0, false_alarm_rate: null, median_ack_seconds: null, paused: null,
  });
  assert.match(attic.last_seen, /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
  assert.equal({ ...hall, last_seen: null }, {
    device_id: cams.hall, name: 'hall', model: 'FD-100', last_seen: null, online: true, families: 2,
    falls_30d: 3, judged_30d: 2, false_alarms_30d: 1, false_alarm_rate: 0.5, median_ack_seconds: 120, paused: null,
  });
  assert.equal([shed.online, shed.last_seen, shed.falls_30d], [null, null, 0]);
  const page = await t.call('device.all', { limit: 1, offset: 1 }, { token: admin });
  assert.equal([page.data.total, page.data.list.map((c: { name: string }) => c.name)], [3, ['hall']]);
});

test('the alert chain: steps pending now, the last 24 hours of sends by kind and provider, falls nobody acknowledged', async () => {
  const res = await t.call('alerts.chain', {}, { token: admin });
  passes(res);
  assert.equal(res.data.pending.map((p: { kind: string; steps: number }) => [p.kind, p.steps]).sort(), [['alert-repeat', 1], ['call', 1]]);
  // four falls in 24 hours: three from hall (two phones each), one from attic (one phone); the old one is not counted
  assert.equal(res.data.last_24h, [{ kind: 'sms', provider: 'outbox', messages: 7, accepted: 7, failed: 0, partial: 0, sent: 4 }]);
  assert.is(res.data.unacknowledged_24h, 1);
  assert.equal(res.data.unacknowledged.map((u: { event_id: string; device: string }) => [u.event_id, u.device]), [[unacked, 'attic']]);

  // a send the provider refuses shows as failed
  const row = await t.sql.get<{ id: number }>('select id from notices where event_id = ?', unacked);
  await t.sql.run("insert into notice_events (notice_id, kind, at, outcome, sent, total, attempt) values (?, 'call', ?, 'failed', 0, 1, 0)", row.id, t.clock.now());
  const failing = await t.call('alerts.chain', {}, { token: admin });
  assert.equal(failing.data.last_24h.find((s: { kind: string }) => s.kind === 'call'), { kind: 'call', provider: 'none', messages: 1, accepted: 0, failed: 1, partial: 0, sent: 1 });
});

test('reports: falls per day, model and camera, verdicts, false-alarm rate and time to acknowledge, for a range', async () => {
  const res = await t.call('report.falls', {}, { token: admin });
  passes(res);
  const figures = { falls: 4, real: 1, false_alarms: 1, unjudged: 2, false_alarm_rate: 0.5, acknowledged: 3, ack_p50_seconds: 120, ack_p90_seconds: 300 };
  assert.equal(res.data.total, figures);
  assert.equal(res.data.models, [
    { model: 'FD-100', falls: 3, real: 1, false_alarms: 1, unjudged: 1, false_alarm_rate: 0.5, acknowledged: 3, ack_p50_seconds: 120, ack_p90_seconds: 300 },
    { model: 'FD-200', falls: 1, real: 0, false_alarms: 0, unjudged: 1, false_alarm_rate: null, acknowledged: 0, ack_p50_seconds: null, ack_p90_seconds: null },
  ]);
  assert.equal(res.data.cameras.map((c: { device_id: string; name: string; falls: number }) => [c.device_id, c.name, c.falls]), [[cams.hall, 'hall', 3], [cams.attic, 'attic', 1]]);
  assert.is(res.data.days.reduce((n: number, d: { falls: number }) => n + d.falls, 0), 4);
  assert.match(res.data.days[0].day, /^\d{4}-\d{2}-\d{2}$/);

  // a range back past the old fall takes it in, and its 10 s
  const wide = await t.call('report.falls', { from: oldAt - 1000, to: t.clock.now() + 1000 }, { token: admin });
  assert.equal([wide.data.total.falls, wide.data.total.acknowledged, wide.data.total.ack_p50_seconds, wide.data.total.ack_p90_seconds], [5, 4, 60, 300]);
  // only the old one
  const early = await t.call('report.falls', { from: oldAt - 1000, to: started - 1000 }, { token: admin });
  assert.equal([early.data.total.falls, early.data.total.ack_p50_seconds, early.data.cameras.length], [1, 10, 1]);
  const none = await t.call('report.falls', { from: '2020-01-01', to: '2020-02-01' }, { token: admin });
  assert.equal([none.data.total.falls, none.data.days, none.data.cameras], [0, [], []]);
  for (const bad of [{ from: 'soon' }, { from: t.clock.now(), to: t.clock.now() - 1 }, { from: '2020-01-01', to: '2022-01-01' }]) {
    fails(await t.call('report.falls', bad, { token: admin }), 'BAD_RANGE', JSON.stringify(bad));
  }
});

test('reports: days the sweep built give the same figures, and a fall changed on a built day counts at once', async () => {
  const DAY = 86_400_000;
  t.clock.advance(2 * 86_400);
  admin = await t.login(adminPhone);
  mum = await t.login(mumPhone);
  // a ragged range (its ends inside days) and one of whole days around every fall
  const ragged = { from: oldAt - 1000, to: started + 3600_000 };
  const whole = { from: oldAt - 3 * DAY, to: t.clock.now() };
  const report = async (range: { from: number; to: number }) => {
    const res = await t.call('report.falls', range, { token: admin });
    passes(res);
    return res.data;
  };
  const before = [await report(ragged), await report(whole)];
  assert.is(before[1].total.falls, 5);
  const built = await t.services.reportDays.build();
  assert.ok(built.built >= 2, JSON.stringify(built));
  assert.is(Number((await t.sql.get<{ n: number }>('select sum(falls) n from report_bins')).n), 5, 'every fall is in a built day');
  assert.equal([await report(ragged), await report(whole)], before);
  assert.equal(await t.services.reportDays.build(), { built: 0, dropped: 0 }, 'nothing left to build');

  // the whole-day range is read from the bins: spoil them and the report shows it
  await t.sql.run('update report_bins set falls = falls + 100');
  const bins = Number((await t.sql.get<{ n: number }>('select count(*) n from report_bins')).n);
  assert.is((await report(whole)).total.falls, 5 + 100 * bins);
  await t.sql.run('update report_bins set falls = falls - 100');

  // a verdict on the old fall: its day is read from the notices until it is built again
  const dayRows = async () => Number((await t.sql.get<{ n: number }>('select count(*) n from report_days')).n);
  const days = await dayRows();
  passes(await t.call('notice.verdict', { event_id: oldFall, verdict: 'false_alarm' }, { token: mum }));
  assert.is(await dayRows(), days - 1);
  const judged = await report(whole);
  assert.equal([judged.total.false_alarms, judged.total.falls], [before[1].total.false_alarms + 1, 5]);
  assert.equal(await t.services.reportDays.build(), { built: 1, dropped: 0 });
  assert.equal(await report(whole), judged);

  // the first acknowledgement of the attic's fall, on a built day
  passes(await t.call('notice.sign', { event_id: unacked }, { token: mum }));
  const acked = await report(whole);
  assert.is(acked.total.acknowledged, judged.total.acknowledged + 1);
  await t.services.reportDays.build();
  assert.equal(await report(whole), acked);

  // a fall stored into a built day (as the legacy import does) unbuilds it
  const hall = await t.sql.get<{ id: number }>('select id from devices where device_id = ?', cams.hall);
  await t.services.db.transaction((tx) => t.services.notices.insert(tx, {
    eventId: 'f'.repeat(32), deviceId: hall.id, content: '', picName: '0'.repeat(32), imageType: 'jpeg', createdAt: oldAt + 5, photoOk: 1,
  }));
  assert.is((await report(whole)).total.falls, 6);
  await t.services.reportDays.build();
  assert.is((await report(whole)).total.falls, 6);
});

test.run();
