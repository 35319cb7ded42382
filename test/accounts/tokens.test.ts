import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { sha256Hex } from '../../src/services/shared/random.js';
import { legacyStatus, newPhone, passes, startTestServer, type TestServer } from '../helpers.js';

let t: TestServer;
const tokenSuite = suite('tokens');
tokenSuite.before(async () => {
  t = await startTestServer();
});
tokenSuite.after(() => t.close());

const alive = async (token: string) => (await t.get(`/user/doki?token=${token}`)).status === 0;
const lastUsed = async (token: string) =>
  ((await t.sql.get('select last_used_at from tokens where token_hash = ?', sha256Hex(token))) as { last_used_at: number } | undefined)?.last_used_at;

tokenSuite('an account keeps at most 10 tokens: the 11th login drops the oldest', async () => {
  const phone = newPhone();
  const first = await t.signUp(phone);
  const tokens = [first];
  for (let i = 0; i < 10; i++) {
    t.clock.advance(1);
    tokens.push(await t.login(phone));
  }
  const id = (await t.services.users.byPhone(t.services.read, phone))!.id;
  assert.is(((await t.sql.get('select count(*) n from tokens where user_id = ?', id)) as { n: number }).n, 10);
  assert.not.ok(await alive(first));
  for (const token of tokens.slice(1)) assert.ok(await alive(token));
});

tokenSuite('a token unused for TOKEN_IDLE_SECONDS is dead (-101 on POST, 1 on doki)', async () => {
  const phone = newPhone();
  const token = await t.signUp(phone);
  t.clock.advance(t.config.tokenIdleSeconds - 1);
  passes(await t.call('info.nickname', { user_id: phone }, { token }));
  t.clock.advance(t.config.tokenIdleSeconds);
  assert.equal(await t.call('info.nickname', { user_id: phone }, { token, id: 3 }),
    { id: -1, status: -101, message: 'Error token', data: {} });
  assert.not.ok(await lastUsed(token), 'the dead token row is gone');
});

tokenSuite('every authenticated call and doki restart the idle clock', async () => {
  const token = await t.signUp(newPhone());
  for (let i = 0; i < 5; i++) {
    t.clock.advance(t.config.tokenIdleSeconds - 10);
    assert.ok(await alive(token), `round ${i}`);
  }
});

tokenSuite('the idle clock is not written to the database on every request', async () => {
  const token = await t.signUp(newPhone());
  const before = await lastUsed(token)!;
  t.clock.advance(1);
  assert.ok(await alive(token));
  assert.is(await lastUsed(token), before, 'a call within the touch interval writes nothing');
  t.clock.advance(t.config.tokenIdleSeconds / 10);
  assert.ok(await alive(token));
  assert.is(await lastUsed(token), t.clock.now(), 'after the touch interval the row catches up');
});

tokenSuite('an idle clock kept in memory reaches the database at shutdown and survives a restart', async () => {
  const phone = newPhone();
  const token = await t.signUp(phone);
  t.clock.advance(5);
  assert.ok(await alive(token));
  await t.services.tokens.flush();
  assert.is(await lastUsed(token), t.clock.now());
});

tokenSuite('an enduring token ignores idleness and ends after TOKEN_ENDURING_SECONDS', async () => {
  const phone = newPhone();
  await t.signUp(phone);
  const token = await t.login(phone, 'secret123', 1);
  t.clock.advance(t.config.tokenIdleSeconds * 10);
  assert.ok(await alive(token));
  t.clock.advance(t.config.tokenEnduringSeconds);
  assert.not.ok(await alive(token));
});

tokenSuite('the sweep deletes dead tokens and keeps live ones', async () => {
  const phone = newPhone();
  await t.signUp(phone);
  const live = await t.login(phone, 'secret123', true);
  const idle = await t.login(phone);
  t.clock.advance(t.config.tokenIdleSeconds * 2);
  await t.services.tokens.sweep();
  assert.ok(await lastUsed(live));
  assert.not.ok(await lastUsed(idle));
});

tokenSuite('malformed tokens are refused without a lookup: upper case, short, long, arrays', async () => {
  const token = await t.signUp(newPhone());
  for (const bad of [token.toUpperCase(), token.slice(1), token + '0', `${token}&token=${token}`]) {
    legacyStatus(await t.get(`/user/doki?token=${bad}`), 1, bad);
  }
});

tokenSuite.run();

const restart = suite('tokens across a restart');

restart('a token and its idle clock survive a restart of the server', async () => {
  const first = await startTestServer({ TOKEN_IDLE_SECONDS: '600' });
  const phone = newPhone();
  const token = await first.signUp(phone);
  first.clock.advance(300);
  passes(await first.get(`/user/doki?token=${token}`));
  await first.close(true);
  const second = await startTestServer({ TOKEN_IDLE_SECONDS: '600' }, { clock: first.clock, dataDir: first.dataDir });
  second.clock.advance(500);
  passes(await second.get(`/user/doki?token=${token}`), 'the clock restarted at 300 s survived');
  await second.close();
});

restart.run();
