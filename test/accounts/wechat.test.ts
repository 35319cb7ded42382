import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { fails, newPhone, passes, startTestServer, type TestServer } from '../helpers.js';
import { startWeChatStandIn } from '../support/wechat.js';

let t: TestServer;
let wx: Awaited<ReturnType<typeof startWeChatStandIn>>;
const wechatCalls = suite('login.wechat, wechat.bind, register.phone with wechat_ticket');
wechatCalls.before(async () => {
  wx = await startWeChatStandIn('wxapp123', 'topsecret');
  t = await startTestServer({ WECHAT_APP_ID: 'wxapp123', WECHAT_APP_SECRET: 'topsecret', WECHAT_API_BASE: wx.url });
});
wechatCalls.after(async () => {
  await t.close();
  await wx.close();
});

const wechatLogin = (code: string) => t.raw('/user/login', JSON.stringify({ id: 3, type: 'login', subtype: 'wechat', data: { code } }));

wechatCalls('an unknown openid gets 450 with a wechat_ticket; register.phone with it links the account; then login.wechat gives a token', async () => {
  const first = await wechatLogin('ok:openid-alice');
  assert.is(first.json.status, 450);
  assert.match(first.json.data.wechat_ticket, /^[0-9a-f]{32}$/);
  assert.is(first.json.data.expires_in, 600);
  const call = wx.calls.at(-1)!;
  assert.is(call.get('js_code'), 'ok:openid-alice');
  assert.is(call.get('appid'), 'wxapp123');

  const phone = newPhone();
  const hash = await t.requestCode(phone);
  const reg = await t.call('register.phone', { phone, hash, pass: 'secret123', wechat_ticket: first.json.data.wechat_ticket });
  assert.equal(reg, { id: 1, status: 0, message: 'Successful', data: {} });
  const row = (await t.sql.get('select wechat_openid from users where phone = ?', phone)) as { wechat_openid: string };
  assert.is(row.wechat_openid, 'openid-alice');

  const signup = await t.sql.get<{ kind: string; detail: string }>("select kind, detail from audit_log where target_id = (select id from users where phone = ?) order by id desc limit 1", phone);
  assert.equal([signup.kind, JSON.parse(signup.detail)], ['signup', { wechat: true }]);
  const before = Number((await t.sql.get<{ n: number }>('select count(*) n from audit_log')).n);
  const again = await wechatLogin('ok:openid-alice');
  assert.is(again.json.status, 0);
  // one entry: a sign-in by WeChat, actor and target the linked account
  const entries = await t.sql.all<{ kind: string; detail: string }>('select kind, detail from audit_log order by id desc limit 2');
  assert.is(Number((await t.sql.get<{ n: number }>('select count(*) n from audit_log')).n), before + 1);
  assert.equal([entries[0]!.kind, JSON.parse(entries[0]!.detail).method], ['signin', 'wechat']);
  assert.match(again.json.data.token, /^[0-9a-f]{32}$/);
  assert.is((await t.get(`/user/info?token=${again.json.data.token}`)).data.phone, phone);
});

wechatCalls('session_key never leaves the server', async () => {
  for (const code of ['ok:openid-alice', 'ok:openid-nobody']) {
    const { json } = await wechatLogin(code);
    assert.not.ok(JSON.stringify(json).includes('SESSIONKEY'));
    assert.not.ok(JSON.stringify(json).includes('openid-'));
  }
});

wechatCalls('wechat.bind links a ticket to a logged-in account; a used or unknown ticket is 101; an openid of another account 102', async () => {
  const token = await t.signUp(newPhone());
  const { json } = await wechatLogin('ok:openid-bob');
  assert.equal(await t.call('wechat.bind', { wechat_ticket: json.data.wechat_ticket }, { token }),
    { id: 1, status: 0, message: 'successful', data: {} });
  assert.is((await wechatLogin('ok:openid-bob')).json.status, 0);
  assert.equal(await t.call('wechat.bind', { wechat_ticket: json.data.wechat_ticket }, { token }),
    { id: 1, status: 101, message: 'Invalid wechat_ticket', data: {} });

  const other = await t.signUp(newPhone());
  const t2 = (await wechatLogin('ok:openid-carol')).json.data.wechat_ticket;
  const t3 = (await wechatLogin('ok:openid-carol')).json.data.wechat_ticket;
  passes(await t.call('wechat.bind', { wechat_ticket: t2 }, { token: other }));
  assert.equal(await t.call('wechat.bind', { wechat_ticket: t3 }, { token }),
    { id: 1, status: 102, message: 'WeChat account already linked', data: {} });
  fails(await t.call('wechat.bind', {}, { token }), 'DATA_KEY');
  fails(await t.call('wechat.bind', { wechat_ticket: 1 }, { token }), 'VALUE_TYPE');
});

wechatCalls('a ticket expires after WECHAT_TICKET_SECONDS; register with a bad ticket is 401 and creates nothing', async () => {
  const ticket = (await wechatLogin('ok:openid-dave')).json.data.wechat_ticket;
  t.clock.advance(601);
  const phone = newPhone();
  const hash = await t.requestCode(phone);
  assert.equal(await t.call('register.phone', { phone, hash, pass: 'secret123', wechat_ticket: ticket }),
    { id: 1, status: 401, message: 'Invalid wechat_ticket', data: {} });
  assert.not.ok((await t.services.users.byPhone(t.services.read, phone)));
  passes(await t.call('register.phone', { phone, hash, pass: 'secret123' }), 'the code was not used up');
});

wechatCalls("WeChat's error codes map to 451-454", async () => {
  for (const [code, status] of [['err:40029', 451], ['nonsense', 451], ['err:45011', 452], ['err:40226', 453], ['err:-1', 454]] as const) {
    const { json } = await wechatLogin(code);
    assert.is(json.status, status, code);
    assert.equal(json.data, {});
  }
  fails(await t.call('login.wechat', {}), 'DATA_KEY');
  fails(await t.call('login.wechat', { code: 5 }), 'VALUE_TYPE');
  fails(await t.call('login.wechat', { code: '' }), 'VALUE_EMPTY');
});

wechatCalls.run();

const off = suite('WeChat not configured or down');
off('without WECHAT_APP_ID login.wechat is 455; with WeChat unreachable 454', async () => {
  const plain = await startTestServer();
  fails(await plain.call('login.wechat', { code: 'ok:x' }), 'WECHAT_DISABLED');
  await plain.close();
  const down = await startTestServer({ WECHAT_APP_ID: 'a', WECHAT_APP_SECRET: 'b', WECHAT_API_BASE: 'http://127.0.0.1:9' });
  fails(await down.call('login.wechat', { code: 'ok:x' }), 'WECHAT_BUSY');
  await down.close();
});
off('a wrong app secret is refused by WeChat and answered 454, not linked', async () => {
  const wx2 = await startWeChatStandIn('wxapp123', 'right');
  const bad = await startTestServer({ WECHAT_APP_ID: 'wxapp123', WECHAT_APP_SECRET: 'wrong', WECHAT_API_BASE: wx2.url });
  fails(await bad.call('login.wechat', { code: 'ok:eve' }), 'WECHAT_BUSY');
  await bad.close();
  await wx2.close();
});
off.run();
