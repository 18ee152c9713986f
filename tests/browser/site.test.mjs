// Browser tests of a built qostil site (the real portal in test.sh), with playwright-core
// driving Debian's Chromium. Run by test.sh as:
//
//   QOSTIL_SITE_DIR=/path/to/built/site node --test site.test.mjs
//
// Environment:
//   QOSTIL_SITE_DIR        the built site folder (required; no default, so a missing build fails)
//   QOSTIL_SCREENSHOT_DIR  where screenshots go (default: tests/browser/screenshots/)
//   QOSTIL_CHROMIUM        the browser binary (default: /usr/bin/chromium)
//   QOSTIL_CRAWL_LIMIT     most HTML pages the crawl visits (default: 500)
//
// The tests run in order and share one server and one browser, which after() closes (also
// when a test fails). Console errors of every page any test opens are collected and test (d)
// fails on them.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, promises as fs } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { chromium } from 'playwright-core';

import { startServer } from './server.mjs';
import { CHROMIUM, CHROMIUM_ARGS } from './chromium.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const SITE_DIR = process.env.QOSTIL_SITE_DIR;
const SHOT_DIR = path.resolve(process.env.QOSTIL_SCREENSHOT_DIR || path.join(HERE, 'screenshots'));
const CRAWL_LIMIT = Number(process.env.QOSTIL_CRAWL_LIMIT || 500);
const RESOURCE_LIMIT = 5 * CRAWL_LIMIT;
const LANGS = ['kk', 'ru'];
/** Every `<html lang>` a page may have: the two languages and the Latin edition made from
 * the Kazakh one (`kazakh_latin: true`, /kk-latn/). */
const HTML_LANGS = ['kk', 'kk-Latn', 'ru'];
const NAV_TIMEOUT = 15_000;

let server;
let browser;
let context; // JavaScript on, desktop viewport
/** Console errors and uncaught exceptions of every page opened: { url, text }. */
const consoleErrors = [];
/** Requests to any other host than the local server (blocked, never sent): { page, url }. */
const externalRequests = [];
/** Article pages found in the built folder, per language: { path: `/ru/news/x/`, other:
 * true when the page declares a counterpart in the other language (hreflang alternate). */
const articles = { kk: [], ru: [] };

// ---------------------------------------------------------------------------------------
// helpers

/** Every `index.html` below `dir`, as URL paths (`/kk/news/`), sorted. */
async function htmlPages(dir) {
  const out = [];
  async function walk(rel) {
    const entries = await fs.readdir(path.join(dir, rel), { withFileTypes: true });
    for (const e of entries) {
      const childRel = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) await walk(childRel);
      else if (e.isFile() && e.name.endsWith('.html')) out.push(childRel);
    }
  }
  await walk('');
  return out
    .map((rel) => (rel.endsWith('index.html') ? `/${rel.slice(0, -'index.html'.length)}` : `/${rel}`))
    .sort();
}

/** True when the HTML text is an article page (og:type article, or the portal's body class). */
function isArticleHtml(html) {
  return (
    /<meta\s+property="og:type"\s+content="article"/i.test(html) ||
    /<body[^>]*class="[^"]*\blayout-article\b/i.test(html)
  );
}

/** A browser context whose requests to other hosts are recorded and blocked: the tests
 * never touch the network, and a page that needs another host is reported. */
async function newContext(options) {
  const ctx = await browser.newContext(options);
  await ctx.route(
    (url) => /^(https?|wss?):$/.test(url.protocol) && url.origin !== server.url,
    (route) => {
      const frame = route.request().frame();
      externalRequests.push({ page: frame?.url() ?? '?', url: route.request().url() });
      return route.abort('blockedbyclient');
    },
  );
  return ctx;
}

/** True for a console message about a request to another host (reported separately). */
function isExternalConsoleError(e) {
  return Boolean(e.source && !e.source.startsWith(`${server.url}/`) && /^(https?|wss?):/.test(e.source));
}

