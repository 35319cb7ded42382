/**
 * Answers by phone in the console, in a real browser, in both languages: a camera's resident and
 * last-resort numbers set in words (checked before they are saved), and "Seen by Li (pressed 1 on the
 * call)" arriving live when a family member presses 1 on the phone; axe on both screens.
 */
import fs from 'node:fs';
import path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { Browser } from 'playwright-core';
import { jpeg, newPhone, passes, startTestServer, type TestServer, until } from '../helpers.js';
import { audit, browserMissing, launchBrowser, signedIn } from '../support/browser.js';
import { tencentCallbacks as cb } from '../support/tencent-sms.js';
import { WEB_DIST } from '../../src/paths.js';

const missing = browserMissing() ?? (fs.existsSync(path.join(WEB_DIST, 'index.html')) ? null : `${WEB_DIST}/index.html not built (npm run build:web)`);
const SECRET = 'console-callback-secret-0123456789abcdef';
const SHOTS = process.env.CONSOLE_SCREENSHOTS;

/** The words each language's test finds, as a person reads them. */
const WORDS = {
  'en-US': {
    phone: 'Phone number', password: 'Password', signIn: 'Sign in', cameras: 'Cameras', save: 'Save these times', saved: 'Saved',
    resident: 'Resident’s mobile number (empty = off)', wait: 'Wait for an answer (seconds, up to 180; 0 = off)',
    lastResort: 'Last-resort mobile number (empty = off)', lastAfter: 'Call it after (minutes; 0 = off)',
    badMobile: /enter an 11-digit mobile number/, calling: 'Calling the resident…', ok: 'The resident says all right (pressed 1)',
    seen: 'Seen by Li (pressed 1 on the call)', details: /^Details/, pressed: 'Li pressed 1',
  },
  'zh-CN': {
    phone: '手机号', password: '密码', signIn: '登录', cameras: '摄像头', save: '保存这些时间', saved: '已保存',
    resident: '老人的手机号（留空为关闭）', wait: '等待回答（秒，最多 180；0 为关闭）',
    lastResort: '备用联系人手机号（留空为关闭）', lastAfter: '几分钟后打给他（0 为关闭）',
    badMobile: /请输入以 1 开头的 11 位手机号/, calling: '正在给老人打电话…', ok: '老人说没事（按了 1）',
    seen: '已查看： Li（在电话中按了 1）', details: /^详情/, pressed: 'Li 按了 1',
  },
} as const;

const console_ = suite('the console with answers by phone: the resident and last resort set in words; Seen by … (pressed 1 on the call)');
let t: TestServer;
let browser: Browser;

console_.before(async () => {
  if (missing) return;
  t = await startTestServer({ PROVIDER_CALLBACK_SECRET: SECRET, ALERT_SMS_COOLDOWN_SECONDS: '0', ALERT_CALL_SECONDS: '1', ALERT_REPEAT_SECONDS: '0' });
  browser = await launchBrowser();
});
console_.after(async () => {
  if (missing) return;
  await browser?.close();
  await t?.close();
});

const signIn = (locale: keyof typeof WORDS, phone: string, viewport: { width: number; height: number }, screen = '') => signedIn(browser, t.url, { locale, phone, viewport, screen, device: 'answers-browser' });

