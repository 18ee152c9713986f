// The Latin edition's search input in Node: themes/portal/static/latin.js (qostilToCyrillic)
// against the Rust side (src/lang/latin/reverse.rs, to_cyrillic):
//
//   cd tests/browser && node --test latin.test.mjs
//
// - the cases of tests/fixtures/latin-cases.json, which tests/latin.rs checks in Rust too;
// - every Kazakh word of the repository's content/kk, in its 2021 Latin and in an ASCII
//   spelling, as `cargo run --example latin_speed -- pairs` converts it (skipped without
//   cargo).
//
// latin.js is a plain script (no exports): it is run in a fresh context and its global
// function taken from there. Needs no npm packages.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import vm from 'node:vm';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const SCRIPT = path.join(ROOT, 'themes/portal/static/latin.js');
const CASES = JSON.parse(readFileSync(path.join(ROOT, 'tests/fixtures/latin-cases.json'), 'utf8'));

function loadLatinJs() {
  const context = vm.createContext({});
  vm.runInContext(readFileSync(SCRIPT, 'utf8'), context, { filename: SCRIPT });
  assert.equal(typeof context.qostilToCyrillic, 'function', 'latin.js defines qostilToCyrillic');
  return context.qostilToCyrillic;
}

const toCyrillic = loadLatinJs();
const hasCargo = spawnSync('cargo', ['--version']).status === 0;

test('the shared cases of latin-cases.json', () => {
  assert.ok(CASES.to_cyrillic.length >= 30, 'the fixture has its cases');
  for (const [typed, expected] of CASES.to_cyrillic) {
    assert.equal(toCyrillic(typed), expected, `qostilToCyrillic(${JSON.stringify(typed)})`);
  }
});

test('every Kazakh word of content/kk converts as in Rust', { skip: hasCargo ? false : 'cargo is not installed' }, () => {
  const r = spawnSync('cargo', ['run', '-q', '--example', 'latin_speed', '--', 'pairs', 'content/kk'], {
    cwd: ROOT,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    timeout: 30 * 60 * 1000,
  });
  assert.equal(r.status, 0, `cargo run --example latin_speed failed:\n${r.stderr}`);
  const lines = r.stdout.split('\n').filter(Boolean);
  assert.ok(lines.length > 1000, `${lines.length} words`);
  const differ = [];
  for (const line of lines) {
    const [typed, rust] = line.split('\t');
    const js = toCyrillic(typed);
    if (js !== rust) differ.push(`${typed}: Rust ${rust}, JS ${js}`);
  }
  assert.deepEqual(differ, []);
});
