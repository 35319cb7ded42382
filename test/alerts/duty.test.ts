import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { fails, jpeg, newPhone, passes, startTestServer, type TestServer, until } from '../helpers.js';
import { openStream } from '../support/sse.js';

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
