// Helpers for the tests that read a built search index (engine.test.mjs, split.test.mjs).

import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';

/** An engine over `site`'s index for `lang`; `requested` collects every URL it loads. */
export function siteEngine(S, site, lang) {
  const requested = [];
  const e = S.createEngine({
    indexUrl: `/${lang}/search/`,
    stemmerUrl: lang === 'kk' ? '/kk/search/kk-stemmer.json' : null,
    lang,
    fetchJson: async (url) => {
      requested.push(url);
      return JSON.parse(readFileSync(path.join(site, url), 'utf8'));
    },
  });
  return { e, requested };
}

/**
 * Checks the shard files of `site`'s `lang` index against search.js's rule: meta.json lists
 * every file of s/ once, with its size, and every stem and form of a shard is one that
 * `S.shardFor` (the client) looks up in that very shard. Returns {meta, shards: Map key →
 * parsed shard, words} for further checks.
 */
export function checkShardLayout(S, site, lang) {
  const dir = path.join(site, lang, 'search');
  const meta = JSON.parse(readFileSync(path.join(dir, 'meta.json'), 'utf8'));
  const files = readdirSync(path.join(dir, 's'))
    .map((f) => f.replace(/\.json$/, ''))
    .sort();
  assert.deepEqual([...meta.shards].sort(), files, `${lang}: meta.shards lists the files of s/`);
  assert.equal(meta.shard_bytes.length, meta.shards.length, `${lang}: one size per shard`);
  const keys = new Set(meta.shards);
  const shards = new Map();
  let words = 0;
  meta.shards.forEach((key, i) => {
    const file = path.join(dir, 's', `${key}.json`);
    assert.equal(meta.shard_bytes[i], statSync(file).size, `${lang}: size of ${key}`);
    const shard = JSON.parse(readFileSync(file, 'utf8'));
    shards.set(key, shard);
    for (const word of [...Object.keys(shard.stems), ...Object.keys(shard.forms)]) {
      assert.equal(S.shardFor(word, keys), key, `${lang}: «${word}» is in ${key}`);
      words++;
    }
  });
  return { meta, shards, words };
}

/** The characters of a shard key (`043f-0440-043e` → 3). */
export function keyChars(key) {
  return key.split('-').length;
}

/** A shard key as text (`043f-0440` → `пр`). */
export function keyText(key) {
  return key
    .split('-')
    .map((h) => String.fromCodePoint(parseInt(h, 16)))
    .join('');
}
