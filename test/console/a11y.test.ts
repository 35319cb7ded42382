/**
 * Accessibility of every console screen in both languages (axe-core in the real browser: no serious or
 * critical violation of WCAG 2.1 A/AA), and the keyboard-only path from signing in to Acknowledge.
 */
import fs from 'node:fs';
import path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { Browser } from 'playwright-core';
import { jpeg, newPhone, startTestServer, type TestServer } from '../helpers.js';
import { audit, browserMissing, launchBrowser } from '../support/browser.js';
import { WEB_DIST } from '../../src/paths.js';

const missing = browserMissing() ?? (fs.existsSync(path.join(WEB_DIST, 'index.html')) ? null : `${WEB_DIST}/index.html not built (npm run build:web)`);
const a11y = suite('the family console: axe on every screen in both languages; keyboard alone from sign-in to Acknowledge; installable, and offline');

let t: TestServer;
let browser: Browser;
let phone: string;
let camera: string;

a11y.before(async () => {
  if (missing) return;
  t = await startTestServer();
  browser = await launchBrowser();
  phone = newPhone();
  await t.signUp(phone);
  camera = await t.addDevice(await t.login(phone), '卧室 Bedroom');
  await t.upload(camera, await jpeg(30));
});

a11y.after(async () => {
  if (missing) return;
  await browser?.close();
  await t?.close();
});

