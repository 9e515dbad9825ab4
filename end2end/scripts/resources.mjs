// Variables (secret values write-only), accounts, builders and the Sync page
// (paste TOML, dry-run diff, apply, export).
// Usage: node scripts/resources.mjs BASE_URL
import { withBrowser, waitHydrated, screenshot, expect, api } from './browser.mjs';

const [base] = process.argv.slice(2);
if (!base) {
  console.error('usage: resources.mjs BASE_URL');
  process.exit(2);
}

const SYNC = `
[[variable]]
name = "REGION"
value = "eu-west-1"

[[build]]
name = "synced-app"
description = "from the sync page"
[build.config]
version = "1.2.0"
image_tag = "edge"
dockerfile = """
FROM scratch
"""
`;

await withBrowser(async (page) => {
  // Variables: a plain one and a secret one; the secret never comes back.
  await page.goto(base + '/variables');
  await waitHydrated(page);
  await page.fill('#var-name', 'APP_ENV');
  await page.fill('#var-value', 'staging');
  await page.click('#new-variable button[type="submit"]');
  await page.locator('#variables li[data-name="APP_ENV"]').waitFor();
  await page.fill('#var-name', 'DEPLOY_TOKEN');
  await page.check('#var-secret');
  await page.fill('#var-value', 'tok-very-secret-991');
  await page.click('#new-variable button[type="submit"]');
  await page.locator('#variables li[data-name="DEPLOY_TOKEN"]').waitFor();
  await page.reload();
  await waitHydrated(page);
  const html = await page.content();
  expect(html.includes('staging'), 'plain variable value not shown');
  expect(!html.includes('tok-very-secret-991'), 'secret variable value reached the browser');
  // Edit the plain one's description, keep the secret's value.
  await page.fill('#var-DEPLOY_TOKEN-description', 'used by deploys');
  await page.click('#variables li[data-name="DEPLOY_TOKEN"] button[type="submit"]');
  await page.getByText('Variable DEPLOY_TOKEN saved.').waitFor();
  await screenshot(page, 'variables');

  // Accounts: git and registry, tokens write-only.
  await page.goto(base + '/accounts');
  await waitHydrated(page);
  await page.fill('#new-git-domain', 'github.com');
  await page.fill('#new-git-username', 'alice');
  await page.fill('#new-git-token', 'ghp-secret-token-77');
  await page.click('#new-git-form button[type="submit"]');
  await page.locator('#git-accounts td', { hasText: 'alice' }).waitFor();
  await page.fill('#new-registry-domain', 'ghcr.io');
  await page.fill('#new-registry-username', 'acme-bot');
  await page.fill('#new-registry-token', 'reg-secret-token-88');
  await page.click('#new-registry-form button[type="submit"]');
  await page.locator('#registry-accounts td', { hasText: 'acme-bot' }).waitFor();
  await page.reload();
  await waitHydrated(page);
  const accounts = await page.content();
  expect(!accounts.includes('ghp-secret-token-77') && !accounts.includes('reg-secret-token-88'), 'a token reached the browser');
  // Replacing a token is a patch at the row's revision.
  await page.fill('input[aria-label="New token for alice on github.com"]', 'ghp-secret-token-78');
  await page.click('#git-accounts .token-form button[type="submit"]');
  await page.getByText('Token of alice on github.com replaced.').waitFor({ timeout: 15000 });
  expect(!(await page.content()).includes('ghp-secret-token-78'), 'the new token reached the page');
  await screenshot(page, 'accounts');

  // Sync: paste, dry run (nothing written), apply, export.
  await page.goto(base + '/sync');
  await waitHydrated(page);
  await page.fill('#sync-text', SYNC);
  await page.click('#sync-dry-run');
  await page.locator('#sync-result').getByText("create build 'synced-app'").waitFor({ timeout: 10000 });
  expect((await page.locator('#sync-result').innerText()).includes('Dry run'), await page.locator('#sync-result').innerText());
  const before = await api(base + '/api/v1/builds/synced-app');
  expect(before.status === 404, `dry run wrote the build (${before.status})`);
  await screenshot(page, 'sync-dry-run');
  await page.click('#sync-apply');
  await page.locator('#sync-result').getByText('Applied').waitFor({ timeout: 10000 });
  await page.locator('#sync-export').getByText('name = "synced-app"').waitFor({ timeout: 10000 });
  const after = await api(base + '/api/v1/builds/synced-app');
  expect(after.status === 200, `apply did not write the build (${after.status})`);
  await page.click('#sync-apply');
  await page.locator('#sync-result').getByText('No changes').waitFor({ timeout: 10000 });
  await page.fill('#sync-text', '[[build]]\nname = "broken"\n[build.config]\nimage_tag = "no spaces allowed"\n');
  await page.click('#sync-dry-run');
  await page.locator('#sync-page-error, p.error').first().waitFor({ timeout: 10000 });
  await screenshot(page, 'sync');

  await page.goto(base + '/builders');
  await waitHydrated(page);
  await page.waitForSelector('table.builders td.health');
  await screenshot(page, 'builders');
  console.log('variables, accounts, sync and builders checked');
});