if (missing) {
  console.log(`console/answers.test.ts: the browser tests were skipped: ${missing}`);
} else {
  for (const locale of ['en-US', 'zh-CN'] as const) {
    console_(`${locale}: a camera asks the resident first and has a last resort; a bad number is refused on the page; axe finds nothing serious`, async () => {
      const w = WORDS[locale];
      const me = newPhone();
      const token = await t.signUp(me);
      const camera = await t.addDevice(token, `Bedroom ${locale}`);
      const { context, page } = await signIn(locale, me, { width: 360, height: 740 }, '#/cameras');
      const card = page.getByRole('listitem', { name: `Bedroom ${locale}` });
      await card.getByLabel(w.resident).waitFor();

      await card.getByLabel(w.resident).fill('12345');
      await card.getByRole('button', { name: w.save }).click();
      await card.getByRole('alert').filter({ hasText: w.badMobile }).waitFor();
      const stored = () => t.sql.get<Record<string, unknown>>('select resident_phone, resident_seconds, last_resort_phone, last_resort_seconds from devices where device_id = ?', camera);
      assert.equal(await stored(), { resident_phone: null, resident_seconds: null, last_resort_phone: null, last_resort_seconds: null }, 'nothing saved');

      const [resident, neighbour] = [newPhone(), newPhone()];
      await card.getByLabel(w.resident).fill(resident);
      await card.getByLabel(w.wait).fill('90');
      await card.getByLabel(w.lastResort).fill(neighbour);
      await card.getByLabel(w.lastAfter).fill('20');
      await card.getByRole('button', { name: w.save }).click();
      await page.getByRole('status').filter({ hasText: w.saved }).waitFor();
      assert.equal(await stored(), { resident_phone: resident, resident_seconds: 90, last_resort_phone: neighbour, last_resort_seconds: 1200 });
      const found = await audit(page, `cameras ${locale}`);
      if (SHOTS) await page.screenshot({ path: path.join(SHOTS, `camera-answers-${locale}.png`), fullPage: true });
      assert.equal(found, []);
      await context.close();
    });

    console_(`${locale}: the resident is called, says all right, then Li presses 1: the other member sees each live, and the timeline says how`, async () => {
      const w = WORDS[locale];
      const [me, li] = [newPhone(), newPhone()];
      const myToken = await t.signUp(me);
      const liToken = await t.signUp(li);
      passes(await t.call('info.update', { phone: li, nickname: 'Li' }, { token: liToken }));
      const name = `Kitchen ${locale}`;
      const camera = await t.addDevice(myToken, name);
      await t.bind(liToken, camera);
      const resident = newPhone();
      passes(await t.call('device.alerts', { device_id: camera, resident_phone: resident, resident_seconds: 120 }, { token: myToken }));

      const { context, page } = await signIn(locale, me, { width: 360, height: 740 });

      passes(await t.upload(camera, await jpeg(20)));
      const alarm = page.getByRole('alertdialog');
      await alarm.getByText(w.calling).waitFor({ timeout: 3000 });
      await t.services.alerts.tick();
      const question = t.outbox().find((m) => m.kind === 'resident-call' && m.phone === resident)!;
      const pressed = await t.raw(`/callbacks/tencent/voice/${SECRET}`, JSON.stringify(cb.keypress(question.call_id!, resident, '1')));
      assert.equal(pressed.json as unknown, { result: 0, errmsg: 'OK' });
      await alarm.getByText(w.ok).waitFor({ timeout: 3000 });
      const eventId = question.event_id!;
      await until(() => t.outbox().some((m) => m.kind === 'alert-ok' && m.event_id === eventId && m.phone === li), 3000, 'alert-ok to Li');
      if (SHOTS) await page.screenshot({ path: path.join(SHOTS, `alarm-resident-${locale}.png`) });

      // Li is called (the camera's call after 1 s) and presses 1 on that call
      t.clock.advance(1);
      await t.services.alerts.tick();
      const liCall = t.outbox().find((m) => m.kind === 'call' && m.event_id === eventId && m.phone === li);
      // the resident said all right: the family's calls were skipped; Li answers the SMS instead
      assert.is(liCall, undefined, 'no call after the resident pressed 1');
      const reply = await t.raw(`/callbacks/tencent/sms/${SECRET}`, JSON.stringify(cb.reply(li, '1', Math.floor(t.clock.now() / 1000))));
      assert.equal(reply.json as unknown, { result: 0, errmsg: 'OK' });
      const seen = locale === 'en-US' ? 'Seen by Li (replied 1 to the SMS)' : '已查看： Li（回复了短信 1）';
      await page.getByRole('article', { name: new RegExp(name) }).getByText(seen).waitFor({ timeout: 1000 });
      const found = await audit(page, `alerts ${locale}`);
      if (SHOTS) await page.screenshot({ path: path.join(SHOTS, `seen-by-sms-${locale}.png`), fullPage: true });
      assert.equal(found, []);
      await context.close();
    });

    console_(`${locale}: ${WORDS[locale].seen}, live on the other member's screen, and in the fall's timeline`, async () => {
      const w = WORDS[locale];
      const [me, li] = [newPhone(), newPhone()];
      const myToken = await t.signUp(me);
      const liToken = await t.signUp(li);
      passes(await t.call('info.update', { phone: li, nickname: 'Li' }, { token: liToken }));
      const name = `Hall ${locale}`;
      const camera = await t.addDevice(myToken, name);
      await t.bind(liToken, camera);
      const { context, page } = await signIn(locale, me, { width: 1280, height: 800 });

      passes(await t.upload(camera, await jpeg(20)));
      await page.getByRole('alertdialog').waitFor();
      t.clock.advance(1);
      await t.services.alerts.tick();
      const liCall = t.outbox().find((m) => m.kind === 'call' && m.phone === li)!;
      const started = Date.now();
      await t.raw(`/callbacks/tencent/voice/${SECRET}`, JSON.stringify(cb.keypress(liCall.call_id!, li, '1')));
      const article = page.getByRole('article', { name: new RegExp(name) });
      await article.getByText(w.seen).waitFor({ timeout: 1000 });
      assert.ok(Date.now() - started < 1000, 'within a second');
      assert.is(await page.getByRole('alertdialog').count(), 0, 'the alarm closes: someone is on it');
      await article.getByRole('link', { name: w.details }).click();
      await page.getByText(w.pressed).waitFor();
      const found = await audit(page, `timeline ${locale}`);
      if (SHOTS) await page.screenshot({ path: path.join(SHOTS, `timeline-keypress-${locale}.png`), fullPage: true });
      assert.equal(found, []);
      await context.close();
    });
  }
}

console_.run();
