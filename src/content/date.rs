//! Front-matter dates: `YYYY-MM-DD`, `YYYY-MM-DD HH:MM` or RFC 3339.
//!
//! A date is kept as it was written: the first two forms have no offset and mean a moment in
//! the site's `timezone` (a bare date is midnight there), which is known only once the
//! configuration is, so they become an instant through `instant(zone)` when the site is
//! assembled and rendered. An RFC 3339 timestamp keeps its own offset.

use chrono::{
    DateTime, Datelike, FixedOffset, LocalResult, NaiveDate, NaiveDateTime, NaiveTime, Offset,
    SecondsFormat, TimeZone,
};
use chrono_tz::Tz;

/// A date as the front matter wrote it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
// The documents cache keeps the text as written and parses it back.
#[serde(try_from = "String", into = "String")]
pub struct PageDate {
    /// The calendar date as written (in `offset`, or in the site's zone without one).
    pub date: NaiveDate,
    /// The time of day as written, when there is one.
    time: Option<NaiveTime>,
    /// The offset of an RFC 3339 timestamp.
    offset: Option<FixedOffset>,
}

const EXPECTED: &str = "expected YYYY-MM-DD, YYYY-MM-DD HH:MM or RFC 3339";

impl PageDate {
    pub fn parse(text: &str) -> Result<PageDate, String> {
        let text = text.trim();
        if text.len() == 10 {
            if let Ok(date) = NaiveDate::parse_from_str(text, "%Y-%m-%d") {
                return Ok(PageDate {
                    date,
                    time: None,
                    offset: None,
                });
            }
        }
        // `2025-11-03 14:05` (or with seconds): a wall-clock time in the site's zone.
        if text.len() == 16 || text.len() == 19 {
            let format = if text.len() == 16 {
                "%Y-%m-%d %H:%M"
            } else {
                "%Y-%m-%d %H:%M:%S"
            };
            if let Ok(local) = NaiveDateTime::parse_from_str(text, format) {
                return Ok(PageDate {
                    date: local.date(),
                    time: Some(local.time()),
                    offset: None,
                });
            }
        }
        if let Ok(datetime) = DateTime::parse_from_rfc3339(text) {
            return Ok(PageDate {
                date: datetime.date_naive(),
                time: Some(datetime.time()),
                offset: Some(*datetime.offset()),
            });
        }
        Err(format!("{EXPECTED}, found \"{text}\""))
    }

    /// Whether a time of day was written (`YYYY-MM-DD HH:MM` or RFC 3339).
    pub fn has_time(&self) -> bool {
        self.time.is_some()
    }

    /// The moment this date names: an RFC 3339 timestamp as written; otherwise the written
    /// wall-clock time (midnight for a bare date) in `zone`, with that zone's offset then.
    pub fn instant(&self, zone: Tz) -> DateTime<FixedOffset> {
        let local = self.date.and_time(self.time.unwrap_or(NaiveTime::MIN));
        if let Some(offset) = self.offset {
            if let LocalResult::Single(dt) = offset.from_local_datetime(&local) {
                return dt;
            }
        }
        match zone.from_local_datetime(&local) {
            // A time that a clock change repeats: the first of the two.
            LocalResult::Single(dt) | LocalResult::Ambiguous(dt, _) => dt.fixed_offset(),
            // A time that a clock change skips: read with the offset before the change, it
            // falls as far after the change as it was written after its start.
            LocalResult::None => {
                let day_before = local - chrono::Duration::days(1);
                let offset = zone.offset_from_utc_datetime(&day_before).fix();
                let utc = local - offset;
                zone.from_utc_datetime(&utc).fixed_offset()
            }
        }
    }

    /// The same moment in `zone` (what a reader there sees on the clock).
    pub fn in_zone(&self, zone: Tz) -> DateTime<FixedOffset> {
        self.instant(zone).with_timezone(&zone).fixed_offset()
    }

    /// Seconds since the epoch, for ordering.
    pub fn timestamp(&self, zone: Tz) -> i64 {
        self.instant(zone).timestamp()
    }

    /// The full RFC 3339 timestamp with its offset, as Atom, sitemaps and JSON-LD want
    /// (`Z` for a zero offset; fractions of a second only when written).
    pub fn rfc3339(&self, zone: Tz) -> String {
        rfc3339(&self.instant(zone))
    }

    /// What templates get as `page.date`: the date as written (`2025-11-03`,
    /// `2025-11-03 14:05` or the RFC 3339 form).
    pub fn iso(&self) -> String {
        match (self.time, self.offset) {
            (None, _) => self.date.format("%Y-%m-%d").to_string(),
            (Some(time), None) if time.format("%S").to_string() == "00" => {
                format!("{} {}", self.date.format("%Y-%m-%d"), time.format("%H:%M"))
            }
            (Some(time), None) => {
                format!(
                    "{} {}",
                    self.date.format("%Y-%m-%d"),
                    time.format("%H:%M:%S")
                )
            }
            (Some(time), Some(offset)) => {
                match offset.from_local_datetime(&self.date.and_time(time)) {
                    LocalResult::Single(dt) => dt.to_rfc3339(),
                    _ => self.date.format("%Y-%m-%d").to_string(),
                }
            }
        }
    }

