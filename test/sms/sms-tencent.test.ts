import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { md5Hex } from '../../src/services/shared/random.js';
import { fails, newPhone, passes, startTestServer, type TestServer } from '../helpers.js';
import { startTencentStandIn } from '../support/tencent-sms.js';

const tencentSms = suite('SMS through Tencent Cloud (official SDK against a stand-in API)');
let standIn: Awaited<ReturnType<typeof startTencentStandIn>>;
let t: TestServer;
const env = (secretKey: string) => ({
  SMS_GATEWAY: 'tencent', TENCENT_SECRET_ID: 'AKIDtest', TENCENT_SECRET_KEY: secretKey, TENCENT_SMS_ENDPOINT: standIn.url,
  TENCENT_SMS_APP_ID: '1400000001', TENCENT_SMS_SIGN: 'HelpAged', TENCENT_SMS_TEMPLATES: '1:100001,2:100002',
});

tencentSms.before(async () => {
  standIn = await startTencentStandIn('AKIDtest', 'right-key');
  t = await startTestServer(env('right-key'));
});
tencentSms.after(async () => {
  await t.close();
  await standIn.close();
});

tencentSms('a register code is signed, sent with the register template, and registers the phone', async () => {
  const phone = newPhone();
  const res = await t.call('sms.generate', { phone, command_type: 1 });
  passes(res);
  const sent = standIn.received.at(-1)!;
  assert.is(sent.phone, `+86${phone}`);
  assert.is(sent.appId, '1400000001');
  assert.is(sent.signName, 'HelpAged');
  assert.is(sent.templateId, '100001');
  assert.match(sent.params[0]!, /^\d{6}$/);
  assert.is(sent.params[1], '3');
  const hash = md5Hex(sent.params[0]! + res.data.rand);
  passes(await t.call('register.phone', { phone, hash, pass: 'secret123' }));
});

tencentSms('command_type 2 uses the forgot-password template', async () => {
  const phone = newPhone();
  passes(await t.call('sms.generate', { phone, command_type: 2 }));
  assert.is(standIn.received.at(-1)!.templateId, '100002');
});

tencentSms("Tencent's per-number refusals map to 1016, 1023, 1024, 1025, and store no code", async () => {
  const cases = [
    ['InvalidParameterValue.IncorrectPhoneNumber', 1016],
    ['LimitExceeded.PhoneNumberThirtySecondLimit', 1023],
    ['LimitExceeded.PhoneNumberOneHourLimit', 1024],
    ['LimitExceeded.PhoneNumberDailyLimit', 1025],
    ['FailedOperation.InsufficientBalanceInSmsPackage', -404],
  ] as const;
  for (const [code, status] of cases) {
    standIn.answerWith(() => code);
    const phone = newPhone();
    assert.is((await t.call('sms.generate', { phone })).status, status, code);
    assert.is(((await t.sql.get('select count(*) n from sms_codes where phone = ?', phone)) as { n: number }).n, 0);
  }
  standIn.answerWith(() => 'Ok');
});

tencentSms('a wrong secret key is refused by the API: -404, nothing stored, the server still answers', async () => {
  const bad = await startTestServer(env('wrong-key'));
  const phone = newPhone();
  const before = standIn.received.length;
  fails(await bad.call('sms.generate', { phone }), 'UNKNOWN');
  assert.is(standIn.received.length, before);
  assert.is(((await bad.sql.get('select count(*) n from sms_codes')) as { n: number }).n, 0);
  passes(await bad.call('img.generate', {}));
  await bad.close();
});

tencentSms('an unreachable API is -404, not a hang', async () => {
  const down = await startTestServer({ ...env('right-key'), TENCENT_SMS_ENDPOINT: 'http://127.0.0.1:9' });
  fails(await down.call('sms.generate', { phone: newPhone() }), 'UNKNOWN');
  await down.close();
});

tencentSms.run();
