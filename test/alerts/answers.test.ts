import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { jpeg, newPhone, passes, startTestServer, type TestServer, until } from '../helpers.js';
import { md5Hex } from '../../src/services/shared/random.js';
import { openStream } from '../support/sse.js';
import { startTencentStandIn, tencentCallbacks as cb } from '../support/tencent-sms.js';

const SECRET = 'callback-secret-0123456789abcdef0123456789';
const VOICE = `/callbacks/tencent/voice/${SECRET}`;
const SMS = `/callbacks/tencent/sms/${SECRET}`;
const ANSWERS = { PROVIDER_CALLBACK_SECRET: SECRET, ALERT_REPEAT_SECONDS: '120', ALERT_CALL_SECONDS: '300', ALERT_SMS_COOLDOWN_SECONDS: '0' };

/** Two family members bound to one camera. */
async function family(t: TestServer) {
  const phones = [newPhone(), newPhone()];
  const tokens = [await t.signUp(phones[0]!), await t.signUp(phones[1]!)];
  const camera = await t.addDevice(tokens[0]!, `room-${phones[0]}`);
  await t.bind(tokens[1]!, camera);
  return { phones, tokens, camera };
}

async function fall(t: TestServer, camera: string, token: string) {
  passes(await t.upload(camera, await jpeg(5)));
  return (await t.call('notice.get', { mode: 2, limit: 1 }, { token })).data.list[0] as { event_id: string; createtime: string; resident: unknown };
}

const post = async (t: TestServer, path: string, body: unknown) => {
  const { http, json } = await t.raw(path, typeof body === 'string' ? body : JSON.stringify(body));
  return { http, json: json as unknown as { result: number; errmsg: string } };
};
const lines = (t: TestServer, eventId: string, kind?: string) => t.outbox().filter((m) => m.event_id === eventId && (kind === undefined || m.kind === kind));
const at = (t: TestServer) => new Date(t.clock.now()).toISOString();
const noticeRow = (t: TestServer, eventId: string) => t.sql.get<Record<string, unknown>>(
  'select ack_phone, ack_channel, ack_by, resident_answer from notices where event_id = ?', eventId);
const auditOf = (t: TestServer, kind: string) => t.sql.all<{ detail: string; ip: string; actor: string }>('select detail, ip, actor from audit_log where kind = ? order by id', kind);

/** A family whose camera calls after 1 s, and a fall whose calls were placed: the first member's call. */
async function called() {
  const { phones, tokens, camera } = await family(t);
  passes(await t.call('device.alerts', { device_id: camera, repeat_seconds: 0, call_seconds: 1 }, { token: tokens[0] }));
  const item = await fall(t, camera, tokens[0]!);
  t.clock.advance(1);
  await t.services.alerts.tick();
  return { phones, item, mine: lines(t, item.event_id, 'call').find((m) => m.phone === phones[0])! };
}

// ---------------------------------------------------------------------------------------------
const call = suite('press 1 on the call, reply 1 to the SMS (outbox gateway, Tencent callback shapes)');
let t: TestServer;
call.before(async () => {
  t = await startTestServer({ ...ANSWERS, SSE_HEARTBEAT_SECONDS: '1' });
});
call.after(() => t.close());