function watchConsole(page) {
  page.on('console', (msg) => {
    if (msg.type() === 'error') {
      const loc = msg.location();
      consoleErrors.push({
        url: page.url(),
        source: loc?.url ?? '',
        text: `${msg.text()}${loc?.url ? ` (${loc.url}:${loc.lineNumber})` : ''}`,
      });
    }
  });
  page.on('pageerror', (err) => consoleErrors.push({ url: page.url(), text: `uncaught: ${err.message}` }));
  return page;
}

async function newPage(ctx = context) {
  const page = watchConsole(await ctx.newPage());
  page.setDefaultTimeout(NAV_TIMEOUT);
  page.setDefaultNavigationTimeout(NAV_TIMEOUT);
  return page;
}

async function open(page, urlPath) {
  const res = await page.goto(server.url + urlPath, { waitUntil: 'load' });
  assert.ok(res, `no response for ${urlPath}`);
  return res;
}

/** Clicks a link and waits for the main frame's final (non-redirect) navigation response. */
async function clickNav(page, locator) {
  const responded = page.waitForResponse(
    (r) =>
      r.request().isNavigationRequest() &&
      r.request().frame() === page.mainFrame() &&
      !(r.status() >= 300 && r.status() < 400),
    { timeout: NAV_TIMEOUT },
  );
  await locator.click();
  const res = await responded;
  await page.waitForLoadState('load');
  return res;
}

async function htmlLang(page) {
  return page.evaluate(() => document.documentElement.getAttribute('lang'));
}

/** The language-switcher link to `lang` on the open page. */
async function switcherLink(page, lang) {
  for (const sel of [`.lang-switch a[hreflang="${lang}"]`, `header a[hreflang="${lang}"]`]) {
    const loc = page.locator(sel);
    if ((await loc.count()) > 0) return loc.first();
  }
  assert.fail(`no language-switcher link to "${lang}" on ${page.url()}`);
}

/** The Russian article the tests look at: the first one that has a Kazakh version. */
function firstRuArticle() {
  return (articles.ru.find((a) => a.other) ?? articles.ru[0])?.path ?? null;
}

// ---------------------------------------------------------------------------------------
// setup and teardown

before(async () => {
  assert.ok(SITE_DIR, 'set QOSTIL_SITE_DIR to the built site folder (test.sh does)');
  assert.ok(existsSync(path.join(SITE_DIR, 'index.html')), `no index.html in QOSTIL_SITE_DIR=${SITE_DIR}`);
  assert.ok(existsSync(CHROMIUM), `Chromium not found at ${CHROMIUM} (apt-get install chromium)`);

  for (const urlPath of await htmlPages(SITE_DIR)) {
    const lang = urlPath.split('/')[1];
    if (!LANGS.includes(lang)) continue;
    const file = path.join(SITE_DIR, urlPath.endsWith('/') ? `${urlPath}index.html` : urlPath);
    const html = await fs.readFile(file, 'utf8');
    if (!isArticleHtml(html)) continue;
    const other = LANGS.find((l) => l !== lang);
    const hasOther = new RegExp(`<link\\s+rel="alternate"\\s+hreflang="${other}"`, 'i').test(html);
    articles[lang].push({ path: urlPath, other: hasOther });
  }

  server = await startServer(SITE_DIR);
  // Playwright always starts Chromium with a fresh temporary --user-data-dir of its own
  // (and refuses one in `args`); it deletes that folder when the browser closes.
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    timeout: 60_000,
  });
  context = await newContext({ viewport: { width: 1280, height: 800 } });
});

after(async () => {
  await browser?.close().catch(() => {});
  await server?.close();
});

// ---------------------------------------------------------------------------------------
// (a) chooser

