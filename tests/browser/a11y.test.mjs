// Accessibility of every page type of a built site, with playwright-core driving Debian's
// Chromium. Run by test.sh (browser step) as:
//
//   QOSTIL_SITE_DIR=/path/to/built/site node --test a11y.test.mjs
//
// - axe-core (pinned in package.json) with the WCAG 2.0/2.1 A and AA rules on each page
//   type (pages.mjs) at 375×812 and 1280×800: no violation;
// - the same over the photo fixture's home and photo article (QOSTIL_PHOTO_SITE_DIR, the
//   built tests/fixtures/photos), at both widths;
// - a phone shows at least 8 headlines of a section or term list, whole, at 15 px or more;
// - on a phone, Tab visits the focusable elements of each page type in their visual order
//   (top to bottom, left to right within a row).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';

import { chromium } from 'playwright-core';

import { startServer } from './server.mjs';
import { CHROMIUM, CHROMIUM_ARGS } from './chromium.mjs';
import { firstPage, pageTypes, WIDTHS } from './pages.mjs';

const SITE_DIR = process.env.QOSTIL_SITE_DIR;
const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

let server;
let browser;
let pages;

before(async () => {
  assert.ok(SITE_DIR, 'QOSTIL_SITE_DIR must name the built site');
  server = await startServer(SITE_DIR);
  browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  pages = await pageTypes(SITE_DIR);
});

after(async () => {
  await browser?.close();
  await server?.close();
});

async function open(width, url, site = server) {
  const context = await browser.newContext({
    viewport: width.viewport,
    isMobile: width.isMobile,
    hasTouch: width.hasTouch,
  });
  // Nothing may come from another host; block it so a slip cannot hang the test.
  await context.route(
    (u) => u.origin !== site.url,
    (route) => route.abort(),
  );
  const page = await context.newPage();
  const response = await page.goto(site.url + url, { waitUntil: 'networkidle' });
  return { context, page, status: response?.status() };
}

/** A readable list of axe violations: rule, impact, the first nodes. */
function describe(violations) {
  return violations
    .map((v) => `${v.id} (${v.impact}): ${v.help}\n    ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join('\n    ')}`)
    .join('\n');
}

/** axe-core's violations of the AXE_TAGS rules on an open page. */
async function axeViolations(page) {
  await page.addScriptTag({ content: AXE_SOURCE });
  const result = await page.evaluate(
    (tags) => window.axe.run(document, { runOnly: { type: 'tag', values: tags } }),
    AXE_TAGS,
  );
  return result.violations;
}

for (const width of WIDTHS) {
  test(`axe-core WCAG 2.1 AA: every page type at ${width.name} px`, { timeout: 300_000 }, async () => {
    assert.ok(pages.length >= 8, `too few page types found: ${JSON.stringify(pages)}`);
    const failures = [];
    for (const [type, url] of pages) {
      const { context, page } = await open(width, url);
      const violations = await axeViolations(page);
      if (violations.length) failures.push(`${type} ${url}:\n  ${describe(violations)}`);
      await context.close();
    }
    assert.equal(failures.length, 0, failures.join('\n'));
  });
}

// The photo fixture (tests/fixtures/photos, built by test.sh's build step): its home with
// the lead story's photo, and the article with a lead photo and a `figure` shortcode, in
// both languages (the Russian one shows the Kazakh bundle's photos, its figure without a
// caption).
const PHOTO_SITE_DIR = process.env.QOSTIL_PHOTO_SITE_DIR;
const PHOTO_PAGES = [
  ['home-kk', '/kk/'],
  ['article-kk (lead photo, figure with caption and credit)', '/kk/news/festival/'],
  ['article-ru (lead photo, figure)', '/ru/news/festival/'],
];

for (const width of WIDTHS) {
  test(`axe-core WCAG 2.1 AA: the photo fixture's pages at ${width.name} px`, { timeout: 120_000, skip: !PHOTO_SITE_DIR && 'QOSTIL_PHOTO_SITE_DIR is not set' }, async () => {
    const photoServer = await startServer(PHOTO_SITE_DIR);
    const failures = [];
    try {
      for (const [type, url] of PHOTO_PAGES) {
        const { context, page, status } = await open(width, url, photoServer);
        if (status !== 200) failures.push(`${type} ${url}: HTTP ${status}`);
        const images = await page.locator('main picture img').count();
        if (images === 0) failures.push(`${type} ${url}: no photo in <main> (is this the photo fixture?)`);
        const violations = await axeViolations(page);
        if (violations.length) failures.push(`${type} ${url}:\n  ${describe(violations)}`);
        await context.close();
      }
    } finally {
      await photoServer.close();
    }
    assert.equal(failures.length, 0, failures.join('\n'));
  });
}

