//! Latin → Cyrillic for search: a query typed in the 2021 letters (`mamandyqtarynyñ`) or in
//! plain ASCII (`mamandyk`, `sh` for ş) → the Cyrillic word the Kazakh search normaliser
//! folds alike. The normaliser folds case and ё/е only, so the letters the 2021 alphabet
//! merges are guessed by rules: `i` is й after a vowel but `u` (ай, үй; заманауи), и
//! elsewhere; `ia` is я at the start or after a vowel (аяқ, қиял), и+а after a consonant
//! (материал); `iu` is ю; `io` is ё at the start or after a vowel; `ts` is ц at a word's
//! start and before `i` (тс elsewhere: `aitsa` → айтса); `şş` is щ; `h` is х; `e` is е, but
//! э at the start of a loan whose next vowel is a back one (экономика). In a word typed
//! without any of the 2021 alphabet's own letters (ASCII): `sh ch zh gh` are ш ч ж ғ, `ng`
//! before a consonant or at the end is ң, `k` after a back vowel (a o u y; not before e, i,
//! r, l, ts) is қ unless the word has `q`, and `g` between back vowels is ғ. ASCII `i` stays и:
//! guessing і would break loans the Latin edition shows in ASCII letters (`prezident`).
//! Capital `I` is і, as in the alphabet (`Is-şara` → Іс-шара).
//! Words with c (not in ch), w or x, or with letters outside the alphabet, are not Kazakh:
//! they stay as they are (`expo`).
//!
//! `themes/portal/static/latin.js` is the same function for the browser; both are tested on
//! `tests/fixtures/latin-cases.json`. Change them together.

/// The letters this direction reads: the 2021 alphabet's, upper and lower, and ASCII.
fn is_latin_letter(c: char) -> bool {
    c.is_ascii_alphabetic() || "äöüūğñşçıÄÖÜŪĞÑŞÇİ".contains(c)
}

/// The 2021 alphabet's letters that ASCII lacks: a word with one is typed in that alphabet.
fn is_special(c: char) -> bool {
    "äöüūğñşçıÄÖÜŪĞÑŞÇİ".contains(c)
}

fn is_vowel(c: char) -> bool {
    "aeiouyäöüūı".contains(c)
}

fn is_back_vowel(c: char) -> bool {
    "aouy".contains(c)
}

/// One letter's Cyrillic, lower case.
fn single(c: char) -> char {
    match c {
        'a' => 'а',
        'ä' => 'ә',
        'b' => 'б',
        'd' => 'д',
        'e' => 'е',
        'f' => 'ф',
        'g' => 'г',
        'ğ' => 'ғ',
        'h' => 'х',
        'i' => 'и',
        'ı' => 'і',
        'j' => 'ж',
        'k' => 'к',
        'q' => 'қ',
        'l' => 'л',
        'm' => 'м',
        'n' => 'н',
        'ñ' => 'ң',
        'o' => 'о',
        'ö' => 'ө',
        'p' => 'п',
        'r' => 'р',
        's' => 'с',
        'ş' => 'ш',
        't' => 'т',
        'u' => 'у',
        'ū' => 'ұ',
        'ü' => 'ү',
        'v' => 'в',
        'y' => 'ы',
        'z' => 'з',
        'ç' => 'ч',
        other => other,
    }
}

/// Latin text → Cyrillic, word by word; Cyrillic words, numbers and everything else as it is.
pub fn to_cyrillic(text: &str) -> String {
    let mut out = String::with_capacity(text.len() * 2);
    let mut word_start: Option<usize> = None;
    for (i, c) in text.char_indices() {
        match (c.is_alphabetic(), word_start) {
            (true, None) => word_start = Some(i),
            (true, Some(_)) => {}
            (false, start) => {
                if let Some(start) = start {
                    push_word(&mut out, &text[start..i]);
                    word_start = None;
                }
                out.push(c);
            }
        }
    }
    if let Some(start) = word_start {
        push_word(&mut out, &text[start..]);
    }
    out
}

