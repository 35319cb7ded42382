import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { fails, jpeg, newPhone, passes, startTestServer, tempDir, type TestServer, until } from '../helpers.js';
import { onShift } from '../../src/services/alerts/index.js';
import { openStream } from '../support/sse.js';
import { startPushService } from '../support/push.js';
import { tencentCallbacks as cb } from '../support/tencent-sms.js';

/** Two family members bound to one camera that repeats after 60 s and calls after 120 s. */
async function family(t: TestServer) {
  const phones = [newPhone(), newPhone()];
  const tokens = [await t.signUp(phones[0]!), await t.signUp(phones[1]!)];
  const camera = await t.addDevice(tokens[0]!, `room-${phones[0]}`);
  await t.bind(tokens[1]!, camera);
  passes(await t.call('device.alerts', { device_id: camera, repeat_seconds: 60, call_seconds: 120 }, { token: tokens[0] }));
  return { phones, tokens, camera };
}

async function fall(t: TestServer, camera: string, token: string) {
  passes(await t.upload(camera, await jpeg(5)));
  await t.services.alerts.settled();
  return (await t.call('notice.get', { mode: 2, limit: 1 }, { token })).data.list[0] as { event_id: string; paused: unknown };
}

const sent = (t: TestServer, kind: string, eventId?: string) => t.outbox().filter((m) => m.kind === kind && (eventId === undefined || m.event_id === eventId));
const auditOf = (t: TestServer, kind: string) => t.sql.all<{ detail: string; actor: string }>('select detail, actor from audit_log where kind = ? order by id', kind);

// ---------------------------------------------------------------------------------------------
const pause = suite('device.pause: a carer\'s visit stores and streams falls but phones nobody');
let t: TestServer;
pause.before(async () => {
  t = await startTestServer({ SSE_HEARTBEAT_SECONDS: '1', ALERT_SMS_COOLDOWN_SECONDS: '0' });
});
pause.after(() => t.close());

pause('a pause holds every SMS and call of the falls in it, not the stream; each account is told when it starts and when it runs out', async () => {
  const { phones, tokens, camera } = await family(t);
  const before = await fall(t, camera, tokens[0]!);
  const stream = openStream(`${t.url}/api/notice/stream?token=${tokens[1]}`);
  await stream.ready;

  const started = t.clock.now();
  const reply = await t.call('device.pause', { device_id: camera, minutes: 30, reason: '  Carer washing the floor ' }, { token: tokens[0] });
  const paused = { by: phones[0], until: t.services.noticeView.createtime(started + 30 * 60_000), reason: 'Carer washing the floor' };
  assert.equal(reply, { id: 1, status: 0, message: 'Successful', data: { device_id: camera, paused } });
  assert.equal(sent(t, 'pause').filter((m) => m.device === `room-${phones[0]}`).map((m) => [m.phone, m.by, m.until, m.reason]).sort(),
    phones.map((p) => [p, phones[0], paused.until, paused.reason]).sort(), 'every bound account gets one SMS');
  await stream.waitFor(() => stream.events.some((e) => e.event === 'paused'));
  assert.equal(JSON.parse(stream.events.find((e) => e.event === 'paused')!.data), { device_id: camera, device_name: `room-${phones[0]}`, paused });
  const listed = (await t.call('device.list', {}, { token: tokens[1] })).data.list.find((d: { device_id: string }) => d.device_id === camera);
  assert.equal(listed.paused, paused);
  assert.equal(JSON.parse((await auditOf(t, 'device.pause')).at(-1)!.detail), { minutes: 30, reason: 'Carer washing the floor' });

  // a fall in the pause: stored, streamed and listed marked paused; no SMS, no steps, no repeat or call
  t.clock.advance(60);
  const during = await fall(t, camera, tokens[0]!);
  assert.equal(during.paused, paused);
  await stream.waitFor(() => stream.events.some((e) => e.event === 'notice'));
  assert.equal(JSON.parse(stream.events.find((e) => e.event === 'notice')!.data).paused, paused);
  assert.equal((await t.call('notice.info', { event_id: during.event_id }, { token: tokens[1] })).data.paused, paused);
  assert.is(sent(t, 'alert', during.event_id).length, 0);
  assert.equal(await t.sql.get('select count(*) as n from alert_steps s join notices n on n.id = s.notice_id where n.event_id = ?', during.event_id), { n: 0 });
  assert.equal(await t.sql.get('select paused_by, paused_reason from notices where event_id = ?', during.event_id), { paused_by: phones[0], paused_reason: 'Carer washing the floor' });
  for (let minute = 0; minute < 20; minute++) {
    t.clock.advance(60);
    await t.services.alerts.tick();
  }
  assert.is(sent(t, 'alert-repeat', during.event_id).length + sent(t, 'call', during.event_id).length, 0, 'nothing in 20 minutes');
  // a fall from before the pause keeps its chain until someone sees it
  assert.is(sent(t, 'alert-repeat', before.event_id).length, 2);
  assert.is(sent(t, 'call', before.event_id).length, 2);

  // it runs out: ended once (a second tick sends nothing), every account told, streams told, audited
  t.clock.advance(9 * 60);
  await t.services.alerts.tick();
  await t.services.alerts.tick();
  const ends = sent(t, 'pause-end').filter((m) => m.device === `room-${phones[0]}`);
  assert.equal(ends.map((m) => [m.phone, m.how, m.by]).sort(), phones.map((p) => [p, 'expired', null]).sort());
  await stream.waitFor(() => stream.events.filter((e) => e.event === 'paused').length === 2);
  assert.is(JSON.parse(stream.events.filter((e) => e.event === 'paused')[1]!.data).paused, null);
  assert.equal(JSON.parse((await auditOf(t, 'device.resume')).at(-1)!.detail), { how: 'expired' });
  // half an hour on, the tokens have gone idle: signed in again
  const token = await t.login(phones[0]!);
  assert.is((await t.call('device.list', {}, { token })).data.list.find((d: { device_id: string }) => d.device_id === camera).paused, null);
  // and the next fall phones the family again
  const after = await fall(t, camera, token);
  assert.is(after.paused, null);
  await until(() => sent(t, 'alert', after.event_id).length === 2, 2000, 'the SMS after the pause');
  stream.close();
});

