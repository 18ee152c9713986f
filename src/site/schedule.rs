//! Scheduling: which documents a build publishes at its moment. A page whose `date` is after
//! the build's moment is scheduled and one whose `expires` is at or before it has expired:
//! neither is assembled (unless `--future` asks for scheduled pages), so no page, list,
//! feed, sitemap, search index or translation link knows them. Drafts are left out the same
//! way unless `--drafts`. What is scheduled or expires is kept for `check`, and the next
//! moment at which the set of published pages changes is kept for `serve`.

use std::sync::Arc;

use chrono::{DateTime, FixedOffset, Utc};
use chrono_tz::Tz;

use crate::content::Document;
use crate::diag::{Diagnostic, Diagnostics};

/// The environment variable that sets the build's moment (RFC 3339), for tests only.
pub const NOW_VARIABLE: &str = "QOSTIL_NOW";

/// What a build publishes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Publish {
    /// Pages with `draft: true` too (`--drafts`).
    pub drafts: bool,
    /// Scheduled pages too (`--future`).
    pub future: bool,
    /// The build's moment.
    pub now: DateTime<Utc>,
}

impl Publish {
    /// Publishing at the build's moment: now, or `QOSTIL_NOW` when that is set.
    pub fn at_build_moment(drafts: bool, future: bool) -> Result<Publish, Diagnostics> {
        Ok(Publish {
            drafts,
            future,
            now: build_moment()?,
        })
    }
}

/// The clock, or `QOSTIL_NOW` (an RFC 3339 timestamp) when set: tests use it to build at
/// a chosen moment.
pub fn build_moment() -> Result<DateTime<Utc>, Diagnostics> {
    match std::env::var(NOW_VARIABLE) {
        Ok(text) => DateTime::parse_from_rfc3339(text.trim())
            .map(|t| t.with_timezone(&Utc))
            .map_err(|_| {
                Diagnostic::global(format!(
                    "{NOW_VARIABLE}: expected an RFC 3339 timestamp, found \"{text}\""
                ))
                .into()
            }),
        Err(_) => Ok(DateTime::<Utc>::from(std::time::SystemTime::now())),
    }
}

/// Where a page stands in time at the build's moment, when that is worth telling.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum TimedState {
    /// Its `date` is after the build's moment.
    Scheduled,
    /// Published, and its `expires` is after the build's moment.
    Expires,
    /// Its `expires` is at or before the build's moment.
    Expired,
}

impl TimedState {
    pub fn name(self) -> &'static str {
        match self {
            TimedState::Scheduled => "scheduled",
            TimedState::Expires => "expires",
            TimedState::Expired => "expired",
        }
    }
}

/// A page with a moment ahead of it or an expiry behind it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Timed {
    /// The content file, site-relative.
    pub source: String,
    pub state: TimedState,
    /// The moment (publication or expiry), on the site zone's clock.
    pub at: DateTime<FixedOffset>,
    /// Whether this build publishes the page (a scheduled page with `--future`).
    pub built: bool,
}

/// The pages' standing in time at the build's moment.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Schedule {
    /// Scheduled, expiring and expired pages, by moment, then file.
    pub entries: Vec<Timed>,
    /// The first moment after the build's at which a page is published or expires.
    pub next_change: Option<DateTime<Utc>>,
}

impl Schedule {
    /// Whether the set of published pages at `now` differs from the one assembled.
    pub fn is_due(&self, now: DateTime<Utc>) -> bool {
        self.next_change.is_some_and(|t| t <= now)
    }
}

/// The documents a build publishes (sections' `_index.md` always, pages by `draft`, `date`
/// and `expires`), and the schedule of the others.
pub fn published(
    docs: Vec<Arc<Document>>,
    publish: &Publish,
    zone: Tz,
) -> (Vec<Arc<Document>>, Schedule) {
    let mut schedule = Schedule::default();
    let mut kept = Vec::with_capacity(docs.len());
    for doc in docs {
        if doc.meta.draft && !publish.drafts {
            continue;
        }
        if doc.is_index {
            kept.push(doc);
            continue;
        }
        let mut visible = true;
        if let Some(date) = &doc.meta.date {
            let at = date.instant(zone);
            if at > publish.now {
                visible = publish.future;
                schedule
                    .entries
                    .push(timed(&doc, TimedState::Scheduled, at, zone, visible));
                if !publish.future {
                    note_change(&mut schedule, at);
                }
            }
        }
        if let Some(expires) = &doc.meta.expires {
            let at = expires.instant(zone);
            if at <= publish.now {
                visible = false;
                schedule
                    .entries
                    .push(timed(&doc, TimedState::Expired, at, zone, false));
            } else {
                schedule
                    .entries
                    .push(timed(&doc, TimedState::Expires, at, zone, visible));
                note_change(&mut schedule, at);
            }
        }
        if visible {
            kept.push(doc);
        }
    }
    schedule
        .entries
        .sort_by(|a, b| (a.at, &a.source, a.state).cmp(&(b.at, &b.source, b.state)));
    (kept, schedule)
}

