// Two tabs (two pages in one browser context) edit the same build.
// Different fields: both saves land (the second, stale, is merged).
// The same field: the second save shows the conflict (current value, who
// changed it), and "Re-apply my edits" saves it over the first.
// Then the History tab lists the changes with their diffs.
// Usage: node scripts/two_tabs.mjs BASE_URL BUILD_NAME
import { withBrowser, waitHydrated, screenshot, expect, api } from './browser.mjs';

const [base, name] = process.argv.slice(2);
if (!base || !name) {
  console.error('usage: two_tabs.mjs BASE_URL BUILD_NAME');
  process.exit(2);
}
const url = `${base}/builds/${encodeURIComponent(name)}`;

await withBrowser(async (first) => {
  const second = await first.context().newPage();
  const problems = [];
  second.on('pageerror', (e) => problems.push(`second tab: page error: ${e.message}`));
  for (const page of [first, second]) {
    await page.goto(url);
    await waitHydrated(page);
  }
  const saved = (page) => page.locator('#savebar').getByText('Saved.').waitFor({ timeout: 15000 });

  // Different fields: both saved, merged.
  await first.fill('#cfg-image-tag', 'from-first');
  await first.click('#save-build');
  await saved(first);
  await second.fill('#cfg-branch', 'from-second');
  await second.click('#save-build');
  await saved(second);
  expect((await second.inputValue('#cfg-image-tag')) === 'from-first',
    `the merged answer lacks the first tab's change: ${await second.inputValue('#cfg-image-tag')}`);
  const merged = await (await api(`${base}/api/v1/builds/${name}`)).json();
  expect(merged.config.image_tag === 'from-first' && merged.config.branch === 'from-second',
    `not merged: ${JSON.stringify(merged.config)}`);

  // The same field: the first saves, the second (stale) gets the conflict.
  await first.reload();
  await waitHydrated(first);
  await first.fill('#cfg-image-tag', 'first-wins');
  await first.click('#save-build');
  await saved(first);
  await second.fill('#cfg-image-tag', 'second-tab');
  await second.click('#save-build');
  const conflict = second.locator('#save-conflict');
  await conflict.waitFor({ timeout: 15000 });
  const text = await conflict.innerText();
  expect(text.includes('config.image_tag') && text.includes('first-wins') && text.includes('via ui'), text);
  await screenshot(second, 'build-conflict');
  await second.click('#save-conflict .reapply');
  await saved(second);
  await conflict.waitFor({ state: 'detached', timeout: 10000 });
  const after = await (await api(`${base}/api/v1/builds/${name}`)).json();
  expect(after.config.image_tag === 'second-tab', `re-apply did not save: ${after.config.image_tag}`);
  expect(after.config.branch === 'from-second', `re-apply lost another change: ${after.config.branch}`);

  // History: newest first, with the field diffs.
  await second.click('nav.tabs a:has-text("History")');
  const list = second.locator('#history-list');
  await list.waitFor({ timeout: 15000 });
  const history = await list.innerText();
  expect(history.includes('config.image_tag') && history.includes('second-tab') && history.includes('first-wins'), history);
  expect(history.includes('via ui'), history);
  await screenshot(second, 'build-history');
  if (problems.length) throw new Error(problems.join('\n'));
});
console.log('two tabs: merged, conflicted, re-applied');
