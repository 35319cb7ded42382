import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { maskPhone } from '../../src/services/shared/index.js';
import { fails, jpeg, newPhone, passes, startTestServer, type TestServer } from '../helpers.js';

let t: TestServer;
let admin: string;
let adminPhone: string;

/** The entries written since `after` (an audit_log id), oldest first, as stored. */
const entriesSince = async (after: number) => t.sql.all<{ kind: string; actor_id: number | null; actor: string; target_id: number | null; target: string; device_id: string | null; ip: string; rid: string; detail: string | null }>(
  'select kind, actor_id, actor, target_id, target, device_id, ip, rid, detail from audit_log where id > ? order by id', after);
const lastId = async () => Number((await t.sql.get<{ n: number | null }>('select max(id) n from audit_log')).n ?? 0);
const idOf = async (phone: string) => Number((await t.sql.get<{ id: number }>('select id from users where phone = ?', phone)).id);

/** Runs `action` and returns the one entry it must have written (fails on none or several). */
async function oneEntry(action: () => Promise<unknown>) {
  const before = await lastId();
  await action();
  const written = await entriesSince(before);
  assert.is(written.length, 1, `exactly one entry, got ${JSON.stringify(written.map((e) => e.kind))}`);
  return written[0]!;
}

const audited = suite('audit trail: every audited action writes one entry with its actor and target');
audited.before(async () => {
  t = await startTestServer();
  adminPhone = newPhone();
  admin = await t.signUp(adminPhone);
  await t.makeAdmin(adminPhone);
});
audited.after(() => t.close());

audited('accounts: sign-up, sign-ins (good and bad, with the terminal), sessions, password, phone, deletion', async () => {
  const phone = newPhone();
  const hash = await t.requestCode(phone, 1);
  const signup = await oneEntry(() => t.call('register.phone', { phone, hash, pass: 'secret123' }));
  const id = await idOf(phone);
  assert.equal([signup.kind, signup.actor_id, signup.actor, signup.target_id, signup.target], ['signup', id, maskPhone(phone), id, maskPhone(phone)]);
  assert.is(signup.ip, '127.0.0.1');
  assert.match(signup.rid, /^[0-9a-f]{8}-[0-9a-z]+$/);

  const device = { device_no: 'phone-1', device_name: 'Mum’s phone', device_model: 'P40' };
  let token = '';
  const signin = await oneEntry(async () => {
    token = (await t.call('login.pass', { phone, pass: 'secret123', device })).data.token;
  });
  assert.equal([signin.kind, signin.actor_id, signin.target_id], ['signin', id, id]);
  assert.equal(JSON.parse(signin.detail!), { method: 'pass', terminal: { device_no: 'phone-1', device_name: 'Mum’s phone', device_model: 'P40' } });

  const failed = await oneEntry(() => t.call('login.pass', { phone, pass: 'wrong-one', device }));
  assert.equal([failed.kind, failed.actor_id, failed.actor, failed.target_id], ['signin.failed', null, '-', id]);
  assert.equal(JSON.parse(failed.detail!).reason, 'password');

  const badCode = await oneEntry(() => t.call('login.sms', { phone, hash: '0'.repeat(32) }));
  assert.equal([badCode.kind, badCode.target_id, JSON.parse(badCode.detail!).method], ['signin.failed', id, 'sms']);
  const unknown = await entriesSince(await lastId());
  await t.call('login.pass', { phone: newPhone(), pass: 'whatever1' });
  assert.equal(await entriesSince(await lastId()), unknown, 'a phone with no account writes nothing');

  const second = await t.login(phone);
  const sessions = (await t.call('session.list', {}, { token })).data.list as { session_id: number; current: boolean }[];
  const other = sessions.find((s) => !s.current)!;
  const revoke = await oneEntry(() => t.call('session.revoke', { session_id: other.session_id }, { token }));
  assert.equal([revoke.kind, revoke.actor_id, revoke.target_id, JSON.parse(revoke.detail!)], ['session.revoke', id, id, { session_id: other.session_id }]);
  fails(await t.call('session.list', {}, { token: second }), 'TOKEN_INVALID');

  const change = await oneEntry(() => t.call('password.change', { phone, old: 'secret123', new: 'secret456' }));
  assert.equal([change.kind, change.actor_id, change.target_id], ['password.change', id, id]);
  const wrongOld = await entriesSince(await lastId());
  await t.call('password.change', { phone, old: 'nope-nope', new: 'secret789' });
  assert.equal(await entriesSince(await lastId()), wrongOld, 'a refused change writes nothing');

  token = await t.login(phone, 'secret456');
  const newPhoneNo = newPhone();
  const phoneHash = await t.requestCode(newPhoneNo, 4);
  const moved = await oneEntry(() => t.call('phone.change', { phone: newPhoneNo, hash: phoneHash }, { token }));
  assert.equal([moved.kind, moved.actor, moved.target, JSON.parse(moved.detail!)],
    ['phone.change', maskPhone(phone), maskPhone(newPhoneNo), { from: maskPhone(phone), to: maskPhone(newPhoneNo) }]);

  const out = await oneEntry(() => t.call('session.logout', {}, { token }));
  assert.equal([out.kind, out.actor_id], ['signout', id]);

  token = await t.login(newPhoneNo, 'secret456');
  const delHash = await t.requestCode(newPhoneNo, 5);
  const deleted = await oneEntry(() => t.call('account.delete', { hash: delHash }, { token }));
  assert.equal([deleted.kind, deleted.actor_id, deleted.target], ['account.delete', id, maskPhone(newPhoneNo)]);
  // the entries outlive the account: still there, still masked
  const kept = await t.sql.all<{ actor: string }>('select actor from audit_log where actor_id = ?', id);
  assert.ok(kept.length >= 7);
  assert.ok(kept.every((e) => e.actor === '-' || e.actor === maskPhone(phone) || e.actor === maskPhone(newPhoneNo)));
});

