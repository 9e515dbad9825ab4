// The build page's Rename and Copy: a taken name is refused with a
// sentence; a rename goes to the renamed build's page, which still lists
// its run and its history; a copy goes to a new build with neither. Then
// lowering the version: refused, and saved only by the explicit button.
// Usage: node scripts/rename_copy.mjs BASE_URL BUILD TAKEN_NAME
import { withBrowser, waitHydrated, screenshot, expect, api } from './browser.mjs';

const [base, name, taken] = process.argv.slice(2);
if (!base || !name || !taken) {
  console.error('usage: rename_copy.mjs BASE_URL BUILD TAKEN_NAME');
  process.exit(2);
}
const renamed = `${name}-renamed`;
const copied = `${name}-copy`;

await withBrowser(async (page) => {
  await page.goto(`${base}/builds/${encodeURIComponent(name)}`);
  await waitHydrated(page);
  const to = async (newName) => {
    const open = await page.locator('#rename-copy').evaluate((d) => d.open);
    if (!open) await page.click('#rename-copy summary');
    await page.fill('#new-build-name', newName);
  };

  // A taken name: the sentence, and the page stays.
  await to(taken);
  await page.click('#rename-build');
  const error = page.locator('#rename-error');
  await error.waitFor({ timeout: 15000 });
  const refusal = await error.innerText();
  expect(refusal.includes(`build '${taken}' already exists`), refusal);
  await screenshot(page, 'rename-refused');

  // Rename: the renamed build's page, with its run and its history.
  await page.fill('#new-build-name', renamed);
  await page.click('#rename-build');
  await page.waitForURL(`${base}/builds/${renamed}`, { timeout: 15000 });
  await page.locator('h1', { hasText: renamed }).waitFor({ timeout: 15000 });
  await page.click('nav.tabs a:has-text("Runs")');
  await page.locator('#runs-table tbody tr').first().waitFor({ timeout: 15000 });
  await page.click('nav.tabs a:has-text("History")');
  const history = page.locator('#history-list');
  await history.waitFor({ timeout: 15000 });
  const entries = await history.locator('li.history-entry').count();
  const text = await history.innerText();
  expect(text.includes('rename') && text.includes('via ui'), text);
  expect(entries >= 2, `the renamed build lost its history: ${text}`);

  // Copy: a new build without runs, its history only its creation.
  await page.click('nav.tabs a:has-text("Config")');
  await to(copied);
  await page.click('#copy-build');
  await page.waitForURL(`${base}/builds/${copied}`, { timeout: 15000 });
  await page.locator('h1', { hasText: copied }).waitFor({ timeout: 15000 });
  await page.click('nav.tabs a:has-text("Runs")');
  await page.getByText('No runs yet.').waitFor({ timeout: 15000 });
  await page.click('nav.tabs a:has-text("History")');
  await page.locator('#history-list').waitFor({ timeout: 15000 });
  const copyEntries = await page.locator('#history-list li.history-entry').count();
  expect(copyEntries === 1, `the copy has ${copyEntries} history entries`);

  // Lowering the version: refused; only the explicit button saves it.
  await page.click('nav.tabs a:has-text("Config")');
  await page.fill('#cfg-version', '0.0.1');
  await page.click('#save-build');
  const lower = page.locator('#save-lower-version');
  await lower.waitFor({ timeout: 15000 });
  const stored = await (await api(`${base}/api/v1/builds/${copied}`)).json();
  expect(stored.config.version !== '0.0.1', 'the version was lowered without asking');
  await screenshot(page, 'lower-version');
  await lower.click();
  await page.locator('#savebar').getByText('Saved.').waitFor({ timeout: 15000 });
  const after = await (await api(`${base}/api/v1/builds/${copied}`)).json();
  expect(after.config.version === '0.0.1', `not lowered: ${after.config.version}`);
});
console.log('rename and copy: refused, renamed, copied; version lowered on request');
