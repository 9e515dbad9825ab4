// Creates a build through the builds page, then checks it is listed after a reload.
// Usage: node scripts/create_build.mjs BASE_URL BUILD_NAME
import { withBrowser, waitHydrated, screenshot } from './browser.mjs';

const [base, name] = process.argv.slice(2);
if (!base || !name) {
  console.error('usage: create_build.mjs BASE_URL BUILD_NAME');
  process.exit(2);
}

await withBrowser(async (page) => {
  await page.goto(base + '/');
  await waitHydrated(page);
  await page.fill('#new-build-name', name);
  await page.fill('#new-build-description', 'made by the browser test');
  await page.fill('#new-build-dockerfile', 'FROM scratch\nCOPY . /\n');
  await page.click('button[type="submit"]:has-text("Create build")');
  const link = page.locator('a.build-link', { hasText: name });
  await link.waitFor({ timeout: 15000 });
  await screenshot(page, 'builds');

  await page.reload();
  await waitHydrated(page);
  await page.locator('a.build-link', { hasText: name }).waitFor({ timeout: 15000 });

  await page.locator('a.build-link', { hasText: name }).click();
  await page.waitForSelector('h1:has-text("' + name + '")', { timeout: 15000 });
  const path = await page.inputValue('#cfg-dockerfile-path');
  if (path !== 'Dockerfile') throw new Error(`build page shows dockerfile_path '${path}'`);
  await screenshot(page, 'build');

  await page.goto(base + '/builders');
  await page.waitForSelector('table.builders td.health');
  await screenshot(page, 'builders');
  console.log(`created and found build ${name}`);
});