call('a family member pressing 1 stops the chain for everyone; the other sees who and how at once; audited with the address', async () => {
  const { phones, tokens, camera } = await family(t);
  passes(await t.call('device.alerts', { device_id: camera, repeat_seconds: 600, call_seconds: 30 }, { token: tokens[0] }));
  const stream = openStream(`${t.url}/api/notice/stream?token=${tokens[1]}`);
  await stream.ready;
  const item = await fall(t, camera, tokens[0]!);
  await until(() => lines(t, item.event_id, 'alert').length === 2, 2000, 'first SMS');
  assert.ok(lines(t, item.event_id, 'alert').every((m) => m.invite === true), 'the SMS invites a reply');
  t.clock.advance(30);
  await t.services.alerts.tick();
  const calls = lines(t, item.event_id, 'call');
  assert.is(calls.length, 2);
  assert.ok(calls.every((m) => /^[0-9a-f]{32}$/.test(m.call_id!) && m.invite === true));
  const mine = calls.find((m) => m.phone === phones[0])!;

  t.clock.advance(5);
  const started = Date.now();
  assert.equal((await post(t, VOICE, cb.keypress(mine.call_id!, phones[0]!, '1'))).json, { result: 0, errmsg: 'OK' });
  const expected = { phone: phones[0], at: t.services.noticeView.createtime(t.clock.now()), channel: 'call' };
  await stream.waitFor(() => stream.events.some((e) => e.event === 'acknowledged'));
  assert.ok(Date.now() - started < 1000, 'within a second');
  assert.equal(JSON.parse(stream.events.find((e) => e.event === 'acknowledged')!.data), { event_id: item.event_id, acknowledged: expected });
  assert.equal((await t.call('notice.get', { mode: 2, limit: 1 }, { token: tokens[1] })).data.list[0].acknowledged, expected);
  assert.equal(await noticeRow(t, item.event_id), { ack_phone: phones[0], ack_channel: 'call', ack_by: null, resident_answer: null });
  const ack = (await auditOf(t, 'notice.ack')).at(-1)!;
  assert.equal(JSON.parse(ack.detail), { channel: 'call' });
  assert.is(ack.ip, '127.0.0.1');

  // nothing more is sent, to anyone
  t.clock.advance(3600);
  await t.services.alerts.tick();
  assert.is(lines(t, item.event_id, 'alert-repeat').length, 0);
  // the call's end and the key go into the timeline
  assert.equal((await post(t, VOICE, cb.ended(mine.call_id!, phones[0]!, '0'))).json, { result: 0, errmsg: 'OK' });
  // an hour on, the token has gone idle: signed in again
  const timeline = (await t.call('notice.timeline', { event_id: item.event_id }, { token: await t.login(phones[1]!) })).data.timeline as Record<string, unknown>[];
  const steps = timeline.map((e) => `${e.step}:${e.outcome}`);
  assert.ok(steps.includes('keypress:1') && steps.includes('call-ended:answered') && steps.includes('sms-repeat:skipped'), steps.join(' '));
  assert.equal(timeline.find((e) => e.step === 'acknowledged')!.channel, 'call');
  stream.close();
});

call('a reply of 1 acknowledges the newest open fall the phone was sent, and one SMS says which and what is still open', async () => {
  const { phones, tokens, camera } = await family(t);
  const other = await t.addDevice(tokens[0]!, `hall-${phones[0]}`);
  await t.bind(tokens[1]!, other);
  const older = await fall(t, camera, tokens[0]!);
  t.clock.advance(60);
  const newer = await fall(t, other, tokens[0]!);
  await until(() => lines(t, newer.event_id, 'alert').length === 2 && lines(t, older.event_id, 'alert').length === 2, 2000, 'both SMS');
  await t.services.alerts.settled(); // the outbox line is written before the contact that vouches for a reply

  const time = Math.floor(t.clock.now() / 1000);
  assert.equal((await post(t, SMS, cb.reply(phones[1]!, ' １ ', time))).json, { result: 0, errmsg: 'OK' });
  assert.equal(await noticeRow(t, newer.event_id), { ack_phone: phones[1], ack_channel: 'sms', ack_by: null, resident_answer: null });
  assert.is((await noticeRow(t, older.event_id))!.ack_phone, null);
  const confirmed = t.outbox().filter((m) => m.kind === 'acknowledged' && m.phone === phones[1]);
  assert.equal(confirmed.map((m) => [m.event_id, m.open]), [[newer.event_id, 1]]);

  // the provider retries the same callback: nothing more (the older fall stays open), audited
  assert.equal((await post(t, SMS, cb.reply(phones[1]!, ' １ ', time))).json, { result: 0, errmsg: 'OK' });
  assert.is((await noticeRow(t, older.event_id))!.ack_phone, null);
  assert.equal(JSON.parse((await auditOf(t, 'callback.refused')).at(-1)!.detail).why, 'repeated');

  // any other text changes nothing; 收到 and OK (any case, spaces) do
  for (const text of ['2', 'who is this?', '11']) assert.equal((await post(t, SMS, cb.reply(phones[0]!, text, time + 1))).json, { result: 0, errmsg: 'OK' });
  assert.is((await noticeRow(t, older.event_id))!.ack_phone, null);
  assert.equal((await post(t, SMS, cb.reply(phones[0]!, ' O k ', time + 2))).json, { result: 0, errmsg: 'OK' });
  assert.equal(await noticeRow(t, older.event_id), { ack_phone: phones[0], ack_channel: 'sms', ack_by: null, resident_answer: null });
  assert.equal(t.outbox().filter((m) => m.kind === 'acknowledged' && m.phone === phones[0]).map((m) => [m.event_id, m.open]), [[older.event_id, 0]]);
});