pause('any bound account ends it early (minutes 0): every account is told who; a second end changes nothing', async () => {
  const { phones, tokens, camera } = await family(t);
  passes(await t.call('device.pause', { device_id: camera, minutes: 60 }, { token: tokens[0] }));
  t.clock.advance(300);
  assert.equal((await t.call('device.pause', { device_id: camera, minutes: 0 }, { token: tokens[1] })).data, { device_id: camera, paused: null });
  const ends = () => sent(t, 'pause-end').filter((m) => m.device === `room-${phones[0]}`);
  assert.equal(ends().map((m) => [m.phone, m.how, m.by]).sort(), phones.map((p) => [p, 'early', phones[1]]).sort());
  const resumed = (await auditOf(t, 'device.resume')).at(-1)!;
  assert.equal(JSON.parse(resumed.detail), { how: 'early' });
  passes(await t.call('device.pause', { device_id: camera, minutes: 0 }, { token: tokens[1] }));
  t.clock.advance(3600);
  await t.services.alerts.tick();
  assert.is(ends().length, 2, 'no second end, and nothing when its old time comes');
  const item = await fall(t, camera, await t.login(phones[0]!));
  assert.is(item.paused, null);
});

pause('a new pause replaces the one under way; bad minutes, a long reason and another family\'s camera are refused; the admin sees it', async () => {
  const { phones, tokens, camera } = await family(t);
  passes(await t.call('device.pause', { device_id: camera, minutes: 15 }, { token: tokens[0] }));
  const longer = await t.call('device.pause', { device_id: camera, minutes: 480, reason: 'physiotherapy' }, { token: tokens[1] });
  assert.equal(longer.data.paused, { by: phones[1], until: t.services.noticeView.createtime(t.clock.now() + 480 * 60_000), reason: 'physiotherapy' });
  t.clock.advance(16 * 60);
  await t.services.alerts.tick();
  assert.is(sent(t, 'pause-end').filter((m) => m.device === `room-${phones[0]}`).length, 0, 'the first pause\'s end time means nothing now');
  tokens[0] = await t.login(phones[0]!);
  for (const minutes of [1, 14, 481, -5, 1.5, '30']) fails(await t.call('device.pause', { device_id: camera, minutes }, { token: tokens[0] }), typeof minutes === 'string' || !Number.isInteger(minutes) ? 'VALUE_TYPE' : 'VALUE');
  fails(await t.call('device.pause', { device_id: camera }, { token: tokens[0] }), 'DATA_KEY');
  fails(await t.call('device.pause', { device_id: camera, minutes: 30, reason: 'x'.repeat(201) }, { token: tokens[0] }), 'VALUE');
  const stranger = await t.signUp(newPhone());
  fails(await t.call('device.pause', { device_id: camera, minutes: 30 }, { token: stranger }), 'NO_SUCH_DEVICE');
  assert.is((await t.call('device.list', {}, { token: tokens[0] })).data.list.find((d: { device_id: string }) => d.device_id === camera).paused.reason, 'physiotherapy');

  const adminPhone = newPhone();
  await t.signUp(adminPhone);
  await t.makeAdmin(adminPhone);
  const all = (await t.call('device.all', { limit: 100 }, { token: await t.login(adminPhone) })).data.list;
  assert.equal(all.find((d: { device_id: string }) => d.device_id === camera).paused, longer.data.paused);
});

