//! Front-matter dates: `YYYY-MM-DD` or RFC 3339.

use chrono::{DateTime, Datelike, FixedOffset, NaiveDate};

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct PageDate {
    pub date: NaiveDate,
    /// Present when the front matter gave a full RFC 3339 timestamp.
    pub datetime: Option<DateTime<FixedOffset>>,
}

impl PageDate {
    pub fn parse(text: &str) -> Result<PageDate, String> {
        let text = text.trim();
        if let Ok(date) = NaiveDate::parse_from_str(text, "%Y-%m-%d") {
            if text.len() == 10 {
                return Ok(PageDate {
                    date,
                    datetime: None,
                });
            }
        }
        if let Ok(datetime) = DateTime::parse_from_rfc3339(text) {
            return Ok(PageDate {
                date: datetime.date_naive(),
                datetime: Some(datetime),
            });
        }
        Err(format!("expected YYYY-MM-DD or RFC 3339, found \"{text}\""))
    }

    /// Seconds since the epoch, for ordering (a bare date counts as midnight UTC).
    pub fn timestamp(&self) -> i64 {
        match self.datetime {
            Some(dt) => dt.timestamp(),
            None => self
                .date
                .and_time(chrono::NaiveTime::MIN)
                .and_utc()
                .timestamp(),
        }
    }

    /// What templates get: the date as written (`2025-11-03` or the RFC 3339 form).
    pub fn iso(&self) -> String {
        match self.datetime {
            Some(dt) => dt.to_rfc3339(),
            None => self.date.format("%Y-%m-%d").to_string(),
        }
    }

    /// A full RFC 3339 timestamp, as Atom and sitemaps want.
    pub fn rfc3339(&self) -> String {
        match self.datetime {
            Some(dt) => dt.to_rfc3339(),
            None => format!("{}T00:00:00Z", self.date.format("%Y-%m-%d")),
        }
    }

    pub fn ymd(&self) -> (i32, u8, u8) {
        // month() and day() are 1..=12 and 1..=31, so they always fit in u8.
        (
            self.date.year(),
            self.date.month() as u8,
            self.date.day() as u8,
        )
    }
}

/// Parses what the `date` filter receives: either form above.
pub fn parse_ymd(text: &str) -> Option<(i32, u8, u8)> {
    PageDate::parse(text).ok().map(|d| d.ymd())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_both_forms() {
        let d = PageDate::parse("2025-11-03").unwrap();
        assert_eq!(d.iso(), "2025-11-03");
        assert_eq!(d.rfc3339(), "2025-11-03T00:00:00Z");
        let t = PageDate::parse("2025-11-03T10:30:00+05:00").unwrap();
        assert_eq!(t.ymd(), (2025, 11, 3));
        assert!(t.timestamp() > d.timestamp());
    }

    #[test]
    fn rejects_impossible_dates() {
        let e = PageDate::parse("2025-13-01").unwrap_err();
        assert_eq!(e, "expected YYYY-MM-DD or RFC 3339, found \"2025-13-01\"");
        assert!(PageDate::parse("2025-02-30").is_err());
        assert!(PageDate::parse("2025-2-3").is_err());
        assert!(PageDate::parse("yesterday").is_err());
    }
}
