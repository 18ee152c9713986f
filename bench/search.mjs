// The search benchmark's measuring half (bench/search runs it after building a corpus; see
// bench/README.md, "Search"):
//
//   node bench/search.mjs --site DIR/public [--runs N] [--chromium PATH]
//
// 1. First-query download: the built site's own search.js runs in Node (loaded as the
//    classic script it is, like tests/search/search-js.mjs does) with a fetch replacement
//    that reads the site's files and counts each one's gzip -6 size (zlib level 6). A fresh
//    engine per query does what the search page does for `?q=…`: load() (meta.json, and
//    kk-stemmer.json for Kazakh), then search(q, {maxRequests}): its shards, then the d/
//    chunks of rows its shards lack and the t/ chunks of snippet texts, as many as the
//    page's request limit allows. Everything it requests is counted once.
// 2. Keystroke time: headless Chromium (playwright-core from tests/browser/node_modules)
//    opens /<lang>/search/ from a local static server (127.0.0.1, tests/browser/server.mjs,
//    closed at the end). For every prefix of the query, as it grows key by key, the page's
//    engine first prepare()s it (fetching, not timed), then run() is timed: the search
//    proper, after loading. Each query gets a fresh page per run, so its shards are cold
//    and its first keystrokes pay for first-use allocations as on a real visit. Per prefix
//    the median of the runs is taken (the machine is shared: a single sample can include
//    a pause of the whole process), and the slowest prefix's median is reported, next to
//    the slowest single sample.
// 3. Files per keystroke: in the same browser, the query is typed into the page's input
//    key by key, each key once the last one's results show; a key's files are the index
//    files requested from its press to 300 ms after its results show.
//
// Prints a Markdown table (language, query, results, requests, gzip bytes by kind, files
// per keystroke, the slowest keystroke) and the maximum of each column that has a limit.

import { readFileSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import vm from 'node:vm';
import { gzipSync } from 'node:zlib';
import { CHROMIUM_ARGS } from '../tests/browser/chromium.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const REPO = path.dirname(HERE);
const BROWSER_DIR = path.join(REPO, 'tests/browser');

/** The limits of issue #8: first-query download and keystroke time. */
const MAX_FIRST_QUERY_GZ = 300_000;
const MAX_KEYSTROKE_MS = 20;
/** Issue #21: files one keystroke may fetch. */
const MAX_KEYSTROKE_FILES = 6;

/** Fixed queries: the words, common words of each language, and words of the
 * shards that were the biggest before shards were split (қа, ба, жа; пр, по, са). */
const FIXED = {
  kk: ['мамандық', 'жыл', 'жұмыс', 'білім', 'қазақстан', 'колледж', 'басшысы', 'жастар'],
  ru: ['профессия', 'год', 'работа', 'образование', 'колледж', 'профессиональный', 'показатели', 'сотрудники'],
};
/** Worst cases: one word from each of this many largest shards of each language. */
const LARGEST_SHARDS = 3;

function parseArgs(argv) {
  const args = { site: null, runs: 5, chromium: '/usr/bin/chromium' };
  for (let i = 0; i < argv.length; i++) {
    const value = () => {
      if (i + 1 >= argv.length) throw new Error(`${argv[i]} needs a value`);
      return argv[++i];
    };
    if (argv[i] === '--site') args.site = path.resolve(value());
    else if (argv[i] === '--runs') args.runs = Number(value());
    else if (argv[i] === '--chromium') args.chromium = value();
    else throw new Error(`unknown argument ${argv[i]}`);
  }
  if (!args.site) throw new Error('usage: node bench/search.mjs --site DIR [--runs N] [--chromium PATH]');
  if (!(Number.isInteger(args.runs) && args.runs > 0)) throw new Error('--runs: a positive whole number');
  return args;
}

/** The file of the site's search.js: the one the Kazakh search page loads (its name can
 * carry a fingerprint, `search.5c76c457.js`). */
function searchJsFile(site) {
  const html = readFileSync(path.join(site, 'kk/search/index.html'), 'utf8');
  const src = html.match(/<script src="([^"]*search[^"]*\.js)"/)?.[1];
  if (!src) throw new Error('no search.js <script> on /kk/search/');
  return siteFile(site, new URL(src, 'http://x/').pathname);
}

/** The site's search.js exports, loaded the way tests/search/search-js.mjs loads it. */
function loadSearchJs(site) {
  const file = searchJsFile(site);
  const module = { exports: {} };
  vm.compileFunction(readFileSync(file, 'utf8'), ['module'], { filename: file })(module);
  return module.exports;
}

/** The search page's data-index and data-stemmer attributes (what the page hands search.js). */
function pageConfig(site, lang) {
  const html = readFileSync(path.join(site, lang, 'search/index.html'), 'utf8');
  const attr = (name) => html.match(new RegExp(`${name}="([^"]*)"`))?.[1] ?? null;
  return { indexUrl: attr('data-index'), stemmerUrl: attr('data-stemmer') };
}

function siteFile(site, url) {
  return path.join(site, decodeURIComponent(url.replace(/^\//, '')));
}

/** One word from each of the largest shards: the form (a word as the articles write it)
 * whose stem has the most documents, else the stem with the most documents. */
function worstWords(site, lang, indexUrl) {
  const dir = path.join(siteFile(site, indexUrl), 's');
  const files = readdirSync(dir)
    .map((f) => ({ f, size: statSync(path.join(dir, f)).size }))
    .sort((a, b) => b.size - a.size || (a.f < b.f ? -1 : 1))
    .slice(0, LARGEST_SHARDS);
  return files.map(({ f, size }) => {
    const shard = JSON.parse(readFileSync(path.join(dir, f), 'utf8'));
    const df = (stem) => (shard.stems[stem]?.length ?? 0) / 2;
    const byDocs = (a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1);
    const forms = Object.entries(shard.forms).map(([form, stem]) => [form, df(stem)]).sort(byDocs);
    const stems = Object.keys(shard.stems).map((s) => [s, df(s)]).sort(byDocs);
    const word = (forms[0] && forms[0][1] > 0 ? forms[0] : stems[0])[0];
    return { word, shard: f.replace('.json', ''), shardBytes: size };
  });
}

/** What a fresh engine downloads for `q` as a first query: {total, requests, gz by kind}. */
async function firstQuery(S, site, lang, config, q) {
  const got = new Map(); // url → {raw, gz}
  const engine = S.createEngine({
    indexUrl: config.indexUrl,
    stemmerUrl: config.stemmerUrl,
    lang,
    fetchJson: async (url) => {
      const bytes = readFileSync(siteFile(site, url));
      if (!got.has(url)) got.set(url, { raw: bytes.length, gz: gzipSync(bytes, { level: 6 }).length });
      return JSON.parse(bytes.toString('utf8'));
    },
  });
  await engine.load();
  // As the search page runs it (search.js before #21's request limit ignores the option).
  const result = await engine.search(q, { maxRequests: S.MAX_REQUESTS });
  const gz = { meta: 0, shards: 0, docs: 0, all: 0, raw: 0 };
  for (const [url, size] of got) {
    const kind = /\/s\/[^/]+\.json$/.test(url) ? 'shards' : /\/[dt]\/\d+\.json$/.test(url) ? 'docs' : 'meta';
    gz[kind] += size.gz;
    gz.all += size.gz;
    gz.raw += size.raw;
  }
  return { total: result.total, requests: got.size, shardCount: [...got.keys()].filter((u) => u.includes('/s/')).length, gz };
}

/** Per-keystroke run() times of `q` in one fresh page: [[prefix, ms, total]]. */
async function keystrokes(context, serverUrl, lang, q) {
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  try {
    await page.goto(`${serverUrl}/${lang}/search/`);
    await page.waitForFunction(() => Boolean(window.QostilSearch?.engine?.meta), null, { timeout: 30_000 });
    const out = await page.evaluate(async (query) => {
      const S = window.QostilSearch;
      const chars = Array.from(query);
      const rows = [];
      for (let i = 1; i <= chars.length; i++) {
        const prefix = chars.slice(0, i).join('');
        const terms = S.parseQuery(prefix);
        await S.engine.prepare(terms);
        const t0 = performance.now();
        const r = S.engine.run(terms);
        rows.push([prefix, performance.now() - t0, r.total]);
      }
      return rows;
    }, q);
    if (errors.length) throw new Error(`page errors: ${errors.join('; ')}`);
    return out;
  } finally {
    await page.close();
  }
}

/** Files the search page fetches per keystroke while `q` is typed into its input, key by key
 * and slower than the debounce (every key searches), in one fresh page: [[prefix, files]].
 * A key's files are those requested from its press to the next press (or 300 ms after the
 * last key's results show). meta.json and the stemmer load with the page and do not count. */
async function keystrokeRequests(context, serverUrl, lang, q) {
  const page = await context.newPage();
  const requests = [];
  page.on('request', (req) => {
    const url = new URL(req.url());
    if (url.pathname.startsWith(`/${lang}/search/`) && url.pathname.endsWith('.json')) requests.push(url.pathname);
  });
  try {
    await page.goto(`${serverUrl}/${lang}/search/`);
    await page.waitForFunction(() => Boolean(window.QostilSearch?.engine?.meta), null, { timeout: 30_000 });
    const input = page.locator('#search-input');
    await input.click();
    const out = [];
    let typed = '';
    for (const ch of Array.from(q)) {
      typed += ch;
      const from = requests.length;
      await input.pressSequentially(ch);
      await page.waitForFunction((want) => window.QostilSearch?.rendered?.query === want, typed, { timeout: 60_000 });
      await page.waitForTimeout(300);
      out.push([typed, requests.length - from]);
    }
    return out;
  } finally {
    await page.close();
  }
}

function median(xs) {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function fmtInt(n) {
  return n.toLocaleString('en-US');
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const S = loadSearchJs(args.site);
  const require = createRequire(path.join(BROWSER_DIR, 'package.json'));
  const { chromium } = require('playwright-core');
  const { startServer } = await import(path.join(BROWSER_DIR, 'server.mjs'));

  const rows = [];
  for (const lang of ['kk', 'ru']) {
    const config = pageConfig(args.site, lang);
    const meta = JSON.parse(readFileSync(path.join(siteFile(args.site, config.indexUrl), 'meta.json'), 'utf8'));
    console.error(`${lang}: ${meta.docs} documents, ${meta.shards.length} shards, index version ${meta.version}`);
    const queries = FIXED[lang].map((word) => ({ word, why: 'fixed' }));
    for (const w of worstWords(args.site, lang, config.indexUrl)) {
      if (!queries.some((x) => x.word === w.word)) {
        queries.push({ word: w.word, why: `largest shard ${w.shard} (${fmtInt(w.shardBytes)} B)` });
      }
    }
    for (const q of queries) {
      rows.push({ lang, ...q, config, first: await firstQuery(S, args.site, lang, config, q.word), times: new Map() });
    }
  }

  const server = await startServer(args.site);
  const browser = await chromium.launch({ executablePath: args.chromium, headless: true, args: CHROMIUM_ARGS, timeout: 60_000 });
  try {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    for (const row of rows) row.keyFiles = await keystrokeRequests(context, server.url, row.lang, row.word);
    for (let run = 0; run < args.runs; run++) {
      for (const row of rows) {
        for (const [prefix, ms] of await keystrokes(context, server.url, row.lang, row.word)) {
          if (!row.times.has(prefix)) row.times.set(prefix, []);
          row.times.get(prefix).push(ms);
        }
      }
    }
  } finally {
    await browser.close().catch(() => {});
    await server.close();
  }

  const lines = [];
  lines.push(`| lang | query | why | results | requests (shards) | gz meta+stemmer | gz shards | gz docs+texts | **gz total** | **files per keystroke**, most (sum) | **ms, slowest keystroke** (median of ${args.runs}) | ms, slowest single sample |`);
  lines.push('| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  let maxFiles = null;
  let maxGz = null;
  let maxMs = null;
  let maxSample = null;
  for (const row of rows) {
    const medians = [...row.times].map(([prefix, samples]) => [prefix, median(samples)]);
    const slowest = medians.reduce((a, b) => (b[1] > a[1] ? b : a));
    const samples = [...row.times].flatMap(([prefix, ms]) => ms.map((x) => [prefix, x]));
    const worst = samples.reduce((a, b) => (b[1] > a[1] ? b : a));
    const g = row.first.gz;
    const most = row.keyFiles.reduce((a, b) => (b[1] > a[1] ? b : a));
    const sum = row.keyFiles.reduce((n, x) => n + x[1], 0);
    lines.push(`| ${row.lang} | ${row.word} | ${row.why} | ${fmtInt(row.first.total)} | ${row.first.requests} (${row.first.shardCount}) | ${fmtInt(g.meta)} | ${fmtInt(g.shards)} | ${fmtInt(g.docs)} | **${fmtInt(g.all)}** | **${most[1]}** («${most[0]}») (${sum}) | **${slowest[1].toFixed(2)}** («${slowest[0]}») | ${worst[1].toFixed(2)} («${worst[0]}») |`);
    if (!maxFiles || most[1] > maxFiles.files) maxFiles = { files: most[1], prefix: most[0] };
    if (!maxGz || g.all > maxGz.bytes) maxGz = { bytes: g.all, word: row.word };
    if (!maxMs || slowest[1] > maxMs.ms) maxMs = { ms: slowest[1], prefix: slowest[0] };
    if (!maxSample || worst[1] > maxSample.ms) maxSample = { ms: worst[1], prefix: worst[0] };
  }
  lines.push('');
  lines.push(`max first-query download: ${fmtInt(maxGz.bytes)} bytes gzip -6 («${maxGz.word}»); limit ${fmtInt(MAX_FIRST_QUERY_GZ)}: ${maxGz.bytes <= MAX_FIRST_QUERY_GZ ? 'within' : 'OVER'}`);
  lines.push(`max keystroke run(), median of ${args.runs} runs per prefix: ${maxMs.ms.toFixed(2)} ms («${maxMs.prefix}»), every prefix of every query; limit ${MAX_KEYSTROKE_MS} ms: ${maxMs.ms <= MAX_KEYSTROKE_MS ? 'within' : 'OVER'}`);
  lines.push(`max files fetched by one keystroke (typed in the page, key by key): ${maxFiles.files} («${maxFiles.prefix}»); limit ${MAX_KEYSTROKE_FILES}: ${maxFiles.files <= MAX_KEYSTROKE_FILES ? 'within' : 'OVER'}`);
  lines.push(`slowest single keystroke sample: ${maxSample.ms.toFixed(2)} ms («${maxSample.prefix}»)`);
  const js = readFileSync(searchJsFile(args.site));
  lines.push(`not counted above: search.js itself, ${fmtInt(gzipSync(js, { level: 6 }).length)} bytes gzip -6 (${fmtInt(js.length)} raw), and the search page's HTML`);
  console.log(lines.join('\n'));
}

main().catch((err) => {
  console.error(`bench/search.mjs: ${err.stack || err}`);
  process.exit(1);
});