pause.run();

// ---------------------------------------------------------------------------------------------
const quiet = suite('account.quiet: SMS that are not falls wait for the quiet hours to end, as one summary; falls never wait');
let q: TestServer;
quiet.before(async () => {
  q = await startTestServer({ CAMERA_OFFLINE_SECONDS: '60', ALERT_SMS_COOLDOWN_SECONDS: '0', SSE_HEARTBEAT_SECONDS: '1' });
});
quiet.after(() => q.close());

/** "HH:MM" in NOTICE_TIMEZONE, `minutes` from the test clock's now. */
const wall = (minutes: number) => q.services.noticeView.createtime(q.clock.now() + minutes * 60_000).slice(11, 16);

quiet('a camera going offline and back in the quiet hours: held, one summary at their end; a fall in them is sent at once; the console hears it all live', async () => {
  const { phones, tokens, camera } = await family(q);
  const name = `room-${phones[0]}`;
  const window = { from: wall(-30), to: wall(60) };
  assert.equal((await q.call('account.quiet', window, { token: tokens[0] })).data, { quiet: window, quiet_now: true, held: 0 });
  assert.equal((await q.call('account.quiet', {}, { token: tokens[0] })).data.quiet, window, '{} reads them');
  const stream = openStream(`${q.url}/api/notice/stream?token=${tokens[0]}`);
  await stream.ready;
  passes(await q.call('device.heartbeat', {}, { token: camera }));

  q.clock.advance(61);
  await q.services.alerts.tick();
  const of = (kind: string, phone: string) => sent(q, kind).filter((m) => m.phone === phone && (m.device === name || kind === 'summary'));
  assert.is(of('offline', phones[1]!).length, 1, 'the other member, without quiet hours, is told');
  assert.is(of('offline', phones[0]!).length, 0, 'held');
  await stream.waitFor(() => stream.events.some((e) => e.event === 'device'), 2000);

  // a fall is never held
  const item = await fall(q, camera, tokens[0]!);
  await until(() => sent(q, 'alert', item.event_id).length === 2, 2000, 'the fall\'s SMS to both');
  await q.services.alerts.settled();
  assert.is(of('online', phones[0]!).length, 0, 'back online: held too');
  assert.is(of('online', phones[1]!).length, 1);
  assert.is((await q.call('account.quiet', {}, { token: tokens[0] })).data.held, 2);

  // the quiet hours end: one summary naming both, once
  q.clock.advance(57 * 60);
  await q.services.alerts.tick();
  assert.is(of('summary', phones[0]!).length, 0, 'a minute before the end');
  q.clock.advance(180);
  await q.services.alerts.tick();
  await q.services.alerts.tick();
  const summary = of('summary', phones[0]!);
  // (silent again for an hour since the fall, the camera went offline once more)
  assert.equal(summary.map((m) => [m.count, m.lines]), [[3, [`${name}: offline`, `${name}: online`, `${name}: offline`]]]);
  assert.is(of('summary', phones[1]!).length, 0);
  assert.is(of('offline', phones[0]!).length + of('online', phones[0]!).length, 0, 'never sent one by one');
  assert.equal((await q.call('account.quiet', {}, { token: await q.login(phones[0]!) })).data, { quiet: window, quiet_now: false, held: 0 });
  stream.close();
});

quiet('quiet hours across midnight; off ends them (and what was held goes at the next sweep); bad times are refused', async () => {
  const { phones, tokens, camera } = await family(q);
  const name = `room-${phones[0]}`;
  passes(await q.call('account.quiet', { from: wall(-10), to: wall(-20) }, { token: tokens[1] }), 'almost the whole day');
  passes(await q.call('device.pause', { device_id: camera, minutes: 15 }, { token: tokens[0] }));
  const pauses = () => sent(q, 'pause').filter((m) => m.device === name).map((m) => m.phone);
  assert.equal(pauses(), [phones[0]]);
  assert.equal((await q.call('account.quiet', { off: true }, { token: tokens[1] })).data, { quiet: null, quiet_now: false, held: 1 });
  await q.services.alerts.tick();
  assert.equal(sent(q, 'summary').filter((m) => m.phone === phones[1]).map((m) => m.count), [1]);
  for (const bad of [{ from: '24:00', to: '07:00' }, { from: '7:00', to: '08:00' }, { from: '22:00' }, { off: false }]) fails(await q.call('account.quiet', bad, { token: tokens[1] }), 'VALUE');
  fails(await q.call('account.quiet', { from: '22:00', to: '22:00' }, { token: tokens[1] }), 'QUIET_EMPTY');
  fails(await q.call('account.quiet', { from: '22:00', to: '07:00', off: true }, { token: tokens[1] }), 'QUIET_BOTH');
});

