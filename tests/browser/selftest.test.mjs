// Self-test: the browser checks must FAIL on fixtures/bad-site. Each test
// passes only when a check from lib.mjs (the same code site.test.mjs uses)
// reports the problem planted on the bad page, and reports nothing on the
// clean index.html, so a broken or missing tool cannot pass silently.
// (vnu and lychee are self-tested by run.sh itself.)
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { serve } from './server.mjs';
import {
  dirFromEnv, launchBrowser, openRecordingPage, axeViolations, horizontalOverflow,
  mainNavVisibleInPrint, DESKTOP, MOBILE,
} from './lib.mjs';

const BAD_SITE = dirFromEnv('BAD_SITE_DIR');

let server;
let browser;
let desktop;
let mobile;

before(async () => {
  server = await serve(BAD_SITE);
  browser = await launchBrowser();
  desktop = await browser.newContext({ viewport: DESKTOP, baseURL: server.url });
  mobile = await browser.newContext({ viewport: MOBILE, baseURL: server.url, isMobile: true, hasTouch: true });
});

after(async () => {
  await browser?.close();
  await server?.close();
});

async function withPage(context, urlPath, fn) {
  const { page } = await openRecordingPage(context);
  try {
    const res = await page.goto(urlPath);
    assert.equal(res.status(), 200, `${urlPath} answered ${res.status()}`);
    return await fn(page);
  } finally {
    await page.close();
  }
}

test('bad site: axe reports image-alt on no-alt.html (and nothing on index.html)', async () => {
  const bad = await withPage(desktop, '/no-alt.html', (p) => axeViolations(p, 'no-alt.html'));
  for (const line of bad.lines) console.log(`expected finding: ${line.split('\n')[0]}`);
  assert.ok(bad.violations.some((v) => v.id === 'image-alt'), `axe did not report image-alt; got: ${bad.violations.map((v) => v.id).join(', ') || 'nothing'}`);
  const clean = await withPage(desktop, '/', (p) => axeViolations(p, 'index.html'));
  assert.deepEqual(clean.lines, [], 'axe should find nothing on the clean fixture page');
});

test('bad site: the horizontal-scroll check reports wide.html (and not index.html)', async () => {
  const wide = await withPage(mobile, '/wide.html', horizontalOverflow);
  console.log(`expected finding: wide.html scrollWidth ${wide.scrollWidth} > clientWidth ${wide.clientWidth}; ${wide.culprits.join(', ')}`);
  assert.equal(wide.clientWidth, MOBILE.width);
  assert.ok(wide.overflow > 0, `no overflow detected on wide.html: ${JSON.stringify(wide)}`);
  const clean = await withPage(mobile, '/', horizontalOverflow);
  assert.ok(clean.overflow <= 0, `overflow reported on the clean page: ${JSON.stringify(clean)}`);
});

test('bad site: the print check reports the visible nav on print-nav.html (and not on index.html)', async () => {
  assert.equal(await withPage(desktop, '/print-nav.html', mainNavVisibleInPrint), true, 'nav on print-nav.html should count as visible in print');
  console.log('expected finding: print-nav.html shows nav[aria-label="Main"] in print');
  assert.equal(await withPage(desktop, '/', mainNavVisibleInPrint), false, 'nav on index.html should be hidden in print');
});

test('bad site: a request aborted on the page shown is reported; one cancelled by leaving the page is not', async () => {
  const shown = await openRecordingPage(desktop);
  try {
    await shown.page.route('**/aborted.png', (route) => route.abort('aborted'));
    await shown.page.goto('/');
    await shown.page.evaluate(() => document.body.append(Object.assign(new Image(), { src: 'aborted.png' })));
    await shown.page.waitForEvent('requestfailed');
    assert.deepEqual(shown.problems, [`request failed: ${server.url}/aborted.png (net::ERR_ABORTED)`]);
    console.log(`expected finding: ${shown.problems[0]}`);
  } finally {
    await shown.page.close();
  }

  const left = await openRecordingPage(desktop);
  try {
    let sent;
    const held = new Promise((resolve) => { sent = resolve; });
    await left.page.route('**/never-answered.png', (route) => sent(route)); // never fulfilled
    await left.page.goto('/');
    await left.page.evaluate(() => document.body.append(Object.assign(new Image(), { src: 'never-answered.png' })));
    await held;
    const cancelled = left.page.waitForEvent('requestfailed');
    await left.page.goto('/wide.html');
    assert.equal((await cancelled).failure()?.errorText, 'net::ERR_ABORTED');
    assert.deepEqual(left.problems, [], 'a request the browser cancelled on leaving its page was reported');
  } finally {
    await left.page.close();
  }
});
