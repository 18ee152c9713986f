// Split shards, Rust and search.js together: a generated corpus big enough that the build
// splits shards (gen_corpus, 3,000 article pairs, built with qostil into a temp folder), then
//
// - every stem and form of every shard must be where search.js's shardFor looks for it;
// - complete words of the split shards, and the same words being typed, must find every
//   document of their stem, with only listed shards requested.
//
//   node --test tests/search/
//
// Needs cargo (it runs `cargo run --example gen_corpus` and `cargo run
// -- build`; a first run compiles them); skipped without it. QOSTIL_SPLIT_SITE_DIR: use this
// already built site instead (e.g. bench/search's output).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { ROOT, loadSearchJs } from './search-js.mjs';
import { checkShardLayout, keyChars, keyText, siteEngine } from './index-files.mjs';

const PAIRS = 3000;
const S = loadSearchJs();
const hasCargo = spawnSync('cargo', ['--version']).status === 0;
const given = process.env.QOSTIL_SPLIT_SITE_DIR;
const skip = given || hasCargo ? false : 'cargo is not installed';

let work = null;
let site = given ? path.resolve(given) : null;

function cargo(args) {
  const r = spawnSync('cargo', args, { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, timeout: 30 * 60 * 1000 });
  assert.equal(r.status, 0, `cargo ${args.join(' ')} failed:\n${r.stderr}`);
}

before(() => {
  if (skip || site) return;
  work = mkdtempSync(path.join(os.tmpdir(), 'qostil-split-'));
  const root = path.join(work, 'site');
  cargo(['run', '--quiet', '--example', 'gen_corpus', '--', '--pairs', String(PAIRS), '--seed', '1', '--out', root]);
  cargo(['run', '--quiet', '--', 'build', '--root', root, '--output', path.join(work, 'public')]);
  site = path.join(work, 'public');
});

