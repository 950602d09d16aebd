// Real-browser checks of the built site (SITE_DIR), run by run.sh with
// `node --test`. The site is served by server.mjs on 127.0.0.1 and driven
// with the system Chromium through playwright-core.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { serve } from './server.mjs';
import {
  dirFromEnv, listPages, launchBrowser, openPath, siteContexts, axeViolations,
  horizontalOverflow, mainNavVisibleInPrint, DESKTOP, MOBILE, MAIN_NAV,
} from './lib.mjs';

const SITE = dirFromEnv('SITE_DIR');
const SCREENSHOTS = dirFromEnv('SCREENSHOT_DIR');
const PAGES = await listPages(SITE);
const DIALYSIS = '/careers/dialysis-technician/';
// Per-page tests run two pages at a time (each in its own tab): ~1.6x faster on 2 cores.
const PER_PAGE = { concurrency: 2 };

let server;
let browser;
let desktop; // browser context at 1280x800
let mobile; // browser context at 375x812
let dark; // browser context at 1280x800 with prefers-color-scheme: dark

before(async () => {
  server = await serve(SITE);
  browser = await launchBrowser();
  ({ desktop, mobile, dark } = await siteContexts(browser, server.url));
});

after(async () => {
  await browser?.close();
  await server?.close();
});

const open = openPath;

test('the site has the pages these checks expect', () => {
  const urls = PAGES.map((p) => p.urlPath);
  for (const expected of ['/', '/careers/', DIALYSIS, '/compare/', '/404.html']) {
    assert.ok(urls.includes(expected), `missing ${expected} in ${SITE} (found: ${urls.join(', ')})`);
  }
});

describe(`axe (WCAG 2.2 A/AA tags) at ${DESKTOP.width}x${DESKTOP.height}, every page`, PER_PAGE, () => {
  for (const { urlPath, rel } of PAGES) {
    test(`axe ${urlPath}`, async () => {
      const { page } = await open(desktop, urlPath);
      try {
        const { lines } = await axeViolations(page, rel);
        for (const line of lines) console.log(`AXE VIOLATION ${line}`);
        assert.equal(lines.length, 0, `${lines.length} axe violation(s) on ${rel}:\n${lines.join('\n')}`);
      } finally {
        await page.close();
      }
    });
  }
});

// The theme declares `color-scheme: light dark`: contrast must hold in both.
describe('dark color scheme: axe color-contrast, every page', PER_PAGE, () => {
  for (const { urlPath, rel } of PAGES) {
    test(`dark contrast ${urlPath}`, async () => {
      const { page } = await open(dark, urlPath);
      try {
        const { lines } = await axeViolations(page, `${rel} (dark)`, { rules: ['color-contrast', 'link-in-text-block'] });
        for (const line of lines) console.log(`AXE VIOLATION ${line}`);
        assert.equal(lines.length, 0, `${lines.length} contrast violation(s) on ${rel} in dark mode:\n${lines.join('\n')}`);
      } finally {
        await page.close();
      }
    });
  }
});

describe(`every page at ${MOBILE.width}x${MOBILE.height}: loads cleanly, no horizontal scroll, main nav hidden in print`, PER_PAGE, () => {
  for (const { urlPath, rel } of PAGES) {
    test(`mobile ${urlPath}`, async () => {
      const { page, problems, response } = await open(mobile, urlPath);
      try {
        assert.equal(response.status(), 200, `${urlPath} answered ${response.status()}`);
        const o = await horizontalOverflow(page);
        if (o.overflow > 0) {
          problems.push(`horizontal scroll: scrollWidth ${o.scrollWidth} > clientWidth ${o.clientWidth}; widest: ${o.culprits.join(', ')}`);
        }
        if ((await mainNavVisibleInPrint(page)) === true) {
          problems.push(`${MAIN_NAV} is visible with print media`);
        }
        assert.deepEqual(problems, [], `${rel}:\n  ${problems.join('\n  ')}`);
      } finally {
        await page.close();
      }
    });
  }
});

