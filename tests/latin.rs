//! The Latin transliteration on the cases shared with the browser's twin
//! (tests/fixtures/latin-cases.json; tests/browser/latin.test.mjs checks
//! themes/portal/static/latin.js on the same `to_cyrillic` cases).

use qostil::lang::latin::{to_cyrillic, Transliterator};

fn cases(key: &str) -> Vec<(String, String)> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/latin-cases.json"
    );
    let text = std::fs::read_to_string(path).unwrap();
    let json: serde_json::Value = serde_json::from_str(&text).unwrap();
    serde_json::from_value(json[key].clone()).unwrap()
}

#[test]
fn to_cyrillic_on_the_shared_cases() {
    let cases = cases("to_cyrillic");
    assert!(cases.len() >= 30);
    for (typed, expected) in cases {
        assert_eq!(to_cyrillic(&typed), expected, "to_cyrillic({typed:?})");
    }
}

#[test]
fn to_latin_on_the_shared_cases() {
    let t = Transliterator::plain();
    for (cyrillic, expected) in cases("to_latin") {
        assert_eq!(t.to_latin(&cyrillic), expected, "to_latin({cyrillic:?})");
    }
}

/// What the Latin edition shows can be typed back into search: the 2021 Latin of a Kazakh
/// word comes back as the word (cases where the alphabet merges letters excepted: и/й/і
/// after a vowel, ь, ъ, һ).
#[test]
fn the_latin_of_kazakh_words_comes_back() {
    let t = Transliterator::plain();
    for word in [
        "мамандықтарының",
        "Қазақстан",
        "үйіне",
        "сияқты",
        "компаниялар",
        "трансформациялау",
        "цифрлық",
        "айтса",
        "экономика",
        "ЮНЕСКО",
        "Ясауи",
        "қыркүйек",
        "желтоқсан",
        "жылғы",
        "ащы",
    ] {
        let latin = t.to_latin(word);
        assert_eq!(to_cyrillic(&latin), word, "{word} → {latin}");
    }
}