/** Where the focused element sits on the page, its scrolled containers scrolled back. */
function focusedPosition() {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const rect = el.getBoundingClientRect();
  let left = rect.left + window.scrollX;
  for (let p = el.parentElement; p; p = p.parentElement) left += p.scrollLeft;
  return {
    top: Math.round(rect.top + window.scrollY),
    bottom: Math.round(rect.bottom + window.scrollY),
    left: Math.round(left),
    name: `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''} "${(el.textContent || el.getAttribute('placeholder') || '').trim().slice(0, 30)}"`,
  };
}

test('on a phone, Tab follows the visual order on every page type', { timeout: 300_000 }, async () => {
  const phone = WIDTHS.find((w) => w.isMobile);
  const failures = [];
  for (const [type, url] of pages) {
    const { context, page } = await open(phone, url);
    const seen = [];
    for (let i = 0; i < 80; i++) {
      await page.keyboard.press('Tab');
      const at = await page.evaluate(focusedPosition);
      if (!at || (seen.length && at.name === seen[0].name && at.top === seen[0].top)) break;
      seen.push(at);
    }
    for (let i = 1; i < seen.length; i++) {
      const a = seen[i - 1];
      const b = seen[i];
      // b must not start above a's row, nor left of a on the same row.
      const sameRow = b.top < a.bottom && a.top < b.bottom;
      const before = sameRow ? b.left < a.left - 2 : b.top < a.top;
      if (before) failures.push(`${type} ${url}: ${b.name} (${b.top},${b.left}) is tabbed after ${a.name} (${a.top},${a.left}) but shown before it`);
    }
    await context.close();
  }
  assert.equal(failures.length, 0, failures.join('\n'));
});

/**
 * How many headlines of the list a phone shows whole without scrolling, the list filled up
 * to a full page (`paginate_by`, 10 on the portal) by repeating its own items: the portal
 * has fewer articles per section than a page holds, and a list of real headlines (with
 * their real lengths) is what is measured.
 */
function headlinesOnScreen(perPage) {
  const list = document.querySelector('.headlines');
  if (!list) return { whole: 0, items: 0 };
  const own = [...list.children];
  for (let i = own.length; i < perPage; i++) list.append(own[i % own.length].cloneNode(true));
  const bottom = window.innerHeight;
  const items = [...list.children];
  const whole = items.filter((li) => {
    const r = li.getBoundingClientRect();
    return r.top >= 0 && r.bottom <= bottom;
  }).length;
  const title = getComputedStyle(list.querySelector('.headline__title'));
  return { whole, items: items.length, fontSize: parseFloat(title.fontSize), clamp: title.webkitLineClamp };
}

test('a phone (375×812) shows at least 8 headlines of a section or term list', { timeout: 120_000 }, async () => {
  const phone = WIDTHS.find((w) => w.isMobile);
  const term = await firstPage(SITE_DIR, 'ru/tags');
  const lists = ['/ru/news/', '/kk/news/', term].filter(Boolean);
  assert.ok(lists.length === 3, `no term page in ${SITE_DIR}/ru/tags`);
  const failures = [];
  for (const url of lists) {
    const { context, page } = await open(phone, url);
    const seen = await page.evaluate(headlinesOnScreen, 10);
    if (seen.whole < 8) failures.push(`${url}: ${seen.whole} of ${seen.items} headlines fully visible`);
    // Readable, and every word shown: no clamping.
    if (!(seen.fontSize >= 15)) failures.push(`${url}: headlines at ${seen.fontSize} px (15 at least)`);
    if (seen.clamp && seen.clamp !== 'none') failures.push(`${url}: headlines clamped (${seen.clamp})`);
    await context.close();
  }
  assert.equal(failures.length, 0, failures.join('\n'));
});
