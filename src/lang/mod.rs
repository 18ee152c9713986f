//! Languages: the `Lang` enum, each language's CLDR locale (dates, plurals), UI strings and the
//! transliteration that turns Kazakh and Russian text into ASCII slugs.

mod i18n;
pub mod latin;
mod locale;
mod slug;

pub use i18n::{PluralText, UiStrings};
pub use locale::Locale;
pub use slug::{slug_from_title, slugify, Slugger, MAX_TITLE_SLUG};

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

/// A language the portal is published in.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
pub enum Lang {
    #[serde(rename = "kk")]
    Kk,
    /// The Kazakh Latin-script edition (`kazakh_latin: true`): not a content folder of its
    /// own but the Kazakh text transliterated (`lang::latin`). Templates see its BCP 47 tag
    /// (`kk-Latn`, for `<html lang>` and `hreflang`); its URLs start with `/kk-latn/`.
    #[serde(rename = "kk-Latn")]
    KkLatn,
    #[serde(rename = "ru")]
    Ru,
}

impl Lang {
    pub const ALL: [Lang; 3] = [Lang::Kk, Lang::KkLatn, Lang::Ru];

    /// The language's folder under `content/` and its URL prefix: `kk`, `kk-latn`, `ru`.
    pub fn code(self) -> &'static str {
        match self {
            Lang::Kk => "kk",
            Lang::KkLatn => "kk-latn",
            Lang::Ru => "ru",
        }
    }

    /// The BCP 47 tag (`<html lang>`, `hreflang`): `kk`, `kk-Latn`, `ru`.
    pub fn tag(self) -> &'static str {
        match self {
            Lang::KkLatn => "kk-Latn",
            other => other.code(),
        }
    }

    /// The language whose text this edition is made from: itself, or Kazakh for the Latin
    /// edition.
    pub fn source(self) -> Lang {
        match self {
            Lang::KkLatn => Lang::Kk,
            other => other,
        }
    }

    /// An edition generated from another language's files (no `content/<code>/` of its own).
    pub fn is_derived(self) -> bool {
        self != self.source()
    }

    /// The OpenGraph locale (`og:locale`).
    pub fn og_locale(self) -> &'static str {
        match self {
            Lang::Kk | Lang::KkLatn => "kk_KZ",
            Lang::Ru => "ru_RU",
        }
    }
}

impl fmt::Display for Lang {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl FromStr for Lang {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "kk" => Ok(Lang::Kk),
            "kk-latn" | "kk-Latn" => Ok(Lang::KkLatn),
            "ru" => Ok(Lang::Ru),
            other => Err(format!(
                "unknown language `{other}`: qostil publishes `kk` and `ru`"
            )),
        }
    }
}

/// The CLDR locale of every language of the site, created once per build.
#[derive(Debug)]
pub struct Locales(BTreeMap<Lang, Locale>);

impl Locales {
    /// Fails only if qostil's compiled-in CLDR data lacks a language: a bug, not a user error.
    pub fn new() -> Result<Self, String> {
        let mut map = BTreeMap::new();
        for lang in Lang::ALL {
            map.insert(lang, Locale::new(lang)?);
        }
        Ok(Locales(map))
    }

    pub fn get(&self, lang: Lang) -> &Locale {
        // Every `Lang` is inserted by `new`, so the index cannot miss.
        &self.0[&lang]
    }
}

/// The text with its first letter upper-case and the rest as written: what a title or a
/// heading shows («область Абай» → «Область Абай»; `str::to_uppercase` of one letter, so
/// «і» → «І»).
pub fn capitalized(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}
