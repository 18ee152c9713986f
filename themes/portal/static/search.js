/* qostil · portal theme · search.js
 *
 * The browser side of qostil's static search (docs/search.md). No dependencies, no build
 * step; a classic script loaded with `defer` by templates/search.html, which passes the
 * index URL, the stemmer URL, the language and every UI string as data-* attributes of the
 * <script> element.
 *
 * Parts:
 *   1. Normalisation, the same as src/search/normalize.rs: tokens, the Kazakh stemmer
 *      (generic, driven by kk-stemmer.json, mirrors src/search/kazakh.rs) and a port of the
 *      Snowball Russian stemmer as rust-stemmers 1.2 implements it.
 *   2. The engine: loads meta.json, shards, document and text chunks (each once), scores
 *      with the index's BM25 weights.
 *   3. Snippets with <mark>ed matches, built as DOM nodes (never innerHTML).
 *   4. The search page: input → debounce → search → results; ?q= in the URL; keyboard.
 *
 * Parts 1–3 are pure and also load in Node (`module.exports`), where tests/search/ checks
 * the stemmers word for word against the Rust side.
 */
(function (global) {
  'use strict';

  // -------------------------------------------------------------------------------------
  // 1. Normalisation

  // Rust splits on `!char::is_alphanumeric()`, which is Alphabetic || Numeric (Nd, Nl, No):
  // exactly \p{Alphabetic} and \p{N}. (\p{L} alone would keep splitting at combining marks
  // that are Alphabetic, which Rust keeps inside a word.) U+0301 (the stress mark) and U+00AD
  // (soft hyphen) do not split a word either; fold() removes them (normalize.rs INVISIBLE).
  var SPLIT = /[^\p{Alphabetic}\p{N}\u0301\u00AD]+/u;
  var WORD = /[\p{Alphabetic}\p{N}\u0301\u00AD]+/gu;
  var INVISIBLE = /[\u0301\u00AD]/g;
  var ASCII_DIGITS = /^[0-9]+$/;

  // Latin look-alikes of Cyrillic letters, lower case (normalize.rs LOOKALIKES).
  var LOOKALIKES = { a: 'а', c: 'с', e: 'е', i: 'і', k: 'к', m: 'м', o: 'о', p: 'р', t: 'т', x: 'х', y: 'у' };
  var HAS_LATIN = /[a-z]/;
  var HAS_CYRILLIC = /[\u0400-\u04ff]/;
  var LATIN_LOOKALIKE = /[aceikmoptxy]/g;

  /** The Latin edition (/kk-latn/): its index holds the Kazakh words, so a word typed or
   * shown in Latin letters is read in Cyrillic first (latin.js, loaded before this script on
   * that edition's search page). */
  var latinEdition = false;

  /** Without stress marks and soft hyphens, lower-case, ё → е, Latin look-alikes inside a
   * Cyrillic word made Cyrillic: the normal form of one word (before stemming). */
  function fold(word) {
    var w = latinEdition ? qostilToCyrillic(word) : word;
    w = w.replace(INVISIBLE, '').toLowerCase().replace(/ё/g, 'е');
    if (HAS_LATIN.test(w) && HAS_CYRILLIC.test(w)) {
      w = w.replace(LATIN_LOOKALIKE, function (c) {
        return LOOKALIKES[c] || c;
      });
    }
    return w;
  }

  /** True when a folded word is kept as a token: more than one character, or a number. */
  function keep(t) {
    return t.length > 2 || Array.from(t).length > 1 || ASCII_DIGITS.test(t);
  }

  /** The tokens of a text, as src/search/normalize.rs `tokens()` gives them. */
  function tokens(text) {
    var out = [];
    var parts = String(text).split(SPLIT);
    for (var i = 0; i < parts.length; i++) {
      if (!parts[i]) continue;
      var t = fold(parts[i]);
      if (keep(t)) out.push(t);
    }
    return out;
  }

  /** A shard key: the first `chars` (default 2) characters of a word as 4-digit hex code
   * points joined by `-` (src/search/shards.rs `shard_key`). */
  function shardKey(s, chars) {
    var n = chars === undefined ? 2 : chars;
    var parts = [];
    for (var ch of s) {
      if (parts.length === n) break;
      parts.push(ch.codePointAt(0).toString(16).padStart(4, '0'));
    }
    return parts.join('-');
  }

  /** The number of characters of a key (`043f-0440-043e` → 3). */
  function keyChars(key) {
    return key.split('-').length;
  }

  /** The shard that holds a word: the longest key in `keys` (a Set of meta.shards) that is
   * a prefix of it, the rule the build lays shards out by (docs/search.md). `maxChars`: the
   * longest key's characters (optional, saves work). A word no listed key starts gets its
   * two-character key, which is not listed: an empty shard. */
  function shardFor(word, keys, maxChars) {
    var max = maxChars === undefined ? Infinity : maxChars;
    var parts = [];
    for (var ch of word) {
      if (parts.length >= max) break;
      parts.push(ch.codePointAt(0).toString(16).padStart(4, '0'));
    }
    for (var n = parts.length; n > 0; n--) {
      var key = parts.slice(0, n).join('-');
      if (keys.has(key)) return key;
    }
    return parts.slice(0, 2).join('-');
  }

  // --- Kazakh: qostil's light stemmer, generic over kk-stemmer.json ----------------------
  //
  // A line-by-line mirror of src/search/kazakh.rs. Words are arrays of code points, as the
  // Rust side's Vec<char>.

  /** Builds the Kazakh stem function from the parsed kk-stemmer.json. */
  function kazakhStemmer(rules) {
    var minStem = rules.min_stem;
    var vowels = new Set(Array.from(rules.vowels));
    var protectedWords = new Set(rules.protected);
    var alternations = new Map(Object.keys(rules.alternations).map(function (k) {
      return [k, rules.alternations[k]];
    }));
    var sounds = rules.sounds || {};
    var respell = new Map(Object.entries(rules.respell || {}));
    respell.forEach(function (word, stem) {
      protectedWords.add(stem);
    });
    var keptAfter = new Set(Array.from(rules.bare_vowel_kept_after || ''));
    var alternationAfterVowel = rules.alternation_after_vowel === true;
    var layers = rules.layers.map(function (l) {
      var notAfter = l.not_after || {};
      var onlyAfter = l.only_after || {};
      return {
        name: l.name,
        suffixes: l.suffixes.map(function (s) {
          return { text: s, chars: Array.from(s) };
        }),
        afterVowel: new Set(l.after_vowel || []),
        afterConsonant: new Set(l.after_consonant || []),
        notAfter: new Map(Object.keys(notAfter).map(function (k) {
          return [k, new Set(Array.from(notAfter[k]))];
        })),
        // Suffix → the letters it may follow (Rules::may_follow): sound classes expanded.
        onlyAfter: new Map(Object.keys(onlyAfter).map(function (k) {
          var letters = onlyAfter[k].map(function (entry) {
            return Object.prototype.hasOwnProperty.call(sounds, entry) ? sounds[entry] : entry;
          });
          return [k, new Set(Array.from(letters.join('')))];
        })),
      };
    });
    var plurals = layers.filter(function (l) {
      return l.name === 'plural';
    });

    function hasVowel(chars, end) {
      for (var i = 0; i < end; i++) if (vowels.has(chars[i])) return true;
      return false;
    }

    function isProtected(chars, end) {
      return protectedWords.has(chars.slice(0, end).join(''));
    }

    // The stem as a string, respelled when its vowel dropped or its soft sign went (finish).
    function finish(chars, end) {
      var stem = chars.slice(0, end).join('');
      return respell.has(stem) ? respell.get(stem) : stem;
    }

    // The suffix of `layer` to strip (strip_layer): among those that leave a stem of at
    // least min_stem letters with a vowel in it (and meet the suffix's own conditions), the
    // longest that leaves a protected word, else the longest: {len, leavesProtected} or
    // null. `word` is a char array; only word[0..end) counts.
    function stripLayer(word, end, layer) {
      var best = -1;
      var bestProtected = -1;
      for (var s = 0; s < layer.suffixes.length; s++) {
        var suffix = layer.suffixes[s];
        var len = suffix.chars.length;
        if (len === 0 || end <= len) continue;
        var stemEnd = end - len;
        var same = true;
        for (var i = 0; i < len; i++) {
          if (word[stemEnd + i] !== suffix.chars[i]) {
            same = false;
            break;
          }
        }
        if (!same) continue;
        if (stemEnd < minStem && !isProtected(word, stemEnd)) continue;
        var before = stemEnd > 0 ? word[stemEnd - 1] : null;
        var beforeIsVowel = before !== null && vowels.has(before);
        var vowelOk = beforeIsVowel || !layer.afterVowel.has(suffix.text);
        var consonantOk = !beforeIsVowel || !layer.afterConsonant.has(suffix.text);
        var never = layer.notAfter.get(suffix.text);
        var letterOk = !never || before === null || !never.has(before);
        var only = layer.onlyAfter.get(suffix.text);
        var soundOk = before !== null && (!only || only.has(before));
        if (!(hasVowel(word, stemEnd) && vowelOk && consonantOk && letterOk && soundOk)) continue;
        if (len > best) best = len;
        if (len > bestProtected && isProtected(word, stemEnd)) bestProtected = len;
      }
      if (bestProtected >= 0) return { len: bestProtected, leavesProtected: true };
      return best < 0 ? null : { len: best, leavesProtected: false };
    }

    // Whether word[0..end) ends in a letter a suffix voices, where voicing can happen
    // (ends_voiced).
    function endsVoiced(chars, end) {
      if (end < 1 || !alternations.has(chars[end - 1])) return false;
      return !alternationAfterVowel || (end >= 2 && vowels.has(chars[end - 2]));
    }

    // Whether a bare possessive vowel after chars[0..end) is a suffix (bare_vowel_is_suffix).
    function bareVowelIsSuffix(chars, end, caseStripped) {
      if (end > 0 && keptAfter.has(chars[end - 1])) return false;
      return caseStripped || endsVoiced(chars, end) || plurals.some(function (p) {
        return stripLayer(chars, end, p) !== null;
      });
    }

    return function stemKazakh(word) {
      var chars = Array.from(word);
      var caseStripped = false;
      var lastStripped = null;
      for (var l = 0; l < layers.length; l++) {
        var layer = layers[l];
        if (isProtected(chars, chars.length)) return finish(chars, chars.length);
        var strip = stripLayer(chars, chars.length, layer);
        if (strip === null) continue;
        var stemEnd = chars.length - strip.len;
        // A protected word is never cut further, nor its consonants changed.
        if (strip.leavesProtected) return finish(chars, stemEnd);
        if (layer.name === 'possessive' && strip.len === 1 && !bareVowelIsSuffix(chars, stemEnd, caseStripped)) {
          continue;
        }
        lastStripped = chars[stemEnd];
        chars.length = stemEnd;
        if (layer.name === 'case') caseStripped = true;
      }
      if (lastStripped !== null && vowels.has(lastStripped) && endsVoiced(chars, chars.length)) {
        chars[chars.length - 1] = alternations.get(chars[chars.length - 1]);
      }
      return finish(chars, chars.length);
    };
  }

  // --- Russian: Snowball, as generated into rust-stemmers 1.2 (russian.rs) ----------------
  //
  // Each table maps a suffix to its among-variable; like Snowball's find_among_b, only the
  // longest matching suffix counts (there are no among-routines in this stemmer), and every
  // test stays inside RV (the part after the first vowel).

  function amongTable(groups) {
    var map = new Map();
    var maxLen = 0;
    Object.keys(groups).forEach(function (v) {
      groups[v].forEach(function (s) {
        map.set(s, Number(v));
        if (s.length > maxLen) maxLen = s.length;
      });
    });
    return { map: map, maxLen: maxLen };
  }

  var RU_PERFECTIVE_GERUND = amongTable({
    1: ['в', 'вши', 'вшись'],
    2: ['ив', 'ыв', 'ивши', 'ывши', 'ившись', 'ывшись'],
  });
  var RU_ADJECTIVE = amongTable({
    1: ['ая', 'ее', 'ей', 'ем', 'ею', 'ие', 'ий', 'им', 'их', 'ое', 'ой', 'ом', 'ою', 'ую',
      'ые', 'ый', 'ым', 'ых', 'юю', 'яя', 'его', 'ему', 'ими', 'ого', 'ому', 'ыми'],
  });
  var RU_PARTICIPLE = amongTable({
    1: ['щ', 'вш', 'ем', 'нн', 'ющ'],
    2: ['ивш', 'ующ', 'ывш'],
  });
  var RU_REFLEXIVE = amongTable({ 1: ['сь', 'ся'] });
  var RU_VERB = amongTable({
    1: ['й', 'л', 'н', 'ем', 'ет', 'ла', 'ли', 'ло', 'на', 'но', 'ны', 'ть', 'ют', 'ете',
      'ешь', 'йте', 'нно'],
    2: ['ю', 'ей', 'ен', 'ил', 'им', 'ит', 'уй', 'ую', 'ыл', 'ым', 'ыт', 'ят', 'ена', 'ено',
      'ены', 'ила', 'или', 'ило', 'ите', 'ить', 'ишь', 'ует', 'уют', 'ыла', 'ыли', 'ыло',
      'ыть', 'ейте', 'уйте'],
  });
  var RU_NOUN = amongTable({
    1: ['а', 'е', 'и', 'й', 'о', 'у', 'ы', 'ь', 'ю', 'я', 'ам', 'ах', 'ев', 'еи', 'ей', 'ем',
      'ие', 'ии', 'ий', 'ию', 'ия', 'ов', 'ой', 'ом', 'ье', 'ью', 'ья', 'ям', 'ях', 'ами',
      'ией', 'ием', 'иям', 'иях', 'ями', 'иями'],
  });
  var RU_DERIVATIONAL = amongTable({ 1: ['ост', 'ость'] });
  var RU_TIDY_UP = amongTable({ 1: ['ейш', 'ейше'], 2: ['н'], 3: ['ь'] });

  // The vowel grouping `v` (аеиоуыэюя), as code points; ё is not in it.
  var RU_VOWEL_CODES = new Set(Array.from('аеиоуыэюя').map(function (c) {
    return c.charCodeAt(0);
  }));

  function ruVowelAt(word, i) {
    return RU_VOWEL_CODES.has(word.charCodeAt(i));
  }

  /** The Snowball Russian stem of one lower-case word. */
  function stemRussian(word) {
    var n = word.length;
    // mark_regions: pV after the first vowel; p2 = R2 (R1 of R1). Code units stand in for
    // characters: surrogate halves are non-vowels like the astral characters they form, and
    // every suffix compared is Cyrillic, so the result is the same.
    var pV = n;
    var p2 = n;
    var i = 0;
    while (i < n && !ruVowelAt(word, i)) i++;
    if (i < n) {
      pV = i + 1;
      i = pV;
      while (i < n && ruVowelAt(word, i)) i++;
      if (i < n) {
        i++;
        while (i < n && !ruVowelAt(word, i)) i++;
        if (i < n) {
          i++;
          while (i < n && ruVowelAt(word, i)) i++;
          if (i < n) p2 = i + 1;
        }
      }
    }
    var head = word.slice(0, pV);
    var rv = word.slice(pV); // backwards mode with limit_backward = pV
    var r2 = p2 - pV;

    function longest(table) {
      for (var len = Math.min(table.maxLen, rv.length); len > 0; len--) {
        var v = table.map.get(rv.slice(rv.length - len));
        if (v !== undefined) return { len: len, v: v };
      }
      return null;
    }
    function afterAOrYa(start) {
      if (start < 1) return false;
      var c = rv[start - 1];
      return c === 'а' || c === 'я';
    }
    // Group 1 endings must follow а or я (which stays); group 2 endings go on their own.
    function groupedDelete(table) {
      var m = longest(table);
      if (!m) return false;
      var start = rv.length - m.len;
      if (m.v === 1 && !afterAOrYa(start)) return false;
      rv = rv.slice(0, start);
      return true;
    }
    function plainDelete(table) {
      var m = longest(table);
      if (!m) return false;
      rv = rv.slice(0, rv.length - m.len);
      return true;
    }
    function adjectival() {
      if (!plainDelete(RU_ADJECTIVE)) return false;
      groupedDelete(RU_PARTICIPLE); // try
      return true;
    }

    // Step 1: perfective gerund, or (reflexive?) then adjectival | verb | noun.
    if (!groupedDelete(RU_PERFECTIVE_GERUND)) {
      plainDelete(RU_REFLEXIVE);
      if (!adjectival()) {
        if (!groupedDelete(RU_VERB)) plainDelete(RU_NOUN);
      }
    }
    // Step 2: и.
    if (rv.length > 0 && rv[rv.length - 1] === 'и') rv = rv.slice(0, -1);
    // Step 3: derivational ость/ост in R2.
    var d = longest(RU_DERIVATIONAL);
    if (d && rv.length - d.len >= r2) rv = rv.slice(0, rv.length - d.len);
    // Step 4: tidy up: superlative ейш(е) then нн → н; нн → н; ь.
    var t = longest(RU_TIDY_UP);
    if (t) {
      if (t.v === 1) {
        rv = rv.slice(0, rv.length - t.len);
        if (rv.endsWith('нн')) rv = rv.slice(0, -1);
      } else if (t.v === 2) {
        if (rv.endsWith('нн')) rv = rv.slice(0, -1);
      } else {
        rv = rv.slice(0, -1);
      }
    }
    return head + rv;
  }

  // -------------------------------------------------------------------------------------
  // 2. The engine

  /** A query's terms: [{text, prefix}]. The last word is a prefix while it is being typed,
   * that is when nothing but letters or digits follows it; a prefix needs two characters. */
  function parseQuery(query) {
    var parts = String(query).split(SPLIT);
    // Splitting a text that ends in a letter or digit leaves that word as the last part.
    var typing = parts.length > 0 && parts[parts.length - 1] !== '';
    var terms = [];
    var seen = new Set();
    parts.forEach(function (part, i) {
      if (!part) return;
      var w = fold(part);
      var prefix = typing && i === parts.length - 1;
      if (!keep(w) || (prefix && Array.from(w).length < 2)) return;
      var id = (prefix ? '*' : '=') + w;
      if (seen.has(id)) return;
      seen.add(id);
      terms.push({ text: w, prefix: prefix });
    });
    // A word typed twice, once complete: the prefix covers it.
    return terms.filter(function (t) {
      return t.prefix || !seen.has('*' + t.text);
    });
  }

  /** The first index of a sorted array whose item is not below `s`. */
  function lowerBound(arr, s) {
    var lo = 0;
    var hi = arr.length;
    while (lo < hi) {
      var mid = (lo + hi) >>> 1;
      if (arr[mid] < s) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** How much a stem found by prefix counts, against one the query word stems to. */
  var PREFIX_FACTOR = 0.9;
  /** A typed prefix expands over shards of at most this many bytes together, unless it has
   * just one shard (see prefixShards): twice a shard's size before it is split. */
  var MAX_PREFIX_BYTES = 128 * 1024;
  /** ... and over at most this many shards: each is a request (see MAX_REQUESTS). */
  var MAX_PREFIX_SHARDS = 4;
  /** Files a search may fetch once it starts (a keystroke, after the debounce): shards
   * first, then the document rows the shards lack, then snippet texts in rank order while
   * requests are left. Texts not fetched then come when their result scrolls into view. */
  var MAX_REQUESTS = 6;
  /** Results shown. */
  var TOP = 20;

  // --- Forgiving matching: for a word that finds nothing as typed -----------------------

  /** Kazakh letters a Russian keyboard lacks → the letter typed for them. */
  var LAYOUT = { 'қ': 'к', 'ғ': 'г', 'ң': 'н', 'ө': 'о', 'ұ': 'у', 'ү': 'у', 'і': 'и', 'һ': 'х', 'ә': 'а' };
  var LAYOUT_LETTERS = /[қғңөұүіһә]/g;
  /** A typed letter → the letters it may stand for (LAYOUT read backwards). */
  // Also а ↔ о, the unstressed vowel Russian spelling confuses (калледж), so that a word one
  // edit away in its second letter is looked for in the right shard.
  var UNLAYOUT = { 'к': 'кқ', 'г': 'гғ', 'н': 'нң', 'о': 'оөа', 'у': 'уұү', 'и': 'иі', 'х': 'хһ', 'а': 'аәо' };
  /** Matches found by folding the Kazakh letters (мамандык → мамандық) count this much: below
   * what the word finds as typed, which is why they are only looked for when it finds
   * nothing. */
  var LAYOUT_FACTOR = 0.8;
  /** Matches one edit away (професия → профессия), for words of MIN_EDIT_CHARS or more. */
  var EDIT_FACTOR = 0.6;
  var MIN_EDIT_CHARS = 5;
  /** Matches of a stem that finds nothing, read as a prefix (Астане → астан → аста…). */
  var FALLBACK_PREFIX_FACTOR = 0.7;
  /** At most this many shards are read for the other spellings of a word's first letters. */
  var MAX_LAYOUT_SHARDS = 4;

  /** A word as typed on a Russian layout: өңір → онир. */
  function layoutFold(word) {
    return word.replace(LAYOUT_LETTERS, function (c) {
      return LAYOUT[c];
    });
  }

  /** Whether two strings are at most one insertion, deletion or substitution apart. */
  function withinOneEdit(a, b) {
    if (a === b) return true;
    var x = Array.from(a);
    var y = Array.from(b);
    if (x.length < y.length) {
      var t = x;
      x = y;
      y = t;
    }
    var longer = x.length - y.length; // x is the longer one
    if (longer > 1) return false;
    var i = 0;
    while (i < y.length && x[i] === y[i]) i++;
    // The first difference is x[i]: dropped (one letter longer) or replaced (as long).
    return x.slice(i + 1).join('') === y.slice(longer ? i : i + 1).join('');
  }


  /**
   * The search engine over one language's index.
   * options: {indexUrl, stemmerUrl (null: Russian), lang, fetchJson(url) → Promise}
   */
  function createEngine(options) {
    var base = options.indexUrl.replace(/\/?$/, '/');
    // Every file the engine fetches goes through here, so that a search can count them.
    var requests = 0;
    function fetchJson(url) {
      requests += 1;
      return options.fetchJson(url);
    }
    var meta = null;
    var shardSet = null;
    var sortedKeys = null; // meta.shards, sorted: the keys under a prefix are neighbours
    var keyCache = new Map(); // word → shardFor(word)
    var maxKeyChars = 0; // characters of the longest key
    var shardBytes = new Map(); // key → its file's size (meta.shard_bytes)
    var stemWord = null;
    var loading = null;
    var shards = new Map(); // key → Promise<shard>
    var ready = new Map(); // key → shard, once loaded
    var docChunks = new Map();
    var textChunks = new Map();
    var texts = new Map(); // doc → snippet text, once its chunk is in
    var rowsByDoc = new Map(); // doc → [url, title, date], from the shards' rows
    var stemCache = new Map();
    var scratch = null; // run()'s arrays, reused: {total, count, best, touched}

    function load() {
      if (!loading) {
        var wantsKazakh = Boolean(options.stemmerUrl);
        loading = Promise.all([
          fetchJson(base + 'meta.json'),
          wantsKazakh ? fetchJson(options.stemmerUrl) : Promise.resolve(null),
        ]).then(function (got) {
          meta = got[0];
          shardSet = new Set(meta.shards);
          sortedKeys = meta.shards.slice().sort();
          maxKeyChars = sortedKeys.reduce(function (m, k) {
            return Math.max(m, keyChars(k));
          }, 0);
          meta.shards.forEach(function (k, i) {
            shardBytes.set(k, (meta.shard_bytes || [])[i] || 0);
          });
          warmUp();
          if (wantsKazakh) stemWord = kazakhStemmer(got[1]);
          else if (meta.stemmer === 'snowball-ru') stemWord = stemRussian;
          else stemWord = function (w) {
            return w;
          };
          return meta;
        });
        loading.catch(function () {
          loading = null; // a later query tries again
        });
      }
      return loading;
    }

    function stem(word) {
      var s = stemCache.get(word);
      if (s === undefined) {
        if (stemCache.size > 50000) stemCache.clear();
        s = stemWord(word);
        stemCache.set(word, s);
      }
      return s;
    }

    function prepareShard(raw) {
      var stems = raw.stems || {};
      var forms = raw.forms || {};
      var rows = raw.rows || {};
      Object.keys(rows).forEach(function (doc) {
        rowsByDoc.set(Number(doc), rows[doc]);
      });
      return {
        stems: stems,
        forms: forms,
        stemKeys: Object.keys(stems).sort(),
        formKeys: Object.keys(forms).sort(),
        decoded: new Map(),
      };
    }

    /** Loads a shard once; a key the index does not list is an empty shard (no request). */
    function shard(key) {
      var p = shards.get(key);
      if (!p) {
        if (!shardSet.has(key)) {
          p = Promise.resolve(prepareShard({}));
        } else {
          p = fetchJson(base + 's/' + key + '.json').then(prepareShard);
          p.catch(function () {
            shards.delete(key);
          });
        }
        shards.set(key, p);
        p.then(function (s) {
          ready.set(key, s);
        }, function () {});
      }
      return p;
    }

    /** The key of the shard that holds a word (stem or form), remembered. */
    function keyOf(word) {
      var k = keyCache.get(word);
      if (k === undefined) {
        if (keyCache.size > 50000) keyCache.clear();
        k = shardFor(word, shardSet, maxKeyChars);
        keyCache.set(word, k);
      }
      return k;
    }

    /**
     * The shards a typed prefix expands over: {keys, whole}. Whole: the prefix's own shard
     * and the listed keys that extend the prefix (a split shard's sub-shards), which hold
     * every stem and form starting with it. When there are several and they are bigger
     * than MAX_PREFIX_BYTES together or more than MAX_PREFIX_SHARDS files (each a request
     * of the keystroke's MAX_REQUESTS), only the prefix's own shard (not whole): a short
     * prefix of a split shard then matches just the word it is, until more letters narrow
     * it down, rather than download a large part of the index for two letters.
     */
    function prefixShards(p) {
      var ownKey = keyOf(p);
      var chars = Array.from(p).length;
      if (chars >= maxKeyChars) return { keys: [ownKey], whole: true }; // no key is longer
      var keys = shardSet.has(ownKey) ? [ownKey] : [];
      var bytes = shardBytes.get(ownKey) || 0;
      var head = shardKey(p, chars) + '-';
      for (var i = lowerBound(sortedKeys, head); i < sortedKeys.length; i++) {
        if (!sortedKeys[i].startsWith(head)) break;
        keys.push(sortedKeys[i]);
        bytes += shardBytes.get(sortedKeys[i]) || 0;
        if (keys.length > 1 && (bytes > MAX_PREFIX_BYTES || keys.length > MAX_PREFIX_SHARDS)) {
          return { keys: [ownKey], whole: false };
        }
      }
      return { keys: keys.length ? keys : [ownKey], whole: true };
    }

    /** The postings of a stem, decoded once: {docs: Int32Array, weights: Float64Array, idf}. */
    function postings(s) {
      var sh = ready.get(keyOf(s));
      if (!sh) return null;
      var hit = sh.decoded.get(s);
      if (hit !== undefined) return hit;
      var flat = Object.prototype.hasOwnProperty.call(sh.stems, s) ? sh.stems[s] : null;
      if (!flat) {
        sh.decoded.set(s, null);
        return null;
      }
      var count = flat.length >> 1;
      var docs = new Int32Array(count);
      var weights = new Float64Array(count);
      var doc = 0;
      for (var i = 0; i < count; i++) {
        doc += flat[2 * i];
        docs[i] = doc;
        weights[i] = flat[2 * i + 1];
      }
      var N = meta.docs;
      var idf = Math.log(1 + (N - count + 0.5) / (count + 0.5));
      var p = { docs: docs, weights: weights, idf: idf };
      sh.decoded.set(s, p);
      return p;
    }

    function own(obj, key) {
      return Object.prototype.hasOwnProperty.call(obj, key) ? obj[key] : undefined;
    }

    /** The stem of a complete word: from the shard's forms map, else the stemmer. */
    function exactStem(term) {
      var sh = ready.get(keyOf(term.text));
      var viaForms = sh ? own(sh.forms, term.text) : undefined;
      return viaForms !== undefined ? viaForms : stem(term.text);
    }

    /** Stems a term stands for: Map stem → factor (1 for its own stem, PREFIX_FACTOR for
     * the stems and forms that start with it, while it is being typed, from the shards of
     * prefixShards). */
    function exactCandidates(term) {
      var out = new Map();
      out.set(exactStem(term), 1);
      if (!term.prefix) return out;
      var p = term.text;
      var under = prefixShards(p);
      if (!under.whole) return out;
      under.keys.forEach(function (key) {
        var sh = ready.get(key);
        if (!sh) return;
        var i;
        for (i = lowerBound(sh.stemKeys, p); i < sh.stemKeys.length; i++) {
          var s = sh.stemKeys[i];
          if (!s.startsWith(p)) break;
          if (!out.has(s)) out.set(s, PREFIX_FACTOR);
        }
        for (i = lowerBound(sh.formKeys, p); i < sh.formKeys.length; i++) {
          var f = sh.formKeys[i];
          if (!f.startsWith(p)) break;
          var fs = sh.forms[f];
          if (!out.has(fs)) out.set(fs, PREFIX_FACTOR);
        }
      });
      return out;
    }

    /** The listed shards a word may live in when its Kazakh letters were typed on a Russian
     * layout (онир: өң, оң, он…): the keys of the spellings of its first letters, its own
     * first, at most MAX_LAYOUT_SHARDS. */
    function layoutKeys(word) {
      var head = Array.from(layoutFold(word)).slice(0, Math.max(2, maxKeyChars));
      var spellings = [''];
      head.forEach(function (c) {
        var next = [];
        var options = UNLAYOUT[c] || c;
        spellings.forEach(function (sp) {
          for (var o of options) next.push(sp + o);
        });
        spellings = next.slice(0, 64);
      });
      var keys = [keyOf(word)];
      for (var i = 0; i < spellings.length && keys.length < MAX_LAYOUT_SHARDS; i++) {
        var k = keyOf(spellings[i]);
        if (shardSet.has(k) && keys.indexOf(k) < 0) keys.push(k);
      }
      return keys;
    }

    /** The prefixes a word that finds nothing is tried as, after its layout and edit
     * variants: the word, its stem, and its stem less one letter (Snowball cuts астаны to
     * аста, Астане to астан), each of three letters or more. */
    function fallbackPrefixes(term) {
      var st = stem(term.text);
      var out = [term.text, st];
      var chars = Array.from(st);
      if (chars.length >= 5) out.push(chars.slice(0, -1).join(''));
      return out.filter(function (p, i) {
        return Array.from(p).length >= 3 && out.indexOf(p) === i;
      });
    }

    /** Whether any of the stems has postings in the loaded shards. */
    function findsAny(cands) {
      for (var s of cands.keys()) if (postings(s)) return true;
      return false;
    }

    /** Whether a term falls back: it finds nothing as typed, and it is not a prefix too
     * short to expand yet (which waits for more letters rather than match half a shard). */
    function mayFallBack(term, exact) {
      if (term.prefix && !prefixShards(term.text).whole) return false;
      return !findsAny(exact);
    }

    /** Stems a word that finds nothing as typed may have meant: Map stem → factor. First
     * the stems and forms that are the word with its Kazakh letters typed on a Russian
     * layout (LAYOUT_FACTOR) or, for a word of MIN_EDIT_CHARS letters or more, one edit
     * away (EDIT_FACTOR), both compared with the Kazakh letters folded; else the stems and
     * forms that start with one of fallbackPrefixes (FALLBACK_PREFIX_FACTOR). */
    function fallback(term) {
      var out = new Map();
      var word = layoutFold(term.text);
      var wordStem = layoutFold(stem(term.text));
      var edits = Array.from(word).length >= MIN_EDIT_CHARS;
      function consider(text, s) {
        var f = layoutFold(text);
        var factor = 0;
        if (f === word || f === wordStem) factor = LAYOUT_FACTOR;
        else if (term.prefix && f.startsWith(word)) factor = LAYOUT_FACTOR * PREFIX_FACTOR;
        // The edit is counted on the words as written, not folded: a fold is a change of
        // its own, and a fold plus an edit is two (колеж is not көлем, колем once folded).
        else if (edits && (withinOneEdit(term.text, text) || withinOneEdit(stem(term.text), text))) factor = EDIT_FACTOR;
        if (factor > (out.get(s) || 0)) out.set(s, factor);
      }
      layoutKeys(term.text).forEach(function (key) {
        var sh = ready.get(key);
        if (!sh) return;
        sh.stemKeys.forEach(function (s) {
          consider(s, s);
        });
        sh.formKeys.forEach(function (f) {
          consider(f, sh.forms[f]);
        });
      });
      if (out.size) return out;
      var prefixes = fallbackPrefixes(term);
      for (var n = 0; n < prefixes.length && !out.size; n++) {
        prefixMatches(prefixes[n], out, FALLBACK_PREFIX_FACTOR);
      }
      return out;
    }

    /** Adds the stems and forms that start with `p` (from the shards under it, when they
     * are few enough to read) to `out` with `factor`. */
    function prefixMatches(p, out, factor) {
      var under = prefixShards(p);
      if (!under.whole) return;
      under.keys.forEach(function (key) {
        var sh = ready.get(key);
        if (!sh) return;
        var i;
        for (i = lowerBound(sh.stemKeys, p); i < sh.stemKeys.length; i++) {
          if (!sh.stemKeys[i].startsWith(p)) break;
          if (!out.has(sh.stemKeys[i])) out.set(sh.stemKeys[i], factor);
        }
        for (i = lowerBound(sh.formKeys, p); i < sh.formKeys.length; i++) {
          if (!sh.formKeys[i].startsWith(p)) break;
          if (!out.has(sh.forms[sh.formKeys[i]])) out.set(sh.forms[sh.formKeys[i]], factor);
        }
      });
    }

    /** The shards fallback() reads for a term. */
    function fallbackKeys(term) {
      var keys = layoutKeys(term.text);
      fallbackPrefixes(term).forEach(function (p) {
        var under = prefixShards(p);
        if (under.whole) keys.push.apply(keys, under.keys);
      });
      return keys;
    }

    /** Stems a term stands for: exactCandidates, or when those find nothing in the loaded
     * shards, fallback(). Remembered until another shard loads. */
    var candidateMemo = new Map();
    function candidates(term) {
      var key = (term.prefix ? '*' : '') + term.text;
      var memo = candidateMemo.get(key);
      if (memo && memo.loaded === ready.size) return memo.cands;
      var out = exactCandidates(term);
      if (mayFallBack(term, out)) {
        fallback(term).forEach(function (factor, s) {
          if (!out.has(s)) out.set(s, factor);
        });
      }
      if (candidateMemo.size > 5000) candidateMemo.clear();
      candidateMemo.set(key, { loaded: ready.size, cands: out });
      return out;
    }

    /** Loads the shards of the stems `cands(term)` gives where they are not loaded yet (a
     * stem can live in another shard than its word, as Russian ее → е). */
    function loadStemShards(terms, cands) {
      var more = new Set();
      terms.forEach(function (t) {
        cands(t).forEach(function (_, s) {
          var k = keyOf(s);
          if (!ready.has(k)) more.add(k);
        });
      });
      return Promise.all(Array.from(more, shard));
    }

    /** Loads every shard the terms need: the word's own (and, for the word being typed,
     * those under its prefix), then its stems' where a stem lives in another shard than
     * the word, as for Russian ее → е or a split shard's профессия → професс. */
    function prepare(terms) {
      return load().then(function () {
        var keys = [];
        terms.forEach(function (t) {
          keys.push.apply(keys, t.prefix ? prefixShards(t.text).keys : [keyOf(t.text)]);
        });
        return Promise.all(keys.map(shard));
      }).then(function () {
        return loadStemShards(terms, exactCandidates);
      }).then(function () {
        // A word that finds nothing as typed: the shards its fallback reads.
        var keys = [];
        terms.forEach(function (t) {
          if (mayFallBack(t, exactCandidates(t))) keys.push.apply(keys, fallbackKeys(t));
        });
        return Promise.all(keys.map(shard));
      }).then(function () {
        return loadStemShards(terms, candidates);
      }).then(function () {
        // Decode the postings now, with the loading, so that run() only adds up.
        terms.forEach(function (t) {
          candidates(t).forEach(function (_, s) {
            postings(s);
          });
        });
      });
    }

    /**
     * Scores the documents, synchronously (after prepare()). Every term must match
     * (AND); a document's score is the sum over terms of idf × weight (× PREFIX_FACTOR for
     * a prefix match), a term counting its best-matching stem.
     * Returns {total, hits: [{doc, score}] (best first, at most TOP), stems: Set, prefixes,
     * held}; held: a typed prefix was too broad to expand and matched only itself, so more
     * letters may find what it did not.
     */
    function run(terms) {
      var N = meta ? meta.docs : 0;
      var matchStems = new Set();
      var prefixes = [];
      var held = terms.some(function (t) {
        return t.prefix && !prefixShards(t.text).whole;
      });
      if (!terms.length || !N) return { total: 0, hits: [], stems: matchStems, prefixes: prefixes, held: held };
      if (!scratch || scratch.total.length !== N) {
        scratch = {
          total: new Float64Array(N),
          count: new Uint16Array(N),
          best: new Float64Array(N),
          touched: new Int32Array(N),
        };
      } else {
        scratch.total.fill(0);
        scratch.count.fill(0);
      }
      var total = scratch.total;
      var count = scratch.count;
      var best = scratch.best; // all zero between terms and runs
      var touched = scratch.touched;
      for (var t = 0; t < terms.length; t++) {
        var nTouched = 0;
        var cands = candidates(terms[t]);
        // Snippets mark the words a prefix matched, unless it was held to its own word.
        if (terms[t].prefix && prefixShards(terms[t].text).whole) prefixes.push(terms[t].text);
        cands.forEach(function (factor, s) {
          var p = postings(s);
          if (!p) return;
          matchStems.add(s);
          nTouched = bestOfStem(p.docs, p.weights, p.idf * factor, best, touched, nTouched);
        });
        addTerm(touched, nTouched, best, total, count);
        if (nTouched === 0) return { total: 0, hits: [], stems: matchStems, prefixes: prefixes, held: held };
      }
      var top = topHits(count, total, terms.length);
      return { total: top.matched, hits: top.hits, stems: matchStems, prefixes: prefixes, held: held };
    }

    function chunk(cache, dir, n) {
      var p = cache.get(n);
      if (!p) {
        p = fetchJson(base + dir + '/' + n + '.json');
        cache.set(n, p);
        p.catch(function () {
          cache.delete(n);
        });
      }
      return p;
    }

    /** The text chunk of a document, fetched once: Promise of its snippet text. */
    function textOf(doc) {
      var perText = meta.texts_per_chunk;
      return chunk(textChunks, 't', Math.floor(doc / perText)).then(function (got) {
        var text = got[doc % perText] || '';
        texts.set(doc, text);
        return text;
      });
    }

    /** The row of a document: from a loaded shard's rows, else its `d/` chunk (a query of
     * several words can rank a document no shard lists among a stem's best). */
    function rowOf(doc) {
      var row = rowsByDoc.get(doc);
      if (row) return Promise.resolve({ url: row[0], title: row[1], date: row[2] });
      var perDoc = meta.docs_per_chunk;
      return chunk(docChunks, 'd', Math.floor(doc / perDoc)).then(function (got) {
        return got[doc % perDoc] || {};
      });
    }

    /**
     * The rows of documents: [{doc, url, title, date, summary, text, pending}].
     * options.budget: the files it may fetch (default: any). Rows come first, then snippet
     * texts, each in the documents' order, so the best results are served first: a row
     * neither loaded (a shard's rows, a `d/` chunk) nor fetched within the budget is
     * `pending` (no url or title yet), a text left out is null. Fetch them later by calling
     * this again without a budget.
     */
    function documents(docs, options) {
      var budget = options && options.budget !== undefined ? options.budget : Infinity;
      var perDoc = meta.docs_per_chunk;
      var perText = meta.texts_per_chunk;
      var chosen = new Set(); // 'd' + n, 't' + n: the files this call fetches
      function within(loaded, id) {
        if (loaded || chosen.has(id)) return true;
        if (chosen.size >= budget) return false;
        chosen.add(id);
        return true;
      }
      var rowReady = docs.map(function (doc) {
        var n = Math.floor(doc / perDoc);
        return within(rowsByDoc.has(doc) || docChunks.has(n), 'd' + n);
      });
      var textWanted = docs.map(function (doc, i) {
        var n = Math.floor(doc / perText);
        return rowReady[i] && within(texts.has(doc) || textChunks.has(n), 't' + n);
      });
      return Promise.all(docs.map(function (doc, i) {
        if (!rowReady[i]) {
          return Promise.resolve({ doc: doc, url: null, title: '', date: null, summary: '', text: null, pending: true });
        }
        return Promise.all([
          rowOf(doc),
          textWanted[i] ? textOf(doc) : Promise.resolve(null),
        ]).then(function (got) {
          var row = got[0];
          return {
            doc: doc,
            url: row.url,
            title: row.title || '',
            date: row.date || null,
            summary: row.summary || '',
            text: got[1],
            pending: false,
          };
        });
      }));
    }

    /**
     * A search as the page runs it for a keystroke: prepare, run, then the rows and snippet
     * texts MAX_REQUESTS (options.maxRequests) leaves after the shards.
     * {total, hits, stems, prefixes, held, rows, ms, requests: files fetched}.
     */
    function search(query, options) {
      var max = options && options.maxRequests !== undefined ? options.maxRequests : Infinity;
      var terms = parseQuery(query);
      var before = requests;
      return prepare(terms).then(function () {
        var t0 = now();
        var result = run(terms);
        result.ms = now() - t0;
        var hits = result.hits.map(function (h) {
          return h.doc;
        });
        var left = max - (requests - before);
        return documents(hits, { budget: Math.max(0, left) }).then(function (rows) {
          result.rows = rows;
          result.requests = requests - before;
          return result;
        });
      });
    }

    return {
      load: load,
      prepare: prepare,
      run: run,
      documents: documents,
      search: search,
      texts: function (docs) {
        return Promise.all(docs.map(textOf));
      },
      get requests() {
        return requests;
      },
      stem: function (w) {
        return stem(w);
      },
      get meta() {
        return meta;
      },
    };
  }

  function now() {
    return typeof performance !== 'undefined' ? performance.now() : Date.now();
  }

  // The scoring loops, as plain functions over typed arrays (run() calls them).

  /** One stem's postings into `best` (a term's best score per document so far); documents
   * seen for the first time are appended to `touched`. Returns the new touched count. */
  function bestOfStem(docs, weights, scale, best, touched, nTouched) {
    var n = nTouched;
    for (var i = 0; i < docs.length; i++) {
      var d = docs[i];
      var v = weights[i] * scale;
      if (best[d] === 0) touched[n++] = d;
      if (v > best[d]) best[d] = v;
    }
    return n;
  }

  /** A term's best scores into the totals and match counts; `best` is zeroed again. */
  function addTerm(touched, nTouched, best, total, count) {
    for (var j = 0; j < nTouched; j++) {
      var doc = touched[j];
      total[doc] += best[doc];
      count[doc] += 1;
      best[doc] = 0;
    }
  }

  /** The best TOP documents that all `need` terms matched, kept sorted (score ↓, doc ↑):
   * {matched, hits: [{doc, score}]}. */
  function topHits(count, total, need) {
    var hits = [];
    var matched = 0;
    for (var k = 0; k < count.length; k++) {
      if (count[k] !== need) continue;
      matched++;
      var score = total[k];
      if (hits.length === TOP && score <= hits[TOP - 1].score) continue;
      var at = hits.length;
      while (at > 0 && hits[at - 1].score < score) at--;
      hits.splice(at, 0, { doc: k, score: score });
      if (hits.length > TOP) hits.pop();
    }
    return { matched: matched, hits: hits };
  }

  /**
   * Runs the scoring loops on made-up postings, once meta.json is in. The first
   * search would otherwise run them in the JavaScript engine's interpreter: 5–15 ms, on a
   * busy machine up to 57, at 10,000 documents, against well under 1 ms once they are
   * compiled. Here that happens while the page loads, before anyone types.
   */
  function warmUp() {
    var n = 2048;
    var docs = new Int32Array(n);
    var weights = new Float64Array(n);
    for (var i = 0; i < n; i++) {
      docs[i] = i;
      weights[i] = 1 + (i % 7);
    }
    var best = new Float64Array(n);
    var total = new Float64Array(n);
    var count = new Uint16Array(n);
    var touched = new Int32Array(n);
    for (var round = 1; round <= 40; round++) {
      var nTouched = bestOfStem(docs, weights, 1.5, best, touched, 0);
      addTerm(touched, nTouched, best, total, count);
      topHits(count, total, round);
    }
  }

  // -------------------------------------------------------------------------------------
  // 3. Snippets

  /** A matcher for words of a text: true when a word's stem was matched, or the word
   * starts with a prefix being typed. `stem` stems a folded word. Answers are remembered. */
  function matcher(stems, prefixes, stem) {
    var known = new Map();
    return function (word) {
      var f = fold(word);
      var hit = known.get(f);
      if (hit !== undefined) return hit;
      hit = false;
      if (keep(f)) {
        for (var i = 0; i < prefixes.length && !hit; i++) hit = f.startsWith(prefixes[i]);
        if (!hit) hit = stems.has(stem(f));
      }
      known.set(f, hit);
      return hit;
    };
  }

  /** Words of a text with their positions: [{start, end}]. */
  function words(text) {
    var out = [];
    WORD.lastIndex = 0;
    var m;
    while ((m = WORD.exec(text)) !== null) out.push({ start: m.index, end: m.index + m[0].length });
    return out;
  }

  /**
   * A snippet of about `size` words around the first match, as parts
   * [{text, mark: bool}]; null when the text has no match (unless `always`).
   * Only the words up to the first match and those shown are tested.
   */
  function snippet(text, isMatch, size, always) {
    var ws = words(text);
    var first = -1;
    for (var i = 0; i < ws.length; i++) {
      ws[i].hit = isMatch(text.slice(ws[i].start, ws[i].end));
      if (ws[i].hit) {
        first = i;
        break;
      }
    }
    if (first < 0 && !always) return null;
    if (!ws.length) return [];
    var from = Math.max(0, (first < 0 ? 0 : first) - Math.floor(size / 3));
    var to = Math.min(ws.length, from + size);
    from = Math.max(0, to - size);
    var parts = [];
    function gap(s) {
      return s.replace(/\s+/g, ' ');
    }
    var pos = from === 0 ? 0 : ws[from].start;
    if (from > 0) parts.push({ text: '… ', mark: false });
    for (var w = from; w < to; w++) {
      var word = text.slice(ws[w].start, ws[w].end);
      if (ws[w].hit === undefined) ws[w].hit = isMatch(word);
      if (ws[w].start > pos) parts.push({ text: gap(text.slice(pos, ws[w].start)), mark: false });
      parts.push({ text: word, mark: ws[w].hit });
      pos = ws[w].end;
    }
    if (to < ws.length) {
      parts.push({ text: ' …', mark: false });
    } else if (pos < text.length) {
      parts.push({ text: gap(text.slice(pos)).replace(/\s+$/, ''), mark: false });
    }
    if (parts.length && !parts[0].mark) parts[0].text = parts[0].text.replace(/^\s+/, '');
    // Merge neighbours of the same kind.
    var merged = [];
    parts.forEach(function (p) {
      if (!p.text) return;
      var last = merged[merged.length - 1];
      if (last && last.mark === p.mark) last.text += p.text;
      else merged.push({ text: p.text, mark: p.mark });
    });
    return merged;
  }

  /** Appends parts to a DOM node: text nodes and <mark> elements (no HTML parsing). */
  function appendParts(doc, node, parts) {
    parts.forEach(function (p) {
      if (p.mark) {
        var mark = doc.createElement('mark');
        mark.textContent = p.text;
        node.appendChild(mark);
      } else {
        node.appendChild(doc.createTextNode(p.text));
      }
    });
  }

  /**
   * A date of the index (`YYYY-MM-DD` or RFC 3339) as a long date in `locale`.
   * `months`, when given, holds the site's own long date of the 28th of every month of the
   * year 2000 (the template's `date` filter, CLDR data); the year and day are put in. The
   * site's dates look the same everywhere then, also in browsers that claim a locale but
   * lack its data (Chromium formats kk as "2025 M11 3"). Otherwise Intl formats the date.
   */
  function formatDate(iso, locale, months) {
    var m = /^(\d{4})-(\d{2})-(\d{2})/.exec(iso || '');
    if (!m) return null;
    var year = Number(m[1]);
    var month = Number(m[2]);
    var day = Number(m[3]);
    var pattern = months && months.length === 12 ? months[month - 1] : '';
    if (pattern && pattern.split('2000').length === 2) {
      var rest = pattern.replace('2000', '\uE000');
      if (rest.split('28').length === 2) {
        return rest.replace('28', String(day)).replace('\uE000', String(year));
      }
    }
    var date = new Date(Date.UTC(year, month - 1, day));
    try {
      return new Intl.DateTimeFormat(locale, { dateStyle: 'long', timeZone: 'UTC' }).format(date);
    } catch (e) {
      return m[1] + '-' + m[2] + '-' + m[3];
    }
  }

  // -------------------------------------------------------------------------------------
  // 4. The search page

  var LOCALES = { kk: 'kk-KZ', ru: 'ru-RU' };
  var DEBOUNCE_MS = 100;
  var SNIPPET_WORDS = 30;

  function fetchJsonBrowser(url) {
    return fetch(url, { credentials: 'same-origin' }).then(function (r) {
      if (!r.ok) throw new Error(url + ': HTTP ' + r.status);
      return r.json();
    });
  }

  function initPage(doc, script, api) {
    var form = doc.getElementById('search-form');
    var input = doc.getElementById('search-input');
    var status = doc.getElementById('search-status');
    var list = doc.getElementById('search-results');
    var help = doc.getElementById('search-help');
    if (!form || !input || !status || !list) return;
    var data = script.dataset;
    var lang = data.lang || doc.documentElement.lang || 'kk';
    latinEdition = lang === 'kk-Latn' && typeof qostilToCyrillic === 'function';
    var locale = LOCALES[lang] || lang;
    var months = data.months ? data.months.split('|') : null;
    var plural;
    try {
      plural = new Intl.PluralRules(locale);
    } catch (e) {
      plural = { select: function (n) {
        return n === 1 ? 'one' : 'other';
      } };
    }
    var engine = createEngine({
      indexUrl: data.index,
      stemmerUrl: data.stemmer || null,
      lang: lang,
      fetchJson: fetchJsonBrowser,
    });
    api.engine = engine;
    if (help) help.hidden = false;

    function countText(n) {
      var cat = plural.select(n);
      var form = data['count' + cat.charAt(0).toUpperCase() + cat.slice(1)] || data.countOther || '{count}';
      return form.replace('{count}', String(n));
    }

    var lastStatus = null;
    function setStatus(text, kind) {
      if (text === lastStatus) return;
      lastStatus = text;
      status.textContent = text;
      status.dataset.state = kind || '';
    }

    function clearResults() {
      shown = null;
      list.replaceChildren();
      list.hidden = true;
    }

    function withQuery(href, q) {
      var url = new URL(href, global.location.href);
      if (q) url.searchParams.set('q', q);
      else url.searchParams.delete('q');
      return url;
    }

    // The language switcher's links (the other language's search page) carry the query,
    // so switching language keeps it (#17).
    var switchLinks = Array.prototype.slice.call(doc.querySelectorAll('.lang-switch a[hreflang]'));

    function updateUrl(q) {
      var url = withQuery(global.location.href, q);
      if (url.href !== global.location.href) global.history.replaceState(global.history.state, '', url.href);
      switchLinks.forEach(function (a) {
        var href = withQuery(a.getAttribute('href'), q);
        // Same-origin links keep their relative form (the switcher writes root-relative ones).
        var next = href.origin === global.location.origin ? href.pathname + href.search + href.hash : href.href;
        if (a.getAttribute('href') !== next) a.setAttribute('href', next);
      });
    }

    /** The snippet of a result: around the first match in its text, else in its summary,
     * else the text's start. */
    function snippetParts(row, isMatch) {
      return snippet(row.text, isMatch, SNIPPET_WORDS, false) ||
        (row.summary ? snippet(row.summary, isMatch, SNIPPET_WORDS, true) : null) ||
        snippet(row.text, isMatch, SNIPPET_WORDS, true);
    }

    function addSnippet(li, row, isMatch) {
      var parts = snippetParts(row, isMatch);
      if (parts && parts.length) {
        var p = doc.createElement('p');
        p.className = 'search-result__snippet';
        appendParts(doc, p, parts);
        li.appendChild(p);
      }
    }

    // Results shown without their row or snippet (beyond the search's requests): they come
    // when the reader scrolls or moves through the results, for the items in view.
    var shown = null; // {isMatch, pending: Map li → {row, i}}
    var filling = false;
    function fillInView() {
      if (!shown || !shown.pending.size || filling) return;
      var height = global.innerHeight || doc.documentElement.clientHeight;
      var inView = [];
      shown.pending.forEach(function (item, li) {
        var box = li.getBoundingClientRect();
        if (box.bottom > 0 && box.top < height) inView.push([li, item]);
      });
      if (!inView.length) return;
      var mine = shown;
      filling = true;
      engine.documents(inView.map(function (x) {
        return x[1].row.doc;
      })).then(function (got) {
        inView.forEach(function (x, k) {
          var li = x[0];
          if (!mine.pending.delete(li) || mine !== shown) return;
          if (x[1].row.pending) {
            // An item without a link yet: nothing in it has the focus.
            li.replaceWith(resultItem(got[k], x[1].i, mine.isMatch));
          } else {
            addSnippet(li, got[k], mine.isMatch);
          }
        });
        return true;
      }, function () {
        return false; // a failed file: the next scroll tries again
      }).then(function (ok) {
        filling = false;
        if (ok) fillInView();
      });
    }
    var scrollQueued = false;
    function onScroll() {
      if (scrollQueued) return;
      scrollQueued = true;
      global.requestAnimationFrame(function () {
        scrollQueued = false;
        fillInView();
      });
    }
    global.addEventListener('scroll', onScroll, { passive: true });
    list.addEventListener('focusin', onScroll);

    /** A result's list item; a pending row (not loaded yet) is an empty, busy item. */
    function resultItem(row, i, isMatch) {
      var li = doc.createElement('li');
      li.className = 'search-result';
      if (row.pending) {
        li.className += ' search-result--pending';
        li.setAttribute('aria-busy', 'true');
        li.textContent = '…';
        shown.pending.set(li, { row: row, i: i });
        return li;
      }
      var h = doc.createElement('h2');
      h.className = 'search-result__title';
      var a = doc.createElement('a');
      a.href = row.url;
      a.className = 'search-result__link';
      a.id = 'search-result-' + i;
      appendParts(doc, a, snippet(row.title, isMatch, 1e6, true));
      if (!a.textContent) a.textContent = row.url;
      h.appendChild(a);
      li.appendChild(h);
      var when = formatDate(row.date, locale, months);
      if (when) {
        var meta = doc.createElement('p');
        meta.className = 'search-result__meta';
        var time = doc.createElement('time');
        time.dateTime = row.date;
        time.textContent = when;
        meta.appendChild(time);
        li.appendChild(meta);
      }
      if (row.text === null) shown.pending.set(li, { row: row, i: i });
      else addSnippet(li, row, isMatch);
      return li;
    }

    function render(result) {
      var isMatch = matcher(result.stems, result.prefixes, engine.stem);
      shown = { isMatch: isMatch, pending: new Map() };
      var items = result.rows.map(function (row, i) {
        return resultItem(row, i, isMatch);
      });
      list.replaceChildren.apply(list, items);
      list.hidden = items.length === 0;
      if (result.total === 0 && result.held && data.narrow) {
        setStatus(data.narrow, 'short');
      } else if (result.total === 0) {
        setStatus(data.none || '', 'none');
      } else {
        var text = countText(result.total);
        if (result.total > result.rows.length && data.shown) {
          text += ' ' + data.shown.replace('{count}', String(result.rows.length));
        }
        setStatus(text, 'count');
      }
    }

    var seq = 0;
    var timer = 0;
    function run(q) {
      clearTimeout(timer);
      var started = now();
      var mine = ++seq;
      updateUrl(q);
      var terms = parseQuery(q);
      if (!terms.length) {
        clearResults();
        setStatus(q.trim() ? data.short || '' : '', 'idle');
        api.rendered = { query: q, total: 0, ms: 0, wall: 0 };
        return Promise.resolve();
      }
      var slow = setTimeout(function () {
        if (mine === seq) setStatus(data.loading || '', 'loading');
      }, 300);
      return engine.search(q, { maxRequests: MAX_REQUESTS }).then(function (result) {
        if (mine !== seq) return;
        render(result);
        // ms: run() alone; wall: from the search's start (after the debounce) to the
        // rendered list, fetching included; requests: the files it fetched.
        api.rendered = { query: q, total: result.total, ms: result.ms, wall: now() - started, requests: result.requests };
        api.timings.push(api.rendered);
        if (api.timings.length > 500) api.timings.shift();
      }).catch(function (err) {
        if (global.console) global.console.error('search:', err);
        if (mine === seq) {
          clearResults();
          setStatus(data.error || '', 'error');
        }
      }).then(function () {
        clearTimeout(slow);
        if (mine === seq) api.searched += 1;
      });
    }
    api.run = run;

    input.addEventListener('input', function () {
      clearTimeout(timer);
      var q = input.value;
      timer = setTimeout(function () {
        run(q);
      }, DEBOUNCE_MS);
    });

    form.addEventListener('submit', function (event) {
      event.preventDefault();
      run(input.value);
    });

    function links() {
      return Array.prototype.slice.call(list.querySelectorAll('.search-result__link'));
    }

    input.addEventListener('keydown', function (event) {
      if (event.isComposing) return;
      if (event.key === 'ArrowDown') {
        var first = links()[0];
        if (first) {
          event.preventDefault();
          first.focus();
        }
      } else if (event.key === 'Escape') {
        if (input.value) {
          event.preventDefault();
          input.value = '';
          run('');
        }
      }
    });

    list.addEventListener('keydown', function (event) {
      var all = links();
      var at = all.indexOf(doc.activeElement);
      if (at < 0) return;
      if (event.key === 'ArrowDown') {
        event.preventDefault();
        if (at + 1 < all.length) all[at + 1].focus();
      } else if (event.key === 'ArrowUp') {
        event.preventDefault();
        if (at > 0) all[at - 1].focus();
        else input.focus();
      } else if (event.key === 'Home' || event.key === 'End') {
        event.preventDefault();
        all[event.key === 'Home' ? 0 : all.length - 1].focus();
      } else if (event.key === 'Escape') {
        event.preventDefault();
        input.focus();
      } else if (event.key.length === 1 && !event.ctrlKey && !event.metaKey && !event.altKey && event.key !== ' ') {
        // Typing goes on in the input (the character lands there).
        input.focus();
      }
    });

    // Start loading right away; a query in the URL runs at once.
    engine.load().catch(function () {});
    var initial = new URL(global.location.href).searchParams.get('q') || '';
    if (initial) {
      input.value = initial;
      run(initial);
    }
  }

  // -------------------------------------------------------------------------------------
  // Exports: Node (tests) and the browser.

  var api = {
    tokens: tokens,
    fold: fold,
    shardKey: shardKey,
    shardFor: shardFor,
    kazakhStemmer: kazakhStemmer,
    stemRussian: stemRussian,
    layoutFold: layoutFold,
    withinOneEdit: withinOneEdit,
    parseQuery: parseQuery,
    createEngine: createEngine,
    snippet: snippet,
    matcher: matcher,
    formatDate: formatDate,
    PREFIX_FACTOR: PREFIX_FACTOR,
    MAX_PREFIX_BYTES: MAX_PREFIX_BYTES,
    MAX_PREFIX_SHARDS: MAX_PREFIX_SHARDS,
    MAX_REQUESTS: MAX_REQUESTS,
    TOP: TOP,
    // The page's record, for tests and curious readers: per search shown, {query, total, ms
    // (run() alone), wall (with fetching and rendering)}; the number of searches finished;
    // the last one shown.
    timings: [],
    searched: 0,
    rendered: null,
  };

  if (typeof module === 'object' && module && module.exports) {
    module.exports = api;
  }
  if (typeof document !== 'undefined' && typeof window !== 'undefined') {
    global.QostilSearch = api;
    var script = document.currentScript || document.querySelector('script[data-index]');
    if (script) {
      var start = function () {
        initPage(document, script, api);
      };
      if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
      else start();
    }
  }
})(typeof globalThis !== 'undefined' ? globalThis : this);