fn timed(
    doc: &Document,
    state: TimedState,
    at: DateTime<FixedOffset>,
    zone: Tz,
    built: bool,
) -> Timed {
    Timed {
        source: doc.source.clone(),
        state,
        at: at.with_timezone(&zone).fixed_offset(),
        built,
    }
}

fn note_change(schedule: &mut Schedule, at: DateTime<FixedOffset>) {
    let at = at.with_timezone(&Utc);
    if schedule.next_change.is_none_or(|t| at < t) {
        schedule.next_change = Some(at);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::{FrontMatter, PageDate};
    use crate::lang::Lang;

    fn doc(name: &str, date: Option<&str>, expires: Option<&str>, draft: bool) -> Arc<Document> {
        let meta = FrontMatter {
            date: date.map(|d| PageDate::parse(d).unwrap()),
            expires: expires.map(|d| PageDate::parse(d).unwrap()),
            draft,
            ..FrontMatter::default()
        };
        Arc::new(Document::bare(Lang::Kk, "news", name, meta))
    }

    fn at(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text)
            .unwrap()
            .with_timezone(&Utc)
    }

    fn names(docs: &[Arc<Document>]) -> Vec<&str> {
        docs.iter().map(|d| d.stem.as_str()).collect()
    }

    fn docs() -> Vec<Arc<Document>> {
        vec![
            doc("_index", Some("2099-01-01"), None, false),
            doc("old", Some("2025-01-01"), None, false),
            doc("noon", Some("2025-06-01 12:00"), None, false),
            doc("gone", Some("2025-01-01"), Some("2025-05-01"), false),
            doc("going", Some("2025-01-01"), Some("2025-07-01 09:30"), false),
            doc("draft", Some("2025-01-01"), None, true),
        ]
    }

    #[test]
    fn scheduled_and_expired_pages_are_left_out_and_the_next_moment_is_kept() {
        let almaty = chrono_tz::Asia::Almaty;
        let publish = Publish {
            drafts: false,
            future: false,
            // 11:00 in Almaty: «noon» is an hour ahead.
            now: at("2025-06-01T06:00:00Z"),
        };
        let (kept, schedule) = published(docs(), &publish, almaty);
        assert_eq!(names(&kept), ["_index", "old", "going"]);
        let states: Vec<(&str, TimedState, String)> = schedule
            .entries
            .iter()
            .map(|t| (t.source.as_str(), t.state, t.at.to_rfc3339()))
            .collect();
        assert_eq!(
            states,
            [
                (
                    "content/kk/news/gone.md",
                    TimedState::Expired,
                    "2025-05-01T00:00:00+05:00".into()
                ),
                (
                    "content/kk/news/noon.md",
                    TimedState::Scheduled,
                    "2025-06-01T12:00:00+05:00".into()
                ),
                (
                    "content/kk/news/going.md",
                    TimedState::Expires,
                    "2025-07-01T09:30:00+05:00".into()
                ),
            ]
        );
        assert_eq!(schedule.next_change, Some(at("2025-06-01T07:00:00Z")));
        assert!(!schedule.is_due(at("2025-06-01T06:59:59Z")));
        assert!(schedule.is_due(at("2025-06-01T07:00:00Z")));
    }

    #[test]
    fn future_publishes_scheduled_pages_but_not_expired_ones() {
        let publish = Publish {
            drafts: true,
            future: true,
            now: at("2025-06-01T06:00:00Z"),
        };
        let (kept, schedule) = published(docs(), &publish, chrono_tz::Asia::Almaty);
        assert_eq!(names(&kept), ["_index", "old", "noon", "going", "draft"]);
        assert!(schedule
            .entries
            .iter()
            .any(|t| t.state == TimedState::Scheduled && t.built));
        // Only the expiry is ahead now.
        assert_eq!(schedule.next_change, Some(at("2025-07-01T04:30:00Z")));
    }
}
