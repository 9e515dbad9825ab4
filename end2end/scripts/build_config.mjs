// Edits a build in the browser: tag preview, inline validation, save and
// reload, unsaved changes kept across a reload, secret args hidden, and a
// Dockerfile typed into Monaco (loaded only on that tab).
// Then shows a files-on-host build's Dockerfile read-only, as the builder
// reads it.
// Usage: node scripts/build_config.mjs BASE_URL BUILD_NAME HOST_BUILD_NAME
import { withBrowser, waitHydrated, screenshot, expect, timeToInteractive } from './browser.mjs';

const [base, name, hostBuild] = process.argv.slice(2);
if (!base || !name || !hostBuild) {
  console.error('usage: build_config.mjs BASE_URL BUILD_NAME HOST_BUILD_NAME');
  process.exit(2);
}
const preview = (page) => page.locator('#tag-preview').innerText();

await withBrowser(async (page) => {
  const monacoRequests = [];
  page.on('request', (r) => { if (r.url().includes('/monaco/')) monacoRequests.push(r.url()); });

  await page.goto(base + '/');
  console.log(`TTI builds page: ${await timeToInteractive(page)} ms`);
  await page.fill('#new-build-name', name);
  await page.click('button[type="submit"]:has-text("Create build")');
  await page.locator('a.build-link', { hasText: name }).click();
  await page.waitForSelector('#tag-preview');
  await waitHydrated(page);

  // Tag preview follows the tagging options as they change.
  expect((await preview(page)).includes(`${name}:latest`), await preview(page));
  await page.click('#add-registry');
  await page.fill('#cfg-registry-0-domain', '127.0.0.1:5999');
  await page.fill('#cfg-registry-0-organization', 'acme');
  await page.fill('#cfg-image-tag', 'beta');
  await page.locator('#tag-preview').getByText(`127.0.0.1:5999/acme/${name}:latest-beta`).waitFor();
  expect((await preview(page)).includes(`127.0.0.1:5999/acme/${name}:0.0.1-beta`), await preview(page));
  await page.uncheck('#cfg-latest');
  await page.fill('#cfg-version', '3.1.4');
  await page.locator('#tag-preview').getByText(`127.0.0.1:5999/acme/${name}:3.1.5-beta`).waitFor();
  expect(!(await preview(page)).includes('latest'), `latest still previewed: ${await preview(page)}`);
  await page.uncheck('#cfg-auto-increment');
  await page.locator('#tag-preview').getByText(`127.0.0.1:5999/acme/${name}:3.1.4-beta`).waitFor();

  // Inline validation from the server, by field.
  await page.fill('#cfg-image-tag', 'not a tag!');
  const tagError = page.locator('#cfg-image-tag ~ p.field-error');
  await tagError.first().waitFor({ timeout: 10000 });
  console.log(`inline error: ${await tagError.first().innerText()}`);
  await page.fill('#cfg-image-tag', 'beta');
  await tagError.first().waitFor({ state: 'detached', timeout: 10000 });

  // Secret args: saved, then shown only as placeholders.
  await page.fill('#cfg-secret-args', 'NPM_TOKEN=supersecret-123');
  await page.click('#save-build');
  await page.locator('#savebar').getByText('Saved.').waitFor({ timeout: 10000 });
  await page.reload();
  await waitHydrated(page);
  expect((await page.inputValue('#cfg-image-tag')) === 'beta', 'image tag not kept');
  expect((await page.inputValue('#cfg-version')) === '3.1.4', 'version not kept');
  expect(!(await page.isChecked('#cfg-latest')), 'latest tag option not kept');
  expect((await page.inputValue('#cfg-secret-args')) === 'NPM_TOKEN=<NPM_TOKEN>', await page.inputValue('#cfg-secret-args'));
  expect(!(await page.content()).includes('supersecret-123'), 'secret arg value reached the browser');
  await screenshot(page, 'build-config');

  // Unsaved changes survive a reload; Discard drops them.
  await page.fill('#cfg-description', 'not saved yet');
  await page.fill('#cfg-labels', 'team=core');
  await page.locator('#savebar').getByText('Unsaved changes.').waitFor();
  await page.reload();
  await waitHydrated(page);
  await page.locator('#savebar').getByText('restored').waitFor({ timeout: 10000 });
  expect((await page.inputValue('#cfg-description')) === 'not saved yet', 'draft not restored');
  expect((await page.inputValue('#cfg-labels')) === 'team=core', 'draft labels not restored');
  await page.click('#discard-build');
  expect((await page.inputValue('#cfg-description')) === '', 'discard did not drop the draft');
  await page.reload();
  await waitHydrated(page);
  expect((await page.inputValue('#cfg-description')) === '', 'discarded draft came back');
  expect(monacoRequests.length === 0, `Monaco loaded outside the Dockerfile tab: ${monacoRequests[0]}`);

  // Monaco on the Dockerfile tab: type, see highlighting, save, reload.
  await page.click('nav.tabs a:has-text("Dockerfile")');
  await page.waitForSelector('#dockerfile-editor[data-editor="ready"]', { timeout: 30000 });
  expect(monacoRequests.length > 0, 'Monaco was not fetched on the Dockerfile tab');
  await page.click('#dockerfile-editor .view-lines');
  await page.keyboard.press('Control+A');
  await page.keyboard.press('Delete');
  await page.keyboard.type('FROM kiln-test/base:1\nRUN echo typed-in-monaco\n');
  await page.waitForSelector('#dockerfile-editor span[class^=mtk]:not(.mtk1)', { timeout: 15000 });
  await page.click('#save-build');
  await page.locator('#savebar').getByText('Saved.').waitFor({ timeout: 10000 });
  await page.reload();
  await waitHydrated(page);
  await page.waitForSelector('#dockerfile-editor[data-editor="ready"]', { timeout: 30000 });
  const text = await page.locator('#dockerfile-editor .view-lines').innerText();
  expect(text.includes('typed-in-monaco'), `editor after reload: ${text}`);
  await page.waitForSelector('#dockerfile-editor span[class^=mtk]:not(.mtk1)', { timeout: 15000 });
  const keywords = await page.locator('#dockerfile-editor span[class^=mtk]:not(.mtk1)').allInnerTexts();
  expect(keywords.some((k) => k.includes('FROM') || k.includes('RUN')), `no highlighted keyword: ${keywords}`);
  await screenshot(page, 'build-dockerfile');

  // A files-on-host build: the Dockerfile as the builder reads it, read-only.
  await page.goto(base + '/builds/' + hostBuild + '/dockerfile');
  await waitHydrated(page);
  const readFrom = await page.locator('#dockerfile-read-from').innerText();
  expect(readFrom.includes('svc/Dockerfile') && readFrom.includes("builder 'local'"), `read-from line: ${readFrom}`);
  await page.waitForSelector('#dockerfile-editor[data-editor="ready"]', { timeout: 30000 });
  const hostText = () => page.locator('#dockerfile-editor .view-lines').innerText();
  expect((await hostText()).includes('read-from-the-host'), `host Dockerfile: ${await hostText()}`);
  await page.click('#dockerfile-editor .view-lines');
  await page.keyboard.type('typed-into-read-only');
  expect(!(await hostText()).includes('typed-into-read-only'), 'the read-only editor took typing');
  await screenshot(page, 'build-dockerfile-host');

  // The same page at phone width.
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto(base + '/builds/' + name);
  await waitHydrated(page);
  await screenshot(page, 'build-390');
  await page.goto(base + '/');
  await waitHydrated(page);
  await screenshot(page, 'builds-390');
  console.log('config, preview, validation, draft and Monaco checked');
});