audited('cameras and falls: add, bind, unbind, claim, escalation, acknowledgement, verdict; a password reset', async () => {
  const phone = newPhone();
  const token = await t.signUp(phone);
  const id = await idOf(phone);
  let deviceId = '';
  const add = await oneEntry(async () => {
    deviceId = (await t.call('device.add', { device: `cam-${phone}` }, { token })).data.device_id;
  });
  assert.equal([add.kind, add.actor_id, add.device_id, add.target], ['device.add', id, deviceId, deviceId]);
  const bind = await oneEntry(() => t.bind(token, deviceId));
  assert.equal([bind.kind, bind.device_id], ['device.bind', deviceId]);
  const alerts = await oneEntry(() => t.call('device.alerts', { device_id: deviceId, repeat_seconds: 0 }, { token }));
  assert.equal([alerts.kind, JSON.parse(alerts.detail!).repeat_seconds], ['device.alerts', 0]);

  await t.upload(deviceId, await jpeg(20));
  const eventId = (await t.call('notice.get', { mode: 2 }, { token })).data.list[0].event_id;
  const ack = await oneEntry(() => t.call('notice.sign', { event_id: eventId }, { token }));
  assert.equal([ack.kind, ack.actor_id, ack.device_id, ack.target], ['notice.ack', id, deviceId, eventId]);
  const again = await lastId();
  await t.call('notice.info', { event_id: eventId }, { token });
  assert.is(await lastId(), again, 'opening an acknowledged fall is not a second acknowledgement');

  await t.upload(deviceId, await jpeg(20));
  const second = (await t.call('notice.get', { mode: 0 }, { token })).data.list[0].event_id;
  const before = await lastId();
  await t.call('notice.verdict', { event_id: second, verdict: 'false_alarm', note: 'the cat' }, { token });
  const both = await entriesSince(before);
  assert.equal(both.map((e) => e.kind), ['notice.verdict', 'notice.ack'], 'a verdict acknowledges, and says so once each');
  assert.equal(JSON.parse(both[0]!.detail!), { verdict: 'false_alarm', note: 'the cat' });

  const unbind = await oneEntry(() => t.call('device.unbind', { device_id: deviceId }, { token }));
  assert.equal([unbind.kind, unbind.device_id], ['device.unbind', deviceId]);

  // a camera paired by the code the account showed: the account is the one acting
  const pairing = await t.call('device.pairing', {}, { token });
  let claimed = '';
  const claim = await oneEntry(async () => {
    claimed = (await t.call('device.claim', { pairing_code: pairing.data.pairing_code, sn: `SN-${phone}` })).data.device_id;
  });
  assert.equal([claim.kind, claim.actor_id, claim.device_id, JSON.parse(claim.detail!).sn], ['device.claim', id, claimed, `SN-${phone}`]);
  assert.is(claim.ip, '127.0.0.1');

  const resetHash = await t.requestCode(phone, 2);
  const reset = await oneEntry(() => t.call('password.forget', { phone, hash: resetHash, pass: 'another-one-1' }));
  assert.equal([reset.kind, reset.actor_id, reset.target_id], ['password.reset', id, id]);
});

