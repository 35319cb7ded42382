/**
 * The operator's Admin area in a real browser (Debian's Chromium through playwright-core), found by role
 * and name: accounts (search, grant, sign out everywhere, delete), cameras, the alert chain, reports with
 * their CSV and JSON, the audit trail, upgrade packages; a family member's own activity and data export;
 * axe on every admin panel in both languages; no Admin link for non-admins.
 */
import fs from 'node:fs';
import path from 'node:path';
import axe from 'axe-core';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { Browser, Page } from 'playwright-core';
import { fails, jpeg, newPhone, startTestServer, type TestServer } from '../helpers.js';
import { browserMissing, launchBrowser } from '../support/browser.js';
import { WEB_DIST } from '../../src/paths.js';

const missing = browserMissing() ?? (fs.existsSync(path.join(WEB_DIST, 'index.html')) ? null : `${WEB_DIST}/index.html not built (npm run build:web)`);
const SHOTS = process.env.CONSOLE_SCREENSHOTS;
const test = suite('the Admin area: every panel driven as an operator would, axe in both languages, nothing for non-admins');

let t: TestServer;
let browser: Browser;
let adminPhone: string;
let familyPhone: string;
let camera: string;

/** A browser of its own, known to the accounts as one terminal (a new one would be sent to login.sms first). */
async function open(locale: string, viewport: { width: number; height: number }) {
  const context = await browser.newContext({ locale, viewport });
  await context.addInitScript(() => localStorage.setItem('helpaged.device', 'admin-test-browser'));
  return context;
}

async function signIn(page: Page, phone: string): Promise<void> {
  await page.goto(`${t.url}/app/`);
  await page.getByLabel('Phone number').fill(phone);
  await page.getByLabel('Password').fill('secret123');
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await page.getByRole('heading', { name: 'Alerts' }).waitFor();
}

interface Violation { id: string; impact: string | null; help: string; nodes: { target: string[] }[] }

async function axeProblems(page: Page, where: string): Promise<string[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(axe.source);
  const violations = await page.evaluate(async () => {
    const run = (window as unknown as { axe: { run: (ctx: Document, o: object) => Promise<{ violations: Violation[]; passes: unknown[] }> } }).axe.run;
    const result = await run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } });
    return result.passes.length > 0 ? result.violations : [{ id: 'nothing-checked', impact: 'critical', help: 'axe checked no rule', nodes: [] }];
  });
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${where}: ${v.id} (${v.impact}) ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

test.before(async () => {
  if (missing) return;
  t = await startTestServer({ ALERT_SMS_COOLDOWN_SECONDS: '0' });
  browser = await launchBrowser();
  adminPhone = newPhone();
  await t.signUp(adminPhone);
  await t.makeAdmin(adminPhone);
  familyPhone = newPhone();
  const family = await t.signUp(familyPhone);
  await t.call('info.update', { phone: familyPhone, nickname: 'Grandma Li' }, { token: family });
  camera = await t.addDevice(family, 'Living room 客厅');
  await t.call('device.alerts', { device_id: camera, repeat_seconds: 0, call_seconds: 0 }, { token: family });
  for (let i = 0; i < 3; i++) await t.upload(camera, await jpeg(15));
  // the SMS go out after the camera's answer: wait for all three, which the alert chain panel counts
  const sms = async () => Number((await t.sql.get<{ n: number }>("select count(*) n from notice_events where kind = 'sms'")).n);
  for (let i = 0; i < 300 && await sms() < 3; i++) await new Promise((r) => setTimeout(r, 10));
  const list = (await t.call('notice.get', { mode: 2 }, { token: family })).data.list as { event_id: string }[];
  t.clock.advance(90);
  await t.call('notice.verdict', { event_id: list[0]!.event_id, verdict: 'false_alarm' }, { token: family });
  await t.call('notice.verdict', { event_id: list[1]!.event_id, verdict: 'fall' }, { token: family });
});

test.after(async () => {
  if (missing) return;
  await browser?.close();
  await t?.close();
});

