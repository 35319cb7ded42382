import fs from 'node:fs';
import path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createLogger } from '../../src/log.js';
import { md5Hex } from '../../src/services/shared/random.js';
import { engineEnv, fails, jpeg, newPhone, passes, startTestServer, tempDir, type TestServer, until } from '../helpers.js';
import { startChild } from '../support/child.js';
import { openStream } from '../support/sse.js';
import { startTencentStandIn } from '../support/tencent-sms.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Two family members bound to one camera. */
async function family(t: TestServer, name?: string) {
  const phones = [newPhone(), newPhone()];
  const tokens = [await t.signUp(phones[0]!), await t.signUp(phones[1]!)];
  const camera = await t.addDevice(tokens[0]!, name);
  await t.bind(tokens[1]!, camera);
  return { phones, tokens, camera };
}

async function fall(t: TestServer, camera: string, token: string, image?: Buffer) {
  const up = await t.upload(camera, image ?? await jpeg(5));
  passes(up, JSON.stringify(up));
  return (await t.call('notice.get', { mode: 2, limit: 1 }, { token })).data.list[0] as { event_id: string; createtime: string; device: string; photo_ok: boolean };
}

const ofKind = (t: TestServer, kind: string, eventId?: string) => t.outbox().filter((m) => m.kind === kind && (eventId === undefined || m.event_id === eventId));

// ---------------------------------------------------------------------------------------------
const ack = suite('notice.info and notice.sign acknowledge a fall');
let t: TestServer;
ack.before(async () => {
  t = await startTestServer({ SSE_HEARTBEAT_SECONDS: '1' });
});
ack.after(() => t.close());

ack('the first bound account to open it acknowledges it; every list, info and stream of the family shows who and when', async () => {
  const { phones, tokens, camera } = await family(t);
  const streamB = openStream(`${t.url}/api/notice/stream?token=${tokens[1]}`);
  await streamB.ready;
  const item = await fall(t, camera, tokens[0]!);
  assert.is(item.photo_ok, true);
  assert.is((item as unknown as { acknowledged: unknown }).acknowledged, null);
  await streamB.waitFor(() => streamB.events.length === 1);
  assert.is(JSON.parse(streamB.events[0]!.data).acknowledged, null);

  t.clock.advance(7);
  const info = await t.call('notice.info', { event_id: item.event_id }, { token: tokens[0] });
  const expected = { phone: phones[0], at: t.services.noticeView.createtime(t.clock.now()), channel: 'app' };
  assert.equal(info.data.acknowledged, expected);
  await streamB.waitFor(() => streamB.events.some((e) => e.event === 'acknowledged'));
  const event = streamB.events.find((e) => e.event === 'acknowledged')!;
  assert.is(event.id, undefined, 'only notices carry an SSE id');
  assert.equal(JSON.parse(event.data), { event_id: item.event_id, acknowledged: expected });

  const listedB = (await t.call('notice.get', { mode: 0 }, { token: tokens[1] })).data.list[0];
  assert.equal(listedB.acknowledged, expected, 'B still has it unread, and sees that A saw it');
  t.clock.advance(5);
  passes(await t.call('notice.sign', { event_id: item.event_id }, { token: tokens[1] }));
  const infoB = await t.call('notice.info', { event_id: item.event_id }, { token: tokens[1] });
  assert.equal(infoB.data.acknowledged, expected, 'the first acknowledgement stays');
  const row = (await t.sql.get('select ack_phone, ack_at from notices where event_id = ?', item.event_id));
  assert.equal(row, { ack_phone: phones[0], ack_at: t.clock.now() - 5000 });
  streamB.close();
});

ack('notice.sign acknowledges too; a stranger cannot', async () => {
  const { phones, tokens, camera } = await family(t);
  const stranger = await t.signUp(newPhone());
  const item = await fall(t, camera, tokens[0]!);
  fails(await t.call('notice.sign', { event_id: item.event_id }, { token: stranger }), 'EVENT_NOT_FOUND');
  fails(await t.call('notice.info', { event_id: item.event_id }, { token: stranger }), 'GET_NOTICE_ERROR');
  assert.is((await t.call('notice.get', { mode: 2 }, { token: tokens[1] })).data.list[0].acknowledged, null);
  passes(await t.call('notice.sign', { event_id: item.event_id }, { token: tokens[1] }));
  assert.is((await t.call('notice.get', { mode: 2 }, { token: tokens[0] })).data.list[0].acknowledged.phone, phones[1]);
});