quiet.run();

// ---------------------------------------------------------------------------------------------
const oncall = suite('device.oncall: the person on call first, everyone at next_level_seconds, then the repeat and the call');
let o: TestServer;
const ONCALL_ENV = { ALERT_SMS_COOLDOWN_SECONDS: '0', ALERT_REPEAT_SECONDS: '60', ALERT_CALL_SECONDS: '120' };
oncall.before(async () => {
  o = await startTestServer(ONCALL_ENV);
});
oncall.after(() => o.close());

/** A family of three on one camera (the default escalation: repeat 60 s, call 120 s). */
async function three(t: TestServer) {
  const phones = [newPhone(), newPhone(), newPhone()];
  const tokens = await Promise.all(phones.map((p) => t.signUp(p)));
  const camera = await t.addDevice(tokens[0]!, `hall-${phones[0]}`);
  for (const token of tokens.slice(1)) await t.bind(token, camera);
  return { phones, tokens, camera };
}
const ALL_DAYS = [1, 2, 3, 4, 5, 6, 7];
/** "HH:MM" in NOTICE_TIMEZONE `minutes` from the server's now, whole minutes. */
const at = (t: TestServer, minutes: number) => t.services.noticeView.createtime(t.clock.now() + minutes * 60_000).slice(11, 16);
const setTo = (ms: number) => o.clock.advance((ms - o.clock.now()) / 1000);
const to = (t: TestServer, kind: string, eventId: string) => sent(t, kind, eventId).map((m) => m.phone).sort();

oncall('only the person on call gets the first SMS; at the window\'s end the next one does; nobody acknowledging brings in everyone, an acknowledgement stops it', async () => {
  const { phones, tokens, camera } = await three(o);
  // the boundary: the next whole minute after one from now; the first member until it, the second from it
  const boundary = at(o, 2);
  const rota = [{ phone: phones[0]!, days: ALL_DAYS, from: at(o, -120), to: boundary }, { phone: phones[1]!, days: ALL_DAYS, from: boundary, to: at(o, 120) }];
  const set = await o.call('device.oncall', { device_id: camera, order: 'rota', rota, next_level_seconds: 300 }, { token: tokens[2] });
  passes(set);
  assert.equal(set.data.order, 'rota');
  assert.equal(set.data.rota, rota.map((s) => ({ ...s })));
  assert.equal(set.data.on_call, [{ name: phones[0]!.replace(/^(\d{3})\d{4}(\d{4})$/, '$1****$2'), phone: phones[0]!.replace(/^(\d{3})\d{4}(\d{4})$/, '$1****$2') }]);
  assert.equal((await o.call('device.list', {}, { token: tokens[1] })).data.list.find((d: { device_id: string }) => d.device_id === camera).on_call, set.data.on_call);

  const first = await fall(o, camera, tokens[0]!);
  await until(() => sent(o, 'alert', first.event_id).length === 1, 2000, 'the first SMS');
  assert.equal(to(o, 'alert', first.event_id), [phones[0]]);
  // past the boundary (the minute after it begins): the second member is on call
  const [hh, mm] = boundary.split(':').map(Number) as [number, number];
  const nowWall = at(o, 0).split(':').map(Number) as [number, number];
  const minutesToBoundary = ((hh * 60 + mm) - (nowWall[0] * 60 + nowWall[1]) + 1440) % 1440;
  o.clock.advance(minutesToBoundary * 60 + 1 - new Date(o.clock.now()).getUTCSeconds());
  const second = await fall(o, camera, tokens[0]!);
  await until(() => sent(o, 'alert', second.event_id).length === 1, 2000, 'the second fall\'s first SMS');
  assert.equal(to(o, 'alert', second.event_id), [phones[1]]);
  // the second fall is acknowledged by the person on call: nothing more for it, ever
  passes(await o.call('notice.info', { event_id: second.event_id }, { token: await o.login(phones[1]!) }));

  // the first: five minutes after it, everyone; the repeat a minute after that, the call two
  const firstAt = Date.parse(sent(o, 'alert', first.event_id)[0]!.time);
  setTo(firstAt + 299_000);
  await o.services.alerts.tick();
  assert.is(sent(o, 'next-level', first.event_id).length, 0, 'not before 300 s');
  setTo(firstAt + 300_000);
  await o.services.alerts.tick();
  assert.equal(to(o, 'next-level', first.event_id), [...phones].sort());
  setTo(firstAt + 360_000);
  await o.services.alerts.tick();
  assert.equal(to(o, 'alert-repeat', first.event_id), [...phones].sort());
  setTo(firstAt + 420_000);
  await o.services.alerts.tick();
  assert.equal(to(o, 'call', first.event_id), [...phones].sort());
  o.clock.advance(3600);
  await o.services.alerts.tick();
  assert.is(sent(o, 'next-level', second.event_id).length + sent(o, 'alert-repeat', second.event_id).length + sent(o, 'call', second.event_id).length, 0);
  const timeline = (await o.call('notice.timeline', { event_id: first.event_id }, { token: await o.login(phones[2]!) })).data.timeline as { step: string; outcome: string }[];
  assert.ok(timeline.some((e) => e.step === 'sms-next-level' && e.outcome === 'sent'), JSON.stringify(timeline));
});

