/**
 * Who is woken, in the console, in a real browser, in both languages, on a phone: a camera paused from
 * its card (how long, why), the banner every bound account sees on every page, live, a fall in the
 * pause marked and not ringing, and the pause ended from the card; axe on the screens.
 */
import fs from 'node:fs';
import path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { Browser } from 'playwright-core';
import { jpeg, newPhone, passes, startTestServer, type TestServer } from '../helpers.js';
import { audit, browserMissing, launchBrowser, signedIn } from '../support/browser.js';
import { WEB_DIST } from '../../src/paths.js';
import { tencentCallbacks as cb } from '../support/tencent-sms.js';

const missing = browserMissing() ?? (fs.existsSync(path.join(WEB_DIST, 'index.html')) ? null : `${WEB_DIST}/index.html not built (npm run build:web)`);
const SHOTS = process.env.CONSOLE_SCREENSHOTS;
const SECRET = 'console-duty-secret-0123456789abcdef012345';

const WORDS = {
  'en-US': {
    pauseGroup: 'Pause the alerts', hour: '1 h', reason: 'Why (optional, everyone sees it)', start: 'Pause the alerts',
    started: 'Alerts paused. Everyone in the family has been told.', end: 'End the pause now', ended: 'Alerts are back on. Everyone in the family has been told.',
    banner: (camera: string) => new RegExp(`Alerts for ${camera} are paused until \\d\\d:\\d\\d, by (you|\\d{3}\\*{4}\\d{4}) \\(carer visiting\\)`),
    fallPaused: 'The camera was paused: nobody was phoned about this fall.', cameras: 'Cameras', alarm: 'Fall detected',
    quiet: 'Quiet hours', from: 'Quiet from', to: 'Until', save: 'Save quiet hours', saved: 'Quiet hours saved.', on: 'On: quiet from 22:30 until 06:45.',
    off: 'Turn quiet hours off', quietEnded: 'Quiet hours turned off.',
    oncall: 'Who is woken first', turns: 'Take turns', day: (who: string, d: string) => `${who} on call on ${d}`, days: ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'],
    shiftFrom: (who: string) => `${who}: from`, shiftUntil: (who: string) => `${who}: until`, next: 'Tell everyone after (minutes, 1 to 60)', saveOrder: 'Save who is woken',
    onCallNow: (who: string) => `On call now: ${who}`, week: 'The week', recordFirst: 'This camera’s first alert in 90 days.',
    drill: 'Send a test now', drillSent: 'Test sent. Answers appear in the table below.', reach: 'Who can be reached', waiting: 'no answer yet', yes: /^yes, \d\d-\d\d \d\d:\d\d$/,
  },
  'zh-CN': {
    pauseGroup: '暂停提醒', hour: '1 小时', reason: '原因（可不填，家人都能看到）', start: '暂停提醒',
    started: '提醒已暂停，已短信告诉家里每个人。', end: '现在结束暂停', ended: '提醒已恢复，已短信告诉家里每个人。',
    banner: (camera: string) => new RegExp(`${camera} 的提醒已暂停到 \\d\\d:\\d\\d，由 (您|\\d{3}\\*{4}\\d{4}) 设置 \\(carer visiting\\)`),
    fallPaused: '当时摄像头处于暂停中：这次跌倒没有通知任何人。', cameras: '摄像头', alarm: '发现跌倒',
    quiet: '免打扰时段', from: '开始时间', to: '结束时间', save: '保存免打扰时段', saved: '免打扰时段已保存。', on: '已开启：22:30 到 06:45 免打扰。',
    off: '关闭免打扰', quietEnded: '免打扰已关闭。',
    oncall: '先通知谁', turns: '轮流值班', day: (who: string, d: string) => `${who} ${d}值班`, days: ['周一', '周二', '周三', '周四', '周五', '周六', '周日'],
    shiftFrom: (who: string) => `${who}：开始时间`, shiftUntil: (who: string) => `${who}：结束时间`, next: '几分钟后通知所有人（1 到 60）', saveOrder: '保存值班安排',
    onCallNow: (who: string) => `现在值班：${who}`, week: '一周安排', recordFirst: '这是这个摄像头 90 天来的第一次提醒。',
    drill: '现在发送测试', drillSent: '测试已发送，回应会显示在下表中。', reach: '谁能收到', waiting: '还没回应', yes: /^能，\d\d-\d\d \d\d:\d\d$/,
  },
} as const;

const duty = suite('the console: a camera paused from its card, the banner everyone sees, a fall in the pause that does not ring');
let t: TestServer;
let browser: Browser;

duty.before(async () => {
  if (missing) return;
  t = await startTestServer({ ALERT_SMS_COOLDOWN_SECONDS: '0', PROVIDER_CALLBACK_SECRET: SECRET });
  browser = await launchBrowser();
});
duty.after(async () => {
  if (missing) return;
  await browser?.close();
  await t?.close();
});

