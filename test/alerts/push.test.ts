import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { fails, jpeg, newPhone, passes, startTestServer, type TestServer, until } from '../helpers.js';
import { startPushService } from '../support/push.js';

const push = suite('push.key, push.subscribe, push.unsubscribe: a fall by Web Push (VAPID, aes128gcm) before the SMS');
let t: TestServer;
let service: Awaited<ReturnType<typeof startPushService>>;

push.before(async () => {
  service = await startPushService();
  t = await startTestServer({ PUSH_HOSTS: '127.0.0.1', ALERT_SMS_COOLDOWN_SECONDS: '0' });
});
push.after(async () => {
  await t.close();
  await service.close();
});

async function member(camera?: string) {
  const phone = newPhone();
  const token = await t.signUp(phone);
  const device = camera ?? await t.addDevice(token);
  if (camera) await t.bind(token, camera);
  return { phone, token, device };
}

const call = (subtype: string, data: unknown, token: string) => t.callAt('/push', 'push', subtype, data, { token });

push('the public key is made once and kept in the database: the same after a restart', async () => {
  const { token } = await member();
  const first = await call('key', {}, token);
  passes(first);
  assert.is(Buffer.from(first.data.public_key, 'base64url').length, 65);
  const stored = await t.sql.get<{ value: string }>("SELECT value FROM tickets WHERE kind = 'push-keys'");
  assert.match(stored.value, first.data.public_key);
  const dataDir = t.dataDir;
  await t.close(true);
  t = await startTestServer({ PUSH_HOSTS: '127.0.0.1', ALERT_SMS_COOLDOWN_SECONDS: '0' }, { dataDir });
  assert.is((await call('key', {}, await t.login((await t.sql.get<{ phone: string }>('SELECT phone FROM users')).phone))).data.public_key, first.data.public_key);
});

push('a fall is pushed to every subscription of every bound account, signed and encrypted, before the SMS; the timeline shows it', async () => {
  const a = await member();
  const b = await member(a.device);
  const subs = [service.subscribe(), service.subscribe(), service.subscribe()];
  passes(await call('subscribe', subs[0], a.token));
  passes(await call('subscribe', subs[1], a.token));
  passes(await call('subscribe', subs[2], b.token));
  const before = service.received.length;
  passes(await t.upload(a.device, await jpeg(5)));
  await until(() => service.received.length === before + 3, 3000, 'three pushes');
  const key = (await call('key', {}, a.token)).data.public_key;
  const pushes = service.received.slice(before);
  const { event_id } = (await t.call('notice.get', { mode: 2, limit: 1 }, { token: a.token })).data.list[0];
  for (const p of pushes) {
    assert.is(p.vapidKey, key, 'signed with the kept key');
    assert.is(p.payload.type, 'fall');
    assert.is(p.payload.event_id, event_id);
    assert.is(p.urgency, 'high');
    assert.ok(Number(p.ttl) > 0);
  }
  assert.equal(service.refused, []);
  await until(() => t.outbox().filter((m) => m.kind === 'alert' && m.event_id === event_id).length === 2, 2000, 'SMS');
  let steps: { step: string; outcome: string; sent?: number; total?: number }[] = [];
  for (let i = 0; i < 40 && !(steps.some((s) => s.step === 'pushed') && steps.some((s) => s.step === 'sms')); i++) {
    steps = (await t.call('notice.timeline', { event_id }, { token: b.token })).data.timeline;
    await new Promise((r) => setTimeout(r, 50));
  }
  const names = steps.map((s) => s.step);
  assert.ok(names.indexOf('pushed') >= 0 && names.indexOf('pushed') < names.indexOf('sms'), names.join(', '));
  const pushed = steps.find((s) => s.step === 'pushed')!;
  assert.equal([pushed.outcome, pushed.sent, pushed.total], ['sent', 3, 3]);
});

push('Acknowledge from the notification: the ticket in the push acknowledges as its account and stops the escalation; a forged one does not', async () => {
  const a = await member();
  const sub = service.subscribe();
  await call('subscribe', sub, a.token);
  const before = service.received.length;
  await t.upload(a.device, await jpeg(5));
  await until(() => service.received.length === before + 1, 3000, 'push');
  const { ack } = service.received.at(-1)!.payload as { ack: Record<string, unknown> };
  const forged = await t.raw('/app/ack', JSON.stringify({ ...ack, user: Number(ack.user) + 1 }));
  assert.is(forged.json.status, -101);
  const tampered = await t.raw('/app/ack', JSON.stringify({ ...ack, sig: String(ack.sig).replace(/^./, (c) => (c === 'A' ? 'B' : 'A')) }));
  assert.is(tampered.json.status, -101);
  const done = await t.raw('/app/ack', JSON.stringify(ack));
  assert.is(done.json.status, 0, JSON.stringify(done.json));
  assert.is(done.json.data.acknowledged.phone, a.phone);
  const steps = await t.sql.all<{ outcome: string | null }>('SELECT s.outcome FROM alert_steps s JOIN notices n ON n.id = s.notice_id WHERE n.event_id = ?', ack.event_id);
  assert.ok(steps.length >= 2 && steps.every((s) => s.outcome === 'skipped'), JSON.stringify(steps));
  t.clock.advance(25 * 3600);
  assert.is((await t.raw('/app/ack', JSON.stringify(ack))).json.status, -101, 'a day later the ticket is dead');
});

push('a subscription the push service says is gone (410) is dropped; unsubscribe removes one; bad subscriptions get their statuses', async () => {
  const a = await member();
  const gone = service.subscribe();
  const kept = service.subscribe();
  await call('subscribe', gone, a.token);
  await call('subscribe', kept, a.token);
  service.answer(gone.endpoint, 410);
  const before = service.received.length;
  await t.upload(a.device, await jpeg(5));
  await until(() => service.received.length === before + 1, 3000, 'the kept one');
  for (let i = 0; i < 40; i++) {
    if (!(await t.sql.get('SELECT id FROM push_subscriptions WHERE endpoint = ?', gone.endpoint))) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  assert.not.ok(await t.sql.get('SELECT id FROM push_subscriptions WHERE endpoint = ?', gone.endpoint), 'dropped');
  assert.ok(await t.sql.get('SELECT id FROM push_subscriptions WHERE endpoint = ?', kept.endpoint));
  passes(await call('unsubscribe', { endpoint: kept.endpoint }, a.token));
  fails(await call('unsubscribe', { endpoint: kept.endpoint }, a.token), 'NOT_SUBSCRIBED');

  const elsewhere = { ...service.subscribe(), endpoint: 'https://push.example.com/abc' };
  const refused = await call('subscribe', elsewhere, a.token);
  assert.is(refused.status, 100, 'a host outside PUSH_HOSTS: the server posts only to push services');
  passes(await call('subscribe', { ...kept, endpoint: 'http://127.0.0.1:1/x' }, a.token), 'http only for a listed loopback host');
  fails(await call('subscribe', { ...kept, keys: { p256dh: 'A'.repeat(87), auth: kept.keys.auth } }, a.token), 'KEYS_INVALID');
  fails(await call('subscribe', { endpoint: kept.endpoint }, a.token), 'DATA_KEY');
  fails(await call('subscribe', { ...kept, endpoint: 7 }, a.token), 'VALUE_TYPE');
  fails(await t.call('push.key', {}, { token: 'f'.repeat(32) }), 'TOKEN_INVALID');
  fails(await t.call('push.key', {}), 'TOKEN_MISSING');
});

push.run();