after(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

/** For each of the `n` biggest split shards (keys of 3 or more letters), its forms. */
function splitForms(meta, shards, n) {
  return meta.shards
    .map((key, i) => ({ key, bytes: meta.shard_bytes[i] }))
    .filter(({ key }) => keyChars(key) >= 3)
    .sort((a, b) => b.bytes - a.bytes || (a.key < b.key ? -1 : 1))
    .slice(0, n)
    .map(({ key }) => ({ key, forms: Object.entries(shards.get(key).forms) }))
    .filter((x) => x.forms.length > 0);
}

for (const lang of ['kk', 'ru']) {
  test(`${lang}: split shards hold each word where search.js looks, and its searches find it`, { skip, timeout: 120_000 }, async () => {
    const { meta, shards } = checkShardLayout(S, site, lang);
    const keys = new Set(meta.shards);
    // Without splits the test would prove nothing: there must be keys of 3 and 4 letters.
    assert.ok(meta.shards.some((k) => keyChars(k) === 3), `${lang}: no 3-letter shard keys`);
    assert.ok(meta.shards.some((k) => keyChars(k) >= 4), `${lang}: no shard split twice`);
    /** The documents of a stem, from the files (not through search.js). */
    const df = (stem) => (shards.get(S.shardFor(stem, keys))?.stems[stem]?.length ?? 0) / 2;

    const picked = splitForms(meta, shards, 8);
    assert.ok(picked.length >= 4, `${lang}: forms in split shards`);
    for (const { key, forms } of picked) {
      // The form whose stem has the most documents, and the alphabetically first.
      const sorted = [...forms].sort((a, b) => df(b[1]) - df(a[1]) || (a[0] < b[0] ? -1 : 1));
      for (const [form, stem] of [sorted[0], forms[0]]) {
        assert.ok(df(stem) > 0, `${lang}: the stem ${stem} of ${form} has postings`);
        const { e, requested } = siteEngine(S, site, lang);
        const done = await e.search(`${form} `);
        assert.equal(done.total, df(stem), `${lang}: «${form} » finds every document of ${stem}`);
        assert.ok(requested.includes(`/${lang}/search/s/${key}.json`), `${lang}: «${form}» is looked up in ${key}`);
        const typing = await e.search(form);
        assert.ok(typing.total >= done.total, `${lang}: «${form}» being typed finds at least as much`);
        for (const url of requested.filter((u) => u.includes('/s/'))) {
          assert.ok(keys.has(url.split('/s/')[1].replace('.json', '')), `${lang}: ${url} is listed`);
        }
      }
    }
  });
}

/** search.js's limit on what a typed prefix may expand over (MAX_PREFIX_BYTES). */
const MAX_PREFIX_BYTES = 128 * 1024;

for (const lang of ['kk', 'ru']) {
  test(`${lang}: a typed beginning too broad to expand says so (held), a narrower one does not`, { skip, timeout: 120_000 }, async () => {
    const meta = JSON.parse((await import('node:fs')).readFileSync(path.join(site, lang, 'search', 'meta.json'), 'utf8'));
    const bytes = new Map(meta.shards.map((k, i) => [k, meta.shard_bytes[i]]));
    // Every two-letter beginning of a split shard, with what search.js should decide for it.
    const heads = [...new Set(meta.shards.filter((k) => keyChars(k) >= 3).map((k) => k.split('-').slice(0, 2).join('-')))];
    let held = 0;
    let expanded = 0;
    for (const head of heads) {
      const family = meta.shards.filter((k) => k === head || k.startsWith(head + '-'));
      const total = family.reduce((sum, k) => sum + bytes.get(k), 0);
      const expectHeld = family.length > 1 && (total > MAX_PREFIX_BYTES || family.length > S.MAX_PREFIX_SHARDS);
      const { e } = siteEngine(S, site, lang);
      const result = await e.search(keyText(head));
      assert.equal(result.held, expectHeld, `${lang}: «${keyText(head)}» (${family.length} shards, ${total} bytes)`);
      if (expectHeld) held += 1;
      else expanded += 1;
      // A complete word is never held.
      const word = await e.search(`${keyText(head)} `);
      assert.equal(word.held, false, `${lang}: «${keyText(head)} » as a whole word`);
    }
    assert.ok(held > 0, `${lang}: no two-letter beginning is too broad at ${PAIRS} pairs; the test proves nothing`);
    assert.ok(expanded > 0 || heads.length === held, `${lang}: expanded beginnings`);
  });
}

/** A document's row as the `d/` chunks hold it (not through search.js). */
function docRow(lang, doc) {
  const meta = JSON.parse(readFileSync(path.join(site, lang, 'search', 'meta.json'), 'utf8'));
  const file = path.join(site, lang, 'search', 'd', `${Math.floor(doc / meta.docs_per_chunk)}.json`);
  return JSON.parse(readFileSync(file, 'utf8'))[doc % meta.docs_per_chunk];
}

/** Issue #21: files one keystroke may fetch (search.js MAX_REQUESTS). */
const MAX_REQUESTS = 6;

/** Queries typed key by key: words of the split shards and the fixed words of bench/search. */
const TYPED = {
  kk: ['мамандықтары', 'жұмыс', 'колледж', 'білім беру', 'жастар жыл'],
  ru: ['профессия', 'работа', 'колледжи', 'образование', 'профессия колледж'],
};

for (const lang of ['kk', 'ru']) {
  test(`${lang}: no keystroke fetches more than ${MAX_REQUESTS} files, and the rows of a one-word query come from its shards`, { skip, timeout: 300_000 }, async (t) => {
    assert.equal(S.MAX_REQUESTS, MAX_REQUESTS, 'search.js limits a search to the files #21 allows');
    let most = 0;
    let withoutSnippet = 0;
    let pending = 0;
    for (const query of TYPED[lang]) {
      const { e, requested } = siteEngine(S, site, lang);
      await e.load(); // meta.json and the stemmer load with the page, before any keystroke
      const chars = Array.from(query);
      const counts = [];
      for (let i = 1; i <= chars.length; i++) {
        const prefix = chars.slice(0, i).join('');
        const from = requested.length;
        const r = await e.search(prefix, { maxRequests: MAX_REQUESTS });
        const fetched = requested.slice(from);
        counts.push(fetched.length);
        most = Math.max(most, fetched.length);
        assert.ok(fetched.length <= MAX_REQUESTS, `${lang} «${prefix}» fetched ${fetched.length} files: ${fetched.join(' ')}`);
        assert.equal(r.requests, fetched.length, `${lang} «${prefix}»: the engine counts what it fetched`);
        assert.equal(r.rows.length, r.hits.length, `${lang} «${prefix}»: a row per result`);
        for (const row of r.rows) {
          if (row.pending) {
            // Beyond the keystroke's files: no row yet, and no text.
            assert.ok(prefix.includes(' '), `${lang} «${prefix}»: a query of one word has every row`);
            assert.equal(row.text, null);
            pending += 1;
            continue;
          }
          const want = docRow(lang, row.doc);
          assert.equal(row.url, want.url, `${lang} «${prefix}»: the url of document ${row.doc}`);
          assert.equal(row.title, want.title, `${lang} «${prefix}»: the title of document ${row.doc}`);
          assert.equal(row.date, want.date, `${lang} «${prefix}»: the date of document ${row.doc}`);
          if (row.text === null) withoutSnippet += 1;
        }
        if (!prefix.includes(' ')) {
          assert.deepEqual(fetched.filter((u) => u.includes('/d/')), [], `${lang} «${prefix}»: one word needs no row file`);
        }
      }
      t.diagnostic(`${lang} «${query}»: files per keystroke ${counts.join(' ')}`);
      // What the keystrokes left out comes with a later call, complete.
      const last = await e.search(query);
      const rest = await e.documents(last.hits.map((h) => h.doc));
      for (const row of rest) {
        assert.equal(row.pending, false);
        assert.equal(row.url, docRow(lang, row.doc).url);
        assert.equal(typeof row.text, 'string');
      }
    }
    t.diagnostic(`${lang}: at most ${most} files for a keystroke; ${withoutSnippet} rows waited for their snippet, ${pending} results for their row`);
    // Texts beyond the budget wait: without that the test above would not be measuring much.
    assert.ok(withoutSnippet > 0, `${lang}: every result had its snippet at once; the corpus is too small to test the limit`);
  });
}