oncall('nobody on call: everyone at once and no next level; "everyone" is today\'s order; bad rotas are refused', async () => {
  const { phones, tokens, camera } = await three(o);
  passes(await o.call('device.oncall', { device_id: camera, order: 'rota', rota: [{ phone: phones[0]!, days: ALL_DAYS, from: at(o, 60), to: at(o, 120) }] }, { token: tokens[0] }));
  const item = await fall(o, camera, tokens[0]!);
  await until(() => sent(o, 'alert', item.event_id).length === 3, 2000, 'everyone');
  o.clock.advance(60);
  await o.services.alerts.tick();
  assert.equal(to(o, 'alert-repeat', item.event_id), [...phones].sort(), 'today\'s times');
  assert.is(sent(o, 'next-level', item.event_id).length, 0);
  const back = await o.call('device.oncall', { device_id: camera, order: 'everyone' }, { token: tokens[0] });
  assert.equal([back.data.order, back.data.rota, back.data.on_call, back.data.next_level_seconds], ['everyone', [], null, 300]);
  assert.equal((await o.call('device.info', { device_id: camera }, { token: tokens[1] })).data.oncall.order, 'everyone');

  const shift = { phone: phones[0]!, days: [1], from: '22:00', to: '06:00' };
  fails(await o.call('device.oncall', { device_id: camera, order: 'rota', rota: [] }, { token: tokens[0] }), 'ROTA_EMPTY');
  fails(await o.call('device.oncall', { device_id: camera, order: 'rota' }, { token: tokens[0] }), 'ROTA_EMPTY');
  const stranger = newPhone();
  const notFamily = await o.call('device.oncall', { device_id: camera, order: 'rota', rota: [{ ...shift, phone: stranger }] }, { token: tokens[0] });
  fails(notFamily, 'NOT_FAMILY');
  assert.equal(notFamily.data, { phone: `${stranger.slice(0, 3)}****${stranger.slice(-4)}` });
  fails(await o.call('device.oncall', { device_id: camera, order: 'rota', rota: [shift], time_zone: 'Mars/Olympus' }, { token: tokens[0] }), 'BAD_TIME_ZONE');
  const bad: [object, string][] = [[{ ...shift, days: [0] }, 'VALUE'], [{ ...shift, days: [8] }, 'VALUE'], [{ ...shift, days: [] }, 'VALUE_EMPTY'], [{ ...shift, days: [1, 1] }, 'VALUE'],
    [{ ...shift, from: '24:00' }, 'VALUE'], [{ ...shift, extra: 1 }, 'VALUE']];
  for (const [one, status] of bad) fails(await o.call('device.oncall', { device_id: camera, order: 'rota', rota: [one] }, { token: tokens[0] }), status, JSON.stringify(one));
  fails(await o.call('device.oncall', { device_id: camera, order: 'rota', rota: [shift], next_level_seconds: 5 }, { token: tokens[0] }), 'VALUE');
  fails(await o.call('device.oncall', { device_id: camera, order: 'sometimes' }, { token: tokens[0] }), 'VALUE');
  fails(await o.call('device.oncall', { device_id: camera, order: 'everyone' }, { token: await o.signUp(newPhone()) }), 'NO_SUCH_DEVICE');
  const audited = await auditOf(o, 'device.oncall');
  assert.equal(JSON.parse(audited.at(-1)!.detail), { order: 'everyone', shifts: 0, next_level_seconds: null, time_zone: null });
});

