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
import { checkShardLayout, siteEngine } from './index-files.mjs';

const SITE = path.resolve(process.env.QOSTIL_SITE_DIR || path.join(ROOT, 'public'));
const HAS_INDEX = existsSync(path.join(SITE, 'kk/search/meta.json')) && existsSync(path.join(SITE, 'ru/search/meta.json'));
const S = loadSearchJs();

/** An engine over SITE's index for `lang`; `requested` collects every URL it loads. */
const engine = (lang) => siteEngine(S, SITE, lang);

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
  // Documents with a form of мамандық (мамандығы, мамандықтары, …) but not the bare word,
  // from every shard of words starting with ма (one, or several once split).
  const forms = new Set();
  for (const key of meta.shards.filter((k) => k.startsWith(S.shardKey('мамандық')))) {
    const shard = readJson(`kk/search/s/${key}.json`);
    for (const f of Object.keys(shard.forms)) if (shard.forms[f] === 'мамандық') forms.add(f);
  }
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

test('shards: every stem and form of the index is in the shard search.js looks it up in', { skip }, () => {
  for (const lang of ['kk', 'ru']) {
    const { meta, words } = checkShardLayout(S, SITE, lang);
    assert.equal(meta.version, 2);
    assert.ok(words > 100, `${lang}: ${words} words`);
  }
});

// A hand-made index with split shards (the portal's own is too small to split; split.test.mjs
// checks a generated corpus that is not). Identity stemmer: a word's stem is itself unless
// a shard's forms say otherwise.
const SPLIT_SHARDS = {
  // text of the key: [shard, size claimed in meta.shard_bytes]
  пр: [{ stems: { пр: [0, 50] }, forms: {} }, 40],
  пра: [{ stems: { прав: [1, 60] }, forms: { пра: 'пр' } }, 60000],
  пре: [{ stems: { пред: [2, 40] }, forms: {} }, 60000],
  при: [{ stems: { приз: [3, 40] }, forms: {} }, 60000],
  про: [{ stems: { про: [4, 30] }, forms: {} }, 30],
  проф: [{ stems: { профком: [5, 70] }, forms: {} }, 1000],
  профе: [{ stems: { професс: [6, 80, 1, 60] }, forms: { профессия: 'професс', професси: 'професс' } }, 1000],
  профи: [{ stems: { профиль: [4, 50] }, forms: {} }, 1000],
  е: [{ stems: { е: [0, 10] }, forms: {} }, 20],
};

function splitEngine() {
  const files = new Map();
  const shards = [];
  const sizes = [];
  for (const [text, [shard, size]] of Object.entries(SPLIT_SHARDS)) {
    const key = S.shardKey(text, Array.from(text).length);
    files.set(`/xx/search/s/${key}.json`, shard);
    shards.push(key);
    sizes.push(size);
  }
  files.set('/xx/search/meta.json', { version: 2, lang: 'xx', stemmer: 'none', docs: 8, docs_per_chunk: 25, texts_per_chunk: 5, shards, shard_bytes: sizes });
  files.set('/xx/search/d/0.json', Array.from({ length: 8 }, (_, i) => ({ url: `/xx/${i}/`, title: `${i}`, date: null, summary: '' })));
  files.set('/xx/search/t/0.json', Array.from({ length: 5 }, () => ''));
  files.set('/xx/search/t/1.json', Array.from({ length: 3 }, () => ''));
  const requested = [];
  const e = S.createEngine({
    indexUrl: '/xx/search/',
    stemmerUrl: null,
    lang: 'xx',
    fetchJson: async (url) => {
      requested.push(url);
      if (!files.has(url)) throw new Error(`404 ${url}`);
      return structuredClone(files.get(url));
    },
  });
  const shardsRequested = () => requested.filter((u) => u.includes('/s/')).map((u) => u.replace(/^.*\/s\/|\.json$/g, '')).map((k) => k.split('-').map((h) => String.fromCodePoint(parseInt(h, 16))).join('')).sort();
  return { e, requested, shardsRequested, keys: new Set(shards) };
}

test('split shards: search.js finds each word in the longest listed key that starts it', () => {
  const { keys } = splitEngine();
  const key = (t) => S.shardKey(t, Array.from(t).length);
  assert.equal(S.shardFor('пр', keys), key('пр'));
  assert.equal(S.shardFor('правда', keys), key('пра'));
  assert.equal(S.shardFor('профессия', keys), key('профе'));
  assert.equal(S.shardFor('проект', keys), key('про'), 'no sub-shard: the shorter key');
  assert.equal(S.shardFor('прж', keys), key('пр'));
  assert.equal(S.shardFor('ее', keys), key('е'));
  assert.equal(S.shardFor('жыл', keys), key('жы'), 'unlisted: its two-letter key');
  assert.equal(S.shardFor('профессия', keys, 2), key('пр'), 'maxChars caps the key');
});

test('split shards: complete words, their stems in other shards, and typed prefixes', async () => {
  const docs = (r) => r.hits.map((h) => h.doc).sort();

  let { e, shardsRequested } = splitEngine();
  let r = await e.search('профессия ');
  assert.deepEqual(docs(r), [6, 7]);
  assert.deepEqual(shardsRequested(), ['профе']);

  ({ e, shardsRequested } = splitEngine());
  r = await e.search('пра ');
  assert.deepEqual(docs(r), [0], 'the form пра in пра → the stem пр in the пр shard');
  assert.deepEqual(shardsRequested(), ['пр', 'пра']);

  // «пр» being typed: its sub-shards are too big together, so it only matches itself, and
  // none of them is downloaded.
  ({ e, shardsRequested } = splitEngine());
  r = await e.search('пр');
  assert.deepEqual(docs(r), [0]);
  assert.deepEqual(r.prefixes, [], 'snippets do not mark пр… words it did not match');
  assert.deepEqual(shardsRequested(), ['пр']);

  // «про» being typed: its shard and the shards under it are small: every word it starts.
  ({ e, shardsRequested } = splitEngine());
  r = await e.search('про');
  assert.deepEqual(docs(r), [4, 5, 6, 7]);
  assert.deepEqual(r.prefixes, ['про']);
  assert.deepEqual(shardsRequested(), ['про', 'проф', 'профе', 'профи']);

  ({ e, shardsRequested } = splitEngine());
  r = await e.search('профе');
  assert.deepEqual(docs(r), [6, 7]);
  assert.deepEqual(shardsRequested(), ['профе']);

  ({ e, shardsRequested } = splitEngine());
  r = await e.search('прж ');
  assert.equal(r.total, 0);
  assert.deepEqual(shardsRequested(), ['пр'], 'no sub-shard прж: the пр shard, which lacks it');
});
