// Every page read with JavaScript off (server-side rendering only): the
// content is there, links and forms are plain HTML. Then the app's static
// files are checked to be served compressed.
// Usage: node scripts/no_js.mjs BASE_URL BUILD_NAME RUN_ID
import { withBrowser, screenshot, expect } from './browser.mjs';

const [base, name, runId] = process.argv.slice(2);
if (!base || !name || !runId) {
  console.error('usage: no_js.mjs BASE_URL BUILD_NAME RUN_ID');
  process.exit(2);
}

const pages = [
  ['/', 'Builds', (p) => p.locator('a.build-link', { hasText: name }).waitFor({ timeout: 5000 })],
  [`/builds/${name}`, name, async (p) => {
    const path = await p.inputValue('#cfg-dockerfile-path');
    expect(path === 'Dockerfile', `config field without JS: '${path}'`);
    expect((await p.locator('#tag-preview').innerText()).includes(`${name}:latest`), 'no tag preview without JS');
  }],
  [`/builds/${name}/dockerfile`, name, async (p) => {
    const text = await p.locator('#dockerfile-editor pre').innerText();
    expect(text.includes('no-js-marker'), `Dockerfile without JS: ${text}`);
  }],
  [`/builds/${name}/runs`, name, (p) => p.locator(`a[href="/runs/${runId}"]`).first().waitFor({ timeout: 5000 })],
  [`/runs/${runId}`, `Run ${runId}`, async (p) => {
    const log = await p.locator('#run-log').innerText();
    expect(log.includes('no-js-marker'), `run log without JS: ${log}`);
  }],
  ['/builders', 'Builders', (p) => p.locator('table.builders td.health').first().waitFor({ timeout: 5000 })],
  ['/variables', 'Variables', null],
  ['/accounts', 'Accounts', null],
  ['/sync', 'Sync', null],
];

await withBrowser(async (page) => {
  for (const [path, heading, check] of pages) {
    const response = await page.goto(base + path);
    expect(response.status() === 200, `${path}: HTTP ${response.status()}`);
    const h1 = await page.locator('h1').first().innerText();
    expect(h1.includes(heading), `${path}: heading '${h1}', wanted '${heading}'`);
    const hydrated = await page.locator('main').getAttribute('data-hydrated');
    expect(hydrated !== 'true', `${path}: hydrated with JavaScript off`);
    if (check) await check(page);
  }
  await page.goto(`${base}/builds/${name}`);
  await screenshot(page, 'build-no-js');
}, { javaScriptEnabled: false });

// The pages split out of the main wasm (`kiln-site-build`): the
// run page's chunks are served compressed too.
const manifest = await (await fetch(`${base}/pkg/__wasm_split_manifest.json`)).json();
const runChunks = Object.entries(manifest).find(([split]) => split.includes('run_route'))?.[1] ?? [];
expect(runChunks.length > 0, `no chunks for the run page in the split manifest: ${Object.keys(manifest)}`);
for (const file of ['kiln.wasm', 'kiln.js', 'kiln.css', ...runChunks.map((c) => `${c}.wasm`)]) {
  const response = await fetch(`${base}/pkg/${file}`, { headers: { 'accept-encoding': 'gzip, br' } });
  const encoding = response.headers.get('content-encoding');
  expect(response.ok && (encoding === 'gzip' || encoding === 'br'), `/pkg/${file}: status ${response.status}, content-encoding ${encoding}`);
}
console.log('every page read without JavaScript; static files compressed');
