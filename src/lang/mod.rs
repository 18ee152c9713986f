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
#[serde(rename_all = "lowercase")]
pub enum Lang {
    Kk,
    Ru,
}

impl Lang {
    pub const ALL: [Lang; 2] = [Lang::Kk, Lang::Ru];

    pub fn code(self) -> &'static str {
        match self {
            Lang::Kk => "kk",
            Lang::Ru => "ru",
        }
    }

    /// The OpenGraph locale (`og:locale`).
    pub fn og_locale(self) -> &'static str {
        match self {
            Lang::Kk => "kk_KZ",
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