ack.run();

// ---------------------------------------------------------------------------------------------
const chain = suite('escalation: repeat SMS, then a voice call, until someone reacts (outbox gateway)');
chain.before(async () => {
  t = await startTestServer({ ALERT_REPEAT_SECONDS: '120', ALERT_CALL_SECONDS: '300', ALERT_SMS_COOLDOWN_SECONDS: '0' });
});
chain.after(() => t.close());

chain('nobody reacts: 0 s alert to every phone, 120 s alert-repeat, 300 s call, each once, with the first alert\'s fields', async () => {
  const { phones, tokens, camera } = await family(t, `hall-${Date.now()}`);
  const item = await fall(t, camera, tokens[0]!);
  await until(() => ofKind(t, 'alert', item.event_id).length === 2, 2000, 'first alerts');
  const fields = (list: Record<string, unknown>[]) => list.map((m) => ({ phone: m.phone, device: m.device, event_id: m.event_id, createtime: m.createtime }))
    .sort((a, b) => String(a.phone).localeCompare(String(b.phone)));
  const first = fields(ofKind(t, 'alert', item.event_id));
  assert.equal(first.map((m) => m.phone).sort(), [...phones].sort());
  t.clock.advance(119);
  await t.services.alerts.tick();
  assert.is(ofKind(t, 'alert-repeat', item.event_id).length, 0, 'not before 120 s');
  t.clock.advance(1);
  await t.services.alerts.tick();
  assert.equal(fields(ofKind(t, 'alert-repeat', item.event_id)), first);
  await t.services.alerts.tick();
  assert.is(ofKind(t, 'alert-repeat', item.event_id).length, 2, 'once');
  t.clock.advance(180);
  await t.services.alerts.tick();
  assert.equal(fields(ofKind(t, 'call', item.event_id)), first);
  t.clock.advance(600);
  await t.services.alerts.tick();
  assert.is(ofKind(t, 'call', item.event_id).length, 2, 'once');
});

chain('acknowledging after the repeat stops the call; acknowledging at once stops both', async () => {
  const { tokens, camera } = await family(t);
  const late = await fall(t, camera, tokens[0]!);
  const early = await fall(t, camera, tokens[1]!);
  await t.call('notice.info', { event_id: early.event_id }, { token: tokens[1] });
  t.clock.advance(121);
  await t.services.alerts.tick();
  assert.is(ofKind(t, 'alert-repeat', late.event_id).length, 2);
  assert.is(ofKind(t, 'alert-repeat', early.event_id).length, 0);
  await t.call('notice.sign', { event_id: late.event_id }, { token: tokens[0] });
  t.clock.advance(300);
  await t.services.alerts.tick();
  assert.is(ofKind(t, 'call', late.event_id).length, 0);
  assert.is(ofKind(t, 'call', early.event_id).length, 0);
  const steps = (await t.sql.all(`select kind, outcome from alert_steps s join notices n on n.id = s.notice_id where n.event_id = ? order by s.id`, late.event_id));
  assert.equal(steps, [{ kind: 'alert-repeat', outcome: 'sent' }, { kind: 'call', outcome: 'skipped' }]);
});

chain('the server\'s own timer fires a due step (no tick from the test)', async () => {
  const { tokens, camera } = await family(t);
  const item = await fall(t, camera, tokens[0]!);
  t.clock.advance(121);
  await until(() => ofKind(t, 'alert-repeat', item.event_id).length === 2, 3000, 'the timer');
});

