// The search normalisation of both sides pinned to the same word lists:
//
//   node --test tests/search/
//
// - search.js (themes/portal/static/search.js, loaded as the classic script it is) must
//   give the expected stem of every line of kk-words.tsv and ru-words.tsv;
// - so must the Rust side: `cargo run -q --example stem -- kk|ru` (from the repo root);
// - and the two sides must agree on every token of the portal's own texts (content/).
//
// No npm packages: node:test, node:assert, node:child_process (search-js.mjs uses node:vm).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { ROOT, loadSearchJs } from './search-js.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const RULES = path.join(ROOT, 'src/search/kk-stemmer.json');

/** [{form, stem, line}] of a word list; `#` lines and blank lines are comments. */
function wordList(name) {
  const rows = [];
  readFileSync(path.join(HERE, name), 'utf8')
    .split('\n')
    .forEach((text, i) => {
      if (!text.trim() || text.startsWith('#')) return;
      const cols = text.split('\t');
      assert.equal(cols.length, 2, `${name}:${i + 1}: want form<TAB>stem, got ${JSON.stringify(text)}`);
      rows.push({ form: cols[0], stem: cols[1], line: i + 1 });
    });
  return rows;
}

const S = loadSearchJs();
const stemKk = S.kazakhStemmer(JSON.parse(readFileSync(RULES, 'utf8')));
const STEM = { kk: stemKk, ru: S.stemRussian };
const { tokens } = S;
const LISTS = { kk: wordList('kk-words.tsv'), ru: wordList('ru-words.tsv') };

/** The Rust normaliser over `input`: [[token, stem]], or null when cargo is not there. */
function rust(lang, input) {
  const r = spawnSync('cargo', ['run', '-q', '--example', 'stem', '--', lang], {
    cwd: ROOT,
    input,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    timeout: 15 * 60 * 1000,
  });
  if (r.error?.code === 'ENOENT') return null;
  assert.equal(r.status, 0, `cargo run --example stem -- ${lang} failed:\n${r.stderr}`);
  return r.stdout
    .split('\n')
    .filter(Boolean)
    .map((l) => l.split('\t'));
}

function markdownFiles(dir) {
  const out = [];
  for (const name of readdirSync(dir).sort()) {
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) out.push(...markdownFiles(p));
    else if (name.endsWith('.md')) out.push(p);
  }
  return out;
}

test('word lists are big enough and hold normalised tokens', () => {
  assert.ok(LISTS.kk.length >= 120, `kk-words.tsv has ${LISTS.kk.length} forms, want ≥ 120`);
  assert.ok(LISTS.ru.length >= 300, `ru-words.tsv has ${LISTS.ru.length} forms, want ≥ 300`);
  for (const [lang, rows] of Object.entries(LISTS)) {
    const seen = new Set();
    for (const { form, line } of rows) {
      assert.deepEqual(tokens(form), [form], `${lang}-words.tsv:${line}: «${form}» is not one token`);
      assert.ok(!seen.has(form), `${lang}-words.tsv:${line}: «${form}» twice`);
      seen.add(form);
    }
  }
});

test('Latin look-alikes inside a Cyrillic word become Cyrillic, other Latin words stay', () => {
  assert.deepEqual(tokens('үйлест\u0069ру әлеуметт\u0069к ТEХНИКА Expo IT-маман'), [
    'үйлестіру',
    'әлеуметтік',
    'техника',
    'expo',
    'it',
    'маман',
  ]);
});

test('tokenizer: the cases of src/search/normalize.rs', () => {
  assert.deepEqual(tokens('Ёлка, «Жұмысшы» — 2025 ж. EXPO!'), ['елка', 'жұмысшы', '2025', 'expo']);
  assert.deepEqual(tokens('а 1 б2 Ё'), ['1', 'б2']);
  assert.deepEqual(tokens('Мамандықтары/профессий—колледж…'), ['мамандықтары', 'профессий', 'колледж']);
  // Stress marks and soft hyphens neither split a word nor stay in it.
  assert.deepEqual(tokens('А\u0301кция про\u00adфес\u00adсия \u00ad \u0301а\u0301'), ['акция', 'профессия']);
  assert.deepEqual(S.parseQuery('мамандықта\u0301ры').map((t) => t.text), ['мамандықтары']);
  assert.equal(S.shardKey('мамандық'), '043c-0430');
  assert.equal(S.shardKey('a'), '0061');
});