test('(a) / shows both languages and its Russian link leads to the Russian home', { timeout: 60_000 }, async () => {
  const page = await newPage();
  try {
    const res = await open(page, '/');
    assert.equal(res.status(), 200, '/ status');
    for (const lang of LANGS) {
      const text = (await page.locator(`main [lang="${lang}"]`).allInnerTexts()).join(' ').trim();
      assert.ok(text.length > 0, `/ shows no visible text marked lang="${lang}" in <main>`);
      const link = page.locator(`main a[hreflang="${lang}"]`);
      assert.ok((await link.count()) > 0, `/ has no link to the "${lang}" site in <main>`);
      assert.ok(await link.first().isVisible(), `/: the "${lang}" link is not visible`);
    }
    const nav = await clickNav(page, page.locator('main a[hreflang="ru"]').first());
    assert.equal(nav.status(), 200, `following the Russian link: ${nav.url()}`);
    assert.match(new URL(page.url()).pathname, /^\/ru\//, 'the Russian link leads under /ru/');
    assert.equal(await htmlLang(page), 'ru', `<html lang> of ${page.url()}`);
  } finally {
    await page.close();
  }
});

// ---------------------------------------------------------------------------------------
// (b) language switcher

async function switchToKazakh(urlPath) {
  const page = await newPage();
  try {
    const res = await open(page, urlPath);
    assert.equal(res.status(), 200, `${urlPath} status`);
    assert.equal(await htmlLang(page), 'ru', `<html lang> of ${urlPath}`);
    const link = await switcherLink(page, 'kk');
    const href = await link.getAttribute('href');
    const nav = await clickNav(page, link);
    assert.equal(nav.status(), 200, `switcher on ${urlPath} → ${href}: status`);
    assert.equal(await htmlLang(page), 'kk', `switcher on ${urlPath} → ${href}: <html lang>`);
  } finally {
    await page.close();
  }
}

test('(b) language switcher: Russian home → Kazakh', { timeout: 60_000 }, async () => {
  await switchToKazakh('/ru/');
});

test('(b) language switcher: Russian article → Kazakh', { timeout: 60_000 }, async (t) => {
  const article = firstRuArticle();
  if (!article) return t.skip('the site has no Russian article page yet');
  t.diagnostic(`article: ${article}`);
  await switchToKazakh(article);
  // A Russian-only article: the switcher leads to the nearest Kazakh page, never a 404.
  const untranslated = articles.ru.find((a) => !a.other);
  if (untranslated) {
    t.diagnostic(`article without a Kazakh version: ${untranslated.path}`);
    await switchToKazakh(untranslated.path);
  }
});

// ---------------------------------------------------------------------------------------
// (c) crawl

/** Internal URL (local server) for an href, or null for external/unsupported links. */
function internalUrl(href, siteBase) {
  let u;
  try {
    u = new URL(href);
  } catch {
    return null;
  }
  if (siteBase && (u.href === siteBase || u.href.startsWith(`${siteBase}/`))) {
    u = new URL(server.url + u.href.slice(siteBase.length));
  }
  if (u.origin !== server.url) return null;
  u.hash = '';
  return u.pathname + u.search;
}

test('(c) crawl from /: no link leads to a 404, every hreflang link lands on its language', { timeout: 600_000 }, async (t) => {
  const page = await newPage();
  // Only the navigation the crawl asks for may happen: a meta refresh (redirect pages) must
  // not replace the document while its links are read. The target is checked as a link.
  let allowed = null;
  await page.route('**/*', (route) => {
    const req = route.request();
    if (req.isNavigationRequest() && req.frame() === page.mainFrame()) {
      if (req.url() !== allowed && !req.redirectedFrom()) return route.abort('aborted');
    }
    return route.fallback(); // on to the context's route, which blocks other hosts
  });

  // The site's own absolute URLs (canonical, hreflang alternates) map to the local server.
  const rootHtml = await (await fetch(`${server.url}/`)).text();
  const canonical = rootHtml.match(/<link\s+rel="canonical"\s+href="([^"]+)"/i)?.[1];
  let siteBase = null;
  if (canonical) {
    const cu = new URL(canonical);
    if (cu.pathname === '/') siteBase = cu.origin;
  }
  t.diagnostic(`site base URL from the canonical link of /: ${siteBase ?? '(none)'}`);

  const results = new Map(); // path -> { status, type, lang }
  const referrers = new Map(); // path -> Set(page paths)
  const langLinks = []; // { from, to, hreflang, switcher }
  const queue = ['/'];
  const queued = new Set(queue);
  let htmlVisited = 0;
  let truncated = false;
  const failedRequests = [];
  page.on('requestfailed', (req) => {
    const reason = req.failure()?.errorText ?? '';
    // Cancelled when the crawl moves on (a favicon loads after the page); a missing file
    // answers 404, which the response handler below reports.
    if (reason.includes('ERR_ABORTED')) return;
    if (reason.includes('ERR_BLOCKED_BY_CLIENT')) return; // another host: see test (d)
    failedRequests.push(`${req.url()} (${reason}) on ${page.url()}`);
  });
  page.on('response', (r) => {
    if (!r.request().isNavigationRequest() && r.status() >= 400) {
      failedRequests.push(`${r.url()} answered ${r.status()} on ${page.url()}`);
    }
  });

  function addLink(from, to) {
    if (!referrers.has(to)) referrers.set(to, new Set());
    referrers.get(to).add(from);
    if (!queued.has(to)) {
      queued.add(to);
      queue.push(to);
    }
  }

  const onDisk = await htmlPages(SITE_DIR);
  let orphans = null;
  for (;;) {
    if (queue.length === 0) {
      if (orphans !== null) break;
      // Then the built pages no link reaches (alias redirects, /404.html): their links count too.
      orphans = onDisk.filter((p) => !queued.has(p));
      for (const p of orphans) {
        queued.add(p);
        queue.push(p);
      }
      continue;
    }
    const urlPath = queue.shift();
    // Status and type with a plain request first; only HTML goes to the browser.
    const res = await fetch(server.url + urlPath, { redirect: 'follow' });
    const type = (res.headers.get('content-type') ?? '').split(';')[0];
    await res.arrayBuffer();
    const entry = { status: res.status, type, lang: null, visited: false };
    results.set(urlPath, entry);
    if (res.status !== 200 || type !== 'text/html') continue;
    if (htmlVisited >= CRAWL_LIMIT) {
      truncated = true;
      continue;
    }
    htmlVisited += 1;

    allowed = new URL(server.url + urlPath).href;
    const nav = await page.goto(allowed, { waitUntil: 'load' });
    entry.status = nav?.status() ?? 0;
    const info = await page.evaluate(() => {
      const links = [];
      for (const el of document.querySelectorAll('a[href], area[href], link[href]')) {
        links.push({
          href: el.href,
          hreflang: el.getAttribute('hreflang'),
          rel: el.getAttribute('rel') ?? '',
          switcher: Boolean(el.closest('.lang-switch')),
        });
      }
      for (const el of document.querySelectorAll('img[src], script[src], source[src], iframe[src], video[src], audio[src]')) {
        links.push({ href: el.src, hreflang: null, rel: '', switcher: false });
      }
      for (const el of document.querySelectorAll('meta[http-equiv]')) {
        if (el.getAttribute('http-equiv').toLowerCase() !== 'refresh') continue;
        const m = (el.getAttribute('content') ?? '').match(/url\s*=\s*['"]?([^'"]+)/i);
        if (m) links.push({ href: new URL(m[1], document.baseURI).href, hreflang: null, rel: 'refresh', switcher: false });
      }
      return { lang: document.documentElement.getAttribute('lang'), links };
    });
    entry.lang = info.lang;
    entry.visited = true;
    for (const link of info.links) {
      const to = internalUrl(link.href, siteBase);
      if (!to) continue;
      if (results.size + queue.length >= RESOURCE_LIMIT && !queued.has(to)) {
        truncated = true;
        continue;
      }
      addLink(urlPath, to);
      if (link.hreflang && link.hreflang !== 'x-default') {
        langLinks.push({ from: urlPath, to, hreflang: link.hreflang, switcher: link.switcher });
      }
    }
  }
  await page.close();

  const problems = [];
  const refs = (p) => [...(referrers.get(p) ?? [])].slice(0, 5).join(', ') || '(start)';
  for (const [p, r] of results) {
    if (r.status !== 200) problems.push(`${p} answered ${r.status} (linked from ${refs(p)})`);
    else if (r.visited && !HTML_LANGS.includes(r.lang)) {
      problems.push(`${p} has <html lang="${r.lang ?? ''}">, expected one of ${HTML_LANGS.join(', ')}`);
    }
  }
  let switcherLinks = 0;
  for (const l of langLinks) {
    const target = results.get(l.to);
    if (l.switcher) switcherLinks += 1;
    if (!target?.visited || target.status !== 200) continue;
    if (target.lang !== l.hreflang) {
      problems.push(
        `${l.switcher ? 'language-switcher link' : 'hreflang link'} on ${l.from} → ${l.to} says hreflang="${l.hreflang}" but the page has <html lang="${target.lang}">`,
      );
    }
  }
  for (const f of failedRequests) problems.push(`resource failed: ${f}`);

  const unreached = (orphans ?? []).filter((p) => p !== '/404.html');
  t.diagnostic(
    `crawled ${htmlVisited} HTML pages and ${results.size - htmlVisited} other URLs; ` +
      `${switcherLinks} language-switcher links, ${langLinks.length} hreflang links checked`,
  );
  if (unreached.length) {
    t.diagnostic(`built pages no link from / reaches (checked as well) (${unreached.length}): ${unreached.slice(0, 20).join(', ')}`);
  }
  if (truncated) t.diagnostic(`crawl stopped at the limit of ${CRAWL_LIMIT} pages (QOSTIL_CRAWL_LIMIT)`);
  assert.ok(htmlVisited > 0, 'the crawl opened no page');
  assert.deepEqual(problems, [], `${problems.length} problem(s) found by the crawl:\n  ${problems.join('\n  ')}`);
});

// ---------------------------------------------------------------------------------------
// (d) console

test('(d) no console errors on any page opened', { timeout: 10_000 }, (t) => {
  // Chromium asks for /favicon.ico by itself when a page declares no icon; that request is
  // the browser's, not the page's, so it is reported here but does not fail the test.
  const isFavicon = (e) => /\/favicon\.ico(:\d+)?\)$/.test(e.text);
  for (const e of consoleErrors.filter(isFavicon)) {
    t.diagnostic(`warning: the site has no favicon (no <link rel="icon">, /favicon.ico is missing): ${e.url}: ${e.text}`);
  }
  const lines = [
    ...new Set(consoleErrors.filter((e) => !isFavicon(e) && !isExternalConsoleError(e)).map((e) => `${e.url}: ${e.text}`)),
  ];
  assert.deepEqual(lines, [], `${lines.length} console error(s):\n  ${lines.join('\n  ')}`);
});

test('(d) no page loads anything from another host', { timeout: 10_000 }, () => {
  // Links to other sites are fine; images, styles, scripts, fonts and frames must be local.
  const seen = new Set();
  const lines = [];
  for (const r of externalRequests) {
    const pagePath = r.page.startsWith(server.url) ? r.page.slice(server.url.length) : r.page;
    const line = `${pagePath} requests ${r.url}`;
    if (!seen.has(line)) {
      seen.add(line);
      lines.push(line);
    }
  }
  assert.deepEqual(lines, [], `${lines.length} request(s) to other hosts (blocked):\n  ${lines.join('\n  ')}`);
});

// ---------------------------------------------------------------------------------------
// (e) screenshots

const VIEWPORTS = [
  { width: 1280, options: { viewport: { width: 1280, height: 800 } } },
  { width: 375, options: { viewport: { width: 375, height: 812 }, isMobile: true, hasTouch: true } },
];

async function screenshot(t, name, urlPath) {
  await fs.mkdir(SHOT_DIR, { recursive: true });
  const overflow = [];
  for (const vp of VIEWPORTS) {
    const ctx = await newContext({ ...vp.options, deviceScaleFactor: 1 });
    try {
      const page = await newPage(ctx);
      const res = await open(page, urlPath);
      assert.equal(res.status(), 200, `${urlPath} status`);
      const file = path.join(SHOT_DIR, `${name}-${vp.width}.png`);
      await page.screenshot({ path: file, fullPage: true });
      t.diagnostic(`screenshot: ${file}`);
      const width = await page.evaluate(() => document.documentElement.scrollWidth);
      if (width > vp.width) overflow.push(`${urlPath} is ${width}px wide at a ${vp.width}px viewport`);
    } finally {
      await ctx.close();
    }
  }
  assert.deepEqual(overflow, [], `horizontal overflow:\n  ${overflow.join('\n  ')}`);
}

test('(e) screenshots: language chooser', { timeout: 60_000 }, async (t) => {
  await screenshot(t, 'chooser', '/');
});

test('(e) screenshots: Kazakh home', { timeout: 60_000 }, async (t) => {
  await screenshot(t, 'kk-home', '/kk/');
});

test('(e) screenshots: Russian article', { timeout: 60_000 }, async (t) => {
  const article = firstRuArticle();
  if (!article) return t.skip('the site has no Russian article page yet');
  t.diagnostic(`article: ${article}`);
  await screenshot(t, 'ru-article', article);
});

// ---------------------------------------------------------------------------------------
// (f) without JavaScript

async function sameWithoutJs(urlPath, { article }) {
  const noJs = await newContext({ javaScriptEnabled: false, viewport: { width: 1280, height: 800 } });
  const withJs = await newPage();
  try {
    const page = await newPage(noJs);
    const res = await open(page, urlPath);
    assert.equal(res.status(), 200, `${urlPath} status without JavaScript`);
    const h1 = page.locator('main h1').first();
    assert.ok(await h1.isVisible(), `${urlPath}: no visible <h1> in <main> without JavaScript`);
    assert.ok((await h1.innerText()).trim().length > 0, `${urlPath}: empty <h1> without JavaScript`);
    if (article) {
      const paragraphs = (await page.locator('main article p').allInnerTexts()).filter((s) => s.trim().length > 0);
      assert.ok(paragraphs.length > 0, `${urlPath}: no article paragraph visible without JavaScript`);
      assert.ok(await page.locator('main article p').first().isVisible(), `${urlPath}: article text hidden without JavaScript`);
    }
    await open(withJs, urlPath);
    const mainOff = await page.locator('main').innerText();
    const mainOn = await withJs.locator('main').innerText();
    assert.equal(mainOff, mainOn, `${urlPath}: <main> shows different text without JavaScript`);
    const linksOff = await page.locator('a[href]').count();
    const linksOn = await withJs.locator('a[href]').count();
    assert.equal(linksOff, linksOn, `${urlPath}: a different number of links without JavaScript`);
  } finally {
    await withJs.close();
    await noJs.close();
  }
}

test('(f) without JavaScript: Russian home works', { timeout: 60_000 }, async () => {
  await sameWithoutJs('/ru/', { article: false });
});

test('(f) without JavaScript: a Russian article still shows its text', { timeout: 60_000 }, async (t) => {
  const article = firstRuArticle();
  if (!article) return t.skip('the site has no Russian article page yet');
  t.diagnostic(`article: ${article}`);
  await sameWithoutJs(article, { article: true });
});
