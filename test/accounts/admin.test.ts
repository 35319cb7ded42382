import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { engineEnv, fails, legacyStatus, newPhone, startTestServer, type TestServer } from '../helpers.js';

const run = promisify(execFile);
let t: TestServer;
let admin: string;
let adminPhone: string;

const cli = async (dataDir: string, ...args: string[]) =>
  run(process.execPath, ['--import', 'tsx', path.resolve('src/cli/admin.ts'), ...args], { env: { ...process.env, DATA_DIR: dataDir, ...await engineEnv(dataDir) } })
    .then((r) => ({ code: 0, out: r.stdout }), (e) => ({ code: e.code as number, out: String(e.stderr) }));

/** The server re-reads a role at most every 2 s: the CLI writes from another process. */
async function eventually(check: () => Promise<boolean>, ms = 4000): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return false;
}

const adminUser = suite('admin/user');
adminUser.before(async () => {
  t = await startTestServer();
  adminPhone = newPhone();
  admin = await t.signUp(adminPhone);
});
adminUser.after(() => t.close());

adminUser('npm run admin -- grant <phone> makes an existing account an admin, revoke undoes it', async () => {
  fails(await t.call('user.list', {}, { token: admin }), 'NO_PERMISSION');
  const granted = await cli(t.dataDir, 'grant', adminPhone);
  assert.is(granted.code, 0);
  assert.match(granted.out, /admin/);
  const listStatus = async () => (await t.call('user.list', {}, { token: admin })).status;
  assert.ok(await eventually(async () => (await listStatus()) === 0), 'granted within 2 s');
  assert.is((await cli(t.dataDir, 'revoke', adminPhone)).code, 0);
  assert.ok(await eventually(async () => (await listStatus()) === -103), 'revoked within 2 s');
  assert.is((await cli(t.dataDir, 'grant', newPhone())).code, 1);
  assert.is((await cli(t.dataDir, 'promote', adminPhone)).code, 2);
  assert.is((await cli(t.dataDir, 'grant', adminPhone)).code, 0);
  assert.ok(await eventually(async () => (await listStatus()) === 0));
  // each change is in the audit trail, done from the command line
  const entries = await t.sql.all<{ kind: string; actor: string; ip: string }>(
    "select kind, actor, ip from audit_log where target_id = (select id from users where phone = ?) and kind like 'admin.%' order by id", adminPhone);
  assert.equal(entries, [{ kind: 'admin.grant', actor: '-', ip: 'cli' }, { kind: 'admin.revoke', actor: '-', ip: 'cli' }, { kind: 'admin.grant', actor: '-', ip: 'cli' }]);
});

adminUser('user.list returns every profile as an array', async () => {
  const other = newPhone();
  await t.signUp(other);
  const res = await t.call('user.list', {}, { token: admin, id: 1234 });
  assert.is(res.id, 1234);
  assert.is(res.message, 'successful');
  assert.ok(Array.isArray(res.data));
  assert.equal(res.data.find((u: { phone: string }) => u.phone === other), { phone: other, name: null, nickname: null, email: null, level: 1 });
});

adminUser('user.info / user.update by phone; 100 for an unknown phone', async () => {
  const phone = newPhone();
  await t.signUp(phone);
  const up = await t.call('user.update', { phone, name: '钱丹', nickname: '蛋蛋', email: 'q@d.cn', level: 3 }, { token: admin });
  assert.equal(up, { id: 1, status: 0, message: 'Successful', data: {} });
  assert.equal(await t.call('user.info', { phone }, { token: admin }),
    { id: 1, status: 0, message: 'Successful', data: { phone, name: '钱丹', nickname: '蛋蛋', email: 'q@d.cn', level: 3 } });
  assert.equal(await t.call('user.info', { phone: newPhone() }, { token: admin }),
    { id: 1, status: 100, message: 'user not existed', data: {} });
  fails(await t.call('user.update', { phone: newPhone(), name: 'x' }, { token: admin }), 'USER_NOT_FOUND');
  fails(await t.call('user.update', { phone, level: 'high' }, { token: admin }), 'VALUE_TYPE');
});

adminUser('user.delete removes the account and its tokens', async () => {
  const phone = newPhone();
  const token = await t.signUp(phone);
  const id = (await t.services.users.byPhone(t.services.read, phone))!.id;
  assert.equal(await t.call('user.delete', { phone }, { token: admin }), { id: 1, status: 0, message: 'Successful', data: {} });
  assert.not.ok((await t.services.users.byPhone(t.services.read, phone)));
  assert.is(((await t.sql.get('select count(*) n from tokens where user_id = ?', id)) as { n: number }).n, 0);
  legacyStatus(await t.get(`/user/doki?token=${token}`), 1);
  fails(await t.call('user.delete', { phone }, { token: admin }), 'USER_NOT_FOUND');
});

adminUser('non-admins get -103, bad tokens -101, no token -100; bad data -3/-203', async () => {
  const user = await t.signUp(newPhone());
  for (const [sub, data] of [['list', {}], ['info', { phone: adminPhone }], ['update', { phone: adminPhone }], ['delete', { phone: adminPhone }]] as const) {
    assert.equal(await t.callAt('/admin/user', 'user', sub, data, { token: user }), { id: 1, status: -103, message: 'No permission to operate', data: {} });
    fails(await t.callAt('/admin/user', 'user', sub, data, { token: 'a'.repeat(32) }), 'TOKEN_INVALID');
    fails(await t.callAt('/admin/user', 'user', sub, data), 'TOKEN_MISSING');
  }
  fails(await t.call('user.info', {}, { token: admin }), 'DATA_KEY');
  fails(await t.call('user.delete', { phone: [] }, { token: admin }), 'VALUE_TYPE');
  assert.ok((await t.services.users.byPhone(t.services.read, adminPhone)));
});

adminUser.run();