call('a reply from an unbound phone, from a phone unbound since, or after the window changes nothing', async () => {
  const { phones, tokens, camera } = await family(t);
  const item = await fall(t, camera, tokens[0]!);
  await until(() => lines(t, item.event_id, 'alert').length === 2, 2000, 'first SMS');
  await t.services.alerts.settled();
  const time = Math.floor(t.clock.now() / 1000);
  assert.equal((await post(t, SMS, cb.reply(newPhone(), '1', time))).json, { result: 0, errmsg: 'OK' });
  passes(await t.call('device.unbind', { device_id: camera }, { token: tokens[1] }));
  assert.equal((await post(t, SMS, cb.reply(phones[1]!, '1', time))).json, { result: 0, errmsg: 'OK' });
  t.clock.advance(3601);
  assert.equal((await post(t, SMS, cb.reply(phones[0]!, '1', time + 3601))).json, { result: 0, errmsg: 'OK' });
  assert.is((await noticeRow(t, item.event_id))!.ack_phone, null);
  const whys = (await auditOf(t, 'callback.refused')).slice(-3).map((r) => JSON.parse(r.detail).why);
  assert.equal(whys, ['not_sent', 'not_sent', 'not_sent']);
});

call('forged callbacks change nothing and are audited: a wrong secret, an unknown CallId, another phone, a replay, a 1 MB body, bad shapes', async () => {
  const { phones, item, mine } = await called();

  const wrong = await t.raw(`/callbacks/tencent/voice/${SECRET.replace(/.$/, 'x')}`, JSON.stringify(cb.keypress(mine.call_id!, phones[0]!, '1')));
  assert.is(wrong.http, 404);
  assert.is(JSON.parse((await auditOf(t, 'callback.refused')).at(-1)!.detail).why, 'wrong_secret');
  assert.not.ok(JSON.stringify(await auditOf(t, 'callback.refused')).includes(SECRET.slice(0, 20)), 'the secret is never written down');
  assert.equal((await post(t, VOICE, cb.keypress('f'.repeat(32), phones[0]!, '1'))).json, { result: 0, errmsg: 'OK' });
  assert.is(JSON.parse((await auditOf(t, 'callback.refused')).at(-1)!.detail).why, 'unknown_call');
  assert.equal((await post(t, VOICE, cb.keypress(mine.call_id!, phones[1]!, '1'))).json, { result: 0, errmsg: 'OK' });
  assert.is(JSON.parse((await auditOf(t, 'callback.refused')).at(-1)!.detail).why, 'wrong_phone');
  assert.is((await noticeRow(t, item.event_id))!.ack_phone, null, 'none of those acknowledged');

  const big = await post(t, VOICE, JSON.stringify({ voicekey_callback: { callid: mine.call_id, keypress: '1', mobile: phones[0], nationcode: '86', pad: 'x'.repeat(1024 * 1024) } }));
  assert.equal(big, { http: 400, json: { result: 1, errmsg: 'body over 16384 bytes' } });
  assert.equal((await post(t, VOICE, '{"voicekey_callback":')).http, 400);
  for (const shape of [[], { voicekey_callback: { callid: 1, mobile: phones[0], keypress: '1' } }, { something: {} }, cb.ended(mine.call_id!, phones[0]!, '7' as never)]) {
    const r = await post(t, VOICE, shape);
    assert.is(r.http, 400, JSON.stringify(shape));
    assert.is(r.json.result, 1);
  }
  assert.is((await post(t, SMS, { mobile: phones[0], text: 1, time: 'now' })).http, 400);
  assert.is((await noticeRow(t, item.event_id))!.ack_phone, null, 'the real call is still unanswered');

  // the real keypress counts, once; its replay is told OK and changes nothing
  assert.equal((await post(t, VOICE, cb.keypress(mine.call_id!, phones[0]!, '1'))).json, { result: 0, errmsg: 'OK' });
  const first = await t.sql.get('select ack_phone, ack_at from notices where event_id = ?', item.event_id);
  t.clock.advance(10);
  assert.equal((await post(t, VOICE, cb.keypress(mine.call_id!, phones[0]!, '1'))).json, { result: 0, errmsg: 'OK' });
  assert.equal(await t.sql.get('select ack_phone, ack_at from notices where event_id = ?', item.event_id), first);
  assert.is(JSON.parse((await auditOf(t, 'callback.refused')).at(-1)!.detail).why, 'repeated');
  assert.is((await auditOf(t, 'notice.ack')).filter((r) => JSON.parse(r.detail).channel === 'call').length >= 1, true);
});

