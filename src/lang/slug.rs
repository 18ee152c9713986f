//! ASCII slugs from Kazakh and Russian text, by the transliteration table in DESIGN.md.

use std::collections::BTreeMap;

/// Latin letters for one lower-case Cyrillic letter; `None` for letters that are dropped
/// (ъ, ь) and for characters that are not Cyrillic letters.
fn transliterate_cyrillic(c: char) -> Option<&'static str> {
    let latin = match c {
        // Kazakh-specific letters
        'ә' => "a",
        'ғ' => "g",
        'қ' => "q",
        'ң' => "n",
        'ө' => "o",
        'ұ' => "u",
        'ү' => "u",
        'һ' => "h",
        'і' => "i",
        // Russian alphabet (shared by Kazakh)
        'а' => "a",
        'б' => "b",
        'в' => "v",
        'г' => "g",
        'д' => "d",
        'е' => "e",
        'ё' => "e",
        'ж' => "zh",
        'з' => "z",
        'и' => "i",
        'й' => "y",
        'к' => "k",
        'л' => "l",
        'м' => "m",
        'н' => "n",
        'о' => "o",
        'п' => "p",
        'р' => "r",
        'с' => "s",
        'т' => "t",
        'у' => "u",
        'ф' => "f",
        'х' => "kh",
        'ц' => "ts",
        'ч' => "ch",
        'ш' => "sh",
        'щ' => "shch",
        'ы' => "y",
        'э' => "e",
        'ю' => "yu",
        'я' => "ya",
        _ => return None,
    };
    Some(latin)
}

/// Lower-case ASCII slug: Cyrillic transliterated, ASCII letters and digits kept, every run
/// of other characters one `-`, no leading or trailing `-`.
/// «Жұмысшы мамандықтары жылы» → `zhumysshy-mamandyqtary-zhyly`.
pub fn slugify(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut pending_dash = false;
    for c in text.chars().flat_map(char::to_lowercase) {
        if c.is_ascii_alphanumeric() {
            push_with_dash(&mut out, &mut pending_dash, c.encode_utf8(&mut [0; 4]));
        } else if let Some(latin) = transliterate_cyrillic(c) {
            push_with_dash(&mut out, &mut pending_dash, latin);
        } else if c == 'ъ' || c == 'ь' {
            // dropped without breaking the word
        } else {
            pending_dash = true;
        }
    }
    out
}

/// Longest slug made from a title: a URL stays readable (and a headline-long title does not
/// become a 200-character path). The cut falls on a `-`; inside a word only when the first
/// `MAX_TITLE_SLUG` bytes are all one word.
pub const MAX_TITLE_SLUG: usize = 60;

/// The slug of a page's URL from its title in its own language: `slugify`, cut to
/// `MAX_TITLE_SLUG` bytes at a word boundary. «Год рабочих профессий» → `god-rabochikh-professiy`.
pub fn slug_from_title(title: &str) -> String {
    let full = slugify(title);
    if full.len() <= MAX_TITLE_SLUG {
        return full;
    }
    // Slugs are ASCII, so every byte index is a char boundary. (The cut is made before the
    // last `-` of the first `MAX_TITLE_SLUG` bytes even when a whole word ends there: the
    // portal's imported file names were made that way, and `import` must reproduce them.)
    let cut = full[..MAX_TITLE_SLUG].rfind('-').unwrap_or(MAX_TITLE_SLUG);
    full[..cut].to_string()
}

fn push_with_dash(out: &mut String, pending_dash: &mut bool, piece: &str) {
    if *pending_dash && !out.is_empty() {
        out.push('-');
    }
    *pending_dash = false;
    out.push_str(piece);
}

/// Hands out unique slugs for distinct names: two different names that fold to the same slug
/// get `-2`, `-3`, … in the order the names sort, so the result does not depend on the order
/// in which names were met.
#[derive(Debug, Default)]
pub struct Slugger {
    names: BTreeMap<String, ()>,
}

impl Slugger {
    pub fn add(&mut self, name: &str) {
        self.names.insert(name.to_string(), ());
    }

    /// name → unique slug, for every name added.
    pub fn assign(&self) -> BTreeMap<String, String> {
        let mut by_slug: BTreeMap<String, Vec<&str>> = BTreeMap::new();
        for name in self.names.keys() {
            let base = match slugify(name) {
                s if s.is_empty() => "term".to_string(),
                s => s,
            };
            by_slug.entry(base).or_default().push(name);
        }
        let mut taken: std::collections::BTreeSet<String> = by_slug.keys().cloned().collect();
        let mut result = BTreeMap::new();
        for (base, names) in &by_slug {
            for (i, name) in names.iter().enumerate() {
                let slug = if i == 0 {
                    base.clone()
                } else {
                    let mut n = i + 1;
                    while taken.contains(&format!("{base}-{n}")) {
                        n += 1;
                    }
                    let s = format!("{base}-{n}");
                    taken.insert(s.clone());
                    s
                };
                result.insert(name.to_string(), slug);
            }
        }
        result
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_title_is_cut_between_words() {
        let slug =
            slug_from_title("Маслихат Алматинской области обсудил планы на Год рабочих профессий");
        assert_eq!(slug, "maslikhat-almatinskoy-oblasti-obsudil-plany-na-god");
        assert_eq!(
            slug_from_title("Год рабочих профессий"),
            "god-rabochikh-professiy"
        );
        let one_word = slug_from_title(&"а".repeat(100));
        assert_eq!(one_word, "a".repeat(MAX_TITLE_SLUG));
        assert_eq!(slug_from_title("★★★"), "");
    }

    #[test]
    fn design_examples() {
        assert_eq!(
            slugify("Жұмысшы мамандықтары жылы"),
            "zhumysshy-mamandyqtary-zhyly"
        );
        assert_eq!(slugify("Год рабочих профессий"), "god-rabochikh-professiy");
    }

    #[test]
    fn kazakh_letters() {
        assert_eq!(slugify("әғқңөұүһі"), "agqnouuhi");
        assert_eq!(slugify("ӘҒҚҢӨҰҮҺІ"), "agqnouuhi");
    }

    #[test]
    fn russian_table() {
        assert_eq!(
            slugify("щука съел ёжик, эхо юла я"),
            "shchuka-sel-ezhik-ekho-yula-ya"
        );
        assert_eq!(
            slugify("цирк чай шум жук хор ый"),
            "tsirk-chay-shum-zhuk-khor-yy"
        );
        assert_eq!(slugify("Объявление"), "obyavlenie");
    }

    #[test]
    fn runs_of_other_characters_become_one_dash() {
        assert_eq!(slugify("  «EXPO» — 2025!! "), "expo-2025");
        assert_eq!(slugify("a/b\\c..d"), "a-b-c-d");
        assert_eq!(slugify("---"), "");
    }

    #[test]
    fn colliding_names_get_deterministic_suffixes() {
        let mut s = Slugger::default();
        for n in ["Алматы", "алматы", "Алматы!", "Астана"] {
            s.add(n);
        }
        let map = s.assign();
        assert_eq!(map["Алматы"], "almaty");
        assert_eq!(map["Алматы!"], "almaty-2");
        assert_eq!(map["алматы"], "almaty-3");
        assert_eq!(map["Астана"], "astana");
    }
}