for (const lang of ['kk', 'ru']) {
  test(`search.js gives the expected stem of every line of ${lang}-words.tsv`, () => {
    const wrong = [];
    for (const { form, stem, line } of LISTS[lang]) {
      const got = STEM[lang](form);
      if (got !== stem) wrong.push(`${lang}-words.tsv:${line}: ${form} → ${got}, want ${stem}`);
    }
    assert.deepEqual(wrong, []);
  });

  test(`the Rust side gives the expected stem of every line of ${lang}-words.tsv`, (t) => {
    const rows = LISTS[lang];
    const out = rust(lang, rows.map((r) => r.form).join('\n'));
    if (!out) return t.skip('cargo is not installed');
    assert.equal(out.length, rows.length, 'one output line per form');
    const wrong = [];
    rows.forEach(({ form, stem, line }, i) => {
      const [token, got] = out[i];
      if (token !== form || got !== stem) {
        wrong.push(`${lang}-words.tsv:${line}: Rust ${token} → ${got}, want ${form} → ${stem}`);
      }
    });
    assert.deepEqual(wrong, []);
  });

  test(`search.js and the Rust side agree on every token of content/${lang}/`, (t) => {
    const text = markdownFiles(path.join(ROOT, 'content', lang))
      .map((f) => readFileSync(f, 'utf8'))
      .join('\n');
    const out = rust(lang, text);
    if (!out) return t.skip('cargo is not installed');
    // The Rust example tokenizes line by line, as tokens() does for a line.
    const js = text.split('\n').flatMap((l) => tokens(l));
    assert.deepEqual(out.map((r) => r[0]), js, 'the same tokens');
    const wrong = [];
    out.forEach(([token, stem]) => {
      const got = STEM[lang](token);
      if (got !== stem) wrong.push(`${token}: Rust ${stem}, search.js ${got}`);
    });
    assert.deepEqual([...new Set(wrong)], []);
  });
}

test('tokenizer and stemmers agree with Rust on awkward text', (t) => {
  // Final sigma, dotted İ, letter-like symbols, combining marks (a stress mark U+0301 and a
  // soft hyphen are removed, other marks split or stay as Alphabetic says), non-ASCII digits
  // (a single one is dropped), ligatures, astral letters.
  const text = 'ΣΊΣΥΦΟΣ İstanbul ǅungla а́кция Жұ\u00adмыс\u00ad ма\u0301\u0300\u00adма x² ⅻ ① 𝐀𝐁𝐂 ९ क्षि ٣ ٣٣ ﬁle Ёжик ее её иями үйлестiру ТEХНИКА Astana IT-маман';
  for (const lang of ['kk', 'ru']) {
    const out = rust(lang, text);
    if (!out) return t.skip('cargo is not installed');
    assert.deepEqual(out.map((r) => r[0]), tokens(text), `${lang}: the same tokens`);
    for (const [token, stem] of out) assert.equal(STEM[lang](token), stem, `${lang}: ${token}`);
  }
});

test('search.js scores the Kazakh evaluation set (kk-lemmas.tsv) as the Rust side pins it', () => {
  // The same numbers as src/search/kazakh.rs `evaluation_on_real_text_beats_v2_and_is_pinned`.
  const rows = readFileSync(path.join(HERE, 'kk-lemmas.tsv'), 'utf8')
    .split('\n')
    .filter((l) => l && !l.startsWith('#'))
    .map((l) => l.split('\t'));
  assert.ok(rows.length >= 600, `${rows.length} forms`);
  const stems = rows.map(([form]) => stemKk(form));
  let over = 0;
  let under = 0;
  let pairs = 0;
  for (let i = 0; i < rows.length; i++) {
    for (let j = i + 1; j < rows.length; j++) {
      const sameLemma = rows[i][1] === rows[j][1];
      const sameStem = stems[i] === stems[j];
      if (sameLemma) pairs++;
      if (!sameLemma && sameStem) over++;
      if (sameLemma && !sameStem) under++;
    }
  }
  assert.deepEqual({ over, under, pairs }, { over: 2, under: 311, pairs: 989 });
});