/// Whether a word (lower case) is not Kazakh: it has c (outside ch), w or x.
fn is_foreign(letters: &[char]) -> bool {
    letters
        .iter()
        .enumerate()
        .any(|(i, &c)| c == 'w' || c == 'x' || (c == 'c' && letters.get(i + 1) != Some(&'h')))
}

fn push_word(out: &mut String, word: &str) {
    if !word.chars().all(is_latin_letter) {
        out.push_str(word);
        return;
    }
    let ascii = !word.chars().any(is_special);
    let (letters, capitals): (Vec<char>, Vec<bool>) = word
        .chars()
        .map(|c| match c {
            'İ' => ('i', true),
            'I' => ('ı', true),
            'Ä' => ('ä', true),
            'Ö' => ('ö', true),
            'Ü' => ('ü', true),
            'Ū' => ('ū', true),
            'Ğ' => ('ğ', true),
            'Ñ' => ('ñ', true),
            'Ş' => ('ş', true),
            'Ç' => ('ç', true),
            c => (c.to_ascii_lowercase(), c.is_ascii_uppercase()),
        })
        .unzip();
    if is_foreign(&letters) {
        out.push_str(word);
        return;
    }
    let has_q = letters.contains(&'q');
    let mut i = 0;
    while i < letters.len() {
        let (cyrillic, used) = letter_at(&letters, i, ascii, has_q);
        if capitals[i] {
            out.extend(cyrillic.to_uppercase());
        } else {
            out.push(cyrillic);
        }
        i += used;
    }
}

/// The first vowel at or after `from`, `u` not counted (it goes with either harmony: ету).
fn first_vowel_after(l: &[char], from: usize) -> Option<char> {
    l.iter()
        .skip(from)
        .copied()
        .find(|&c| c != 'u' && is_vowel(c))
}

/// The Cyrillic letter at `i` and how many Latin letters it takes.
fn letter_at(l: &[char], i: usize, ascii: bool, has_q: bool) -> (char, usize) {
    let c = l[i];
    let next = l.get(i + 1).copied();
    let after_next = l.get(i + 2).copied();
    let prev = i.checked_sub(1).map(|p| l[p]);
    let after_vowel = prev.is_some_and(is_vowel);
    let after_back_vowel = prev.is_some_and(is_back_vowel);
    match (c, next) {
        ('ş', Some('ş')) => ('щ', 2),
        ('s', Some('h')) if ascii => ('ш', 2),
        ('c', Some('h')) if ascii => ('ч', 2),
        ('z', Some('h')) if ascii => ('ж', 2),
        ('g', Some('h')) if ascii => ('ғ', 2),
        ('t', Some('s')) if i == 0 || after_next == Some('i') => ('ц', 2),
        // я after a consonant is Russian only (ряд); и+а is in loans: материал, авиа.
        ('i', Some('a')) if i == 0 || after_vowel => ('я', 2),
        ('i', Some('u')) => ('ю', 2),
        ('i', Some('o')) if i == 0 || after_vowel => ('ё', 2),
        // уи in заманауи, Ясауи; after other vowels й: ай, ой, үй, ей.
        ('i', _) if prev == Some('u') => ('и', 1),
        ('i', _) if after_vowel => ('й', 1),
        // э starts loans whose next vowel is a back one (экономика), not Ер- names (Ерлан).
        ('e', Some(n))
            if i == 0 && n != 'r' && first_vowel_after(l, 1).is_some_and(is_back_vowel) =>
        {
            ('э', 1)
        }
        ('n', Some('g')) if ascii && !after_next.is_some_and(is_vowel) => ('ң', 2),
        ('k', _)
            if ascii
                && !has_q
                && after_back_vowel
                && !matches!(next, Some('e' | 'i' | 'r' | 'l'))
                && !(next == Some('t') && after_next == Some('s')) =>
        {
            ('қ', 1)
        }
        ('g', Some(n)) if ascii && after_back_vowel && is_back_vowel(n) => ('ғ', 1),
        _ => (single(c), 1),
    }
}
