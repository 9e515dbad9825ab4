// A new user's first build, as the README's run command leaves Kiln: create a
// build through the form on the Builds page (a Dockerfile with a RUN step, no
// builder or network settings), run it from its page, see it succeed with the
// RUN step's output in the live log; the Builders page says how the Local
// builder's engine is set up.
// First, the new Kiln's one-time setup link makes the first admin.
// Usage: node scripts/first_build.mjs BASE_URL BUILD_NAME NONCE SETUP_LINK USER PASSWORD
import { withBrowser, waitHydrated, screenshot, expect } from './browser.mjs';

const [base, name, nonce, setupLink, user, password] = process.argv.slice(2);
if (!base || !name || !nonce || !setupLink || !user || !password) {
  console.error('usage: first_build.mjs BASE_URL BUILD_NAME NONCE SETUP_LINK USER PASSWORD');
  process.exit(2);
}

await withBrowser(async (page) => {
  // Signed out, every page leads to the login page.
  await page.goto(base + '/');
  await page.waitForURL(/\/login/, { timeout: 15000 });
  await page.goto(setupLink);
  await page.fill('#setup-username', user);
  await page.fill('#setup-password', password);
  await page.fill('#setup-password2', password);
  await page.click('#setup-submit');
  await page.waitForURL((url) => url.pathname === '/', { timeout: 15000 });
  await waitHydrated(page);
  const signedIn = await page.locator('#signed-in-user').innerText();
  expect(signedIn === user, `after setup the page shows user ${signedIn}`);
  // The link works once.
  await page.goto(setupLink);
  await page.fill('#setup-username', 'second');
  await page.fill('#setup-password', password);
  await page.fill('#setup-password2', password);
  await page.click('#setup-submit');
  await page.waitForSelector('#setup-error', { timeout: 15000 });
  await page.goto(base + '/');
  await waitHydrated(page);
  await page.fill('#new-build-name', name);
  await page.fill(
    '#new-build-dockerfile',
    `FROM kiln-test/base:1\nRUN echo hello-from-${nonce} && echo done > /done.txt\n`,
  );
  await page.click('button[type="submit"]:has-text("Create build")');
  const link = page.locator('a.build-link', { hasText: name });
  await link.waitFor({ timeout: 15000 });
  await link.click();
  await page.waitForSelector('h1:has-text("' + name + '")', { timeout: 15000 });
  await waitHydrated(page);

  await page.click('#run-build');
  await page.waitForURL(/\/runs\/\d+$/, { timeout: 15000 });
  await waitHydrated(page);
  await page.waitForSelector('#run-status[data-status="success"], #run-status[data-status="failed"]', {
    timeout: 180000,
  });
  const status = await page.getAttribute('#run-status', 'data-status');
  const log = await page.locator('#run-log').innerText();
  expect(status === 'success', `the first build ended ${status}; log:\n${log}`);
  expect(log.includes(`hello-from-${nonce}`), `the RUN step's output is not in the log:\n${log}`);
  expect(log.includes('no bridge network'), `the log does not say which network RUN steps got:\n${log}`);
  await screenshot(page, 'first-run');

  await page.goto(base + '/builders');
  await waitHydrated(page);
  const local = await page.locator('table.builders tr', { hasText: 'local' }).first().innerText();
  expect(local.includes('--network none'), `the Builders page does not explain the network: ${local}`);
  console.log(`first build ${name} succeeded; Local builder: ${local.replace(/\s+/g, ' ')}`);
});
