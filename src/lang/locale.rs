//! Per-language CLDR locale: long and short date formats and cardinal plural rules, from
//! ICU4X's compiled-in data.

use std::cmp::Ordering;

use icu_calendar::{Date, Gregorian};
use icu_collator::options::CollatorOptions;
use icu_collator::{Collator, CollatorBorrowed};
use icu_datetime::fieldsets::YMD;
use icu_datetime::FixedCalendarDateTimeFormatter;
use icu_locale_core::Locale as IcuLocale;
use icu_plurals::{PluralCategory, PluralRules};

use super::Lang;

/// The CLDR tools of one language, created once per build and shared by every page.
pub struct Locale {
    lang: Lang,
    long: FixedCalendarDateTimeFormatter<Gregorian, YMD>,
    short: FixedCalendarDateTimeFormatter<Gregorian, YMD>,
    plurals: PluralRules,
    collator: CollatorBorrowed<'static>,
}

impl std::fmt::Debug for Locale {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Locale").field("lang", &self.lang).finish()
    }
}

impl Locale {
    /// Fails only if the compiled-in CLDR data lacks the language, which is a bug in qostil.
    /// The Latin edition uses the Kazakh data (CLDR has no `kk-Latn` dates) and transliterates
    /// what it formats.
    pub fn new(lang: Lang) -> Result<Self, String> {
        let icu_locale: IcuLocale = lang
            .source()
            .code()
            .parse()
            .map_err(|e| format!("locale {lang}: {e}"))?;
        let long = FixedCalendarDateTimeFormatter::try_new((&icu_locale).into(), YMD::long())
            .map_err(|e| format!("CLDR long date format for {lang}: {e}"))?;
        let short = FixedCalendarDateTimeFormatter::try_new((&icu_locale).into(), YMD::short())
            .map_err(|e| format!("CLDR short date format for {lang}: {e}"))?;
        let plurals = PluralRules::try_new_cardinal((&icu_locale).into())
            .map_err(|e| format!("CLDR plural rules for {lang}: {e}"))?;
        let collator = Collator::try_new((&icu_locale).into(), CollatorOptions::default())
            .map_err(|e| format!("CLDR collation for {lang}: {e}"))?;
        Ok(Locale {
            lang,
            long,
            short,
            plurals,
            collator,
        })
    }

    pub fn lang(&self) -> Lang {
        self.lang
    }

    /// `2025 ж. 3 қараша` / `3 ноября 2025 г.`
    pub fn format_date_long(&self, year: i32, month: u8, day: u8) -> Option<String> {
        let date = Date::try_new_gregorian(year, month, day).ok()?;
        Some(self.in_script(self.long.format(&date).to_string()))
    }

    /// Text formatted with the source language's data, in this edition's script.
    fn in_script(&self, text: String) -> String {
        match self.lang {
            Lang::KkLatn => super::latin::transliterate(&text).into_owned(),
            _ => text,
        }
    }

    /// The long date with a time of day as the language's press writes it: Russian puts the
    /// time after the CLDR long date (`3 ноября 2025 г., 14:05`); Kazakh news sites write the
    /// year in full as an attribute (`2025 жылғы 3 қараша, 14:05`) where CLDR abbreviates it
    /// (`2025 ж. 3 қараша`), so the CLDR year mark is spelled out.
    pub fn format_date_time(
        &self,
        (year, month, day): (i32, u8, u8),
        (hour, minute): (u8, u8),
    ) -> Option<String> {
        if hour > 23 || minute > 59 {
            return None;
        }
        let date = Date::try_new_gregorian(year, month, day).ok()?;
        let date = self.long.format(&date).to_string();
        let date = match self.lang {
            Lang::Kk | Lang::KkLatn => {
                let cldr_year = format!("{year}\u{202f}ж.");
                self.in_script(date.replacen(&cldr_year, &format!("{year} жылғы"), 1))
            }
            Lang::Ru => date,
        };
        Some(format!("{date}, {hour:02}:{minute:02}"))
    }