audited('admin actions: update, grant, revoke, sign out everywhere, delete, upgrade packages', async () => {
  const adminId = await idOf(adminPhone);
  const phone = newPhone();
  const token = await t.signUp(phone);
  const id = await idOf(phone);
  const check = (e: { actor_id: number | null; target_id: number | null }) => assert.equal([e.actor_id, e.target_id], [adminId, id]);

  const update = await oneEntry(() => t.call('user.update', { phone, nickname: 'Gran' }, { token: admin }));
  check(update);
  assert.equal([update.kind, JSON.parse(update.detail!)], ['admin.update', { changed: ['nickname'] }]);
  const grant = await oneEntry(() => t.call('user.role', { phone, role: 'admin' }, { token: admin }));
  check(grant);
  assert.is(grant.kind, 'admin.grant');
  const revoke = await oneEntry(() => t.call('user.role', { phone, role: 'user' }, { token: admin }));
  assert.is(revoke.kind, 'admin.revoke');
  const unchanged = await lastId();
  assert.equal((await t.call('user.role', { phone, role: 'user' }, { token: admin })).data, { phone, role: 'user' });
  assert.is(await lastId(), unchanged, 'a role already held changes nothing and writes nothing');
  fails(await t.call('user.role', { phone: adminPhone, role: 'user' }, { token: admin }), 'OWN_ROLE');

  const out = await oneEntry(() => t.call('user.signout', { phone }, { token: admin }));
  check(out);
  assert.equal([out.kind, JSON.parse(out.detail!)], ['admin.signout', { sessions: 1 }]);
  fails(await t.call('session.list', {}, { token }), 'TOKEN_INVALID', 'signed out everywhere');

  const pkg = await oneEntry(() => t.call('upgrade.upload', { version: '9.1.0', platform: 'cam', base64: Buffer.from('firmware').toString('base64') }, { token: admin }));
  assert.equal([pkg.kind, pkg.target], ['upgrade.upload', 'cam 9.1.0']);
  const list = (await t.call('upgrade.list', {}, { token: admin })).data.list as { id: number; version: string; path: string }[];
  const mine = list.find((u) => u.version === '9.1.0')!;
  assert.is((await fetch(t.url + mine.path)).status, 200);
  const gone = await oneEntry(() => t.call('upgrade.delete', { id: mine.id }, { token: admin }));
  assert.equal([gone.kind, gone.target], ['upgrade.delete', 'cam 9.1.0']);
  assert.is((await fetch(t.url + mine.path)).status, 404, 'its file is gone');
  fails(await t.call('upgrade.check', { platform: 'cam', version: '1.0.0' }, { token: admin }), 'NO_PACKAGE');
  fails(await t.call('upgrade.delete', { id: mine.id }, { token: admin }), 'PACKAGE_NOT_FOUND');

  const del = await oneEntry(() => t.call('user.delete', { phone }, { token: admin }));
  check(del);
  assert.equal([del.kind, del.target], ['admin.delete', maskPhone(phone)]);
});

