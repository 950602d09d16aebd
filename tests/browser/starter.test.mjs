// Real-browser checks of the site `medsite init` writes, built with the
// built-in theme (STARTER_DIR), run by run.sh with `node --test`: the
// generic checks of site.test.mjs (axe in light and dark, 375 px without
// horizontal scroll, navigation hidden in print, the 404 page at any
// depth), nothing of the careers site.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { serve } from './server.mjs';
import {
  dirFromEnv, listPages, launchBrowser, openPath, siteContexts, axeViolations,
  horizontalOverflow, mainNavVisibleInPrint, DESKTOP, MOBILE, MAIN_NAV,
} from './lib.mjs';

const SITE = dirFromEnv('STARTER_DIR');
const PAGES = await listPages(SITE);
const POST = '/posts/hello-world/';
const PER_PAGE = { concurrency: 2 };

let server;
let browser;
let desktop;
let mobile;
let dark;

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

test('the starter site has the pages these checks expect', () => {
  const urls = PAGES.map((p) => p.urlPath);
  for (const expected of ['/', '/posts/', POST, '/tags/', '/tags/welcome/', '/404.html']) {
    assert.ok(urls.includes(expected), `missing ${expected} in ${SITE} (found: ${urls.join(', ')})`);
  }
});

describe('starter: axe (WCAG 2.2 A/AA) in light, contrast in dark, every page', PER_PAGE, () => {
  for (const { urlPath, rel } of PAGES) {
    test(`starter axe ${urlPath}`, async () => {
      for (const [context, label, rules] of [[desktop, rel, undefined], [dark, `${rel} (dark)`, ['color-contrast', 'link-in-text-block']]]) {
        const { page } = await open(context, urlPath);
        try {
          const { lines } = await axeViolations(page, label, rules ? { rules } : {});
          for (const line of lines) console.log(`AXE VIOLATION ${line}`);
          assert.equal(lines.length, 0, `${lines.length} axe violation(s) on ${label}:\n${lines.join('\n')}`);
        } finally {
          await page.close();
        }
      }
    });
  }
});

describe(`starter: every page at ${MOBILE.width}x${MOBILE.height} loads cleanly, no horizontal scroll, main nav hidden in print`, PER_PAGE, () => {
  for (const { urlPath, rel } of PAGES) {
    test(`starter mobile ${urlPath}`, async () => {
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

test('starter: the skip link is the first focusable element and leads to <main>', async () => {
  const { page } = await open(desktop, POST);
  try {
    await page.keyboard.press('Tab');
    const focused = await page.evaluate(() => document.activeElement?.getAttribute('href'));
    assert.equal(focused, '#main', 'Tab does not reach the skip link first');
    assert.equal(await page.locator('a.skip-link').isVisible(), true, 'the focused skip link is not visible');
  } finally {
    await page.close();
  }
});

test('starter: navigate by clicking, without JavaScript: home → posts → the first post', async () => {
  const context = await browser.newContext({ viewport: MOBILE, baseURL: server.url, javaScriptEnabled: false });
  try {
    const page = await context.newPage();
    await page.goto('/', { waitUntil: 'load' });
    await Promise.all([page.waitForURL((u) => u.pathname === '/posts/'), page.locator('main a[href$="posts/"]').first().click()]);
    await Promise.all([page.waitForURL((u) => u.pathname === POST), page.locator('main a[href$="hello-world/"]').first().click()]);
    assert.equal((await page.locator('h1').innerText()).trim(), 'Hello, world');
  } finally {
    await context.close();
  }
});

test('starter: a missing URL answers 404 with the 404 page, its stylesheet and links working at any depth', async () => {
  for (const missing of ['/no-such-page/', '/no/such/deep/page.html']) {
    const { page, problems, response } = await open(desktop, missing);
    try {
      assert.equal(response.status(), 404, `${missing} answered ${response.status()}`);
      assert.equal((await page.locator('h1').innerText()).trim(), 'Page not found');
      assert.deepEqual(problems, [], `404 page at ${missing}:\n  ${problems.join('\n  ')}`);
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
