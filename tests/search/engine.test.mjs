// search.js's engine and snippets in Node, against a built site's index (no browser):
//
//   node --test tests/search/
//
// QOSTIL_SITE_DIR is the built site (default: public/ of this repo); without a search index
// there the index tests are skipped. Needs no npm packages.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

import { ROOT, loadSearchJs } from './search-js.mjs';

const SITE = path.resolve(process.env.QOSTIL_SITE_DIR || path.join(ROOT, 'public'));
const HAS_INDEX = existsSync(path.join(SITE, 'kk/search/meta.json')) && existsSync(path.join(SITE, 'ru/search/meta.json'));
const S = loadSearchJs();

/** An engine over SITE's index for `lang`; `requested` collects every URL it loads. */
function engine(lang) {
  const requested = [];
  const e = S.createEngine({
    indexUrl: `/${lang}/search/`,
    stemmerUrl: lang === 'kk' ? '/kk/search/kk-stemmer.json' : null,
    lang,
    fetchJson: async (url) => {
      requested.push(url);
      return JSON.parse(readFileSync(path.join(SITE, url), 'utf8'));
    },
  });
  return { e, requested };
}

function readJson(rel) {
  return JSON.parse(readFileSync(path.join(SITE, rel), 'utf8'));
}

/** Every document of a language: [{doc, url, text}] from the d/ and t/ chunks. */
function allDocs(lang) {
  const meta = readJson(`${lang}/search/meta.json`);
  const out = [];
  for (let doc = 0; doc < meta.docs; doc++) {
    const row = readJson(`${lang}/search/d/${Math.floor(doc / meta.docs_per_chunk)}.json`)[doc % meta.docs_per_chunk];
    const text = readJson(`${lang}/search/t/${Math.floor(doc / meta.texts_per_chunk)}.json`)[doc % meta.texts_per_chunk];
    out.push({ doc, url: row.url, text: `${row.title} ${text}` });
  }
  return out;
}

const skip = HAS_INDEX ? false : `no search index under ${SITE} (run cargo run -- build)`;

test('query parsing: complete words, the word being typed, short prefixes', () => {
  const plain = (q) => S.parseQuery(q).map((t) => `${t.prefix ? '*' : '='}${t.text}`);
  assert.deepEqual(plain('Мамандық'), ['*мамандық']);
  assert.deepEqual(plain('Мамандық '), ['=мамандық']);
  assert.deepEqual(plain('жұмысшы мамандықт'), ['=жұмысшы', '*мамандықт']);
  assert.deepEqual(plain('колледж к'), ['=колледж']); // a one-letter prefix waits
  assert.deepEqual(plain('колледж, '), ['=колледж']);
  assert.deepEqual(plain('жыл жыл'), ['*жыл']);
  assert.deepEqual(plain('  '), []);
});

test('snippets: about 30 words around the first match, matches marked, text kept as text', () => {
  const words = Array.from({ length: 80 }, (_, i) => `сөз${i}`);
  words[50] = 'Мамандықтары';
  words[60] = '<b>мамандық</b>';
  const text = words.join(' ');
  const stem = S.kazakhStemmer(JSON.parse(readFileSync(path.join(ROOT, 'src/search/kk-stemmer.json'), 'utf8')));
  const isMatch = S.matcher(new Set(['мамандық']), [], stem);
  const parts = S.snippet(text, isMatch, 30, false);
  const joined = parts.map((p) => p.text).join('');
  assert.ok(joined.startsWith('… '), joined);
  assert.ok(joined.endsWith(' …'), joined);
  const count = joined.replace(/…/g, '').trim().split(/\s+/).length;
  assert.ok(count >= 28 && count <= 32, `${count} words`);
  assert.deepEqual(parts.filter((p) => p.mark).map((p) => p.text), ['Мамандықтары', 'мамандық']);
  assert.ok(joined.includes('<b>'), 'markup in the text stays text');
  assert.equal(S.snippet('жоқ', isMatch, 30, false), null);
});