    /// The calendar date as written.
    pub fn ymd(&self) -> (i32, u8, u8) {
        // month() and day() are 1..=12 and 1..=31, so they always fit in u8.
        (
            self.date.year(),
            self.date.month() as u8,
            self.date.day() as u8,
        )
    }
}

/// `2025-11-03T14:05:00+05:00`, `…Z` for a zero offset.
pub fn rfc3339(moment: &DateTime<FixedOffset>) -> String {
    moment.to_rfc3339_opts(SecondsFormat::AutoSi, true)
}

impl TryFrom<String> for PageDate {
    type Error = String;

    fn try_from(text: String) -> Result<PageDate, String> {
        PageDate::parse(&text)
    }
}

impl From<PageDate> for String {
    fn from(date: PageDate) -> String {
        date.iso()
    }
}

/// Parses what the `date` filter receives: any form above; the calendar date as written.
pub fn parse_ymd(text: &str) -> Option<(i32, u8, u8)> {
    PageDate::parse(text).ok().map(|d| d.ymd())
}

#[cfg(test)]
mod tests {
    use super::*;

    const UTC: Tz = chrono_tz::UTC;
    const ALMATY: Tz = chrono_tz::Asia::Almaty;

    #[test]
    fn accepts_every_form() {
        let d = PageDate::parse("2025-11-03").unwrap();
        assert_eq!(d.iso(), "2025-11-03");
        assert!(!d.has_time());
        assert_eq!(d.rfc3339(UTC), "2025-11-03T00:00:00Z");
        let t = PageDate::parse("2025-11-03T10:30:00+05:00").unwrap();
        assert_eq!(t.ymd(), (2025, 11, 3));
        assert_eq!(t.iso(), "2025-11-03T10:30:00+05:00");
        assert!(t.timestamp(UTC) > d.timestamp(UTC));
        let local = PageDate::parse("2025-11-03 14:05").unwrap();
        assert!(local.has_time());
        assert_eq!(local.iso(), "2025-11-03 14:05");
        assert_eq!(local.rfc3339(UTC), "2025-11-03T14:05:00Z");
        assert_eq!(
            PageDate::parse("2025-11-03 14:05:30").unwrap().iso(),
            "2025-11-03 14:05:30"
        );
    }

    #[test]
    fn dates_without_an_offset_are_in_the_sites_zone() {
        let local = PageDate::parse("2025-11-03 14:05").unwrap();
        assert_eq!(local.rfc3339(ALMATY), "2025-11-03T14:05:00+05:00");
        assert_eq!(local.instant(ALMATY).timestamp(), 1_762_160_700);
        let bare = PageDate::parse("2025-11-03").unwrap();
        assert_eq!(bare.rfc3339(ALMATY), "2025-11-03T00:00:00+05:00");
        // An offset written stays; the reader's clock in Almaty is another matter.
        let utc = PageDate::parse("2025-11-03T21:30:00Z").unwrap();
        assert_eq!(utc.rfc3339(ALMATY), "2025-11-03T21:30:00Z");
        assert_eq!(
            utc.in_zone(ALMATY).to_rfc3339(),
            "2025-11-04T02:30:00+05:00"
        );
    }

    #[test]
    fn almaty_moved_from_plus_six_to_plus_five_on_2024_03_01() {
        let before = PageDate::parse("2024-02-29 12:00").unwrap();
        assert_eq!(before.rfc3339(ALMATY), "2024-02-29T12:00:00+06:00");
        let after = PageDate::parse("2024-03-01 12:00").unwrap();
        assert_eq!(after.rfc3339(ALMATY), "2024-03-01T12:00:00+05:00");
    }

    #[test]
    fn clock_changes_have_an_answer() {
        let berlin: Tz = "Europe/Berlin".parse().unwrap();
        // 02:30 did not exist on 2025-03-30 in Berlin; 02:30 on 2025-10-26 happened twice.
        let skipped = PageDate::parse("2025-03-30 02:30").unwrap();
        assert_eq!(skipped.rfc3339(berlin), "2025-03-30T03:30:00+02:00");
        let repeated = PageDate::parse("2025-10-26 02:30").unwrap();
        assert_eq!(repeated.rfc3339(berlin), "2025-10-26T02:30:00+02:00");
    }

    #[test]
    fn round_trips_through_the_documents_cache() {
        for text in [
            "2025-11-03",
            "2025-11-03 14:05",
            "2025-11-03T10:30:00.5+05:00",
        ] {
            let d = PageDate::parse(text).unwrap();
            let json = serde_json::to_string(&d).unwrap();
            let back: PageDate = serde_json::from_str(&json).unwrap();
            assert_eq!(back, d, "{json}");
        }
    }

    #[test]
    fn rejects_impossible_dates() {
        let e = PageDate::parse("2025-13-01").unwrap_err();
        assert_eq!(
            e,
            "expected YYYY-MM-DD, YYYY-MM-DD HH:MM or RFC 3339, found \"2025-13-01\""
        );
        assert!(PageDate::parse("2025-02-30").is_err());
        assert!(PageDate::parse("2025-2-3").is_err());
        assert!(PageDate::parse("2025-11-03 25:00").is_err());
        assert!(PageDate::parse("yesterday").is_err());
    }
}
