// Measures, on a running server, the time from page request to interactive
// (navigation start to the app's `kiln-hydrated` mark) and what the browser
// downloaded (compressed) for the app itself.
// Usage: node scripts/measure.mjs BASE_URL [PATH...]
import { withBrowser, timeToInteractive } from './browser.mjs';

const [base, ...paths] = process.argv.slice(2);
if (!base) {
  console.error('usage: measure.mjs BASE_URL [PATH...]');
  process.exit(2);
}

const appFiles = () =>
  performance.getEntriesByType('resource')
    .filter((r) => r.name.includes('/pkg/'))
    .map((r) => `${r.name.split('/').pop()} ${r.encodedBodySize} B on the wire (${r.decodedBodySize} B)`);

await withBrowser(async (page) => {
  const cdp = await page.context().newCDPSession(page);
  for (const path of paths.length ? paths : ['/']) {
    await cdp.send('Network.clearBrowserCache');
    await page.goto(base + path);
    const cold = await timeToInteractive(page);
    const files = await page.evaluate(appFiles);
    const warm = [];
    for (let i = 0; i < 4; i++) {
      await page.goto(base + path);
      warm.push(await timeToInteractive(page));
    }
    warm.sort((a, b) => a - b);
    console.log(`${path}: request to interactive ${cold} ms with an empty cache, ${warm.join('/')} ms cached; ${files.join('; ')}`);
  }
});