if (missing) {
  console.log(`console/admin.test.ts: the browser tests were skipped: ${missing}`);
} else {
  test('a family member has no Admin link, and the Admin address shows them nothing of it', async () => {
    const context = await open('en-US', { width: 360, height: 740 });
    const page = await context.newPage();
    const asked: string[] = [];
    page.on('request', (r) => asked.push(r.url()));
    await signIn(page, familyPhone);
    const nav = page.getByRole('navigation', { name: 'Main' });
    await nav.getByRole('link', { name: 'Account' }).waitFor();
    assert.is(await nav.getByRole('link', { name: 'Admin' }).count(), 0);
    await page.goto(`${t.url}/app/#/admin/accounts`);
    await page.getByText('This part is for the service’s operators.').waitFor();
    assert.is(await page.getByRole('heading', { name: /^Admin/ }).count(), 0);
    assert.ok(!asked.some((u) => u.includes('/admin/user')), 'no admin call was even tried');
    assert.ok(!asked.some((u) => /Admin-.*\.js/.test(u)), 'the Admin code was not loaded');
    await context.close();
  });

  test('accounts: search by nickname, make admin, sign out everywhere, delete after confirming', async () => {
    const target = newPhone();
    const token = await t.signUp(target);
    await t.call('info.update', { phone: target, nickname: 'Uncle Wang' }, { token });
    const context = await open('en-US', { width: 360, height: 740 });
    const page = await context.newPage();
    await signIn(page, adminPhone);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Admin' }).click();
    await page.getByRole('heading', { name: 'Admin: Accounts' }).waitFor();
    await page.getByRole('searchbox', { name: 'Phone or nickname' }).fill('wang');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.getByText('1 found').waitFor();
    const card = page.getByRole('listitem').filter({ has: page.getByRole('heading', { name: `${target} · Uncle Wang` }) });
    await card.getByRole('button', { name: 'Make admin' }).click();
    await card.getByRole('button', { name: 'Remove admin' }).waitFor();
    assert.is((await t.sql.get<{ role: string }>('select role from users where phone = ?', target)).role, 'admin');
    await card.getByRole('button', { name: 'Sign out everywhere' }).click();
    // "Done." is still there from Make admin: the card's own count says the sign-out went through
    await card.getByText(/Sessions: 0$/).waitFor();
    fails(await t.call('session.list', {}, { token }), 'TOKEN_INVALID');
    await card.getByRole('button', { name: 'Delete account' }).click();
    const confirm = page.getByRole('alertdialog', { name: new RegExp(`Delete ${target} for good`) });
    await confirm.getByRole('button', { name: 'Yes, do it' }).click();
    await page.getByText('0 found').waitFor();
    assert.is(await t.sql.get('select id from users where phone = ?', target), undefined);
    if (SHOTS) await page.screenshot({ path: path.join(SHOTS, 'admin-accounts-en-360.png'), fullPage: true });
    await context.close();
  });

  test('cameras, the alert chain, reports (with CSV and JSON), the audit trail and upgrade packages', async () => {
    const context = await open('en-US', { width: 1280, height: 900 });
    const page = await context.newPage();
    await signIn(page, adminPhone);
    await page.goto(`${t.url}/app/#/admin/cameras`);
    const card = page.getByRole('listitem', { name: 'Living room 客厅' });
    await card.waitFor();
    const facts = await card.getByRole('term').allInnerTexts();
    const values = await card.getByRole('definition').allInnerTexts();
    assert.equal(Object.fromEntries(facts.map((f, i) => [f, values[i]])), {
      'Falls (30 days)': '3', 'False alarms': '50% (1/2)', 'Median time to acknowledge': '90 s', Families: '1', Model: '—',
    });
    await card.getByText('No heartbeat yet').waitFor();

    await page.getByRole('link', { name: 'Alert chain' }).click();
    await page.getByRole('heading', { name: 'Admin: Alert chain' }).waitFor();
    const sms = page.getByRole('region', { name: 'Sent in the last 24 hours' }).getByRole('row').filter({ has: page.getByRole('rowheader', { name: 'SMS to the family' }) });
    // allInnerTexts does not wait: the row is there once the panel's one call has answered
    await sms.waitFor();
    assert.equal(await sms.getByRole('cell').allInnerTexts(), ['outbox', '3', '3', '3', '0']);
    await page.getByRole('heading', { name: 'Falls nobody acknowledged (24 hours): 1' }).waitFor();

    await page.getByRole('link', { name: 'Reports' }).click();
    await page.getByText('Falls: 3. Real: 1. Not a fall: 1. Not judged: 1.').waitFor();
    await page.getByText('False-alarm rate: 50%').waitFor();
    await page.getByRole('img', { name: 'Falls per day' }).locator('canvas').waitFor();
    const [csv] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download CSV' }).click()]);
    const text = fs.readFileSync((await csv.path())!, 'utf8');
    assert.match(text, /^group,key,name,falls,real,false_alarms,unjudged,false_alarm_rate,acknowledged,ack_p50_seconds,ack_p90_seconds\n/);
    assert.match(text, /\ntotal,,,3,1,1,1,0\.5,2,90,90\n/);
    assert.ok(text.includes(`camera,${camera},Living room 客厅,3,1,1,1,0.5,2,90,90`));
    const [json] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download JSON' }).click()]);
    const report = JSON.parse(fs.readFileSync((await json.path())!, 'utf8'));
    assert.equal(report.total, { falls: 3, real: 1, false_alarms: 1, unjudged: 1, false_alarm_rate: 0.5, acknowledged: 2, ack_p50_seconds: 90, ack_p90_seconds: 90 });
    if (SHOTS) await page.screenshot({ path: path.join(SHOTS, 'admin-reports-en-1280.png'), fullPage: true });

    await page.getByRole('link', { name: 'Audit trail' }).click();
    await page.getByLabel('Account (phone)').fill(familyPhone);
    await page.getByLabel('What').selectOption({ label: 'Fall judged' });
    await page.getByRole('button', { name: 'Search' }).click();
    await page.getByText('2 found').waitFor();
    const entries = page.getByRole('region', { name: 'Audit trail' }).getByRole('rowheader');
    assert.equal(await entries.allInnerTexts(), ['Fall judged', 'Fall judged']);

    await page.getByRole('link', { name: 'Upgrade packages' }).click();
    await page.getByText('No packages yet.').waitFor();
    await page.getByLabel('Package file').setInputFiles({ name: 'cam-2.0.bin', mimeType: 'application/octet-stream', buffer: Buffer.from('firmware 2.0') });
    await page.getByLabel('Version').fill('2.0.0');
    await page.getByLabel('Platform (empty: all)').fill('cam');
    await page.getByRole('button', { name: 'Upload' }).click();
    const pkg = page.getByRole('row').filter({ has: page.getByRole('rowheader', { name: '2.0.0' }) });
    await pkg.waitFor();
    assert.is((await t.call('upgrade.check', { platform: 'cam', version: '1.0' }, { token: await t.login(adminPhone) })).data.version, '2.0.0');
    await pkg.getByRole('button', { name: 'Delete 2.0.0' }).click();
    await page.getByText('No packages yet.').waitFor();
    await context.close();
  });

  test('a family member sees their own activity under Account and downloads their data once', async () => {
    const context = await open('en-US', { width: 360, height: 740 });
    const page = await context.newPage();
    await signIn(page, familyPhone);
    await page.goto(`${t.url}/app/#/account`);
    const activity = page.getByRole('region', { name: 'Recent activity on your account' });
    await activity.getByRole('rowheader', { name: 'Fall judged' }).first().waitFor();
    assert.ok((await activity.getByRole('rowheader').allInnerTexts()).includes('Camera added'));
    await page.getByRole('button', { name: 'Prepare my data' }).click();
    const link = page.getByRole('link', { name: 'Download my data (ZIP)' });
    await link.waitFor();
    const [zip] = await Promise.all([page.waitForEvent('download'), link.click()]);
    const bytes = fs.readFileSync((await zip.path())!);
    assert.is(bytes.subarray(0, 2).toString(), 'PK');
    await page.getByText('Downloaded. Prepare a new one if you need it again.').waitFor();
    await context.close();
  });

  const panels = ['accounts', 'cameras', 'chain', 'reports', 'audit', 'packages'];
  for (const locale of ['zh-CN', 'en-US']) {
    test(`every admin panel in ${locale}: no serious or critical axe violation; at 360 px nothing scrolls sideways and every control is 44 px or taller`, async () => {
      const context = await open(locale, { width: 360, height: 740 });
      const page = await context.newPage();
      await page.goto(`${t.url}/app/`);
      await page.locator('#phone').fill(adminPhone);
      await page.locator('#password').fill('secret123');
      await page.locator('button[type=submit]').click();
      await page.locator('main section h1').waitFor();
      const found: string[] = [];
      for (const panel of panels) {
        await page.goto(`${t.url}/app/#/admin/${panel}`);
        await page.locator(`nav.subtabs a[href="#/admin/${panel}"][aria-current=page]`).waitFor();
        await page.waitForLoadState('networkidle');
        found.push(...await axeProblems(page, panel));
        found.push(...(await page.evaluate(() => {
          const out: string[] = [];
          if (document.documentElement.scrollWidth > window.innerWidth + 1) out.push(`scrolls sideways: ${document.documentElement.scrollWidth}`);
          for (const el of document.querySelectorAll('button, input:not([type=hidden]), select, .subtabs a')) {
            const box = el.getBoundingClientRect();
            if (box.width > 0 && box.height < 44) out.push(`${el.tagName.toLowerCase()} "${(el.textContent || el.id).trim().slice(0, 30)}" is ${Math.round(box.height)} px tall`);
          }
          return out;
        })).map((p) => `${panel}: ${p}`));
        if (SHOTS) await page.screenshot({ path: path.join(SHOTS, `admin-${panel}-${locale.slice(0, 2)}-360.png`), fullPage: true });
      }
      await context.close();
      assert.equal(found, []);
    });
  }
}

test.run();
