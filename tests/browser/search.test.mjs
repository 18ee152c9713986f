// Browser tests of the portal's search (themes/portal/static/search.js) on a built site,
// with playwright-core driving Debian's Chromium:
//
//   cd tests/browser && npm ci && node --test search.test.mjs
//
// Environment:
//   QOSTIL_SITE_DIR   the built site (default: public/ of this repository)
//   QOSTIL_CHROMIUM   the browser binary (default: /usr/bin/chromium)
//
// One local server (server.mjs, 127.0.0.1 only) and one browser serve every test; after()
// closes both, also when a test fails. Requests to any other host are blocked, and console
// errors they cause are ignored; every other console error or uncaught exception of any
// page fails the last test. The timing test prints how long search.js's scoring takes per
// keystroke (it asserts nothing about it).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, promises as fs } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { chromium } from 'playwright-core';

import { startServer } from './server.mjs';
import { CHROMIUM, CHROMIUM_ARGS } from './chromium.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const SITE_DIR = path.resolve(process.env.QOSTIL_SITE_DIR || path.join(HERE, '../../public'));
const TIMEOUT = 15_000;
/** Results the page shows at most (search.js TOP). */
const TOP = 20;

let server;
let browser;
let context;
const consoleErrors = [];
const blocked = [];
/** Article pages of the built site: { kk: [{path, words: Set}], ru: [...] }. */
const articles = { kk: [], ru: [] };
/* The Latin edition's pages are found through the Kazakh ones (same paths). */

// ---------------------------------------------------------------------------------------
// helpers

/** Every `index.html` below `dir`, as URL paths (`/kk/news/x/`). */
async function htmlPages(dir) {
  const out = [];
  async function walk(rel) {
    for (const e of await fs.readdir(path.join(dir, rel), { withFileTypes: true })) {
      const child = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) await walk(child);
      else if (e.name === 'index.html') out.push(`/${rel}/`);
    }
  }
  await walk('');
  return out.sort();
}

/** The lower-case words of the <main> of a page's HTML (title, body, tags, regions). */
function mainWords(html) {
  const main = html.match(/<main[\s\S]*?<\/main>/i)?.[0] ?? '';
  const text = main
    .replace(/<script[\s\S]*?<\/script>/gi, ' ')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&[a-z]+;|&#\d+;/gi, ' ');
  return new Set(
    text
      .split(/[^\p{Alphabetic}\p{N}]+/u)
      .filter(Boolean)
      .map((w) => w.toLowerCase().replace(/ё/g, 'е')),
  );
}

async function newPage(ctx = context) {
  const page = await ctx.newPage();
  page.setDefaultTimeout(TIMEOUT);
  page.on('console', (msg) => {
    if (msg.type() !== 'error') return;
    const source = msg.location()?.url ?? '';
    // A request to another host (blocked on purpose) is not the page's fault.
    if (/^(https?|wss?):/.test(source) && !source.startsWith(`${server.url}/`)) return;
    if (/ERR_BLOCKED_BY_CLIENT/.test(msg.text())) return;
    consoleErrors.push(`${page.url()}: ${msg.text()} (${source})`);
  });
  page.on('pageerror', (err) => consoleErrors.push(`${page.url()}: uncaught ${err.message}`));
  return page;
}

async function newContext(options) {
  const ctx = await browser.newContext(options);
  await ctx.route(
    (url) => /^(https?|wss?):$/.test(url.protocol) && url.origin !== server.url,
    (route) => {
      blocked.push(route.request().url());
      return route.abort('blockedbyclient');
    },
  );
  return ctx;
}

/** Waits until the page shows the results of query `q`; returns {total, urls, status}. */
async function resultsFor(page, q) {
  await page.waitForFunction((want) => window.QostilSearch?.rendered?.query === want, q);
  return page.evaluate(() => ({
    total: window.QostilSearch.rendered.total,
    urls: [...document.querySelectorAll('#search-results .search-result__link')].map((a) => a.getAttribute('href')),
    status: document.getElementById('search-status').textContent,
  }));
}

/** Types `text` into the search page's input key by key, as a person would. */
async function typeQuery(page, text, delay = 40) {
  const input = page.locator('#search-input');
  await input.click();
  await input.pressSequentially(text, { delay });
}

// ---------------------------------------------------------------------------------------
// setup

