// Shared Chromium launcher for Kiln's browser scripts (Debian's Chromium,
// no downloads, no traffic off this machine).
import { chromium } from 'playwright-core';
import { mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Runs `run(page)` in a fresh headless Chromium; `options` go to the
 * browser context (e.g. `{ javaScriptEnabled: false }`). */
export async function withBrowser(run, options = {}) {
  const profile = mkdtempSync(join(tmpdir(), 'kiln-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    ...options,
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: [
      '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
    ],
  });
  // Signed in as the test's user: the session cookie the test made
  // (scripts/…mjs run by support::run_script), for every 127.0.0.1 port.
  if (process.env.KILN_SESSION) {
    await context.addCookies([
      { name: 'kiln_session', value: process.env.KILN_SESSION, domain: '127.0.0.1', path: '/', httpOnly: true, sameSite: 'Lax' },
    ]);
  }
  const page = context.pages()[0] ?? (await context.newPage());
  const problems = [];
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() !== 'error') return;
    // A refused server function (its message is shown in the page, and the
    // scripts check it) is logged by Chromium as a failed resource load.
    const url = m.location()?.url ?? '';
    if (m.text().startsWith('Failed to load resource') && url.includes('/rpc/')) return;
    problems.push(`console error: ${m.text()} ${url}`);
  });
  try {
    await run(page);
    if (problems.length) throw new Error(problems.join('\n'));
  } finally {
    await context.close();
    rmSync(profile, { recursive: true, force: true });
  }
}

/** Waits until the page has hydrated (the app marks <main data-hydrated="true">). */
export async function waitHydrated(page) {
  await page.waitForSelector('main[data-hydrated="true"]', { timeout: 30000 });
}

export async function screenshot(page, name) {
  const dir = new URL('../screenshots/', import.meta.url).pathname;
  mkdirSync(dir, { recursive: true });
  await page.screenshot({ path: join(dir, `${name}.png`), fullPage: true });
}

/** Throws `message` unless `ok`. */
export function expect(ok, message) {
  if (!ok) throw new Error(message);
}

/** Milliseconds from the start of navigation until the page marked itself hydrated. */
export async function timeToInteractive(page) {
  await waitHydrated(page);
  return page.evaluate(() => {
    const nav = performance.getEntriesByType('navigation')[0];
    const marked = performance.getEntriesByName('kiln-hydrated')[0];
    return Math.round((marked ? marked.startTime : performance.now()) - (nav ? nav.startTime : 0));
  });
}

/** `fetch` of Kiln's JSON API as the test's admin (their API key from
 * `KILN_API_KEY`, which support::run_script sets). */
export function api(url, init = {}) {
  const headers = new Headers(init.headers || {});
  if (process.env.KILN_API_KEY) headers.set('authorization', `Bearer ${process.env.KILN_API_KEY}`);
  return fetch(url, { ...init, headers });
}
