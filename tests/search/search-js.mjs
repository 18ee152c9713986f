// Loads themes/portal/static/search.js for the Node tests the way a browser runs it: as a
// classic script (no module system), here with a CommonJS-style `module` object to fill.

import { readFileSync } from 'node:fs';
import path from 'node:path';
import vm from 'node:vm';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const SEARCH_JS = path.join(ROOT, 'themes/portal/static/search.js');

/** search.js's exports (tokens, stemmers, engine, snippets). */
export function loadSearchJs() {
  const module = { exports: {} };
  // compileFunction keeps this realm, so arrays and sets compare with node:assert.
  vm.compileFunction(readFileSync(SEARCH_JS, 'utf8'), ['module'], { filename: SEARCH_JS })(module);
  return module.exports;
}