test('print media hides the main navigation on the home page', async () => {
  const { page } = await open(desktop, '/');
  try {
    assert.equal(await page.locator(MAIN_NAV).count(), 1, `home page should have exactly one ${MAIN_NAV}`);
    assert.equal(await page.locator(MAIN_NAV).isVisible(), true, 'main nav should be visible on screen');
    await page.emulateMedia({ media: 'print' });
    assert.equal(await page.locator(MAIN_NAV).isVisible(), false, 'main nav should be hidden in print');
  } finally {
    await page.close();
  }
});

test('forms on the home page submit to pages that exist', async () => {
  const { page } = await open(desktop, '/');
  try {
    const actions = await page.locator('form').evaluateAll((fs) => fs.map((f) => f.action));
    for (const action of new Set(actions.filter((a) => a.startsWith(server.url)))) {
      const res = await page.request.get(action);
      assert.equal(res.status(), 200, `a form on the home page submits to ${action}, which answers ${res.status()}`);
    }
  } finally {
    await page.close();
  }
});

test('navigate by clicking: home → careers list → dialysis technician; key facts with a source', async () => {
  const { page, problems } = await open(desktop, '/');
  try {
    const careersLink = page.locator('a[href$="careers/"]').filter({ visible: true }).first();
    assert.ok(await careersLink.count(), 'home page has no visible link ending in careers/');
    await Promise.all([page.waitForURL((u) => u.pathname === '/careers/'), careersLink.click()]);

    const careerLink = page.locator('a[href$="careers/dialysis-technician/"], a[href$="dialysis-technician/"]')
      .filter({ visible: true }).first();
    assert.ok(await careerLink.count(), 'careers list has no visible link to the dialysis technician page');
    await Promise.all([page.waitForURL((u) => u.pathname === DIALYSIS), careerLink.click()]);

    await page.locator('h1').first().waitFor({ state: 'visible' });
    const facts = page.locator('.key-facts').first();
    assert.equal(await facts.isVisible(), true, 'no visible .key-facts panel on the career page');
    const sources = facts.locator('a[href^="http"]');
    assert.ok((await sources.count()) >= 1, '.key-facts has no external source link (a[href^="http"])');
    assert.deepEqual(problems, [], problems.join('\n'));
  } finally {
    await page.close();
  }
});

// Issue 3's acceptance: the header's search form, served from a sub-path
// (/medsite/), finds the dialysis page for "dialysis" and the EMT page for
// "ambulance"; without JavaScript the search page lists every page.
test('search from a sub-path finds "dialysis" and "ambulance"; without JavaScript it lists all pages', async () => {
  const parent = await fs.mkdtemp(path.join(os.tmpdir(), 'medsite-subpath-'));
  await fs.symlink(SITE, path.join(parent, 'medsite'));
  const sub = await serve(parent);
  const context = await browser.newContext({ viewport: DESKTOP, baseURL: sub.url });
  const noScript = await browser.newContext({ viewport: DESKTOP, baseURL: sub.url, javaScriptEnabled: false });
  try {
    for (const [query, expected, within] of [
      ['dialysis', '/medsite/careers/dialysis-technician/', 1],
      ['ambulance', '/medsite/careers/emergency-medical-technician/', 3],
    ]) {
      const { page, problems } = await open(context, '/medsite/');
      try {
        await page.fill('#site-search-q', query);
        await Promise.all([
          page.waitForURL((u) => u.pathname === '/medsite/search/'),
          page.press('#site-search-q', 'Enter'),
        ]);
        const links = page.locator('[data-search-results] a');
        await links.first().waitFor({ state: 'visible', timeout: 15000 });
        const found = await links.evaluateAll((as) => as.map((a) => new URL(a.href).pathname));
        assert.ok(found.slice(0, within).includes(expected),
          `"${query}": expected ${expected} in the first ${within} result(s), got ${found.join(', ')}`);
        const status = await page.locator('[data-search-status]').innerText();
        assert.match(status, new RegExp(`match .${query}.`), `status line: ${status}`);
        assert.deepEqual(problems, [], problems.join('\n'));
      } finally {
        await page.close();
      }
    }
    const page = await noScript.newPage();
    try {
      await page.goto('/medsite/search/?q=dialysis', { waitUntil: 'load' });
      assert.equal(await page.locator('[data-search-form]').isVisible(), false, 'the search form is shown without JavaScript');
      const listed = await page.locator('.listing a').evaluateAll((as) => as.map((a) => new URL(a.href).pathname));
      for (const expected of ['/medsite/careers/dialysis-technician/', '/medsite/about/', '/medsite/compare/']) {
        assert.ok(listed.includes(expected), `without JavaScript the search page does not list ${expected}`);
      }
    } finally {
      await page.close();
    }
  } finally {
    await context.close();
    await noScript.close();
    await sub.close();
    await fs.rm(parent, { recursive: true, force: true });
  }
});

