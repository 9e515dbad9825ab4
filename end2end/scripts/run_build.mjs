// Runs build "hello" from its page, follows the live log, checks the pushed
// tags; then cancels a run of build "slow".
// Usage: node scripts/run_build.mjs BASE_URL REGISTRY NONCE
import { withBrowser, waitHydrated, screenshot, expect } from './browser.mjs';

const [base, registry, nonce] = process.argv.slice(2);
if (!base || !registry || !nonce) {
  console.error('usage: run_build.mjs BASE_URL REGISTRY NONCE');
  process.exit(2);
}

await withBrowser(async (page) => {
  await page.goto(base + '/builds/hello');
  await waitHydrated(page);
  await page.click('#run-build');
  await page.waitForURL(/\/runs\/\d+$/, { timeout: 15000 });
  await waitHydrated(page);

  // Lines must arrive while the run is still running, one by one.
  const log = page.locator('#run-log');
  await log.getByText(`tick-1-${nonce}`).waitFor({ timeout: 90000 });
  const firstAt = Date.now();
  const statusAtFirst = await page.getAttribute('#run-status', 'data-status');
  expect(statusAtFirst === 'running', `run was ${statusAtFirst} when the first line arrived`);
  expect(
    (await log.getByText(`tick-6-${nonce}`).count()) === 0,
    'the last line was there at once: the log is not live',
  );
  await screenshot(page, 'run-live');
  await log.getByText(`tick-6-${nonce}`).waitFor({ timeout: 30000 });
  const spread = Date.now() - firstAt;
  expect(spread >= 2500, `tick-1 to tick-6 took only ${spread} ms in the page`);

  await page.waitForSelector('#run-status[data-status="success"]', { timeout: 120000 });
  const tags = await page.locator('.pushed code.tag').allInnerTexts();
  for (const tag of ['latest', '2.3.5', '2.3', '2']) {
    const want = `${registry}/kiln/hello:${tag}`;
    expect(tags.includes(want), `missing ${want} in ${JSON.stringify(tags)}`);
  }
  expect((await page.locator('#stages li.ok').count()) > 0, 'no finished stages shown');
  expect((await page.locator('#cancel-run').count()) === 0, 'Cancel still shown after the end');
  await screenshot(page, 'run');
  console.log(`log lines arrived over ${spread} ms; tags ${tags.join(' ')}`);

  // The whole log is there after the run, on a fresh load too.
  await page.reload();
  await waitHydrated(page);
  await log.getByText(`tick-6-${nonce}`).waitFor({ timeout: 10000 });

  // Runs tab: history with status, version, tags, and the chart.
  await page.goto(base + '/builds/hello/runs');
  await waitHydrated(page);
  await page.waitForSelector('#runs-table tbody tr');
  const row = await page.locator('#runs-table tbody tr').first().innerText();
  expect(row.includes('success') && row.includes('2.3.5'), `runs row: ${row}`);
  expect((await page.locator('#duration-chart rect').count()) >= 1, 'no duration bars');
  await screenshot(page, 'build-runs');

  // Cancel a slow run while it runs.
  await page.goto(base + '/builds/slow');
  await waitHydrated(page);
  await page.click('#run-build');
  await page.waitForURL(/\/runs\/\d+$/, { timeout: 15000 });
  await waitHydrated(page);
  // The step's output line ("#5 0.1 going-to-sleep-…"), not its command line.
  await page.locator('#run-log').getByText(new RegExp(`#\\d+ [\\d.]+ going-to-sleep-${nonce}`)).waitFor({ timeout: 90000 });
  await page.click('#cancel-run');
  await page.waitForSelector('#run-status[data-status="cancelled"]', { timeout: 30000 });
  await screenshot(page, 'run-cancelled');
  console.log('slow run cancelled');
});
