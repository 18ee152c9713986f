/* qostil · portal theme · latin.js
 *
 * The Latin edition's search input: text typed in the Kazakh Latin alphabet of 2021
 * ("mamandyqtarynyñ") or in plain ASCII ("mamandyk", "sh" for ş) → the Cyrillic the Kazakh
 * search normaliser folds alike; Cyrillic, numbers and other words stay as they are.
 *
 * The same function as `to_cyrillic` in src/lang/latin/reverse.rs, rule for rule (its module
 * documentation explains the rules); tests/browser/latin.test.mjs checks both on
 * tests/fixtures/latin-cases.json. Change them together.
 *
 * A plain script: it defines the global function qostilToCyrillic(text), which search.js
 * calls when both are loaded.
 */
function qostilToCyrillic(text) {
  'use strict';
  var SPECIAL = 'äöüūğñşçıÄÖÜŪĞÑŞÇİ';
  var CAPITALS = { 'İ': 'i', 'I': 'ı', 'Ä': 'ä', 'Ö': 'ö', 'Ü': 'ü', 'Ū': 'ū', 'Ğ': 'ğ', 'Ñ': 'ñ', 'Ş': 'ş', 'Ç': 'ç' };
  var SINGLE = {
    a: 'а', 'ä': 'ә', b: 'б', d: 'д', e: 'е', f: 'ф', g: 'г', 'ğ': 'ғ', h: 'х', i: 'и',
    'ı': 'і', j: 'ж', k: 'к', q: 'қ', l: 'л', m: 'м', n: 'н', 'ñ': 'ң', o: 'о', 'ö': 'ө',
    p: 'п', r: 'р', s: 'с', 'ş': 'ш', t: 'т', u: 'у', 'ū': 'ұ', 'ü': 'ү', v: 'в', y: 'ы',
    z: 'з', 'ç': 'ч'
  };
  var ALPHABETIC = /\p{Alphabetic}/u;
  var ASCII_LETTER = /^[A-Za-z]$/;
  var ASCII_CAPITAL = /^[A-Z]$/;

  function isLatinLetter(c) { return ASCII_LETTER.test(c) || SPECIAL.indexOf(c) >= 0; }
  function isVowel(c) { return c !== undefined && 'aeiouyäöüūı'.indexOf(c) >= 0; }
  function isBackVowel(c) { return c !== undefined && 'aouy'.indexOf(c) >= 0; }

  function isForeign(l) {
    for (var i = 0; i < l.length; i++) {
      if (l[i] === 'w' || l[i] === 'x' || (l[i] === 'c' && l[i + 1] !== 'h')) return true;
    }
    return false;
  }

  // The first vowel at or after `from`, `u` not counted.
  function firstVowelAfter(l, from) {
    for (var i = from; i < l.length; i++) {
      if (l[i] !== 'u' && isVowel(l[i])) return l[i];
    }
    return undefined;
  }

  // [Cyrillic letter, Latin letters it takes] at i.
  function letterAt(l, i, ascii, hasQ) {
    var c = l[i];
    var next = l[i + 1];
    var afterNext = l[i + 2];
    var prev = i > 0 ? l[i - 1] : undefined;
    var afterVowel = isVowel(prev);
    var afterBackVowel = isBackVowel(prev);
    if (c === 'ş' && next === 'ş') return ['щ', 2];
    if (ascii && next === 'h') {
      if (c === 's') return ['ш', 2];
      if (c === 'c') return ['ч', 2];
      if (c === 'z') return ['ж', 2];
      if (c === 'g') return ['ғ', 2];
    }
    if (c === 't' && next === 's' && (i === 0 || afterNext === 'i')) return ['ц', 2];
    if (c === 'i') {
      if (next === 'a' && (i === 0 || afterVowel)) return ['я', 2];
      if (next === 'u') return ['ю', 2];
      if (next === 'o' && (i === 0 || afterVowel)) return ['ё', 2];
      if (prev === 'u') return ['и', 1];
      if (afterVowel) return ['й', 1];
    }
    if (c === 'e' && next !== undefined && i === 0 && next !== 'r' &&
        isBackVowel(firstVowelAfter(l, 1))) return ['э', 1];
    if (c === 'n' && next === 'g' && ascii && !isVowel(afterNext)) return ['ң', 2];
    if (c === 'k' && ascii && !hasQ && afterBackVowel &&
        !(next === 'e' || next === 'i' || next === 'r' || next === 'l') &&
        !(next === 't' && afterNext === 's')) return ['қ', 1];
    if (c === 'g' && next !== undefined && ascii && afterBackVowel && isBackVowel(next)) return ['ғ', 1];
    return [SINGLE[c] || c, 1];
  }

  function convertWord(word) {
    var chars = Array.from(word);
    var ascii = true;
    for (var i = 0; i < chars.length; i++) {
      if (!isLatinLetter(chars[i])) return word;
      if (SPECIAL.indexOf(chars[i]) >= 0) ascii = false;
    }
    var letters = [];
    var capitals = [];
    chars.forEach(function (c) {
      if (CAPITALS[c]) {
        letters.push(CAPITALS[c]);
        capitals.push(true);
      } else if (ASCII_CAPITAL.test(c)) {
        letters.push(c.toLowerCase());
        capitals.push(true);
      } else {
        letters.push(c);
        capitals.push(false);
      }
    });
    if (isForeign(letters)) return word;
    var hasQ = letters.indexOf('q') >= 0;
    var out = '';
    var at = 0;
    while (at < letters.length) {
      var found = letterAt(letters, at, ascii, hasQ);
      out += capitals[at] ? found[0].toUpperCase() : found[0];
      at += found[1];
    }
    return out;
  }

  var out = '';
  var word = '';
  Array.from(String(text)).forEach(function (c) {
    if (ALPHABETIC.test(c)) {
      word += c;
    } else {
      if (word) out += convertWord(word);
      word = '';
      out += c;
    }
  });
  if (word) out += convertWord(word);
  return out;
}
