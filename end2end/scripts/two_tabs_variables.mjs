// Two tabs (two pages in one browser context) edit the same variable on
// the Variables page. Different fields: the stale save is merged. The same
// field: the stale save shows the conflict in the row (current value, who
// changed it, through which door) and "Re-apply my edits" saves it.
// Usage: node scripts/two_tabs_variables.mjs BASE_URL VARIABLE_NAME
import { withBrowser, waitHydrated, screenshot, expect } from './browser.mjs';

const [base, name] = process.argv.slice(2);
if (!base || !name) {
  console.error('usage: two_tabs_variables.mjs BASE_URL VARIABLE_NAME');
  process.exit(2);
}

await withBrowser(async (first) => {
  const second = await first.context().newPage();
  const problems = [];
  second.on('pageerror', (e) => problems.push(`second tab: page error: ${e.message}`));
  for (const page of [first, second]) {
    await page.goto(`${base}/variables`);
    await waitHydrated(page);
  }
  const row = (page) => page.locator(`#variables li[data-name="${name}"]`);
  const save = async (page) => {
    await row(page).locator('button[type="submit"]').click();
  };
  // The row as reloaded after a save shows the stored value.
  const shows = (page, value) =>
    row(page).locator('.current-value', { hasText: value }).waitFor({ timeout: 15000 });
  const saved = (page) => page.getByText(`Variable ${name} saved.`).waitFor({ timeout: 15000 });

  // The first tab changes the value; the second (stale) the description.
  await first.fill(`#var-${name}-value`, 'from-first');
  await save(first);
  await saved(first);
  await second.fill(`#var-${name}-description`, 'from-second');
  await save(second);
  await saved(second);
  await shows(second, 'from-first');
  expect((await second.inputValue(`#var-${name}-value`)) === 'from-first',
    `the merged row lacks the first tab's value: ${await second.inputValue(`#var-${name}-value`)}`);

  // Now the second changes the value, and the first (stale) too.
  await second.fill(`#var-${name}-value`, 'second-wins');
  await save(second);
  await shows(second, 'second-wins');
  await first.fill(`#var-${name}-value`, 'first-reapplied');
  await save(first);
  const conflict = row(first).locator('.conflict');
  await conflict.waitFor({ timeout: 15000 });
  const text = await conflict.innerText();
  expect(text.includes('value') && text.includes('second-wins') && text.includes('via ui'), text);
  expect(!text.includes('description'), `a merged field is shown as a conflict: ${text}`);
  await screenshot(first, 'variable-conflict');
  await conflict.locator('.reapply').click();
  await saved(first);
  await conflict.waitFor({ state: 'detached', timeout: 10000 });
  await shows(first, 'first-reapplied');
  expect((await first.inputValue(`#var-${name}-value`)) === 'first-reapplied',
    `after re-apply: ${await first.inputValue(`#var-${name}-value`)}`);
  expect((await first.inputValue(`#var-${name}-description`)) === 'from-second',
    `re-apply lost the merged description: ${await first.inputValue(`#var-${name}-description`)}`);
  if (problems.length) throw new Error(problems.join('\n'));
});
console.log('two tabs on a variable: merged, conflicted, re-applied');
