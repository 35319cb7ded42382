/**
 * npm run screenshots: the console's screens at 360x740 and 1280x800, in Chinese and English, into
 * docs/screenshots/ (or the folder given), the Admin area's panels among them. A throwaway server with two family members, one camera and
 * its falls; the photos are drawn here (a room with someone on the floor), not taken.
 */
import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { newPhone, startTestServer } from '../helpers.js';
import { browserMissing, launchBrowser } from '../support/browser.js';

const out = path.resolve(process.argv[2] ?? 'docs/screenshots');
const missing = browserMissing();
if (missing) {
  console.error(`screenshots: ${missing}`);
  process.exit(1);
}
fs.mkdirSync(out, { recursive: true });

function room(hue: number): Promise<Buffer> {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="960" height="540">
    <rect width="960" height="540" fill="hsl(${hue},25%,82%)"/><rect y="360" width="960" height="180" fill="hsl(${hue},20%,62%)"/>
    <rect x="80" y="120" width="220" height="240" fill="hsl(${hue + 30},30%,55%)"/><rect x="640" y="90" width="180" height="140" fill="#eef"/>
    <ellipse cx="520" cy="430" rx="150" ry="34" fill="#345"/><circle cx="690" cy="420" r="32" fill="#c96"/></svg>`;
  return sharp(Buffer.from(svg)).jpeg({ quality: 80 }).toBuffer();
}

const t = await startTestServer();
const browser = await launchBrowser();
try {
  const [me, sister] = [newPhone(), newPhone()];
  await t.signUp(me);
  await t.signUp(sister);
  // "me" runs the service too: the Admin area's screens
  await t.makeAdmin(me);
  const myToken = await t.login(me);
  const sisterToken = await t.login(sister);
  const camera = await t.addDevice(myToken, '客厅 Living room');
  await t.bind(sisterToken, camera);
  await t.upload(camera, await room(200));
  const [first] = (await t.call('notice.get', { mode: 2 }, { token: sisterToken })).data.list;
  await t.call('notice.sign', { event_id: first.event_id }, { token: sisterToken });
  await t.upload(camera, await room(30));
  const now = Math.floor(Date.now() / 1000);
  const samples = Array.from({ length: 7 * 24 }, (_, i) => ({ type: 'heart_rate', value: Math.round(68 + 8 * Math.sin(i / 4) + (i % 5)), timestamp: now - i * 3600 }));
  await t.call('health.upload', { samples }, { token: myToken });

  for (const lang of ['zh', 'en'] as const) {
    for (const viewport of [{ width: 360, height: 740 }, { width: 1280, height: 800 }]) {
      const context = await browser.newContext({ viewport, locale: lang === 'zh' ? 'zh-CN' : 'en-US', timezoneId: 'Asia/Shanghai' });
      // one browser as far as the account knows (a new one would be asked for an SMS code: 441)
      await context.addInitScript(() => localStorage.setItem('helpaged.device', 'screenshots-browser'));
      const page = await context.newPage();
      const shot = (name: string) => page.screenshot({ path: path.join(out, `${name}-${viewport.width}-${lang}.png`) });
      await page.goto(`${t.url}/app/`);
      await page.locator('#phone').waitFor();
      await shot('signin');
      await page.locator('#phone').fill(me);
      await page.locator('#password').fill('secret123');
      await page.locator('button[type=submit]').click();
      await page.locator('article').nth(1).waitFor();
      await page.waitForFunction(() => [...document.images].every((i) => i.complete));
      await shot('alerts');
      await t.upload(camera, await room(120));
      await page.getByRole('alertdialog').waitFor();
      await page.waitForFunction(() => [...document.images].every((i) => i.complete));
      await shot('alarm');
      await page.getByRole('alertdialog').getByRole('button').click();
      await page.getByRole('alertdialog').waitFor({ state: 'detached' });
      await page.goto(`${t.url}/app/#/cameras`);
      await page.locator('li.camera').waitFor();
      await shot('cameras');
      await page.goto(`${t.url}/app/#/account`);
      await page.locator('#account-heading').waitFor();
      await shot('account');
      await page.goto(`${t.url}/app/#/alert/${first.event_id}`);
      await page.locator('ol.timeline li').first().waitFor();
      await page.waitForFunction(() => [...document.images].every((i) => i.complete));
      await shot('details');
      await page.goto(`${t.url}/app/#/health`);
      await page.locator('.chart canvas').waitFor();
      await shot('health');
      for (const panel of ['accounts', 'cameras', 'chain', 'reports', 'audit']) {
        await page.goto(`${t.url}/app/#/admin/${panel}`);
        await page.locator(`nav.subtabs a[href="#/admin/${panel}"][aria-current=page]`).waitFor();
        await page.waitForLoadState('networkidle');
        await shot(`admin-${panel}`);
      }
      await context.close();
    }
  }
  console.log(`screenshots in ${out}`);
} finally {
  await browser.close();
  await t.close();
}