test('the comparison page has a table with a caption', async () => {
  const { page } = await open(desktop, '/compare/');
  try {
    const tables = page.locator('table');
    assert.ok((await tables.count()) >= 1, 'no <table> on /compare/');
    const caption = tables.first().locator(':scope > caption');
    assert.equal(await caption.count(), 1, 'the comparison table has no <caption>');
    assert.notEqual((await caption.innerText()).trim(), '', 'the <caption> is empty');
  } finally {
    await page.close();
  }
});

test('a missing URL answers 404 with the site 404 page, whose links and assets work at any depth', async () => {
  const html = await fs.readFile(path.join(SITE, '404.html'), 'utf8');
  const expectedH1 = html.match(/<h1[^>]*>([\s\S]*?)<\/h1>/i)?.[1].replace(/<[^>]+>/g, '').replace(/\s+/g, ' ').trim();
  assert.ok(expectedH1, '404.html has no <h1>');

  for (const missing of ['/no-such-page/', '/no/such/deep/page.html']) {
    const { page, problems, response } = await open(desktop, missing);
    try {
      assert.equal(response.status(), 404, `${missing} answered ${response.status()}`);
      const h1 = (await page.locator('h1').first().innerText()).replace(/\s+/g, ' ').trim();
      assert.equal(h1.toLowerCase(), expectedH1.toLowerCase(), `${missing} does not show the 404 page's <h1>`);
      // Stylesheets, images and scripts must load even at a deep missing path
      // (i.e. 404.html must not use page-relative URLs).
      assert.deepEqual(problems, [], `404 page at ${missing}:\n  ${problems.join('\n  ')}`);
      // Same for its internal links.
      const hrefs = await page.locator('a[href]').evaluateAll((as) => as.map((a) => a.href.split('#')[0]));
      const here = page.url().split('#')[0];
      for (const href of new Set(hrefs.filter((h) => h.startsWith(server.url) && h !== here))) {
        const res = await page.request.get(href);
        assert.equal(res.status(), 200, `404 page at ${missing} links to ${href}, which answers ${res.status()}`);
      }
    } finally {
      await page.close();
    }
  }
});

test('screenshots of the home and dialysis technician pages', async () => {
  await fs.mkdir(SCREENSHOTS, { recursive: true });
  const written = [];
  for (const [context, size] of [[desktop, DESKTOP], [mobile, MOBILE]]) {
    for (const [name, urlPath] of [['home', '/'], ['dialysis-technician', DIALYSIS]]) {
      const { page, response } = await open(context, urlPath);
      try {
        assert.equal(response.status(), 200, `${urlPath} answered ${response.status()}`);
        // What fits in the viewport, and the whole page.
        for (const fullPage of [false, true]) {
          const file = path.join(SCREENSHOTS, `${name}-${size.width}x${size.height}${fullPage ? '-full' : ''}.png`);
          await page.screenshot({ path: file, fullPage });
          const { size: bytes } = await fs.stat(file);
          assert.ok(bytes > 1000, `${file} is suspiciously small (${bytes} bytes)`);
          written.push(file);
        }
      } finally {
        await page.close();
      }
    }
  }
  console.log(`screenshots written:\n  ${written.join('\n  ')}`);
});