oncall('a shift past midnight belongs to the day it starts on, in the camera\'s own time zone', async () => {
  const monday22to06 = { phone: '13800000000', days: [1], from: 22 * 60, to: 6 * 60 };
  // 2026-12-08 07:00 UTC: Tuesday 02:00 in New York, Tuesday 15:00 in Shanghai
  const tuesday2am = Date.parse('2026-12-08T07:00:00Z');
  assert.ok(onShift(monday22to06, 'America/New_York', tuesday2am));
  assert.not.ok(onShift(monday22to06, 'Asia/Shanghai', tuesday2am));
  assert.not.ok(onShift({ ...monday22to06, days: [2] }, 'America/New_York', tuesday2am), 'Tuesday\'s own shift starts at 22:00');
  assert.ok(onShift({ ...monday22to06, days: [2] }, 'America/New_York', Date.parse('2026-12-09T03:30:00Z')), 'Tuesday 22:30 in New York');
  assert.ok(onShift({ ...monday22to06, days: [7], from: 0, to: 0 }, 'Asia/Shanghai', Date.parse('2026-12-13T15:59:00Z')), 'Sunday 23:59 in Shanghai, the whole day');
  assert.not.ok(onShift({ ...monday22to06, days: [7], from: 0, to: 0 }, 'Asia/Shanghai', Date.parse('2026-12-13T16:00:00Z')), 'Monday 00:00');

  // the camera's zone decides: on call in New York's night, not in Shanghai's afternoon
  const { phones, tokens, camera } = await three(o);
  const nyNow = new Intl.DateTimeFormat('en-GB', { timeZone: 'America/New_York', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(o.clock.now());
  const nyMinutes = Number(nyNow.slice(0, 2)) * 60 + Number(nyNow.slice(3, 5));
  const hm = (m: number) => `${String(Math.floor(((m + 1440) % 1440) / 60)).padStart(2, '0')}:${String(((m + 1440) % 1440) % 60).padStart(2, '0')}`;
  const shift = { phone: phones[2]!, days: ALL_DAYS, from: hm(nyMinutes - 30), to: hm(nyMinutes + 30) };
  passes(await o.call('device.oncall', { device_id: camera, order: 'rota', rota: [shift], time_zone: 'America/New_York' }, { token: tokens[0] }));
  const item = await fall(o, camera, tokens[0]!);
  await until(() => sent(o, 'alert', item.event_id).length > 0, 2000, 'the first SMS');
  assert.equal(to(o, 'alert', item.event_id), [phones[2]]);
  assert.is((await o.call('device.info', { device_id: camera }, { token: tokens[0] })).data.oncall.time_zone, 'America/New_York');
});

oncall('across a restart: the next level fires after the server comes back, once', async () => {
  const dataDir = tempDir();
  let s = await startTestServer(ONCALL_ENV, { dataDir });
  const { phones, tokens, camera } = await three(s);
  passes(await s.call('device.oncall', { device_id: camera, order: 'rota', rota: [{ phone: phones[1]!, days: ALL_DAYS, from: '00:00', to: '00:00' }], next_level_seconds: 120 }, { token: tokens[0] }));
  const item = await fall(s, camera, tokens[0]!);
  await until(() => sent(s, 'alert', item.event_id).length === 1, 2000, 'the first SMS');
  const clock = s.clock;
  await s.close(true);
  clock.advance(121);
  s = await startTestServer(ONCALL_ENV, { dataDir, clock });
  await until(() => sent(s, 'next-level', item.event_id).length === 3, 3000, 'everyone, at start');
  await s.services.alerts.tick();
  await s.close(true);
  s = await startTestServer(ONCALL_ENV, { dataDir, clock });
  await s.services.alerts.tick();
  assert.is(sent(s, 'next-level', item.event_id).length, 3, 'once, over two restarts');
  await s.close();
});

oncall.run();

// ---------------------------------------------------------------------------------------------
const record = suite('camera_record: each fall says how its camera\'s falls of the 90 days before its day were judged');
let c: TestServer;
record.before(async () => {
  c = await startTestServer({ ALERT_SMS_COOLDOWN_SECONDS: '0' });
});
record.after(() => c.close());

record('checked against a known history, in lists, info and the stream; a verdict changes the records after it; another camera\'s falls never count', async () => {
  const { phones, camera } = await family(c);
  const other = await c.addDevice(await c.login(phones[0]!), `other-${phones[0]}`);
  const DAY = 86_400;
  const dayStart = Math.floor(c.clock.now() / 86_400_000) * 86_400_000;
  c.clock.advance((dayStart + 3600_000 - c.clock.now()) / 1000); // 01:00 UTC: the day's falls stay on one day
  // 100 days ago one fall (outside the window); then 5 falls 60 to 56 days ago; then one on another camera
  c.clock.advance(-100 * DAY);
  const history: string[] = [];
  const up = async (device: string) => {
    const token = await c.login(phones[0]!);
    passes(await c.upload(device, await jpeg(history.length + 3)));
    const item = (await c.call('notice.get', { mode: 2, limit: 1 }, { token })).data.list[0];
    if (device === camera) history.push(item.event_id);
    return { item, token };
  };
  await up(camera);
  c.clock.advance(40 * DAY);
  for (let i = 0; i < 5; i++) {
    await up(camera);
    c.clock.advance(DAY);
  }
  await up(other);
  // judged: two real falls, two false alarms, one left (one of the false alarms changed its mind once)
  const judge = async (eventId: string, verdict: string) => passes(await c.call('notice.verdict', { event_id: eventId, verdict }, { token: await c.login(phones[1]!) }));
  await judge(history[1]!, 'fall');
  await judge(history[2]!, 'fall');
  await judge(history[3]!, 'fall');
  await judge(history[3]!, 'false_alarm');
  await judge(history[4]!, 'false_alarm');

  // today's fall: the five in the window, the one 100 days ago out of it, the other camera's not at all
  c.clock.advance(50 * DAY);
  const stream = openStream(`${c.url}/api/notice/stream?token=${await c.login(phones[1]!)}`);
  await stream.ready;
  const { item: today, token } = await up(camera);
  const expected = { falls: 5, real: 2, false_alarms: 2, days: 90 };
  assert.equal(today.camera_record, expected);
  assert.equal((await c.call('notice.info', { event_id: today.event_id }, { token })).data.camera_record, expected);
  await stream.waitFor(() => stream.events.some((e) => e.event === 'notice'));
  assert.equal(JSON.parse(stream.events.find((e) => e.event === 'notice')!.data).camera_record, expected);
  // an older fall's record counts only what came before its day
  const list = (await c.call('notice.get', { mode: 2 }, { token })).data.list as { event_id: string; camera_record: unknown }[];
  const of = (id: string) => list.find((n) => n.event_id === id)!.camera_record;
  assert.equal(of(history[0]!), { falls: 0, real: 0, false_alarms: 0, days: 90 });
  assert.equal(of(history[1]!), { falls: 1, real: 0, false_alarms: 0, days: 90 }, 'the one 40 days before it');
  assert.equal(of(history[3]!), { falls: 3, real: 2, false_alarms: 0, days: 90 }, 'its own verdict is not its record');
  assert.equal(of(history[5]!), { falls: 5, real: 2, false_alarms: 2, days: 90 });
  // a verdict given now on an earlier fall: the family's lists show today's record changed
  await judge(history[5]!, 'false_alarm');
  const again = (await c.call('notice.get', { mode: 2 }, { token: await c.login(phones[0]!) })).data.list as { event_id: string; camera_record: unknown }[];
  assert.equal(again.find((n) => n.event_id === today.event_id)!.camera_record, { falls: 5, real: 2, false_alarms: 3, days: 90 });
  stream.close();
});

record.run();

// ---------------------------------------------------------------------------------------------
const drill = suite('device.drill: every phone\'s channels tested, a dead push subscription removed, the account that never replied reported');
let d: TestServer;
let pushService: Awaited<ReturnType<typeof startPushService>>;
const DRILL_SECRET = 'drill-callback-secret-0123456789abcdef0123';
drill.before(async () => {
  pushService = await startPushService();
  d = await startTestServer({ PUSH_HOSTS: '127.0.0.1', PROVIDER_CALLBACK_SECRET: DRILL_SECRET });
});
drill.after(async () => {
  await d.close();
  await pushService.close();
});

drill('push, SMS and call: proved by the service worker, a reply of 1 and a 1 on the call; the silent member shows as not proved', async () => {
  const { phones, tokens, camera } = await family(d);
  const live = pushService.subscribe();
  const dead = pushService.subscribe();
  for (const sub of [live, dead]) passes(await d.callAt('/push', 'push', 'subscribe', sub, { token: tokens[0] }));
  pushService.answer(dead.endpoint, 410);

  const reply = await d.call('device.drill', { device_id: camera, call: true }, { token: tokens[1] });
  assert.equal(reply.data, { device_id: camera, sent: { push: 1, sms: 2, call: 2 } });
  assert.equal(await d.sql.all('select endpoint from push_subscriptions where endpoint in (?, ?)', live.endpoint, dead.endpoint), [{ endpoint: live.endpoint }], 'the dead one removed');
  const drills = sent(d, 'drill').filter((m) => m.device === `room-${phones[0]}`);
  assert.equal(drills.map((m) => m.phone).sort(), [...phones].sort());
  assert.ok(drills.every((m) => m.invite === true), 'the SMS asks for a reply');
  const calls = sent(d, 'drill-call').filter((m) => m.device === `room-${phones[0]}`);
  assert.is(calls.length, 2);
  fails(await d.call('device.drill', { device_id: camera }, { token: tokens[0] }), 'DRILL_LIMIT', 'once a minute per camera');
  assert.equal(JSON.parse((await auditOf(d, 'device.drill')).at(-1)!.detail), { push: 1, sms: 2, call: 2, accounts: 2 });

  // the service worker's proof, once
  const pushed = pushService.received.find((r) => r.payload.type === 'drill' && r.payload.device === `room-${phones[0]}`)!;
  const prove = async (proof: unknown) => (await d.raw('/app/drill', JSON.stringify({ proof }))).json;
  passes(await prove(pushed.payload.proof));
  fails(await prove(pushed.payload.proof), 'TOKEN_INVALID');
  fails(await prove('f'.repeat(32)), 'TOKEN_INVALID');
  // the first member replies 1 and presses 1; the second does nothing
  const time = Math.floor(d.clock.now() / 1000);
  assert.equal((await d.raw(`/callbacks/tencent/sms/${DRILL_SECRET}`, JSON.stringify(cb.reply(phones[0]!, '1', time)))).json, { result: 0, errmsg: 'OK' });
  const mine = calls.find((m) => m.phone === phones[0])!;
  assert.equal((await d.raw(`/callbacks/tencent/voice/${DRILL_SECRET}`, JSON.stringify(cb.keypress(mine.call_id!, phones[1]!, '1')))).json, { result: 0, errmsg: 'OK' }, 'another number proves nothing');
  assert.equal((await d.raw(`/callbacks/tencent/voice/${DRILL_SECRET}`, JSON.stringify(cb.keypress(mine.call_id!, phones[0]!, '1')))).json, { result: 0, errmsg: 'OK' });

  const reach = (await d.call('device.reach', { device_id: camera }, { token: tokens[1] })).data.family as Record<string, { proved: string | null; outcome: string } | null | string>[];
  const masked = (p: string) => `${p.slice(0, 3)}****${p.slice(-4)}`;
  const [first, second] = phones.map((p) => reach.find((r) => r.phone === masked(p))!);
  const now = d.services.noticeView.createtime(d.clock.now());
  for (const channel of ['push', 'sms', 'call']) assert.is((first![channel] as { proved: string }).proved, now, `${channel} proved`);
  assert.is(second!.push, null, 'no subscription to test');
  assert.equal([(second!.sms as { proved: null; outcome: string }).outcome, (second!.sms as { proved: null }).proved], ['sent', null], 'sent, never replied');
  assert.is((second!.call as { proved: null }).proved, null);
});

drill('DRILL_EVERY_DAYS sends one to every family on schedule, once', async () => {
  const s = await startTestServer({ DRILL_EVERY_DAYS: '30' });
  try {
    const { phones, tokens } = await family(s);
    // the second member is in quiet hours: a scheduled test leaves them out
    const hhmm = (m: number) => s.services.noticeView.createtime(s.clock.now() + m * 60_000).slice(11, 16);
    passes(await s.call('account.quiet', { from: hhmm(-10), to: hhmm(10) }, { token: tokens[1] }));
    await s.services.alerts.tick();
    await s.services.alerts.tick();
    const of = () => sent(s, 'drill').filter((m) => phones.includes(m.phone)).length;
    assert.equal(sent(s, 'drill').filter((m) => phones.includes(m.phone)).map((m) => m.phone), [phones[0]], 'one SMS, to the member awake');
    passes(await s.call('account.quiet', { off: true }, { token: tokens[1] }));
    s.clock.advance(29 * 86_400);
    await s.services.alerts.tick();
    assert.is(of(), 1);
    s.clock.advance(2 * 86_400);
    await s.services.alerts.tick();
    assert.is(of(), 3, 'again after 30 days, to both');
  } finally {
    await s.close();
  }
});

drill.run();