test('dates: CLDR long dates in kk and ru', () => {
  assert.equal(S.formatDate('2025-11-03', 'ru-RU'), '3 ноября 2025 г.');
  assert.equal(S.formatDate('2025-11-03T10:00:00+05:00', 'ru-RU'), '3 ноября 2025 г.');
  assert.equal(S.formatDate(null, 'ru-RU'), null);
  const kk = S.formatDate('2025-11-03', 'kk-KZ');
  assert.ok(kk.includes('2025'), kk);
  // With the template's months (the `date` filter's long date of the 28th of each month).
  const months = ['қаңтар', 'ақпан', 'наурыз', 'сәуір', 'мамыр', 'маусым', 'шілде', 'тамыз', 'қыркүйек', 'қазан', 'қараша', 'желтоқсан'];
  const kkMonths = months.map((m) => `2000 ж. 28 ${m}`);
  assert.equal(S.formatDate('2025-11-03', 'kk-KZ', kkMonths), '2025 ж. 3 қараша');
  assert.equal(S.formatDate('2028-01-20', 'kk-KZ', kkMonths), '2028 ж. 20 қаңтар');
  const ruMonths = kkMonths.map((_, i) => `28 ${['января', 'февраля', 'марта', 'апреля', 'мая', 'июня', 'июля', 'августа', 'сентября', 'октября', 'ноября', 'декабря'][i]} 2000 г.`);
  assert.equal(S.formatDate('2028-12-28', 'ru-RU', ruMonths), '28 декабря 2028 г.');
});

test('kk: «мамандық» finds the articles that have only inflected forms of it', { skip }, async () => {
  const { e, requested } = engine('kk');
  const meta = readJson('kk/search/meta.json');
  // Documents with a form of мамандық (мамандығы, мамандықтары, …) but not the bare word.
  const shard = readJson('kk/search/s/043c-0430.json');
  const forms = new Set(Object.keys(shard.forms).filter((f) => shard.forms[f] === 'мамандық'));
  const inflectedOnly = allDocs('kk')
    .filter((d) => {
      const toks = S.tokens(d.text);
      return !toks.includes('мамандық') && toks.some((t) => forms.has(t));
    })
    .map((d) => d.url);
  assert.ok(inflectedOnly.length > 0, 'the index has articles with only inflected forms of мамандық');
  for (const q of ['мамандық', 'мамандық ', 'Мамандықтары ', 'мамандықт']) {
    const r = await e.search(q);
    const urls = r.rows.map((row) => row.url);
    for (const url of inflectedOnly.filter((_, i) => i < S.TOP)) {
      assert.ok(urls.includes(url), `${JSON.stringify(q)}: ${url} missing from ${urls.join(' ')}`);
    }
    assert.ok(r.total <= meta.docs);
  }
  // Every shard requested is one the index lists: no 404s.
  for (const url of requested.filter((u) => u.includes('/s/'))) {
    assert.ok(meta.shards.includes(url.split('/s/')[1].replace('.json', '')), url);
  }
});

test('ru: «профессия» finds «профессий»; words must all match; prefix counts less', { skip }, async () => {
  const { e } = engine('ru');
  const withForm = allDocs('ru').filter((d) => S.tokens(d.text).includes('профессий'));
  assert.ok(withForm.length > 0);
  const r = await e.search('профессия');
  const urls = r.rows.map((row) => row.url);
  assert.ok(urls.includes(withForm[0].url), `${withForm[0].url} not in ${urls.join(' ')}`);

  const none = await e.search('профессия абракадабра ');
  assert.equal(none.total, 0);

  // The same documents, whether the word is complete or being typed; an exact stem match
  // scores at least what the prefix-only match of a longer stem does.
  const done = await e.search('колледж ');
  const typing = await e.search('колледж');
  assert.ok(typing.total >= done.total);
  const exact = new Map(done.hits.map((h) => [h.doc, h.score]));
  for (const h of typing.hits) if (exact.has(h.doc)) assert.ok(h.score >= exact.get(h.doc) - 1e-9);
});