call('a keypress more than an hour after its call is stale: it changes nothing', async () => {
  const { phones, item, mine } = await called();
  t.clock.advance(3601);
  await post(t, VOICE, cb.keypress(mine.call_id!, phones[0]!, '1'));
  assert.is((await noticeRow(t, item.event_id))!.ack_phone, null);
  assert.is(JSON.parse((await auditOf(t, 'callback.refused')).at(-1)!.detail).why, 'stale');
});

call('callbacks are limited per source address: the 301st in a minute is 429, in Tencent\'s shape', async () => {
  let last = { http: 0, json: { result: 0, errmsg: '' } };
  for (let i = 0; i < 301 && last.http !== 429; i++) last = await post(t, VOICE, cb.keypress(`unknown-${i}`, '13800000000', '1'));
  assert.equal(last, { http: 429, json: { result: 1, errmsg: 'too many callbacks from this address' } });
  t.clock.advance(61);
  assert.is((await post(t, VOICE, cb.keypress('unknown-after', '13800000000', '1'))).http, 200, 'the window passes');
});

call.run();

// ---------------------------------------------------------------------------------------------
const off = suite('without PROVIDER_CALLBACK_SECRET: no callback routes, no invitations, the chain as it was');
off('the callback URLs answer 404; SMS and calls do not invite answers; no contacts are kept', async () => {
  const plain = await startTestServer({ ALERT_SMS_COOLDOWN_SECONDS: '0', ALERT_CALL_SECONDS: '1' });
  try {
    assert.is((await plain.raw(VOICE, JSON.stringify(cb.keypress('x', '13800000000', '1')))).http, 404);
    assert.is((await plain.raw('/callbacks/tencent/sms/anything', JSON.stringify(cb.reply('13800000000', '1')))).http, 404);
    const { tokens, camera } = await family(plain);
    const item = await fall(plain, camera, tokens[0]!);
    assert.is(item.resident, null);
    plain.clock.advance(1);
    await plain.services.alerts.tick();
    await until(() => lines(plain, item.event_id, 'call').length === 2, 2000, 'calls');
    assert.ok(lines(plain, item.event_id).every((m) => m.invite === false));
    assert.is((await plain.sql.get<{ n: number }>('select count(*) n from alert_contacts')).n, 0);
  } finally {
    await plain.close();
  }
});
off.run();

// ---------------------------------------------------------------------------------------------
const resident = suite('ask the resident first: 1, 2, no answer, busy, and a provider failure, against the clock');
let r: TestServer;
resident.before(async () => {
  r = await startTestServer(ANSWERS);
});
resident.after(() => r.close());

/** A family whose camera asks `residentPhone` first for 60 s, and a fall: the resident's call placed. */
async function askedFall(residentPhone = newPhone()) {
  const f = await family(r);
  passes(await r.call('device.alerts', { device_id: f.camera, resident_phone: residentPhone, resident_seconds: 60 }, { token: f.tokens[0] }));
  const stream = openStream(`${r.url}/api/notice/stream?token=${f.tokens[1]}`);
  await stream.ready;
  const item = await fall(r, f.camera, f.tokens[0]!);
  const started = r.clock.now();
  await r.services.alerts.tick();
  await r.services.alerts.settled();
  return { ...f, residentPhone, item, started, stream };
}
const timesOf = (eventId: string, kind: string) => lines(r, eventId, kind).map((m) => m.time);