before(async () => {
  assert.ok(existsSync(path.join(SITE_DIR, 'kk/search/index.html')), `no /kk/search/ in ${SITE_DIR} (cargo run -- build)`);
  assert.ok(existsSync(CHROMIUM), `Chromium not found at ${CHROMIUM}`);
  for (const urlPath of await htmlPages(SITE_DIR)) {
    const lang = urlPath.split('/')[1];
    if (!(lang in articles)) continue;
    const html = await fs.readFile(path.join(SITE_DIR, urlPath, 'index.html'), 'utf8');
    if (!/<meta\s+property="og:type"\s+content="article"/i.test(html)) continue;
    articles[lang].push({ path: urlPath, words: mainWords(html) });
  }
  server = await startServer(SITE_DIR);
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS, timeout: 60_000 });
  context = await newContext({ viewport: { width: 1280, height: 900 } });
});

after(async () => {
  await browser?.close().catch(() => {});
  await server?.close();
});

// ---------------------------------------------------------------------------------------
// tests

test('kk: typing «мамандық» finds the articles that have only inflected forms of it', { timeout: 60_000 }, async (t) => {
  // Articles with мамандығы / мамандықтары / мамандықтарының … but never the bare word.
  const inflectedOnly = articles.kk
    .filter((a) => !a.words.has('мамандық') && [...a.words].some((w) => /^маманды[қғ]./.test(w)))
    .map((a) => a.path);
  t.diagnostic(`articles with only inflected forms: ${inflectedOnly.join(' ') || '(none)'}`);
  assert.ok(inflectedOnly.length > 0, 'the site has articles with only inflected forms of мамандық');

  const page = await newPage();
  try {
    await page.goto(`${server.url}/kk/search/`);
    await typeQuery(page, 'мамандық');
    const r = await resultsFor(page, 'мамандық');
    t.diagnostic(`status: ${r.status}`);
    if (inflectedOnly.length <= TOP) {
      for (const url of inflectedOnly) assert.ok(r.urls.includes(url), `${url} is not among the results: ${r.urls.join(' ')}`);
    } else {
      assert.ok(r.total >= inflectedOnly.length, `${r.total} results, ${inflectedOnly.length} articles with inflected forms`);
    }
    assert.equal(r.urls.length, Math.min(r.total, TOP));
    assert.match(r.status, new RegExp(`^${r.total}\\b`), 'the count leads the status');
    assert.equal(new URL(page.url()).searchParams.get('q'), 'мамандық', '?q= follows the input');

    // Snippets mark the matched words, which are forms of мамандық.
    const marks = await page.locator('#search-results .search-result__snippet mark').allTextContents();
    assert.ok(marks.length > 0, 'a snippet has <mark>');
    for (const m of marks) assert.match(m.toLowerCase(), /^маманды[қғ]/, `marked «${m}»`);
    // A result's date reads as on the article page itself (the `date` filter's format).
    const first = page.locator('#search-results .search-result:has(time)').first();
    const shownDate = await first.locator('time').textContent();
    const href = await first.locator('a').getAttribute('href');
    const articleHtml = await fs.readFile(path.join(SITE_DIR, href, 'index.html'), 'utf8');
    const articleDate = articleHtml.match(/<time datetime="[^"]*">([^<]+)<\/time>/)?.[1];
    assert.equal(shownDate, articleDate, `date of ${href}`);
  } finally {
    await page.close();
  }
});

