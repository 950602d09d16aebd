// Real-browser checks of responsive images (IMAGES_DIR: the build of
// fixtures/images-site, made by run.sh), on a 375 px wide phone at one
// device pixel per CSS pixel: nothing shifts while the images load
// (PerformanceObserver 'layout-shift'), and each image loads its smallest
// width that covers the screen (480 px), never a wider one.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { serve } from './server.mjs';
import { dirFromEnv, launchBrowser, openRecordingPage, MOBILE } from './lib.mjs';

const SITE = dirFromEnv('IMAGES_DIR');

let server;
let browser;
let phone;

before(async () => {
  server = await serve(SITE);
  browser = await launchBrowser();
  phone = await browser.newContext({ viewport: MOBILE, deviceScaleFactor: 1, baseURL: server.url });
  // Every layout shift from the first paint on, kept on the window.
  await phone.addInitScript(() => {
    window.__shifts = [];
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) {
        if (!entry.hadRecentInput) window.__shifts.push(entry.value);
      }
    }).observe({ type: 'layout-shift', buffered: true });
  });
});

after(async () => {
  await browser?.close();
  await server?.close();
});

/** Image URLs the page fetched so far (resource timing), as paths. */
async function fetchedImages(page) {
  return page.evaluate(() => performance.getEntriesByType('resource')
    .map((entry) => new URL(entry.name).pathname)
    .filter((path) => /\.(png|jpg|webp|gif)$/.test(path)));
}

test('images at 375 px: no layout shift, the 480 px widths, the first image eager', async () => {
  const { page, problems } = await openRecordingPage(phone);
  try {
    await page.goto('/gallery/', { waitUntil: 'load' });
    // (When Chromium fetches a lazy image depends on the network: it is
    // not checked; the attribute is.)
    const loading = await page.evaluate(() => [...document.images].map((img) => img.loading));
    assert.deepEqual(loading, ['auto', 'lazy']);
    await page.locator('img[alt^="A bar chart"]').scrollIntoViewIfNeeded();
    await page.waitForFunction(() => [...document.images].every((img) => img.complete && img.naturalWidth > 0));
    // Let any shift after the last image be recorded.
    await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 100))));
    const sources = await page.evaluate(() => [...document.images].map((img) => new URL(img.currentSrc).pathname));
    assert.match(sources[0], /^\/gallery\/photo\.480w\.[0-9a-f]{8}\.jpg$/);
    assert.match(sources[1], /^\/gallery\/diagram\.480w\.[0-9a-f]{8}\.webp$/);
    const fetched = await fetchedImages(page);
    assert.deepEqual(fetched.filter((p) => !p.includes('.480w.')), [], `wider images fetched: ${fetched}`);
    const shifts = await page.evaluate(() => window.__shifts);
    const total = shifts.reduce((sum, value) => sum + value, 0);
    assert.ok(total < 0.01, `cumulative layout shift ${total} (${shifts.join(', ')})`);
    assert.deepEqual(problems, []);
  } finally {
    await page.close();
  }
});