resident('1: the family\'s first SMS says the resident is all right; the repeat and the call are skipped; the fall stays open', async () => {
  const { residentPhone, item, stream, phones } = await askedFall();
  assert.equal(item.resident, { answer: 'calling', at: r.services.noticeView.createtime(r.clock.now()) }, 'live at once, marked calling');
  const question = lines(r, item.event_id, 'resident-call');
  assert.equal(question.map((m) => m.phone), [residentPhone]);
  assert.is(lines(r, item.event_id, 'alert').length, 0, 'the family\'s SMS waits');
  r.clock.advance(20);
  await post(r, VOICE, cb.keypress(question[0]!.call_id!, residentPhone, '1'));
  await until(() => lines(r, item.event_id, 'alert-ok').length === 2, 2000, 'alert-ok');
  assert.equal(timesOf(item.event_id, 'alert-ok'), [at(r), at(r)]);
  await stream.waitFor(() => stream.events.some((e) => e.event === 'resident'));
  assert.equal(JSON.parse(stream.events.find((e) => e.event === 'resident')!.data).resident, { answer: 'ok', at: r.services.noticeView.createtime(r.clock.now()) });
  r.clock.advance(3600);
  await r.services.alerts.tick();
  assert.is(lines(r, item.event_id, 'alert-repeat').length + lines(r, item.event_id, 'call').length + lines(r, item.event_id, 'alert').length, 0);
  const listed = (await r.call('notice.get', { mode: 2, limit: 1 }, { token: await r.login(phones[0]!) })).data.list[0];
  assert.is(listed.acknowledged, null, 'still for a family member to look at');
  assert.is(listed.resident.answer, 'ok');
  assert.is((await noticeRow(r, item.event_id))!.resident_answer, 'ok');
  assert.equal(JSON.parse((await auditOf(r, 'notice.resident')).at(-1)!.detail), { answer: 'ok', channel: 'call' });
  stream.close();
});

resident('2: the SMS, the repeat and the call go to the family at once', async () => {
  const { residentPhone, item, stream } = await askedFall();
  r.clock.advance(10);
  await post(r, VOICE, cb.keypress(lines(r, item.event_id, 'resident-call')[0]!.call_id!, residentPhone, '2'));
  await until(() => ['alert', 'alert-repeat', 'call'].every((k) => lines(r, item.event_id, k).length === 2), 2000, 'everything at once');
  for (const kind of ['alert', 'alert-repeat', 'call']) assert.equal(timesOf(item.event_id, kind), [at(r), at(r)], kind);
  assert.is((await noticeRow(r, item.event_id))!.resident_answer, 'help');
  stream.close();
});

resident('no answer in resident_seconds: the chain goes on from then, as it would have from the fall', async () => {
  const { item, started, stream } = await askedFall();
  r.clock.advance(59);
  await r.services.alerts.tick();
  assert.is(lines(r, item.event_id, 'alert').length, 0, 'not before 60 s');
  r.clock.advance(1);
  await r.services.alerts.tick();
  await until(() => lines(r, item.event_id, 'alert').length === 2, 2000, 'SMS at 60 s');
  assert.equal(timesOf(item.event_id, 'alert'), [new Date(started + 60_000).toISOString(), new Date(started + 60_000).toISOString()]);
  r.clock.advance(119);
  await r.services.alerts.tick();
  assert.is(lines(r, item.event_id, 'alert-repeat').length, 0);
  r.clock.advance(1);
  await r.services.alerts.tick();
  assert.equal(timesOf(item.event_id, 'alert-repeat'), [new Date(started + 180_000).toISOString(), new Date(started + 180_000).toISOString()]);
  r.clock.advance(180);
  await r.services.alerts.tick();
  assert.is(lines(r, item.event_id, 'call').length, 2, 'the call at 60 + 300 s');
  assert.is((await noticeRow(r, item.event_id))!.resident_answer, 'no_answer');
  stream.close();
});

resident('busy, or not answered: the family is told at once', async () => {
  for (const end of ['busy', 'unanswered'] as const) {
    const { residentPhone, item, stream, tokens } = await askedFall();
    r.clock.advance(15);
    const callId = lines(r, item.event_id, 'resident-call')[0]!.call_id!;
    await post(r, VOICE, end === 'busy' ? cb.failed(callId, residentPhone, '用户忙') : cb.ended(callId, residentPhone, '1'));
    await until(() => lines(r, item.event_id, 'alert').length === 2, 2000, `SMS after ${end}`);
    assert.equal(timesOf(item.event_id, 'alert'), [at(r), at(r)], end);
    assert.is((await noticeRow(r, item.event_id))!.resident_answer, 'no_answer');
    const timeline = (await r.call('notice.timeline', { event_id: item.event_id }, { token: tokens[0] })).data.timeline as Record<string, unknown>[];
    const steps = timeline.map((e) => `${e.step}:${e.outcome}${e.role ? `:${e.role}` : ''}`);
    assert.ok(steps.includes('resident-call:sent') && steps.includes(`call-ended:${end === 'busy' ? 'busy' : 'no_answer'}:resident`) && steps.includes('resident:no_answer'), steps.join(' '));
    stream.close();
  }
});

