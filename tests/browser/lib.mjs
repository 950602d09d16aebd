// Shared helpers for the browser checks: finding the site's pages, launching
// the system Chromium, and the individual checks (axe, horizontal scroll,
// print media, page-load errors). The self-test against fixtures/bad-site uses
// exactly these functions, so it proves that they can fail.
import fs from 'node:fs/promises';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { AxeBuilder } from '@axe-core/playwright';

export const CHROMIUM = process.env.CHROMIUM_BIN ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];
export const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];
export const DESKTOP = { width: 1280, height: 800 };
export const MOBILE = { width: 375, height: 812 };
export const MAIN_NAV = 'nav[aria-label="Main"]';

/** The folder to check, from the environment; fails loudly when unset. */
export function dirFromEnv(name) {
  const dir = process.env[name];
  if (!dir) throw new Error(`${name} is not set (run the checks through tests/browser/run.sh)`);
  return path.resolve(dir);
}

/**
 * Every .html file under `root`, with the URL path a static host serves it
 * at: `careers/index.html` -> `/careers/`, `404.html` -> `/404.html`.
 */
export async function listPages(root) {
  const entries = await fs.readdir(root, { recursive: true, withFileTypes: true });
  const pages = entries
    .filter((e) => e.isFile() && e.name.endsWith('.html'))
    .map((e) => {
      const rel = path.relative(root, path.join(e.parentPath ?? e.path, e.name)).split(path.sep).join('/');
      const urlPath = '/' + (rel === 'index.html' ? '' : rel.endsWith('/index.html') ? rel.slice(0, -'index.html'.length) : rel);
      return { rel, urlPath, file: path.join(root, rel) };
    })
    .sort((a, b) => a.urlPath.localeCompare(b.urlPath));
  if (pages.length === 0) throw new Error(`no .html files found in ${root}`);
  return pages;
}

export async function launchBrowser() {
  await fs.access(CHROMIUM).catch(() => {
    throw new Error(`Chromium not found at ${CHROMIUM} (run.sh installs Debian's chromium package)`);
  });
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
}

/**
 * The three browser contexts the site checks use, on the site at `url`:
 * desktop (1280x800), mobile (375x812, touch) and desktop in dark mode.
 */
export async function siteContexts(browser, url) {
  return {
    desktop: await browser.newContext({ viewport: DESKTOP, baseURL: url }),
    mobile: await browser.newContext({ viewport: MOBILE, baseURL: url, isMobile: true, hasTouch: true }),
    dark: await browser.newContext({ viewport: DESKTOP, baseURL: url, colorScheme: 'dark' }),
  };
}

/** Opens `urlPath` in a recording page (below) and waits for its load event. */
export async function openPath(context, urlPath) {
  const { page, problems } = await openRecordingPage(context);
  const response = await page.goto(urlPath, { waitUntil: 'load' });
  return { page, problems, response };
}

/**
 * Opens a new page in `context` that records everything that went wrong while
 * loading: JS exceptions, console errors, failed requests and subresources
 * answered with an HTTP error. `problems` is filled as the page runs.
 */
export async function openRecordingPage(context) {
  const page = await context.newPage();
  const problems = [];
  page.on('pageerror', (err) => problems.push(`uncaught JS error: ${err.message}`));
  page.on('console', (msg) => {
    // A 404 document logs "Failed to load resource: 404" for itself; the
    // response handler below reports real failed subresources precisely.
    if (msg.type() === 'error' && !msg.text().startsWith('Failed to load resource')) {
      problems.push(`console error: ${msg.text()}`);
    }
  });
  // Chromium cancels a document's pending requests (a late favicon, say) with
  // net::ERR_ABORTED when a click replaces that document: the reader never
  // waits for them, so they are not problems. A request aborted while its own
  // document is still the one shown is one.
  const documentOf = new WeakMap();
  const aborted = [];
  page.on('request', (req) => documentOf.set(req, page.url()));
  page.on('requestfailed', (req) => {
    const line = `request failed: ${req.url()} (${req.failure()?.errorText})`;
    if (req.failure()?.errorText === 'net::ERR_ABORTED') {
      const document = documentOf.get(req);
      if (document !== page.url()) return;
      aborted.push({ document, line });
    }
    problems.push(line);
  });
  page.on('framenavigated', (frame) => {
    if (frame !== page.mainFrame()) return;
    for (const { document, line } of aborted.splice(0)) {
      if (document === frame.url()) aborted.push({ document, line });
      else if (problems.includes(line)) problems.splice(problems.indexOf(line), 1);
    }
  });
  page.on('response', (res) => {
    const isMainDocument = res.request().isNavigationRequest() && res.request().frame() === page.mainFrame();
    if (!isMainDocument && res.status() >= 400) problems.push(`HTTP ${res.status()} for ${res.url()}`);
  });
  return { page, problems };
}

/**
 * Runs axe with the WCAG 2.x A/AA tags (or only the given rules); returns one
 * readable line per violating node.
 */
export async function axeViolations(page, pageLabel, { rules } = {}) {
  const builder = new AxeBuilder({ page });
  if (rules) builder.withRules(rules);
  else builder.withTags(AXE_TAGS);
  const results = await builder.analyze();
  const lines = [];
  for (const v of results.violations) {
    for (const node of v.nodes) {
      lines.push(`[${v.id}] impact=${v.impact ?? node.impact} page=${pageLabel} target=${JSON.stringify(node.target)}\n` +
        `    ${v.help} (${v.helpUrl})\n    ${node.failureSummary?.replaceAll('\n', '\n    ')}\n    html: ${node.html.slice(0, 300)}`);
    }
  }
  return { lines, violations: results.violations };
}

/** Horizontal scroll check: how much wider the document is than the viewport. */
export async function horizontalOverflow(page) {
  return page.evaluate(() => {
    const el = document.documentElement;
    const overflow = el.scrollWidth - el.clientWidth;
    if (overflow <= 0) return { overflow, scrollWidth: el.scrollWidth, clientWidth: el.clientWidth, culprits: [] };
    // Name the widest elements sticking out of the viewport, to help fixing.
    const culprits = [...document.body.querySelectorAll('*')]
      .map((n) => ({ n, r: n.getBoundingClientRect() }))
      .filter(({ r }) => r.right > el.clientWidth + 0.5)
      .sort((a, b) => b.r.right - a.r.right)
      .slice(0, 5)
      .map(({ n, r }) => `${n.tagName.toLowerCase()}${n.id ? '#' + n.id : ''}${n.className && typeof n.className === 'string' ? '.' + n.className.trim().split(/\s+/).join('.') : ''} (right edge ${Math.round(r.right)}px)`);
    return { overflow, scrollWidth: el.scrollWidth, clientWidth: el.clientWidth, culprits };
  });
}

/**
 * With print media emulated: is the main navigation visible? Returns null when
 * the page has no main navigation. Restores screen media afterwards.
 */
export async function mainNavVisibleInPrint(page) {
  const nav = page.locator(MAIN_NAV);
  if ((await nav.count()) === 0) return null;
  await page.emulateMedia({ media: 'print' });
  try {
    const visible = await Promise.all((await nav.all()).map((n) => n.isVisible()));
    return visible.some(Boolean);
  } finally {
    await page.emulateMedia({ media: 'screen' });
  }
}