test('kk-Latn: «mamandyq» typed in Latin letters, plain ASCII or Cyrillic finds the Latin articles of «мамандық»', { timeout: 90_000 }, async (t) => {
  // The Latin edition's articles: the Kazakh articles at /kk-latn/ (same paths).
  const expected = articles.kk
    .filter((a) => [...a.words].some((w) => /^маманды[қғ]/.test(w)))
    .map((a) => a.path.replace(/^\/kk\//, '/kk-latn/'));
  assert.ok(expected.length > 0, 'the site has Kazakh articles about мамандық');
  for (const query of ['mamandyq', 'mamandyk', 'мамандық']) {
    const page = await newPage();
    try {
      await page.goto(`${server.url}/kk-latn/search/`);
      assert.equal(await page.locator('html').getAttribute('lang'), 'kk-Latn');
      await typeQuery(page, query);
      const r = await resultsFor(page, query);
      t.diagnostic(`${query}: ${r.status}`);
      assert.ok(r.total > 0, `«${query}» finds nothing: ${r.status}`);
      for (const url of r.urls) assert.match(url, /^\/kk-latn\//, `«${query}» leads to ${url}`);
      for (const url of expected.slice(0, TOP)) {
        assert.ok(r.urls.includes(url), `«${query}»: ${url} is not among ${r.urls.join(' ')}`);
      }
      // Titles and snippets are in Latin letters, the matched words marked.
      const titles = await page.locator('#search-results .search-result__link').allTextContents();
      for (const title of titles) assert.doesNotMatch(title, /[а-яәғқңөұүһі]/i, `title «${title}»`);
      const marks = await page.locator('#search-results .search-result__snippet mark').allTextContents();
      assert.ok(marks.length > 0, `«${query}»: a snippet has <mark>`);
      for (const m of marks) assert.match(m.toLowerCase(), /^mamandy[qğ]/, `«${query}» marked «${m}»`);
    } finally {
      await page.close();
    }
  }
});

test('ru: typing «профессия» finds the article with «профессий», with Russian plurals', { timeout: 60_000 }, async (t) => {
  const withForm = articles.ru.filter((a) => a.words.has('профессий')).map((a) => a.path);
  t.diagnostic(`articles with «профессий»: ${withForm.join(' ')}`);
  assert.ok(withForm.length > 0);
  const page = await newPage();
  try {
    await page.goto(`${server.url}/ru/search/`);
    await typeQuery(page, 'профессия');
    const r = await resultsFor(page, 'профессия');
    t.diagnostic(`status: ${r.status}`);
    if (withForm.length <= TOP) {
      for (const url of withForm) assert.ok(r.urls.includes(url), `${url} not in ${r.urls.join(' ')}`);
    } else {
      assert.ok(r.total >= withForm.length, `${r.total} results, ${withForm.length} articles with «профессий»`);
    }
    const plural = new Intl.PluralRules('ru-RU').select(r.total);
    const word = { one: 'результат', few: 'результата', many: 'результатов', other: 'результата' }[plural];
    assert.ok(r.status.includes(`${r.total} ${word}`), `status «${r.status}» for ${r.total} (${plural})`);
    assert.ok((await page.locator('#search-results .search-result__snippet mark').count()) > 0, 'a snippet has <mark>');

    // Words must all match: a nonsense word empties the list and says so.
    await page.locator('#search-input').fill('профессия абракадабраы ');
    const none = await resultsFor(page, 'профессия абракадабраы ');
    assert.equal(none.total, 0);
    assert.equal(none.urls.length, 0);
    assert.ok(none.status.length > 0, 'a "no results" message');
  } finally {
    await page.close();
  }
});

test('forgiving: Russian-layout typing, typos, Latin look-alikes and a Russian prefix fallback find results', { timeout: 90_000 }, async (t) => {
  // [language, typed query, the right spelling]: the typed one finds what the right one does.
  const cases = [
    ['kk', 'мамандык', 'мамандық'],
    ['kk', 'жумысшы ', 'жұмысшы '],
    ['kk', 'онир ', 'өңір '],
    ['kk', 'үйлест\u0069ру ', 'үйлестіру '],
    ['ru', 'професия ', 'профессия '],
    ['ru', 'калледж ', 'колледж '],
  ];
  const page = await newPage();
  try {
    for (const [lang, typed, right] of cases) {
      await page.goto(`${server.url}/${lang}/search/`);
      await typeQuery(page, right, 10);
      const want = await resultsFor(page, right);
      await page.locator('#search-input').fill('');
      await typeQuery(page, typed, 10);
      const got = await resultsFor(page, typed);
      t.diagnostic(`${lang} «${typed}»: ${got.total} results («${right}»: ${want.total})`);
      assert.ok(want.total > 0, `«${right}» finds something`);
      assert.deepEqual([...got.urls].sort(), [...want.urls].sort(), `«${typed}» finds what «${right}» does`);
    }
    // Snowball: астаны → аста, Астане → астан; the stem, read as a prefix, finds the city.
    // A fold plus an edit is two changes: колеж is not көлем (колем once folded).
    await page.goto(`${server.url}/kk/search/?q=${encodeURIComponent('көлем ')}`);
    const volume = await resultsFor(page, 'көлем ');
    assert.ok(volume.total > 0, '«көлем» finds something');
    await page.goto(`${server.url}/kk/search/?q=${encodeURIComponent('колеж ')}`);
    const colej = await resultsFor(page, 'колеж ');
    const marked = await page.evaluate(() => [...document.querySelectorAll('#search-results mark')].map((m) => m.textContent.toLowerCase()));
    assert.deepEqual(marked.filter((w) => w.startsWith('көле')), [], `«колеж» marked ${marked}`);
    t.diagnostic(`kk «колеж »: ${colej.total} results`);
    for (const q of ['Астане ', 'Абай ']) {
      await page.goto(`${server.url}/ru/search/?q=${encodeURIComponent(q)}`);
      const r = await resultsFor(page, q);
      t.diagnostic(`ru «${q}»: ${r.total} results`);
      assert.ok(r.total > 0, `«${q}» finds something`);
    }
  } finally {
    await page.close();
  }
});

test('keyboard: ArrowDown and Enter open the first result; ArrowUp and Escape come back', { timeout: 60_000 }, async () => {
  const page = await newPage();
  try {
    await page.goto(`${server.url}/kk/search/?q=${encodeURIComponent('колледж')}`);
    const r = await resultsFor(page, 'колледж');
    assert.ok(r.urls.length > 1, 'results for колледж');
    assert.equal(await page.locator('#search-input').inputValue(), 'колледж', 'the input shows ?q=');
    const input = page.locator('#search-input');
    await input.focus();
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowUp');
    assert.equal(await page.evaluate(() => document.activeElement.getAttribute('href')), r.urls[0]);
    await page.keyboard.press('ArrowUp');
    assert.equal(await page.evaluate(() => document.activeElement.id), 'search-input', 'ArrowUp from the first result');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Escape');
    assert.equal(await page.evaluate(() => document.activeElement.id), 'search-input', 'Escape from a result');
    await page.keyboard.press('ArrowDown');
    await Promise.all([page.waitForURL((u) => u.pathname === r.urls[0]), page.keyboard.press('Enter')]);
    assert.equal(new URL(page.url()).pathname, r.urls[0]);

    // Escape in the input clears the query, the results and ?q=.
    await page.goBack();
    await resultsFor(page, 'колледж');
    await page.locator('#search-input').focus();
    await page.keyboard.press('Escape');
    await resultsFor(page, '');
    assert.equal(await page.locator('#search-input').inputValue(), '');
    assert.equal(await page.locator('#search-results .search-result').count(), 0);
    assert.equal(new URL(page.url()).searchParams.get('q'), null);
  } finally {
    await page.close();
  }
});

test("header box on an article page submits to the search page, which shows results", { timeout: 60_000 }, async () => {
  const article = articles.kk[0]?.path;
  assert.ok(article, 'a Kazakh article');
  const page = await newPage();
  try {
    await page.goto(server.url + article);
    const box = page.locator('header form[role="search"] input[name="q"]');
    assert.equal(await box.count(), 1, 'one search box in the header');
    assert.ok(await box.isVisible());
    await box.fill('колледж');
    await Promise.all([page.waitForURL((u) => u.pathname === '/kk/search/'), box.press('Enter')]);
    assert.equal(new URL(page.url()).searchParams.get('q'), 'колледж');
    const r = await resultsFor(page, 'колледж');
    assert.ok(r.total > 0, 'results on the search page');
    assert.equal(await page.locator('header form[role="search"]').count(), 0, 'no header box on the search page itself');
  } finally {
    await page.close();
  }
});

test('?q= in the URL (a form sent without JavaScript) fills the input and runs the search', { timeout: 60_000 }, async () => {
  const page = await newPage();
  try {
    await page.goto(`${server.url}/kk/search/?q=${encodeURIComponent('колледж')}`);
    const r = await resultsFor(page, 'колледж');
    assert.equal(await page.locator('#search-input').inputValue(), 'колледж', 'the input shows the query');
    assert.ok(r.total > 0 && r.urls.length > 0, 'the results of the query show');
  } finally {
    await page.close();
  }
});

test('the language switcher on the search page keeps the query as it changes', { timeout: 60_000 }, async () => {
  const page = await newPage();
  const switcher = () => page.locator('.lang-switch a[hreflang="ru"]').getAttribute('href');
  try {
    await page.goto(`${server.url}/kk/search/?q=${encodeURIComponent('жыл')}`);
    await resultsFor(page, 'жыл');
    assert.equal(new URL(await switcher(), server.url).searchParams.get('q'), 'жыл', 'from ?q=');
    await page.locator('#search-input').fill('');
    await typeQuery(page, 'колледж', 10);
    await resultsFor(page, 'колледж');
    const href = await switcher();
    assert.equal(new URL(href, server.url).pathname, '/ru/search/');
    assert.equal(new URL(href, server.url).searchParams.get('q'), 'колледж', 'as typed');
    await Promise.all([page.waitForURL((u) => u.pathname === '/ru/search/'), page.locator('.lang-switch a[hreflang="ru"]').click()]);
    const r = await resultsFor(page, 'колледж');
    assert.equal(await page.locator('#search-input').inputValue(), 'колледж');
    assert.ok(r.total > 0, 'the Russian page searches the query');
    // An emptied input takes the query off the link.
    await page.locator('#search-input').fill('');
    await resultsFor(page, '');
    assert.equal(new URL(await page.locator('.lang-switch a[hreflang="kk"]').getAttribute('href'), server.url).searchParams.has('q'), false);
  } finally {
    await page.close();
  }
});

test('without JavaScript the search page says that search needs it', { timeout: 60_000 }, async () => {
  const noJs = await newContext({ javaScriptEnabled: false, viewport: { width: 375, height: 800 } });
  try {
    const page = await newPage(noJs);
    await page.goto(`${server.url}/kk/`);
    const box = page.locator('header input[name="q"]');
    assert.ok(await box.isVisible(), 'the header box is visible on a phone');
    await box.fill('жыл');
    await Promise.all([page.waitForURL((u) => u.pathname === '/kk/search/'), box.press('Enter')]);
    assert.ok(await page.locator('.search__noscript').isVisible(), 'the noscript notice shows');
    assert.match(await page.locator('.search__noscript').textContent(), /JavaScript/);
  } finally {
    await noJs.close();
  }
});

test('timing: search.js scoring per keystroke after loading (printed, not asserted)', { timeout: 120_000 }, async (t) => {
  for (const [lang, query] of [['kk', 'мамандықтары колледж'], ['ru', 'профессия колледжи']]) {
    const page = await newPage();
    try {
      await page.goto(`${server.url}/${lang}/search/`);
      // Every keystroke after the other, slower than the debounce, so each one searches.
      await typeQuery(page, query, 160);
      await resultsFor(page, query);
      const shown = await page.evaluate(() => window.QostilSearch.timings);
      const typed = shown.map((x) => [x.query, x.ms]);
      const wall = shown.map((x) => [x.query, x.wall]);
      // The same prefixes again straight through the engine, shards loaded: run() alone.
      const direct = await page.evaluate(async (q) => {
        const S = window.QostilSearch;
        const out = [];
        for (let i = 1; i <= q.length; i++) {
          const terms = S.parseQuery(q.slice(0, i));
          await S.engine.prepare(terms);
          const t0 = performance.now();
          const r = S.engine.run(terms);
          out.push([q.slice(0, i), performance.now() - t0, r.total]);
        }
        return { docs: S.engine.meta.docs, out };
      }, query);
      const fmt = (rows) => rows.map(([q, ms]) => `«${q}» ${ms.toFixed(2)}`).join(', ');
      const max = (rows) => Math.max(...rows.map((r) => r[1])).toFixed(2);
      const lines = [
        `${lang}: ${direct.docs} documents`,
        `${lang} typing (debounced searches): max ${max(typed)} ms: ${fmt(typed)}`,
        `${lang} every prefix (run only): max ${max(direct.out)} ms: ${fmt(direct.out)}`,
        `${lang} typing, search to rendered list (fetches included): max ${max(wall)} ms: ${fmt(wall)}`,
      ];
      for (const l of lines) t.diagnostic(l);
    } finally {
      await page.close();
    }
  }
});

test('no console errors on any page the tests opened', () => {
  if (blocked.length) console.log(`blocked requests to other hosts: ${[...new Set(blocked)].join(' ')}`);
  assert.deepEqual(consoleErrors, []);
});