if (missing) {
  console.log(`a11y.test.ts: the browser tests were skipped: ${missing}`);
} else {
  for (const locale of ['zh-CN', 'en-US']) {
    a11y(`every screen in ${locale}: no serious or critical axe violation`, async () => {
      const context = await browser.newContext({ locale, viewport: { width: 360, height: 740 } });
      await context.addInitScript(() => localStorage.setItem('helpaged.device', 'a11y-browser'));
      const page = await context.newPage();
      const found: string[] = [];
      await page.goto(`${t.url}/app/`);
      await page.locator('#phone').waitFor();
      assert.is(await page.evaluate(() => document.documentElement.lang), locale === 'zh-CN' ? 'zh-CN' : 'en');
      found.push(...await audit(page, 'sign-in'));
      for (const way of [2, 3]) {
        // the other ways in: SMS code, then a new account (each with its picture check)
        await page.locator('nav.ways button').nth(way - 2).click();
        await page.locator('#captcha').waitFor();
        await page.locator('img.captcha').waitFor();
        found.push(...await audit(page, `sign-in way ${way}`));
      }
      await page.goto(`${t.url}/app/`);
      await page.locator('#phone').fill(phone);
      await page.locator('#password').fill('secret123');
      await page.locator('button[type=submit]').click();
      await page.locator('article').first().waitFor();
      found.push(...await audit(page, 'alerts'));
      await t.upload(camera, await jpeg(30));
      await page.getByRole('alertdialog').waitFor();
      found.push(...await audit(page, 'alarm'));
      await page.getByRole('alertdialog').getByRole('button').click();
      await page.getByRole('alertdialog').waitFor({ state: 'detached' });
      await page.locator('article a').first().click();
      await page.locator('ol.timeline li').first().waitFor();
      found.push(...await audit(page, 'fall details'));
      for (const screen of ['cameras', 'health', 'account']) {
        await page.goto(`${t.url}/app/#/${screen}`);
        await page.locator('main section h1').waitFor();
        found.push(...await audit(page, screen));
      }
      await context.close();
      assert.equal(found, []);
    });
  }

  a11y('at 360 px and at 200% zoom every screen fits the width, and every button and field is at least 44 px tall', async () => {
    const problems: string[] = [];
    // 200% zoom of a 1280 px window is a 640 px CSS viewport at twice the pixel density
    for (const [label, viewport, deviceScaleFactor] of [['360 px', { width: 360, height: 740 }, 1], ['200% zoom', { width: 640, height: 400 }, 2]] as const) {
      const context = await browser.newContext({ locale: 'en-US', viewport, deviceScaleFactor });
      await context.addInitScript(() => localStorage.setItem('helpaged.device', 'a11y-browser'));
      const page = await context.newPage();
      const check = async (screen: string) => {
        const found = await page.evaluate(() => {
          const out: string[] = [];
          if (document.documentElement.scrollWidth > window.innerWidth + 1) out.push(`scrolls sideways: ${document.documentElement.scrollWidth} > ${window.innerWidth}`);
          for (const el of document.querySelectorAll('button, input:not([type=hidden]), select')) {
            const box = el.getBoundingClientRect();
            if (box.width > 0 && box.height < 44) out.push(`${el.tagName.toLowerCase()} "${(el.textContent || el.getAttribute('id') || '').trim().slice(0, 30)}" is ${Math.round(box.height)} px tall`);
          }
          return out;
        });
        problems.push(...found.map((f) => `${label}, ${screen}: ${f}`));
      };
      await page.goto(`${t.url}/app/`);
      await page.locator('#phone').waitFor();
      await check('sign-in');
      await page.locator('#phone').fill(phone);
      await page.locator('#password').fill('secret123');
      await page.locator('button[type=submit]').click();
      await page.locator('article').first().waitFor();
      await check('alerts');
      for (const screen of ['cameras', 'health', 'account']) {
        await page.goto(`${t.url}/app/#/${screen}`);
        await page.locator('main section h1').waitFor();
        await page.waitForTimeout(300);
        await check(screen);
      }
      await context.close();
    }
    assert.equal(problems, []);
  });

  a11y('the keyboard alone: sign in, and Acknowledge a fall from the alarm', async () => {
    const who = newPhone();
    await t.signUp(who);
    const cam = await t.addDevice(await t.login(who), 'Kitchen');
    const context = await browser.newContext({ locale: 'en-US' });
    const page = await context.newPage();
    await page.goto(`${t.url}/app/`);
    const focused = () => page.evaluate(() => {
      const el = document.activeElement as HTMLInputElement | null;
      return el ? (el.labels?.[0]?.textContent ?? el.textContent ?? '').trim() : '';
    });
    const tabTo = async (name: string) => {
      for (let i = 0; i < 15; i++) {
        await page.keyboard.press('Tab');
        if (await focused() === name) return;
      }
      throw new Error(`Tab never reached ${name}`);
    };
    await tabTo('Phone number');
    await page.keyboard.type(who);
    await tabTo('Password');
    await page.keyboard.type('secret123');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Alerts' }).waitFor();
    // the alarm rings for what the stream brings: the fall is posted once the stream is live
    await page.getByRole('status').filter({ hasText: 'Live' }).first().waitFor();
    await t.upload(cam, await jpeg(30));
    await page.getByRole('alertdialog').waitFor();
    assert.is(await focused(), 'Acknowledge', 'the alarm puts the focus on Acknowledge');
    // Tab never leaves the alarm for the page behind it (inert): it comes back round to Acknowledge
    const inAlarm = () => page.evaluate(() => document.querySelector('[role=alertdialog]')!.contains(document.activeElement));
    for (let i = 0; i < 4; i++) {
      await page.keyboard.press('Tab');
      assert.ok(await inAlarm() || await page.evaluate(() => document.activeElement === document.body), 'focus behind the alarm');
    }
    await tabTo('Acknowledge');
    assert.ok(await inAlarm());
    await page.keyboard.press('Enter');
    await page.getByRole('alertdialog').waitFor({ state: 'detached' });
    const row = await t.sql.get<{ ack_phone: string | null }>('SELECT n.ack_phone FROM notices n JOIN devices d ON d.id = n.device_id WHERE d.device_id = ?', cam);
    assert.is(row.ack_phone, who);
    await context.close();
  });

  a11y('installable and offline: manifest and icons are served; offline, the shell says so and shows the last list', async () => {
    const manifest = await (await fetch(`${t.url}/app/manifest.webmanifest`)).json() as { start_url: string; icons: { src: string; sizes: string }[] };
    assert.is(manifest.start_url, '/app/');
    for (const icon of manifest.icons) assert.is((await fetch(t.url + icon.src)).status, 200, icon.src);
    assert.ok(manifest.icons.some((i) => i.sizes === '512x512'));
    const context = await browser.newContext({ locale: 'en-US' });
    await context.addInitScript(() => localStorage.setItem('helpaged.device', 'a11y-browser'));
    const page = await context.newPage();
    await page.goto(`${t.url}/app/`);
    await page.getByLabel('Phone number').fill(phone);
    await page.getByLabel('Password').fill('secret123');
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.getByRole('article', { name: /Bedroom/ }).first().waitFor();
    await page.evaluate(() => navigator.serviceWorker.ready);
    // once more online, now through the service worker, which keeps the shell
    await page.reload();
    await page.getByRole('article', { name: /Bedroom/ }).first().waitFor();
    const shown = await page.getByRole('article').count();
    await context.setOffline(true);
    await page.reload();
    await page.getByRole('status').filter({ hasText: 'You are offline' }).waitFor();
    await page.getByRole('article', { name: /Bedroom/ }).first().waitFor();
    assert.is(await page.getByRole('article').count(), shown, 'the last list');
    await context.setOffline(false);
    await context.close();
  });
}

a11y.run();