chain('device.alerts: any bound account changes or switches off a camera\'s steps; the reply and device.info give the setting in force', async () => {
  const { tokens, camera } = await family(t);
  const stranger = await t.signUp(newPhone());
  fails(await t.call('device.alerts', { device_id: camera, repeat_seconds: 0 }, { token: stranger }), 'NO_SUCH_DEVICE');
  const set = await t.call('device.alerts', { device_id: camera, repeat_seconds: 0, call_seconds: 30 }, { token: tokens[1] });
  const off = { resident_phone: null, resident_seconds: 0, last_resort_phone: null, last_resort_seconds: 0 };
  assert.equal(set, { id: 1, status: 0, message: 'Successful', data: { device_id: camera, repeat_seconds: 0, call_seconds: 30, ...off } });
  const keep = await t.call('device.alerts', { device_id: camera }, { token: tokens[0] });
  assert.equal(keep.data, { device_id: camera, repeat_seconds: 0, call_seconds: 30, ...off }, 'leaving a key out keeps it');
  assert.equal((await t.call('device.info', { device_id: camera }, { token: tokens[0] })).data.alerts, { repeat_seconds: 0, call_seconds: 30, ...off });
  // without PROVIDER_CALLBACK_SECRET nobody could answer: a resident or last-resort number is refused, and nothing changes
  fails(await t.call('device.alerts', { device_id: camera, resident_phone: '13900000000', resident_seconds: 60 }, { token: tokens[0] }), 'ANSWERS_OFF');
  fails(await t.call('device.alerts', { device_id: camera, last_resort_phone: '13900000000', last_resort_seconds: 600 }, { token: tokens[0] }), 'ANSWERS_OFF');
  assert.equal((await t.call('device.alerts', { device_id: camera }, { token: tokens[0] })).data, { device_id: camera, repeat_seconds: 0, call_seconds: 30, ...off });
  for (const [data, status] of [[{ device_id: camera, repeat_seconds: -1 }, -204], [{ device_id: camera, call_seconds: '30' }, -203], [{ repeat_seconds: 5 }, -3]] as const) {
    assert.is((await t.call('device.alerts', data, { token: tokens[0] })).status, status, JSON.stringify(data));
  }
  const item = await fall(t, camera, tokens[0]!);
  t.clock.advance(31);
  await t.services.alerts.tick();
  assert.is(ofKind(t, 'call', item.event_id).length, 2, 'the call came at 30 s');
  t.clock.advance(200);
  await t.services.alerts.tick();
  assert.is(ofKind(t, 'alert-repeat', item.event_id).length, 0, 'the repeat is off');
  // switching the call off stops a pending one too
  await t.call('device.alerts', { device_id: camera, repeat_seconds: 10, call_seconds: 20 }, { token: tokens[0] });
  const next = await fall(t, camera, tokens[0]!);
  await t.call('device.alerts', { device_id: camera, call_seconds: 0 }, { token: tokens[0] });
  t.clock.advance(25);
  await t.services.alerts.tick();
  assert.is(ofKind(t, 'alert-repeat', next.event_id).length, 2);
  assert.is(ofKind(t, 'call', next.event_id).length, 0);
});

chain.run();

// ---------------------------------------------------------------------------------------------
const restart = suite('the schedule survives a restart');

restart('a step due while the server was down fires at start, once', async () => {
  const dataDir = tempDir();
  const env = { ALERT_REPEAT_SECONDS: '60', ALERT_CALL_SECONDS: '0' };
  let s = await startTestServer(env, { dataDir });
  const { tokens, camera } = await family(s);
  const item = await fall(s, camera, tokens[0]!);
  const clock = s.clock;
  await s.close(true);
  clock.advance(3600);
  s = await startTestServer(env, { dataDir, clock });
  await until(() => ofKind(s, 'alert-repeat', item.event_id).length === 2, 3000, 'the repeat at start');
  await s.services.alerts.tick();
  await s.close(true);
  s = await startTestServer(env, { dataDir, clock });
  await s.services.alerts.tick();
  assert.is(ofKind(s, 'alert-repeat', item.event_id).length, 2, 'once, over two restarts');
  await s.close();
});