audited('audit.list: newest first, filtered, paged; an account sees only its own; -103 for non-admins', async () => {
  const phone = newPhone();
  const token = await t.signUp(phone);
  const camera = await t.addDevice(token, `cam-list-${phone}`);
  await t.call('device.alerts', { device_id: camera, call_seconds: 0 }, { token });
  const other = await t.signUp(newPhone());

  const all = await t.callAt('/admin/user', 'audit', 'list', { phone }, { token: admin });
  passes(all);
  assert.equal(all.data.list.map((e: { kind: string }) => e.kind), ['device.alerts', 'device.bind', 'device.add', 'signin', 'signup']);
  assert.is(all.data.total, 5);
  assert.equal(Object.keys(all.data.list[0]), ['at', 'kind', 'actor', 'target', 'ip', 'rid', 'device_id', 'detail']);
  assert.match(all.data.list[0].at, /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
  assert.is(all.data.list[0].actor, maskPhone(phone));

  const byCamera = await t.callAt('/admin/user', 'audit', 'list', { device_id: camera }, { token: admin });
  assert.equal(byCamera.data.list.map((e: { kind: string }) => e.kind), ['device.alerts', 'device.bind', 'device.add']);
  const byKind = await t.callAt('/admin/user', 'audit', 'list', { phone, kind: 'signin', limit: 1 }, { token: admin });
  assert.equal([byKind.data.total, byKind.data.list.length, byKind.data.list[0].kind], [1, 1, 'signin']);
  const paged = await t.callAt('/admin/user', 'audit', 'list', { phone, limit: 2, offset: 2 }, { token: admin });
  assert.equal(paged.data.list.map((e: { kind: string }) => e.kind), ['device.add', 'signin']);
  const future = await t.callAt('/admin/user', 'audit', 'list', { phone, from: t.clock.now() + 60_000 }, { token: admin });
  assert.equal(future.data, { total: 0, list: [] });
  const day = new Date(t.clock.now() + 8 * 3600_000).toISOString().slice(0, 10);
  assert.is((await t.callAt('/admin/user', 'audit', 'list', { phone, from: day }, { token: admin })).data.total, 5, 'a day in NOTICE_TIMEZONE');
  fails(await t.callAt('/admin/user', 'audit', 'list', { from: 'yesterday' }, { token: admin }), 'BAD_RANGE');
  fails(await t.callAt('/admin/user', 'audit', 'list', { kind: 'made-up' }, { token: admin }), 'VALUE');
  assert.equal((await t.callAt('/admin/user', 'audit', 'list', { phone: newPhone() }, { token: admin })).data, { total: 0, list: [] });

  const own = await t.callAt('/user/session', 'audit', 'list', {}, { token });
  passes(own);
  assert.equal(own.data.list.map((e: { kind: string }) => e.kind), ['device.alerts', 'device.bind', 'device.add', 'signin', 'signup']);
  const theirs = await t.callAt('/user/session', 'audit', 'list', {}, { token: other });
  assert.equal(theirs.data.list.map((e: { kind: string }) => e.kind), ['signin', 'signup'], 'nothing of anyone else');
  const asked = await t.callAt('/user/session', 'audit', 'list', { phone }, { token: other });
  assert.equal(asked.data, theirs.data, 'an account cannot ask for another phone\'s entries');

  const adminCalls: [string, string, string, unknown][] = [
    ['/admin/user', 'user', 'list', {}], ['/admin/user', 'user', 'info', { phone }], ['/admin/user', 'user', 'update', { phone, nickname: 'x' }],
    ['/admin/user', 'user', 'delete', { phone }], ['/admin/user', 'user', 'search', {}], ['/admin/user', 'user', 'role', { phone, role: 'admin' }],
    ['/admin/user', 'user', 'signout', { phone }], ['/admin/user', 'audit', 'list', {}], ['/admin/user', 'device', 'all', {}],
    ['/admin/user', 'alerts', 'chain', {}], ['/admin/user', 'report', 'falls', {}],
    ['/upgrade', 'upgrade', 'upload', { version: '1.0', base64: 'AA==' }], ['/upgrade', 'upgrade', 'list', {}], ['/upgrade', 'upgrade', 'delete', { id: 1 }],
  ];
  const before = await lastId();
  for (const [url, type, subtype, data] of adminCalls) {
    fails(await t.callAt(url, type, subtype, data, { token: other }), 'NO_PERMISSION', `${type}.${subtype}`);
  }
  assert.is(await lastId(), before, 'refused calls write nothing');
  passes(await t.call('session.list', {}, { token }), 'and changed nothing');
});

audited('the sweep removes entries past AUDIT_RETENTION_DAYS, and only those', async () => {
  const old = t.clock.now() - 401 * 86_400_000;
  await t.sql.run("insert into audit_log (at, kind, actor, target, ip, rid) values (?, 'signin', '-', '-', '127.0.0.1', 'old-1'), (?, 'signin', '-', '-', '127.0.0.1', 'old-2')", old, old);
  const before = Number((await t.sql.get<{ n: number }>('select count(*) n from audit_log')).n);
  assert.is(await t.services.audit.sweep(), 2);
  assert.is(Number((await t.sql.get<{ n: number }>('select count(*) n from audit_log')).n), before - 2);
  assert.is(await t.services.audit.sweep(), 0);
});

audited.run();
