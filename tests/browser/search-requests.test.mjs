// Files the search page fetches per keystroke (#21), in Chromium, on a generated corpus big
// enough that the 20 results of a query are spread over many documents (gen_corpus, 1,000
// article pairs, built with `cargo run` (debug, as test.sh builds it) into a temp folder):
//
// - typing a query key by key, slower than the debounce so that every key searches, no
//   keystroke fetches more than search.js's MAX_REQUESTS (6) files;
// - every result shows its title; the snippets the requests left out come when the reader
//   scrolls to them.
//
//   cd tests/browser && node --test search-requests.test.mjs
//
// QOSTIL_REQUESTS_SITE_DIR: use this already built site instead (any corpus of some hundred
// articles or more, e.g. bench/search's output). QOSTIL_CHROMIUM: the browser binary.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { chromium } from 'playwright-core';

import { startServer } from './server.mjs';
import { CHROMIUM, CHROMIUM_ARGS } from './chromium.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, '../..');
const PAIRS = 1000;
/** search.js MAX_REQUESTS. */
const MAX_REQUESTS = 6;
const given = process.env.QOSTIL_REQUESTS_SITE_DIR;
const hasCargo = spawnSync('cargo', ['--version']).status === 0;
const skip = given || hasCargo ? false : 'cargo is not installed';

let work = null;
let site = given ? path.resolve(given) : null;
let server;
let browser;
const errors = [];

function cargo(args) {
  const r = spawnSync('cargo', args, { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, timeout: 30 * 60 * 1000 });
  assert.equal(r.status, 0, `cargo ${args.join(' ')} failed:\n${r.stderr}`);
}

before(async () => {
  if (skip) return;
  if (!site) {
    work = mkdtempSync(path.join(os.tmpdir(), 'qostil-requests-'));
    const root = path.join(work, 'site');
    cargo(['run', '--quiet', '--example', 'gen_corpus', '--', '--pairs', String(PAIRS), '--seed', '1', '--out', root]);
    cargo(['run', '--quiet', '--', 'build', '--root', root, '--output', path.join(work, 'public')]);
    site = path.join(work, 'public');
  }
  server = await startServer(site);
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS, timeout: 60_000 });
});

after(async () => {
  await browser?.close().catch(() => {});
  await server?.close();
  if (work) rmSync(work, { recursive: true, force: true });
});

/** A search page of `lang` whose index requests are recorded in `requests` (URL paths). */
async function searchPage(lang, requests) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  page.setDefaultTimeout(30_000);
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('request', (req) => {
    const url = new URL(req.url());
    if (url.pathname.startsWith(`/${lang}/search/`) && url.pathname.endsWith('.json')) requests.push(url.pathname);
  });
  await page.goto(`${server.url}/${lang}/search/`);
  // meta.json (and the stemmer) load with the page, before anyone types.
  await page.waitForFunction(() => Boolean(window.QostilSearch?.engine?.meta));
  return { page, context };
}

/** Types `query` key by key; per key: [prefix, files fetched from the key to the next one]. */
async function typeCounting(page, query, requests) {
  const input = page.locator('#search-input');
  await input.click();
  const out = [];
  let typed = '';
  for (const ch of Array.from(query)) {
    typed += ch;
    const from = requests.length;
    await input.pressSequentially(ch);
    await page.waitForFunction((want) => window.QostilSearch?.rendered?.query === want, typed);
    // Anything the keystroke still starts after its results show counts too.
    await page.waitForTimeout(150);
    out.push([typed, requests.slice(from)]);
  }
  return out;
}

const QUERIES = {
  kk: ['мамандықтары', 'жұмыс', 'колледж', 'білім беру'],
  ru: ['профессия', 'работа', 'колледжи', 'профессия колледж'],
};

/** Scrolls down the results a screen at a time until every row and snippet is in. */
async function scrollThrough(page) {
  for (let i = 0; i < 40; i++) {
    const left = await page.evaluate(() => document.querySelectorAll('#search-results .search-result--pending, #search-results .search-result:not(:has(.search-result__snippet))').length);
    if (left === 0) return;
    await page.mouse.wheel(0, 500);
    await page.waitForTimeout(150);
  }
  // Back to the top and down once more: items passed while their files loaded.
  await page.evaluate(() => window.scrollTo(0, 0));
}

for (const lang of ['kk', 'ru']) {
  test(`${lang}: no keystroke fetches more than ${MAX_REQUESTS} files; every result has its title`, { skip, timeout: 300_000 }, async (t) => {
    for (const query of QUERIES[lang]) {
      const requests = [];
      const { page, context } = await searchPage(lang, requests);
      try {
        const keys = await typeCounting(page, query, requests);
        t.diagnostic(`${lang} «${query}»: files per keystroke ${keys.map(([, r]) => r.length).join(' ')}`);
        for (const [prefix, files] of keys) {
          assert.ok(files.length <= MAX_REQUESTS, `${lang} «${prefix}» fetched ${files.length} files: ${files.join(' ')}`);
        }
        // A query of one word has every row at once; rows and snippets left out come as the
        // reader scrolls.
        const pendingRows = await page.locator('#search-results .search-result--pending').count();
        if (!query.includes(' ')) assert.equal(pendingRows, 0, `${lang} «${query}»: rows waited`);
        await scrollThrough(page);
        await scrollThrough(page);
        const shown = await page.evaluate(() => ({
          total: window.QostilSearch.rendered.total,
          titles: [...document.querySelectorAll('#search-results .search-result__link')].map((a) => a.textContent.trim()),
        }));
        assert.ok(shown.total > 0, `${lang} «${query}» finds something`);
        assert.equal(shown.titles.length, Math.min(20, shown.total), `${lang} «${query}»: a result per row`);
        assert.ok(shown.titles.every((x) => x.length > 0), `${lang} «${query}»: every result has a title`);
        assert.equal(await page.locator('#search-results .search-result__snippet').count(), shown.titles.length, `${lang} «${query}»: every result got its snippet`);
      } finally {
        await context.close();
      }
    }
  });
}

test('snippets the requests left out come when the reader scrolls to them', { skip, timeout: 120_000 }, async () => {
  const requests = [];
  const { page, context } = await searchPage('kk', requests);
  try {
    await typeCounting(page, 'жұмыс ', requests);
    const count = () => page.evaluate(() => [...document.querySelectorAll('#search-results .search-result')].map((li) => Boolean(li.querySelector('.search-result__snippet'))));
    const before = await count();
    assert.ok(before.length === 20, 'twenty results');
    assert.ok(before.includes(false), 'some results wait for their snippet (else the limit was not reached)');
    assert.equal(before[0], true, 'the best result has its snippet at once');
    const last = page.locator('#search-results .search-result').last();
    await last.scrollIntoViewIfNeeded();
    await page.waitForFunction(() => Boolean(document.querySelector('#search-results .search-result:last-child .search-result__snippet')));
    assert.equal(errors.length, 0, errors.join('\n'));
  } finally {
    await context.close();
  }
});
