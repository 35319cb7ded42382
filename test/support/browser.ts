import fs from 'node:fs';
import axe from 'axe-core';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

/** Debian's Chromium (`apt-get install chromium`); playwright-core drives it and never downloads a browser. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Why the browser tests cannot run here, or null when they can. */
export function browserMissing(): string | null {
  return fs.existsSync(CHROMIUM) ? null : `${CHROMIUM} not found (apt-get install chromium)`;
}

/** Headless, with nothing that reaches beyond this machine (the probe's flags: the network here is closed). */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage', '--autoplay-policy=no-user-gesture-required'],
  });
}

interface Violation { id: string; impact: string | null; help: string; nodes: { target: string[] }[] }

/** axe's run on the page as it is now: the serious and critical violations, as one readable line each. */
export async function audit(page: Page, where: string): Promise<string[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(axe.source);
  const violations = await page.evaluate(async () => {
    const run = (window as unknown as { axe: { run: (ctx: Document, o: object) => Promise<{ violations: Violation[] }> } }).axe.run;
    const result = await run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } }) as { violations: Violation[]; passes: unknown[] };
    return result.passes.length > 0 ? result.violations : [{ id: 'nothing-checked', impact: 'critical', help: 'axe checked no rule', nodes: [] }];
  });
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${where}: ${v.id} (${v.impact}) ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

/** The words of the sign-in page, in the page's language. */
export const SIGN_IN = {
  'en-US': { phone: 'Phone number', password: 'Password', signIn: 'Sign in', live: 'Live' },
  'zh-CN': { phone: '手机号', password: '密码', signIn: '登录', live: '实时' },
} as const;

/**
 * A new browser context in `locale` signed in as `phone` (password secret123) through the page, as a
 * person signs in, at `screen` (a hash route; the alerts list, live, when empty).
 */
export async function signedIn(browser: Browser, url: string, o: { locale: keyof typeof SIGN_IN; phone: string; viewport: { width: number; height: number }; screen?: string; device?: string }): Promise<{ context: BrowserContext; page: Page }> {
  const w = SIGN_IN[o.locale];
  const context = await browser.newContext({ locale: o.locale, viewport: o.viewport });
  const device = o.device ?? 'test-browser';
  await context.addInitScript((d) => localStorage.setItem('helpaged.device', d), device);
  const page = await context.newPage();
  await page.goto(`${url}/app/${o.screen ?? ''}`);
  await page.getByLabel(w.phone).fill(o.phone);
  await page.getByLabel(w.password).fill('secret123');
  await page.getByRole('button', { name: w.signIn, exact: true }).click();
  if (!o.screen) await page.getByRole('status').filter({ hasText: w.live }).first().waitFor();
  return { context, page };
}