resident('the whole chain with a rota: the resident first, then the person on call, then everyone, then the repeat and the call, then the last resort', async () => {
  const neighbour = newPhone();
  const { residentPhone, item, started, stream, phones, tokens, camera } = await askedFall();
  // set after the fall's steps were written: the rota is read when the family's first SMS goes
  passes(await r.call('device.oncall', { device_id: camera, order: 'rota', rota: [{ phone: phones[1]!, days: [1, 2, 3, 4, 5, 6, 7], from: '00:00', to: '00:00' }], next_level_seconds: 60 }, { token: tokens[0] }));
  const g = await family(r);
  passes(await r.call('device.alerts', { device_id: g.camera, resident_phone: residentPhone, resident_seconds: 30, last_resort_phone: neighbour, last_resort_seconds: 600 }, { token: g.tokens[0] }));
  passes(await r.call('device.oncall', { device_id: g.camera, order: 'rota', rota: [{ phone: g.phones[1]!, days: [1, 2, 3, 4, 5, 6, 7], from: '00:00', to: '00:00' }], next_level_seconds: 60 }, { token: g.tokens[0] }));
  stream.close();
  const second = await fall(r, g.camera, g.tokens[0]!);
  const t0 = r.clock.now();
  await r.services.alerts.tick();
  await r.services.alerts.settled();
  assert.equal(lines(r, second.event_id, 'resident-call').map((m) => m.phone), [residentPhone]);
  const step = async (seconds: number) => {
    r.clock.advance((t0 + seconds * 1000 - r.clock.now()) / 1000);
    await r.services.alerts.tick();
    await r.services.alerts.settled();
  };
  await step(30); // nobody answered the resident's call: the person on call
  assert.equal(lines(r, second.event_id, 'alert').map((m) => m.phone), [g.phones[1]]);
  await step(89);
  assert.is(lines(r, second.event_id, 'next-level').length, 0);
  await step(90); // a minute later, everyone
  assert.equal(lines(r, second.event_id, 'next-level').map((m) => m.phone).sort(), [...g.phones].sort());
  await step(90 + 120); // the repeat (ALERT_REPEAT_SECONDS) after that
  assert.equal(lines(r, second.event_id, 'alert-repeat').map((m) => m.phone).sort(), [...g.phones].sort());
  await step(90 + 300); // and the call
  assert.equal(lines(r, second.event_id, 'call').map((m) => m.phone).sort(), [...g.phones].sort());
  await step(600); // nobody: the last resort
  assert.equal(lines(r, second.event_id, 'last-resort').map((m) => m.phone), [neighbour]);
  assert.ok(started <= t0);
  // the first fall was asked before its camera had a rota: its first SMS goes to whoever is on call when it fires
  await r.services.alerts.tick();
  assert.equal(lines(r, item.event_id, 'alert').map((m) => m.phone), [phones[1]]);
  r.clock.advance(60);
  await r.services.alerts.tick();
  assert.equal(lines(r, item.event_id, 'next-level').map((m) => m.phone).sort(), [...phones].sort(), 'and the next level it did not have');
});

resident.run();