/** Me and a relative (with a nickname) bound to a new camera; my browser signed in, on the cameras page, on a phone. */
async function onCameras(locale: 'en-US' | 'zh-CN', name: string, nickname: string) {
  const [me, relative] = [newPhone(), newPhone()];
  const token = await t.signUp(me);
  const other = await t.signUp(relative);
  passes(await t.call('info.update', { phone: relative, nickname }, { token: other }));
  const camera = await t.addDevice(token, name);
  await t.bind(other, camera);
  return { me, relative, camera, ...await signedIn(browser, t.url, { locale, phone: me, viewport: { width: 360, height: 740 }, screen: '#/cameras' }) };
}

if (missing) {
  console.log(`console/duty.test.ts: the browser tests were skipped: ${missing}`);
} else {
  for (const locale of ['en-US', 'zh-CN'] as const) {
    duty(`${locale}: pause for an hour with a reason; the other member's banner appears live; a fall in it is marked and rings nobody; ended from the card`, async () => {
      const w = WORDS[locale];
      const [me, sister] = [newPhone(), newPhone()];
      const token = await t.signUp(me);
      const other = await t.signUp(sister);
      const name = `Kitchen ${locale}`;
      const camera = await t.addDevice(token, name);
      await t.bind(other, camera);
      const phone = { width: 360, height: 740 };
      const mine = await signedIn(browser, t.url, { locale, phone: me, viewport: phone, screen: '#/cameras' });
      const hers = await signedIn(browser, t.url, { locale, phone: sister, viewport: phone });

      const card = mine.page.getByRole('listitem', { name });
      await card.getByRole('radio', { name: w.hour }).check();
      await card.getByLabel(w.reason).fill('carer visiting');
      if (SHOTS) await card.screenshot({ path: path.join(SHOTS, `pause-form-${locale}.png`) });
      await card.getByRole('button', { name: w.start, exact: true }).click();
      await mine.page.getByRole('status').filter({ hasText: w.started }).waitFor();
      await card.getByRole('group', { name: w.pauseGroup }).getByRole('button', { name: w.end }).waitFor();
      assert.equal(t.outbox().filter((m) => m.kind === 'pause' && m.device === name).map((m) => m.phone).sort(), [me, sister].sort());

      // the other member's page, on the alerts list, gets the banner from the stream
      const banner = hers.page.getByRole('status').filter({ hasText: w.banner(name) });
      await banner.waitFor();
      assert.match((await banner.textContent())!, /\d{3}\*{4}\d{4}/, 'who paused it, masked');
      if (SHOTS) await hers.page.screenshot({ path: path.join(SHOTS, `paused-banner-${locale}.png`), fullPage: true });

      // a fall in the pause: listed with the mark, and no alarm over the page
      passes(await t.upload(camera, await jpeg(3)));
      await hers.page.getByText(w.fallPaused).waitFor();
      assert.is(await hers.page.getByRole('alertdialog').count(), 0, 'a paused camera\'s fall does not ring');
      assert.is(t.outbox().filter((m) => m.kind === 'alert' && m.device === name).length, 0);
      assert.equal(await audit(hers.page, `alerts with a paused camera (${locale})`), []);
      if (SHOTS) await mine.page.screenshot({ path: path.join(SHOTS, `paused-card-${locale}.png`), fullPage: true });
      assert.equal(await audit(mine.page, `paused camera card (${locale})`), []);

      await card.getByRole('button', { name: w.end }).click();
      await mine.page.getByRole('status').filter({ hasText: w.ended }).waitFor();
      await banner.waitFor({ state: 'detached' });
      assert.equal(t.outbox().filter((m) => m.kind === 'pause-end' && m.device === name).map((m) => [m.phone, m.how]).sort(), [[me, 'early'], [sister, 'early']].sort());
      await card.getByRole('button', { name: w.start, exact: true }).waitFor();
      await mine.context.close();
      await hers.context.close();
    });
  }
}

if (!missing) {
  for (const locale of ['en-US', 'zh-CN'] as const) {
    duty(`${locale}: quiet hours set on the account page, stored, shown, and turned off`, async () => {
      const w = WORDS[locale];
      const me = newPhone();
      await t.signUp(me);
      const { context, page } = await signedIn(browser, t.url, { locale, phone: me, viewport: { width: 360, height: 740 }, screen: '#/account' });
      const form = page.getByRole('form', { name: w.quiet });
      await form.getByLabel(w.from).fill('22:30');
      await form.getByLabel(w.to).fill('06:45');
      await form.getByRole('button', { name: w.save }).click();
      await form.getByRole('status').filter({ hasText: w.saved }).waitFor();
      await form.getByText(w.on).waitFor();
      assert.equal(await t.sql.get('select quiet_from, quiet_to from users where phone = ?', me), { quiet_from: 22 * 60 + 30, quiet_to: 6 * 60 + 45 });
      if (SHOTS) await form.screenshot({ path: path.join(SHOTS, `quiet-${locale}.png`) });
      assert.equal(await audit(page, `account with quiet hours (${locale})`), []);
      await form.getByRole('button', { name: w.off }).click();
      await form.getByRole('status').filter({ hasText: w.quietEnded }).waitFor();
      assert.equal(await t.sql.get('select quiet_from, quiet_to from users where phone = ?', me), { quiet_from: null, quiet_to: null });
      await context.close();
    });
  }
}