restart('a server SIGKILLed between a fall and its repeat sends the repeat after it starts again, once', async () => {
  const dataDir = tempDir();
  const env = { DATA_DIR: dataDir, PASSWORD_SCRYPT_LOG2N: '10', LOG_LEVEL: 'info', ALERT_REPEAT_SECONDS: '3', ALERT_CALL_SECONDS: '0', ...await engineEnv(dataDir) };
  let child = await startChild(env);
  const call = async (p: string, type: string, subtype: string, data: unknown, token?: string) =>
    (await (await fetch(`${child.url}${p}${token ? `?token=${token}` : ''}`, { method: 'POST', body: JSON.stringify({ id: 1, type, subtype, data }) })).json()) as { status: number; data: any };
  const phone = newPhone();
  const rand = (await call('/captcha', 'sms', 'generate', { phone })).data.rand;
  const outbox = () => fs.existsSync(path.join(dataDir, 'sms-outbox.jsonl'))
    ? fs.readFileSync(path.join(dataDir, 'sms-outbox.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l)) : [];
  const hash = md5Hex(outbox().at(-1).code + rand);
  passes(await call('/user/register', 'register', 'phone', { phone, hash, pass: 'secret123' }));
  const token = (await call('/user/login', 'login', 'pass', { phone, pass: 'secret123' })).data.token;
  const camera = (await call('/device', 'device', 'add', { device: `k-${Date.now()}` }, token)).data.device_id;
  await call('/device', 'device', 'bind', { device_id: camera }, token);
  passes(await call('/notice', 'notice', 'upload', { base64: (await jpeg(5)).toString('base64') }, camera));
  await until(() => outbox().some((m) => m.kind === 'alert'), 3000, 'the first alert');
  await child.kill('SIGKILL');
  const eventId = outbox().find((m) => m.kind === 'alert')?.event_id;
  assert.type(eventId, 'string');
  await sleep(3500);
  assert.is(outbox().filter((m) => m.kind === 'alert-repeat').length, 0, 'nothing sent while it was down');
  child = await startChild(env);
  await until(() => outbox().some((m) => m.kind === 'alert-repeat'), 5000, 'the repeat after the restart');
  await sleep(1500);
  assert.equal(outbox().filter((m) => m.kind === 'alert-repeat').map((m) => [m.phone, m.event_id]), [[phone, eventId]]);
  await child.kill('SIGTERM');
  fs.rmSync(dataDir, { recursive: true, force: true });
});

restart.run();

// ---------------------------------------------------------------------------------------------
const live = suite('camera liveness: device.heartbeat, offline and online');
live.before(async () => {
  t = await startTestServer({ CAMERA_OFFLINE_SECONDS: '60', SSE_HEARTBEAT_SECONDS: '1' });
});
live.after(() => t.close());

live('a camera that sent a heartbeat and then went silent is offline once; heard from again, online once', async () => {
  const { phones, tokens, camera } = await family(t, `porch-${Date.now()}`);
  const legacy = await t.addDevice(tokens[0]!);
  const stream = openStream(`${t.url}/api/notice/stream?token=${tokens[1]}`);
  await stream.ready;
  const beat = await t.call('device.heartbeat', {}, { token: camera });
  assert.equal(beat, { id: 1, status: 0, message: 'Successful', data: {} });
  passes(await t.call('device.heartbeat', { anything: 1 }, { token: camera }), 'no data needed, none looked at');
  fails(await t.call('device.heartbeat', {}, { token: 'f'.repeat(32) }), 'DEVICE_TOKEN');
  const seenAt = t.services.noticeView.createtime(t.clock.now());
  const listed = (await t.call('device.list', {}, { token: tokens[0] })).data.list;
  assert.equal(listed.find((d: { device_id: string }) => d.device_id === camera), { device_id: camera, device_name: listed[0].device_name, last_seen: seenAt, online: true, paused: null, on_call: null });
  assert.equal(listed.find((d: { device_id: string }) => d.device_id === legacy).online, null);

  t.clock.advance(59);
  await t.services.alerts.tick();
  assert.is(ofKind(t, 'offline').length, 0);
  t.clock.advance(2);
  await t.services.alerts.tick();
  await t.services.alerts.tick();
  assert.equal(ofKind(t, 'offline').map((m) => m.phone).sort(), [...phones].sort(), 'one SMS to each bound phone');
  assert.ok(ofKind(t, 'offline').every((m) => m.device === listed[0].device_name && m.last_seen === seenAt));
  await stream.waitFor(() => stream.events.some((e) => e.event === 'device'));
  assert.equal(JSON.parse(stream.events.find((e) => e.event === 'device')!.data), { device_id: camera, device_name: listed[0].device_name, online: false, last_seen: seenAt });
  assert.is((await t.call('device.info', { device_id: camera }, { token: tokens[0] })).data.online, false);
  assert.is((await t.call('device.info', { device_id: legacy }, { token: tokens[0] })).data.online, null, 'a legacy camera is never offline');

  // an upload is hearing from it too
  passes(await t.upload(camera, await jpeg(5)));
  await stream.waitFor(() => stream.events.filter((e) => e.event === 'device').length === 2);
  const back = JSON.parse(stream.events.filter((e) => e.event === 'device')[1]!.data);
  assert.equal(back, { device_id: camera, device_name: listed[0].device_name, online: true, last_seen: t.services.noticeView.createtime(t.clock.now()) });
  await until(() => ofKind(t, 'online').length === 2, 2000, 'online SMS');
  await t.call('device.heartbeat', {}, { token: camera });
  await sleep(100);
  assert.is(ofKind(t, 'online').length, 2, 'online once');
  assert.is((await t.call('device.info', { device_id: camera }, { token: tokens[0] })).data.online, true);
  stream.close();
});

live.run();

// ---------------------------------------------------------------------------------------------
const photos = suite('a fall is never lost because of its photo');
photos.before(async () => {
  t = await startTestServer({ ALERT_SMS_COOLDOWN_SECONDS: '0' });
});
photos.after(() => t.close());

photos('EOI-less, truncated and corrupted photos are stored as sent, listed, alerted, streamed with photo_ok false and returned byte for byte', async () => {
  const { tokens, camera } = await family(t);
  const stream = openStream(`${t.url}/api/notice/stream?token=${tokens[1]}`);
  await stream.ready;
  const good = await jpeg(40);
  const withRestarts = fs.readFileSync(path.join(path.dirname(new URL(import.meta.url).pathname), '..', 'fixtures', 'restart-interval.jpg'));
  const cases: [string, Buffer][] = [
    ['EOI cut off', good.subarray(0, good.length - 2)],
    ['cut short by a dropped connection', good.subarray(0, Math.floor(good.length / 2))],
    ['corrupted (a restart interval spliced out)', Buffer.concat([withRestarts.subarray(0, withRestarts.indexOf(Buffer.from([0xff, 0xd2]))), withRestarts.subarray(withRestarts.indexOf(Buffer.from([0xff, 0xd3])))])],
  ];
  for (const [name, bytes] of cases) {
    const item = await fall(t, camera, tokens[0]!, bytes);
    assert.is(item.photo_ok, false, name);
    await until(() => ofKind(t, 'alert', item.event_id).length === 2, 2000, `${name}: alerts`);
    await stream.waitFor(() => stream.events.some((e) => JSON.parse(e.data).event_id === item.event_id));
    assert.is(JSON.parse(stream.events.find((e) => JSON.parse(e.data).event_id === item.event_id)!.data).photo_ok, false);
    const info = await t.call('notice.info', { event_id: item.event_id }, { token: tokens[1] });
    assert.is(info.data.photo_ok, false);
    assert.ok(Buffer.from(info.data.base64, 'base64').equals(bytes), `${name}: byte for byte`);
  }
  assert.is((await fall(t, camera, tokens[0]!, good)).photo_ok, true);
  stream.close();
});

photos('under IMAGE_CHECK=decode too', async () => {
  const d = await startTestServer({ IMAGE_CHECK: 'decode' });
  try {
    const { tokens, camera } = await family(d);
    const good = await jpeg(20);
    assert.is((await fall(d, camera, tokens[0]!, good.subarray(0, good.length - 100))).photo_ok, false);
    assert.is((await fall(d, camera, tokens[0]!, good)).photo_ok, true);
  } finally {
    await d.close();
  }
});

photos.run();

// ---------------------------------------------------------------------------------------------
const provider = suite('when the provider fails (Tencent SMS and VMS through the SDK, against a stand-in)');

provider('refused SMS and calls are retried with backoff, at most three times; a fall whose every alert failed is logged at error; the upload never waits', async () => {
  const standIn = await startTencentStandIn('AKIDtest', 'right-key');
  const lines: Record<string, unknown>[] = [];
  const log = createLogger('info', (line) => lines.push(JSON.parse(line)));
  const p = await startTestServer({
    SMS_GATEWAY: 'tencent', TENCENT_SECRET_ID: 'AKIDtest', TENCENT_SECRET_KEY: 'right-key', TENCENT_SMS_ENDPOINT: standIn.url,
    TENCENT_SMS_APP_ID: '1400000001', TENCENT_SMS_SIGN: 'HelpAged', TENCENT_SMS_TEMPLATES: '1:100001,alert:100009',
    TENCENT_VMS_APP_ID: '1400000777', TENCENT_VMS_TEMPLATE_ID: '200001', TENCENT_VMS_ENDPOINT: standIn.url,
    ALERT_REPEAT_SECONDS: '0', ALERT_CALL_SECONDS: '60', ALERT_RETRY_SECONDS: '10', ALERT_SMS_COOLDOWN_SECONDS: '0',
  }, { log });
  try {
    // the codes go to the stand-in here, not to an outbox
    p.requestCode = async (phone: string) => {
      const res = await p.call('sms.generate', { phone, command_type: 1 });
      p.clock.advance(p.config.sms.phoneIntervalSeconds);
      return md5Hex(standIn.received.at(-1)!.params[0]! + res.data.rand);
    };
    const { phones, tokens, camera } = await family(p, `stairs-${Date.now()}`);
    const [flaky, dead] = phones.map((x) => `+86${x}`) as [string, string];
    let flakyTries = 0;
    standIn.answerWith((phone) => {
      if (phone === dead) return 'LimitExceeded.PhoneNumberDailyLimit';
      if (phone === flaky && ++flakyTries <= 2) return 'InternalError.Timeout';
      return 'Ok';
    });
    standIn.delay(1500);
    const started = Date.now();
    const item = await fall(p, camera, tokens[0]!);
    assert.ok(Date.now() - started < 1000, `the upload did not wait for the provider (${Date.now() - started} ms)`);
    standIn.delay(0);
    await until(() => flakyTries === 1 && lines.filter((l) => l.msg === 'fall alert not sent: retrying').length === 2, 3000, 'first refusals');
    const retrying = lines.filter((l) => l.msg === 'fall alert not sent: retrying');
    assert.ok(retrying.every((l) => l.event_id === item.event_id && l.level === 'warn'));
    for (const wait of [10, 20, 40]) {
      p.clock.advance(wait);
      await p.services.alerts.tick();
    }
    const sms = standIn.received.filter((r) => r.templateId === '100009');
    assert.equal(sms.map((r) => r.phone), [flaky], 'the flaky phone got it on its third try, the dead one never');
    assert.equal(sms[0]!.params, [item.device, item.createtime]);
    const tries = (await p.sql.all(`select phone, attempts, outcome from alert_steps where kind = 'alert' order by id`));
    assert.equal(tries, [
      { phone: phones[0], attempts: 1, outcome: 'failed' }, { phone: phones[1], attempts: 1, outcome: 'failed' },
      { phone: phones[0], attempts: 2, outcome: 'sent' }, { phone: phones[1], attempts: 2, outcome: 'failed' },
      { phone: phones[1], attempts: 3, outcome: 'failed' },
    ], 'the flaky phone was retried twice, the dead one three times');
    assert.ok(lines.some((l) => l.msg === 'fall alert not sent: giving up' && l.phone === `*******${phones[1]!.slice(-4)}`), 'logged, the phone masked');
    assert.is(lines.filter((l) => l.level === 'error').length, 0, 'one alert got through: not every alert failed');

    // the call at 60 s goes through VMS with the camera's name and the time
    p.clock.advance(60);
    await p.services.alerts.tick();
    assert.equal(standIn.calls.map((c) => [c.phone, c.appId, c.templateId, c.params]), [[flaky, '1400000777', '200001', [item.device, item.createtime]]]);

    // a fall that reaches nobody (its call switched off, so the SMS retries are the last word)
    await p.call('device.alerts', { device_id: camera, call_seconds: 0 }, { token: tokens[0] });
    standIn.answerWith(() => 'LimitExceeded.PhoneNumberDailyLimit');
    const lost = await fall(p, camera, tokens[0]!);
    await until(() => lines.filter((l) => l.msg === 'fall alert not sent: retrying' && l.event_id === lost.event_id).length === 2, 3000, 'refusals');
    for (const wait of [10, 20, 40]) {
      p.clock.advance(wait);
      await p.services.alerts.tick();
    }
    await until(() => lines.some((l) => l.level === 'error'), 2000, 'the error line');
    const error = lines.filter((l) => l.level === 'error');
    assert.equal(error.map((l) => [l.msg, l.event_id]), [['fall alert: every alert failed, nobody was told', lost.event_id]]);
  } finally {
    await p.close();
    await standIn.close();
  }
});

provider.run();

// ---------------------------------------------------------------------------------------------
const timeline = suite('notice.timeline');
let tl: TestServer;
timeline.before(async () => {
  tl = await startTestServer({ ALERT_REPEAT_SECONDS: '120', ALERT_CALL_SECONDS: '300', ALERT_SMS_COOLDOWN_SECONDS: '0' });
});
timeline.after(() => tl.close());

type Entry = { step: string; at: string; outcome: string; sent?: number; total?: number; attempt?: number; by?: string; by_you?: boolean };
const stepsOf = async (token: string, eventId: string) => {
  const r = await tl.call('notice.timeline', { event_id: eventId }, { token });
  passes(r, JSON.stringify(r));
  return r.data.timeline as Entry[];
};

timeline('a fall\'s chain as it happens: stored, streamed, the SMS to every phone, the repeat sent, the call skipped once someone acknowledged, by nickname', async () => {
  const { phones, tokens, camera } = await family(tl, `porch-${Date.now()}`);
  const item = await fall(tl, camera, tokens[0]!);
  await until(() => ofKind(tl, 'alert', item.event_id).length === 2, 2000, 'first alerts');
  // the send is recorded in the transaction that follows the provider's answers: a moment after the outbox line
  let steps = await stepsOf(tokens[1]!, item.event_id);
  for (let i = 0; i < 40 && !steps.some((s) => s.step === 'sms'); i++) {
    await sleep(50);
    steps = await stepsOf(tokens[1]!, item.event_id);
  }
  assert.equal(steps.map((s) => [s.step, s.outcome]), [['stored', 'ok'], ['streamed', 'sent'], ['sms', 'sent'], ['sms-repeat', 'pending'], ['call', 'pending']]);
  assert.equal([steps[2]!.sent, steps[2]!.total, steps[2]!.attempt], [2, 2, 0]);
  assert.is(steps[0]!.at, item.createtime);
  tl.clock.advance(120);
  await tl.services.alerts.tick();
  passes(await tl.call('info.update', { phone: phones[1], nickname: 'Mei' }, { token: tokens[1]! }));
  passes(await tl.call('notice.sign', { event_id: item.event_id }, { token: tokens[1]! }));
  steps = await stepsOf(tokens[0]!, item.event_id);
  assert.equal(steps.map((s) => [s.step, s.outcome]), [['stored', 'ok'], ['streamed', 'sent'], ['sms', 'sent'], ['sms-repeat', 'sent'], ['call', 'skipped'], ['acknowledged', 'ok']]);
  const byStep = Object.fromEntries(steps.map((s) => [s.step, s]));
  assert.is(byStep['sms-repeat']!.sent, 2);
  assert.is(byStep.call!.outcome, 'skipped');
  assert.is(byStep.acknowledged!.by, 'Mei');
  assert.is(byStep.acknowledged!.by_you, false);
  assert.is((await stepsOf(tokens[1]!, item.event_id)).at(-1)!.by_you, true);
  const rows = await tl.sql.all('SELECT kind, outcome, sent, total FROM notice_events e JOIN notices n ON n.id = e.notice_id WHERE n.event_id = ? ORDER BY e.id', item.event_id);
  assert.equal(rows.map((r) => [r.kind, r.outcome, Number(r.sent), Number(r.total)]), [['sms', 'sent', 2, 2], ['sms-repeat', 'sent', 2, 2]]);
});

timeline('only for accounts bound to the camera; bad data and bad tokens get their statuses', async () => {
  const { tokens, camera } = await family(tl);
  const item = await fall(tl, camera, tokens[0]!);
  const stranger = await tl.signUp(newPhone());
  fails(await tl.call('notice.timeline', { event_id: item.event_id }, { token: stranger }), 'GET_NOTICE_ERROR');
  fails(await tl.call('notice.timeline', { event_id: 'no-such-event' }, { token: tokens[0]! }), 'GET_NOTICE_ERROR');
  fails(await tl.call('notice.timeline', {}, { token: tokens[0]! }), 'DATA_KEY');
  fails(await tl.call('notice.timeline', { event_id: 7 }, { token: tokens[0]! }), 'VALUE_TYPE');
  fails(await tl.call('notice.timeline', { event_id: item.event_id }, { token: 'f'.repeat(32) }), 'TOKEN_INVALID');
  fails(await tl.call('notice.timeline', { event_id: item.event_id }), 'TOKEN_MISSING');
});

timeline.run();
