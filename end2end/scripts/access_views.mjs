// One user signs in through the login page and sees only what they may see
// and do. `writer` has Write on build `web`; `reader` has Read on `web`;
// neither has anything on `api` or is an admin.
// Usage: node scripts/access_views.mjs BASE_URL USER PASSWORD writer|reader
import { withBrowser, waitHydrated, screenshot, expect } from './browser.mjs';

const [base, user, password, role] = process.argv.slice(2);
if (!base || !user || !password || !['writer', 'reader'].includes(role)) {
  console.error('usage: access_views.mjs BASE_URL USER PASSWORD writer|reader');
  process.exit(2);
}
const writer = role === 'writer';

await withBrowser(async (page) => {
  // Signed out, every page leads to the login page; signing in comes back.
  await page.goto(`${base}/builds/web`);
  await page.waitForURL(/\/login/, { timeout: 15000 });
  await page.fill('#login-username', user);
  await page.fill('#login-password', password);
  await page.click('#login-submit');
  await page.waitForURL(`${base}/builds/web`, { timeout: 15000 });
  await waitHydrated(page);
  expect((await page.locator('#signed-in-user').innerText()) === user, 'the menu names someone else');
  expect(await page.locator('#admin-links').count() === 0, `${user} sees the admin links`);

  // The build page: Run, the editable form, Save and Rename only with the level.
  const run = await page.locator('#run-build').count();
  const readOnly = (await page.locator('#savebar').innerText()).includes('Read-only');
  const disabled = await page.locator('fieldset.config-fields').evaluate((f) => f.disabled);
  const rename = await page.locator('#rename-copy').count();
  const permissionsTab = await page.locator('nav.tabs a:has-text("Permissions")').count();
  expect(permissionsTab === 0, `${user} sees the Permissions tab`);
  if (writer) {
    expect(run === 1, 'the writer has no Run button');
    expect(!readOnly && !disabled, 'the writer sees a read-only form');
    expect(rename === 1, 'the writer cannot rename');
    expect(await page.locator('#copy-build').count() === 0, 'Copy shown without Write on every build');
    await page.fill('#cfg-image-tag', 'from-writer');
    await page.click('#save-build');
    await page.locator('#savebar').getByText('Saved.').waitFor({ timeout: 15000 });
  } else {
    expect(run === 0, 'the reader has a Run button');
    expect(readOnly && disabled, 'the reader may edit the form');
    expect(await page.locator('#save-build').isDisabled(), 'the reader may press Save');
    expect(rename === 0, 'the reader sees Rename or copy');
    const sentence = await page.locator('#savebar').innerText();
    expect(sentence.includes('Read permission'), sentence);
  }
  await screenshot(page, `access-build-${role}`);

  // The builds list: web only, with Run and Delete only with the level.
  await page.click('header.topbar a:has-text("Builds")');
  await page.locator('table.builds').waitFor({ timeout: 15000 });
  const names = await page.locator('table.builds a.build-link').allInnerTexts();
  expect(names.length === 1 && names[0] === 'web', `${user} sees builds ${names}`);
  const runs = await page.locator('table.builds button.run-button').count();
  const deletes = await page.locator('table.builds button.danger').count();
  expect(runs === (writer ? 1 : 0), `${user} sees ${runs} Run buttons`);
  expect(deletes === (writer ? 1 : 0), `${user} sees ${deletes} Delete buttons`);
  expect(await page.locator('#new-build-link, #new-build').count() === 0, `${user} may create builds`);
  await screenshot(page, `access-builds-${role}`);

  // The Variables page: no New variable without Write on every variable.
  await page.goto(`${base}/variables`);
  await waitHydrated(page);
  expect(await page.locator('#new-variable').count() === 0, `${user} may create variables`);

  // Admin pages answer with the server's refusal.
  await page.goto(`${base}/admin/users`);
  await waitHydrated(page);
  await page.getByText('only an admin may list users').waitFor({ timeout: 15000 });
  expect(await page.locator('#users').count() === 0, `${user} sees the users`);

  // Their own API keys page works.
  await page.goto(`${base}/keys`);
  await waitHydrated(page);
  await page.locator('#new-key-form').waitFor();
});
console.log(`${user} (${role}) sees their own view`);