if (!missing) {
  for (const locale of ['en-US', 'zh-CN'] as const) {
    duty(`${locale}: a week's rota set with the keyboard; the person on call is shown on the camera and on the alert, and alone gets the first SMS`, async () => {
      const w = WORDS[locale];
      const name = `Study ${locale}`;
      const { me, relative: brother, camera, context, page } = await onCameras(locale, name, 'Jun');
      const form = page.getByRole('form', { name: w.oncall });
      await form.getByRole('radio', { name: w.turns }).check();
      // every day for Jun, by keyboard: focus the first box, then Space, Tab, Space, ...
      await form.getByRole('checkbox', { name: w.day('Jun', w.days[0]) }).focus();
      for (let d = 0; d < 7; d++) {
        assert.ok(await form.getByRole('checkbox', { name: w.day('Jun', w.days[d]!) }).evaluate((el) => el === document.activeElement), `focus on ${w.days[d]}`);
        await page.keyboard.press('Space');
        await page.keyboard.press('Tab');
      }
      await form.getByLabel(w.shiftFrom('Jun')).fill('00:00');
      await form.getByLabel(w.shiftUntil('Jun')).fill('00:00');
      await form.getByLabel(w.next).fill('2');
      if (SHOTS) await form.screenshot({ path: path.join(SHOTS, `oncall-${locale}.png`) });
      assert.equal(await audit(page, `on-call week (${locale})`), []);
      const saved = page.waitForResponse((r) => r.url().endsWith('/api/device') && (r.request().postData() ?? '').includes('"oncall"'));
      // and saved from the keyboard too
      await form.getByRole('button', { name: w.saveOrder }).focus();
      await page.keyboard.press('Enter');
      assert.is((await (await saved).json()).status, 0);
      await form.getByText(w.onCallNow('Jun')).waitFor();
      const stored = await t.sql.get<{ oncall: string; next_level_seconds: number }>('select oncall, next_level_seconds from devices where device_id = ?', camera);
      assert.equal([JSON.parse(stored.oncall), stored.next_level_seconds], [[{ phone: brother, days: [1, 2, 3, 4, 5, 6, 7], from: 0, to: 0 }], 120]);

      passes(await t.upload(camera, await jpeg(4)));
      await page.goto(`${t.url}/app/#/alerts`);
      await page.getByText(w.onCallNow('Jun')).first().waitFor();
      await page.getByRole('alertdialog').getByText(w.recordFirst).waitFor();
      await page.getByRole('alertdialog').getByRole('button').first().waitFor();
      assert.equal(t.outbox().filter((m) => m.kind === 'alert' && m.device === name).map((m) => m.phone), [brother]);
      await context.close();
    });
  }
}

if (!missing) {
  for (const locale of ['en-US', 'zh-CN'] as const) {
    duty(`${locale}: a test of the alarm from the camera's card; the table says who answered, live`, async () => {
      const w = WORDS[locale];
      const name = `Porch ${locale}`;
      const { me, relative: aunt, context, page } = await onCameras(locale, name, 'Lan');
      const card = page.getByRole('listitem', { name });
      await card.getByRole('button', { name: w.drill }).click();
      await page.getByRole('status').filter({ hasText: w.drillSent }).waitFor();
      const table = card.getByRole('table', { name: w.reach });
      const lan = table.getByRole('row', { name: /^Lan/ });
      await lan.getByRole('cell', { name: w.waiting }).first().waitFor();
      assert.equal(t.outbox().filter((m) => m.kind === 'drill' && m.device === name).map((m) => m.phone).sort(), [me, aunt].sort());
      // Lan replies 1: the table shows it within a few seconds
      await t.raw(`/callbacks/tencent/sms/${SECRET}`, JSON.stringify(cb.reply(aunt, '1', Math.floor(t.clock.now() / 1000))));
      await lan.getByRole('cell', { name: w.yes }).waitFor({ timeout: 8000 });
      if (SHOTS) await table.screenshot({ path: path.join(SHOTS, `drill-${locale}.png`) });
      assert.equal(await audit(page, `drill table (${locale})`), []);
      await context.close();
    });
  }
}

duty.run();
