// Live reload of `medsite serve` in a real browser, run by run.sh with
// `node --test`: the page reloads after an edit and keeps its scroll
// position, a stylesheet edit is swapped in without a reload, a broken build
// shows an overlay with the diagnostics as text, and the fix removes it;
// --navigate-to-changed takes the browser to the edited page. MEDSITE_BIN is
// the binary, run in the site's folder; the site is a temporary copy of the
// fixture theme and a few pages.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { launchBrowser, dirFromEnv, DESKTOP } from './lib.mjs';

const MEDSITE = dirFromEnv('MEDSITE_BIN');
const THEME = dirFromEnv('FIXTURE_THEME_DIR');
const LONG = Array.from({ length: 150 }, (_, i) => `Paragraph ${i} of a long page.`).join('\n\n');

let site;
let server;
let origin;
let browser;
let context;

async function write(relative, text) {
  const file = path.join(site, relative);
  await fs.mkdir(path.dirname(file), { recursive: true });
  // Write beside, then rename: the watcher never sees a half-written file.
  await fs.writeFile(`${file}.tmp`, text);
  await fs.rename(`${file}.tmp`, file);
}

const page = (title, body, extra = '') => `---\ntitle: ${title}\n${extra}---\n${body}\n`;

before(async () => {
  site = await fs.mkdtemp(path.join(os.tmpdir(), 'medsite-live-'));
  await fs.cp(THEME, path.join(site, 'themes/fixture'), { recursive: true });
  await write('site.toml', 'title = "Live"\ntheme = "fixture"\n');
  await write('content/_index.md', page('Home', 'Welcome.'));
  await write('content/long.md', page('Long', `Version one.\n\n${LONG}`));
  await write('content/other.md', page('Other', 'Other page.'));
  // Run from the site's folder without --root, as users run it: a relative
  // root once kept stylesheet edits out of the preview.
  server = spawn(MEDSITE, ['serve', '--port', '0', '--navigate-to-changed'], {
    cwd: site,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  server.stderr.on('data', (chunk) => { output += chunk; });
  origin = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`medsite serve did not start:\n${output}`)), 60_000);
    server.stdout.on('data', (chunk) => {
      output += chunk;
      const address = /Serving at (http:\/\/127\.0\.0\.1:\d+)\//.exec(output);
      if (address && /Built/.test(output)) {
        clearTimeout(timer);
        resolve(address[1]);
      }
    });
  });
  browser = await launchBrowser();
  context = await browser.newContext({ viewport: DESKTOP, baseURL: origin });
});

after(async () => {
  await browser?.close();
  server?.kill();
  if (site) await fs.rm(site, { recursive: true, force: true });
});

/** Opens `urlPath` and waits until the reload channel is connected. */
async function open(urlPath) {
  const tab = await context.newPage();
  const connected = tab.waitForResponse((r) => r.url().endsWith('/__medsite/reload'));
  await tab.goto(urlPath, { waitUntil: 'load' });
  await connected;
  return tab;
}

test('an edit reloads the page and keeps its scroll position', async () => {
  const tab = await open('/long/');
  await tab.evaluate(() => { window.scrollTo(0, 1500); window.beforeReload = true; });
  await tab.waitForFunction(() => window.scrollY === 1500);
  await write('content/long.md', page('Long', `Version two.\n\n${LONG}`));
  await tab.waitForFunction(() => document.body.textContent.includes('Version two.'), null, { timeout: 30_000 });
  assert.equal(await tab.evaluate(() => window.beforeReload), undefined, 'the page was not reloaded');
  await tab.waitForFunction(() => window.scrollY === 1500, null, { timeout: 10_000 });
  await tab.close();
});

test('a stylesheet edit is swapped in without a reload', async () => {
  const tab = await open('/other/');
  await tab.evaluate(() => { window.beforeSwap = true; });
  await write('themes/fixture/static/style.css', 'body { background-color: rgb(1, 2, 3); }\n');
  await tab.waitForFunction(
    () => getComputedStyle(document.body).backgroundColor === 'rgb(1, 2, 3)', null, { timeout: 30_000 });
  assert.equal(await tab.evaluate(() => window.beforeSwap), true, 'the page was reloaded');
  await tab.close();
});

test('a broken build shows an overlay with the diagnostics as text, gone when fixed', async () => {
  const tab = await open('/other/');
  await write('content/other.md', page('Other', 'Other page.', 'weight: <b>heavy</b>\n'));
  const overlay = tab.locator('#medsite-error-overlay');
  await overlay.waitFor({ state: 'visible', timeout: 30_000 });
  const text = await overlay.textContent();
  assert.match(text, /content\/other\.md:3:1: error: `weight`: expected an integer/);
  assert.match(text, /<b>heavy<\/b>/, 'the markup in the diagnostics is shown as text');
  assert.equal(await overlay.locator('b').count(), 0, 'the diagnostics were parsed as HTML');
  // The page under the overlay is still the last good build.
  assert.match(await tab.locator('main').textContent(), /Other page\./);
  // A browser opened now sees the overlay at once.
  const late = await open('/');
  await late.locator('#medsite-error-overlay').waitFor({ state: 'visible', timeout: 30_000 });
  await write('content/other.md', page('Other', 'Other page, fixed.'));
  await tab.waitForFunction(
    () => !document.getElementById('medsite-error-overlay') && document.body.textContent.includes('fixed'),
    null, { timeout: 30_000 });
  await late.locator('#medsite-error-overlay').waitFor({ state: 'detached', timeout: 30_000 });
  await tab.close();
  await late.close();
});

test('--navigate-to-changed takes the browser to the edited page', async () => {
  const tab = await open('/');
  await write('content/long.md', page('Long', `Version three.\n\n${LONG}`));
  await tab.waitForURL(`${origin}/long/`, { timeout: 30_000 });
  await tab.waitForFunction(() => document.body.textContent.includes('Version three.'));
  await tab.close();
});