    /// The CLDR short numeric form (`03.11.2025`).
    pub fn format_date_short(&self, year: i32, month: u8, day: u8) -> Option<String> {
        let date = Date::try_new_gregorian(year, month, day).ok()?;
        Some(self.in_script(self.short.format(&date).to_string()))
    }

    /// Alphabetical order of the language (ә after а in Kazakh, ё with е in Russian).
    pub fn compare(&self, a: &str, b: &str) -> Ordering {
        self.collator.compare(a, b).then_with(|| a.cmp(b))
    }

    /// The CLDR plural category name (`one`, `few`, `many`, `other`, …) for an integer count.
    pub fn plural_category(&self, count: u64) -> &'static str {
        match self.plurals.category_for(count) {
            PluralCategory::Zero => "zero",
            PluralCategory::One => "one",
            PluralCategory::Two => "two",
            PluralCategory::Few => "few",
            PluralCategory::Many => "many",
            PluralCategory::Other => "other",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_dates_in_both_languages() {
        let kk = Locale::new(Lang::Kk).unwrap();
        let ru = Locale::new(Lang::Ru).unwrap();
        assert_eq!(
            kk.format_date_long(2025, 11, 3).unwrap(),
            "2025\u{202f}ж. 3 қараша"
        );
        assert_eq!(
            ru.format_date_long(2025, 11, 3).unwrap(),
            "3 ноября 2025\u{202f}г."
        );
        assert_eq!(ru.format_date_short(2025, 11, 3).unwrap(), "03.11.2025");
        assert!(ru.format_date_long(2025, 2, 30).is_none());
    }

    #[test]
    fn dates_with_a_time_as_the_press_writes_them() {
        let kk = Locale::new(Lang::Kk).unwrap();
        let ru = Locale::new(Lang::Ru).unwrap();
        assert_eq!(
            kk.format_date_time((2025, 11, 3), (14, 5)).unwrap(),
            "2025 жылғы 3 қараша, 14:05"
        );
        assert_eq!(
            ru.format_date_time((2025, 11, 3), (9, 0)).unwrap(),
            "3 ноября 2025\u{202f}г., 09:00"
        );
        assert!(ru.format_date_time((2025, 11, 3), (24, 0)).is_none());
        assert!(kk.format_date_time((2025, 2, 30), (1, 0)).is_none());
    }

    #[test]
    fn the_latin_edition_writes_kazakh_dates_in_latin_letters() {
        let latn = Locale::new(Lang::KkLatn).unwrap();
        assert_eq!(
            latn.format_date_long(2025, 11, 3).unwrap(),
            "2025\u{202f}j. 3 qaraşa"
        );
        assert_eq!(
            latn.format_date_time((2025, 12, 3), (14, 5)).unwrap(),
            "2025 jylğy 3 jeltoqsan, 14:05"
        );
        assert_eq!(latn.plural_category(5), "other");
    }

    #[test]
    fn collation_follows_the_alphabet() {
        let kk = Locale::new(Lang::Kk).unwrap();
        let mut words = vec!["ясы", "әке", "бала", "ана"];
        words.sort_by(|a, b| kk.compare(a, b));
        assert_eq!(words, ["ана", "әке", "бала", "ясы"]);
    }

    #[test]
    fn plural_categories() {
        let ru = Locale::new(Lang::Ru).unwrap();
        let cats: Vec<_> = [1, 2, 5, 11, 21, 22, 25, 111]
            .iter()
            .map(|n| ru.plural_category(*n))
            .collect();
        assert_eq!(
            cats,
            ["one", "few", "many", "many", "one", "few", "many", "many"]
        );
        let kk = Locale::new(Lang::Kk).unwrap();
        assert_eq!(kk.plural_category(1), "one");
        assert_eq!(kk.plural_category(5), "other");
    }
}
