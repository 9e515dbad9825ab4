// The admin's pages: create a user with a password on the Users page, give
// them Read on every build on the Permissions page, make a group, make an
// API key on the keys page (shown once) and print it for the test to try.
// Usage: node scripts/admin_pages.mjs BASE_URL NEW_USER NEW_PASSWORD
import { withBrowser, waitHydrated, screenshot, expect } from './browser.mjs';

const [base, newUser, newPassword] = process.argv.slice(2);
if (!base || !newUser || !newPassword) {
  console.error('usage: admin_pages.mjs BASE_URL NEW_USER NEW_PASSWORD');
  process.exit(2);
}

await withBrowser(async (page) => {
  await page.goto(`${base}/`);
  await waitHydrated(page);
  await page.locator('#admin-links').waitFor();

  // Users: create one; the admin cannot disable themselves.
  await page.click('#admin-links a:has-text("Users")');
  await page.locator('#users').waitFor({ timeout: 15000 });
  await waitHydrated(page);
  expect(await page.locator('tr[data-user="admin"] button:has-text("Disable")').isDisabled(),
    'the admin may disable themselves');
  await page.fill('#user-name', newUser);
  await page.fill('#user-password', newPassword);
  await page.click('#create-user');
  await page.locator(`tr[data-user="${newUser}"]`).waitFor({ timeout: 15000 });
  await screenshot(page, 'admin-users');

  // Groups: a group with the new user.
  await page.click('#admin-links a:has-text("Groups")');
  await page.locator('#new-group-name').waitFor({ timeout: 15000 });
  await waitHydrated(page);
  await page.fill('#new-group-name', 'viewers');
  await page.check(`#new-group-form input[data-member="${newUser}"]`);
  await page.click('#new-group-form button[type="submit"]');
  await page.locator('li[data-group="viewers"]').waitFor({ timeout: 15000 });
  expect(await page.locator(`li[data-group="viewers"] input[data-member="${newUser}"]`).isChecked(),
    'the group lost its member');
  await screenshot(page, 'admin-groups');

  // Permissions: the group may read every build.
  await page.click('#admin-links a:has-text("Permissions")');
  await page.locator('#grant-form').waitFor({ timeout: 15000 });
  await waitHydrated(page);
  await page.selectOption('#grant-subject', 'group:viewers');
  await page.selectOption('#grant-kind', 'build');
  await page.selectOption('#grant-level', 'Read');
  await page.click('#grant-submit');
  await page.locator('#grants tr[data-grant="group viewers: Read on every build"]').waitFor({ timeout: 15000 });
  await screenshot(page, 'admin-permissions');

  // The build page's Permissions tab shows the kind-wide grant; grant one more.
  await page.goto(`${base}/builds/web/permissions`);
  await waitHydrated(page);
  await page.locator('#grants tr[data-grant="group viewers: Read on every build"]').waitFor({ timeout: 15000 });
  await page.selectOption('#grant-subject', `user:${newUser}`);
  await page.selectOption('#grant-level', 'Execute');
  await page.click('#grant-submit');
  await page.locator(`#grants tr[data-grant="user ${newUser}: Execute on build web"]`).waitFor({ timeout: 15000 });
  await screenshot(page, 'build-permissions');

  // An API key, shown once.
  await page.click('header.topbar a:has-text("API keys")');
  await page.locator('#new-key-form').waitFor({ timeout: 15000 });
  await waitHydrated(page);
  await page.fill('#key-name', 'from-the-browser');
  await page.selectOption('#key-cap', 'Read');
  await page.click('#create-key');
  await page.locator('#new-key-value').waitFor({ timeout: 15000 });
  const key = await page.locator('#new-key-value').inputValue();
  expect(key.startsWith('kiln_'), `not a key: ${key}`);
  await page.locator('#api-keys tr[data-key="from-the-browser"]').waitFor({ timeout: 15000 });
  const row = await page.locator('#api-keys tr[data-key="from-the-browser"]').innerText();
  expect(row.includes('Read') && !row.includes(key), `the listing: ${row}`);
  await screenshot(page, 'api-keys');
  console.log(`KEY=${key}`);
});