// ---------------------------------------------------------------------------------------------
const provider = suite('the resident\'s call through Tencent VMS (SDK against a stand-in): its failure is a no answer');
provider('a refused call to the resident sends the family\'s SMS at once; the CallId of a placed call is what a keypress names', async () => {
  const standIn = await startTencentStandIn('AKIDtest', 'right-key');
  const p = await startTestServer({
    ...ANSWERS, SMS_GATEWAY: 'tencent', TENCENT_SECRET_ID: 'AKIDtest', TENCENT_SECRET_KEY: 'right-key', TENCENT_SMS_ENDPOINT: standIn.url,
    TENCENT_SMS_APP_ID: '1400000001', TENCENT_SMS_SIGN: 'HelpAged', TENCENT_SMS_TEMPLATES: '1:100001,2:100002,alert:200001,alert-ok:200002',
    TENCENT_VMS_APP_ID: '1400000009', TENCENT_VMS_ENDPOINT: standIn.url, TENCENT_VMS_TEMPLATES: 'alert:300001,resident:300002',
  });
  // codes come by Tencent SMS here: signing up reads them from the stand-in
  p.requestCode = async (phone: string) => {
    const { data } = await p.call('sms.generate', { phone, command_type: 1 });
    return md5Hex(standIn.received.at(-1)!.params[0]! + data.rand);
  };
  try {
    const residentPhone = newPhone();
    const f = await family(p);
    passes(await p.call('device.alerts', { device_id: f.camera, resident_phone: residentPhone, resident_seconds: 120 }, { token: f.tokens[0] }));
    standIn.answerWith((phone) => (phone === `+86${residentPhone}` ? 'FailedOperation.CallFailed' : 'Ok'));
    await fall(p, f.camera, f.tokens[0]!);
    await p.services.alerts.tick();
    await until(() => standIn.received.filter((m) => m.templateId === '200001').length === 2, 3000, 'family SMS at once');
    standIn.answerWith(() => 'Ok');

    const g = await family(p);
    passes(await p.call('device.alerts', { device_id: g.camera, resident_phone: residentPhone, resident_seconds: 120 }, { token: g.tokens[0] }));
    const before = standIn.calls.length;
    const item = await fall(p, g.camera, g.tokens[0]!);
    await p.services.alerts.tick();
    const placed = standIn.calls.slice(before);
    assert.equal(placed.map((c) => [c.phone, c.templateId]), [[`+86${residentPhone}`, '300002']]);
    const stored = await p.sql.get<{ call_id: string }>("select call_id from alert_contacts where role = 'resident' order by id desc limit 1");
    assert.is(stored.call_id, placed[0]!.callId);
    await post(p, VOICE, cb.keypress(stored.call_id, residentPhone, '1'));
    await until(() => standIn.received.filter((m) => m.templateId === '200002').length === 2, 3000, 'alert-ok SMS');
    assert.is((await noticeRow(p, item.event_id))!.resident_answer, 'ok');
  } finally {
    await p.close();
    await standIn.close();
  }
});
provider.run();

// ---------------------------------------------------------------------------------------------
const last = suite('a last resort: called and sent an SMS only when nobody acknowledged in time; its 1 acknowledges');
last('nobody reacts: at last_resort_seconds the number gets the SMS and the call; its keypress acknowledges as the last resort, masked', async () => {
  const l = await startTestServer(ANSWERS);
  try {
    const f = await family(l);
    const neighbour = newPhone();
    passes(await l.call('device.alerts', { device_id: f.camera, last_resort_phone: neighbour, last_resort_seconds: 900 }, { token: f.tokens[0] }));
    const item = await fall(l, f.camera, f.tokens[0]!);
    l.clock.advance(899);
    await l.services.alerts.tick();
    assert.is(lines(l, item.event_id, 'last-resort').length, 0);
    l.clock.advance(1);
    await l.services.alerts.tick();
    assert.equal(lines(l, item.event_id, 'last-resort').map((m) => m.phone), [neighbour]);
    const lastCall = lines(l, item.event_id, 'last-resort-call');
    assert.equal(lastCall.map((m) => m.phone), [neighbour]);
    await post(l, VOICE, cb.keypress(lastCall[0]!.call_id!, neighbour, '1'));
    const masked = `${neighbour.slice(0, 3)}****${neighbour.slice(-4)}`;
    const listed = (await l.call('notice.get', { mode: 2, limit: 1 }, { token: await l.login(f.phones[1]!) })).data.list[0];
    assert.equal(listed.acknowledged, { phone: masked, at: l.services.noticeView.createtime(l.clock.now()), channel: 'call', last_resort: true });
    assert.equal(await noticeRow(l, item.event_id), { ack_phone: neighbour, ack_channel: 'call', ack_by: 'last_resort', resident_answer: null });
    assert.equal(JSON.parse((await auditOf(l, 'notice.ack')).at(-1)!.detail), { channel: 'call', last_resort: masked });

    // acknowledged in time: the last resort is never disturbed
    const second = await fall(l, f.camera, await l.login(f.phones[0]!));
    l.clock.advance(100);
    passes(await l.call('notice.sign', { event_id: second.event_id }, { token: await l.login(f.phones[0]!) }));
    l.clock.advance(900);
    await l.services.alerts.tick();
    assert.is(lines(l, second.event_id, 'last-resort').length + lines(l, second.event_id, 'last-resort-call').length, 0);
  } finally {
    await l.close();
  }
});
last.run();
