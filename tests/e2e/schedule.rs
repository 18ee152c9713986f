//! Scheduling and time of publication: a page dated after the build's moment is in no
//! output until then (`--future` builds it), `expires` removes a page, dates with a time are
//! read in site.yaml's `timezone` and fed with their full timestamp, `check` lists the
//! schedule, and `serve` publishes a scheduled page when its moment passes.

use std::collections::BTreeMap;
use std::io::Read;
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{channel, Receiver};
use std::time::{Duration, Instant, SystemTime};

use chrono::{DateTime, SecondsFormat, Utc};

use crate::harness::{SiteTest, Snapshot, BIN};

/// The real clock, `secs` from now, as RFC 3339 in UTC (`2026-12-02T07:50:03Z`).
fn from_now(secs: i64) -> String {
    let now = DateTime::<Utc>::from(SystemTime::now());
    (now + chrono::Duration::seconds(secs)).to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// The real calendar date `days` from today (UTC), `YYYY-MM-DD`.
fn day_from_today(days: i64) -> String {
    let now = DateTime::<Utc>::from(SystemTime::now());
    (now + chrono::Duration::days(days))
        .format("%Y-%m-%d")
        .to_string()
}

const SCHEDULED_TITLE: &str = "Zephyrtau: келешектегі жоспар";
const SCHEDULED_URL: &str = "/kk/news/kelesi/";

/// The `basic` fixture with a Kazakh article dated `date` (and a unique tag and title word)
/// whose Russian counterpart is already published.
fn site_with_kk_article_dated(date: &str) -> SiteTest {
    let site = SiteTest::new("basic");
    site.write(
        "content/kk/news/kelesi.md",
        format!(
            "---\ntitle: \"{SCHEDULED_TITLE}\"\ndate: \"{date}\"\ntags: [Фестиваль, Болашақ]\nregions: [Абай облысы]\n---\n\nZephyrtau мәтіні.\n"
        ),
    );
    site.write(
        "content/ru/news/kelesi.md",
        "---\ntitle: \"Планы на будущее\"\ndate: 2025-11-01\ntags: [Фестиваль]\n---\n\nТекст.\n",
    );
    site
}

/// Every file under `dir` of the output whose text contains `needle`.
fn outputs_containing(site: &SiteTest, dir: &str, needle: &str) -> Vec<String> {
    Snapshot::of(&site.out_path(dir))
        .0
        .into_iter()
        .filter(|(_, bytes)| String::from_utf8_lossy(bytes).contains(needle))
        .map(|(path, _)| path)
        .collect()
}

/// Every place a published article shows up, checked for the scheduled one.
fn assert_published(site: &SiteTest, published: bool) {
    let permalink = format!("https://example.kz{SCHEDULED_URL}");
    let shows = |rel: &str, needle: &str| {
        let has = site.out(rel).contains(needle);
        assert_eq!(
            has,
            published,
            "{rel} {} {needle}",
            if published { "lacks" } else { "has" }
        );
    };
    assert_eq!(
        site.out_path(SCHEDULED_URL).is_file(),
        published,
        "the page"
    );
    for list in [
        "/kk/",
        "/kk/news/",
        "/kk/tags/festival/",
        "/kk/regions/abay-oblysy/",
    ] {
        shows(list, SCHEDULED_URL);
    }
    assert_eq!(
        site.out_path("/kk/tags/bolashaq/").is_file(),
        published,
        "its own term"
    );
    shows("/kk/tags/", "/kk/tags/bolashaq/");
    shows("kk/atom.xml", &permalink);
    shows("kk/regions/abay-oblysy/atom.xml", &permalink);
    shows("sitemap.xml", &permalink);
    let index = outputs_containing(site, "kk/search", "Zephyrtau");
    assert_eq!(!index.is_empty(), published, "the search index: {index:?}");
    // The published Russian counterpart links to it only once it exists.
    let counterpart = site.html("/ru/news/kelesi/");
    assert_eq!(
        counterpart.hreflang("kk").as_deref() == Some(&permalink),
        published
    );
    let switch = counterpart.switcher();
    let to_kk = switch
        .iter()
        .find(|(lang, _, _)| lang == "kk")
        .expect("a kk link");
    assert_eq!(to_kk.1 == SCHEDULED_URL, published, "{switch:?}");
    assert_eq!(to_kk.2, !published, "leads to the nearest page: {switch:?}");
}

#[test]
fn a_scheduled_page_is_in_no_output_until_future_builds_it() {
    let site = site_with_kk_article_dated(&day_from_today(30));
    site.build_ok(&[]);
    assert_published(&site, false);
    site.build_ok(&["--future"]);
    assert_published(&site, true);
    // And without `--future` again, with nothing edited: the cached build leaves it out.
    site.build_ok(&[]);
    assert_published(&site, false);
}

#[test]
fn a_page_dated_in_the_past_is_published() {
    let site = site_with_kk_article_dated(&from_now(-60));
    site.build_ok(&[]);
    assert_published(&site, true);
}

#[test]
fn an_expired_page_is_gone_and_one_that_expires_later_stays() {
    let site = SiteTest::new("basic");
    site.replace(
        "content/kk/news/festival.md",
        "date: 2025-11-03\n",
        &format!("date: 2025-11-03\nexpires: \"{}\"\n", from_now(-5)),
    );
    site.replace(
        "content/kk/news/tek-qazaqsha.md",
        "date: 2025-09-01\n",
        &format!("date: 2025-09-01\nexpires: {}\n", day_from_today(7)),
    );
    for args in [&[][..], &["--future"][..]] {
        site.build_ok(args);
        site.assert_missing("/kk/news/festival/");
        // It was the only Kazakh article tagged «Фестиваль».
        site.assert_missing("/kk/tags/festival/");
        for file in [
            "/kk/",
            "/kk/news/",
            "kk/atom.xml",
            "sitemap.xml",
            "/kk/tags/",
        ] {
            assert!(
                !site.out(file).contains("/kk/news/festival/"),
                "{file} still links the expired page"
            );
        }
        assert!(outputs_containing(&site, "kk/search", "/kk/news/festival/").is_empty());
        assert_eq!(site.html("/ru/news/festival/").hreflang("kk"), None);
        site.assert_exists("/kk/news/tek-qazaqsha/");
        assert!(site.out("kk/atom.xml").contains("/kk/news/tek-qazaqsha/"));
    }
}

/// Atom entries as (link, published, updated).
fn feed_entries(xml: &str) -> BTreeMap<String, (String, String)> {
    let doc = roxmltree::Document::parse(xml).expect("the feed parses");
    doc.descendants()
        .filter(|n| n.has_tag_name("entry"))
        .map(|entry| {
            let text = |name: &str| {
                entry
                    .children()
                    .find(|c| c.has_tag_name(name))
                    .and_then(|c| c.text())
                    .unwrap_or_default()
                    .to_string()
            };
            let link = entry
                .children()
                .find(|c| c.has_tag_name("link"))
                .and_then(|c| c.attribute("href"))
                .unwrap_or_default()
                .to_string();
            (link, (text("published"), text("updated")))
        })
        .collect()
}

/// The sitemap's `lastmod` per URL.
fn sitemap_lastmods(xml: &str) -> BTreeMap<String, String> {
    let doc = roxmltree::Document::parse(xml).expect("the sitemap parses");
    doc.descendants()
        .filter(|n| n.has_tag_name("url"))
        .filter_map(|url| {
            let child = |name: &str| {
                url.children()
                    .find(|c| c.has_tag_name(name))
                    .and_then(|c| c.text())
                    .map(str::to_string)
            };
            Some((child("loc")?, child("lastmod")?))
        })
        .collect()
}

/// The `NewsArticle` JSON-LD of an article page.
fn json_ld(site: &SiteTest, url: &str) -> serde_json::Value {
    let html = site.out(url);
    let start = html
        .find("<script type=\"application/ld+json\">")
        .expect("a JSON-LD script")
        + "<script type=\"application/ld+json\">".len();
    let end = html[start..].find("</script>").expect("its end") + start;
    serde_json::from_str(&html[start..end]).expect("JSON-LD parses")
}

#[test]
fn times_with_and_without_an_offset_are_shown_and_fed_with_the_full_timestamp() {
    let site = SiteTest::new("basic");
    site.append("site.yaml", "timezone: Asia/Almaty\n");
    // A time in the site's zone, and an `updated` one.
    site.replace(
        "content/kk/news/festival.md",
        "date: 2025-11-03\n",
        "date: 2025-11-03 14:05\nupdated: \"2025-11-04 09:30\"\n",
    );
    // Before 2024-03-01 Almaty was at +06:00.
    site.replace(
        "content/kk/news/tek-qazaqsha.md",
        "date: 2025-09-01\n",
        "date: 2024-02-20 10:00\n",
    );
    // An offset written stays as written.
    site.replace(
        "content/ru/news/festival.md",
        "date: 2025-11-03\n",
        "date: \"2025-11-03T21:30:00Z\"\n",
    );
    // Reads the template variables #17's themes will use.
    site.write(
        "templates/page.html",
        "<p id=\"when\">{{ page.date }}|{{ page.has_time }}|{{ page.time | default(value=\"-\") }}|{{ page.datetime }}</p>\n<script type=\"application/ld+json\">{{ json_ld | safe }}</script>\n",
    );
    site.build_ok(&[]);

    let kk_feed = feed_entries(&site.out("kk/atom.xml"));
    let festival = "https://example.kz/kk/news/festival/";
    assert_eq!(
        kk_feed[festival],
        (
            "2025-11-03T14:05:00+05:00".into(),
            "2025-11-04T09:30:00+05:00".into()
        )
    );
    let tek = "https://example.kz/kk/news/tek-qazaqsha/";
    assert_eq!(kk_feed[tek].0, "2024-02-20T10:00:00+06:00");
    // A bare date is midnight in the site's zone.
    let bare = "https://example.kz/kk/news/zhastar-forumy/";
    assert_eq!(kk_feed[bare].0, "2025-10-20T00:00:00+05:00");
    let ru_feed = feed_entries(&site.out("ru/atom.xml"));
    assert_eq!(
        ru_feed["https://example.kz/ru/news/festival/"].0,
        "2025-11-03T21:30:00Z"
    );

    let lastmods = sitemap_lastmods(&site.out("sitemap.xml"));
    assert_eq!(lastmods[festival], "2025-11-04T09:30:00+05:00");
    assert_eq!(lastmods[tek], "2024-02-20T10:00:00+06:00");
    assert_eq!(lastmods[bare], "2025-10-20T00:00:00+05:00");

    let ld = json_ld(&site, "/kk/news/festival/");
    assert_eq!(ld["datePublished"], "2025-11-03T14:05:00+05:00");
    assert_eq!(ld["dateModified"], "2025-11-04T09:30:00+05:00");

    let when = |url: &str| {
        let html = site.out(url);
        let start = html.find("<p id=\"when\">").expect("the override") + "<p id=\"when\">".len();
        html[start..html[start..].find("</p>").unwrap() + start].to_string()
    };
    assert_eq!(
        when("/kk/news/festival/"),
        "2025-11-03 14:05|true|14:05|2025-11-03T14:05:00+05:00"
    );
    // UTC 21:30 is 02:30 the next day on Almaty's clock.
    assert_eq!(
        when("/ru/news/festival/"),
        "2025-11-03T21:30:00+00:00|true|02:30|2025-11-04T02:30:00+05:00"
    );
    assert_eq!(
        when("/kk/news/zhastar-forumy/"),
        "2025-10-20|false|-|2025-10-20T00:00:00+05:00"
    );
}

#[test]
fn without_a_timezone_dates_are_utc() {
    let site = SiteTest::new("basic");
    site.build_ok(&[]);
    let feed = feed_entries(&site.out("kk/atom.xml"));
    assert_eq!(
        feed["https://example.kz/kk/news/festival/"].0,
        "2025-11-03T00:00:00Z"
    );
}

#[test]
fn a_moment_that_passes_publishes_the_page_on_the_next_build_without_an_edit() {
    // The build's moment is set with QOSTIL_NOW (documented as for tests): the first build
    // is a minute before the article's time, the second a minute after, nothing edited.
    let site = site_with_kk_article_dated("2030-01-01 09:00");
    site.append("site.yaml", "timezone: Asia/Almaty\n");
    let before = [("QOSTIL_NOW", "2030-01-01T08:59:00+05:00")];
    let after = [("QOSTIL_NOW", "2030-01-01T04:01:00Z")];
    let root = site.root().to_str().unwrap().to_string();
    site.run_with(&["build", "--root", &root], &before)
        .assert_success();
    assert_published(&site, false);
    site.run_with(&["build", "--root", &root], &after)
        .assert_success();
    assert_published(&site, true);
    // The same as a clean build at that moment.
    let cached = site.snapshot_public();
    site.run_with(&["build", "--root", &root, "--clean"], &after)
        .assert_success();
    cached.assert_same(&site.snapshot_public(), "a clean build at the same moment");
}

#[test]
fn check_lists_what_is_scheduled_and_what_expires_with_times() {
    let site = site_with_kk_article_dated("2030-01-01 09:00");
    site.append("site.yaml", "timezone: Asia/Almaty\n");
    site.replace(
        "content/ru/news/festival.md",
        "date: 2025-11-03\n",
        "date: 2025-11-03\nexpires: 2031-06-01\n",
    );
    site.replace(
        "content/kk/news/festival.md",
        "date: 2025-11-03\n",
        "date: 2025-11-03\nexpires: 2025-12-01\n",
    );
    // Run from the site folder, as a user types it.
    let run = site.run(&["check"]);
    run.assert_success();
    let text = &run.stdout;
    let lines: Vec<&str> = text.lines().filter(|l| l.starts_with("  20")).collect();
    assert_eq!(
        lines,
        [
            "  2025-12-01 00:00:00 +05:00  expired    content/kk/news/festival.md",
            "  2030-01-01 09:00:00 +05:00  scheduled  content/kk/news/kelesi.md",
            "  2031-06-01 00:00:00 +05:00  expires    content/ru/news/festival.md",
        ],
        "{text}"
    );
    assert!(text.contains("schedule:\n"), "{text}");

    let run = site.run(&["check", "--format", "json", "--future"]);
    run.assert_success();
    let json: serde_json::Value = serde_json::from_str(&run.stdout).expect("JSON");
    let schedule = json["schedule"].as_array().expect("a schedule list");
    assert_eq!(schedule.len(), 3, "{schedule:?}");
    assert_eq!(
        schedule[1],
        serde_json::json!({
            "file": "content/kk/news/kelesi.md",
            "state": "scheduled",
            "at": "2030-01-01T09:00:00+05:00",
            "built": true
        })
    );
    assert_eq!(schedule[0]["state"], "expired");
    assert_eq!(schedule[0]["built"], false);
    assert_eq!(schedule[2]["at"], "2031-06-01T00:00:00+05:00");
    // `--future` checks the scheduled page as part of the site.
    let pages_future = json["summary"]["pages"].as_u64().unwrap();
    let plain: serde_json::Value =
        serde_json::from_str(&site.run(&["check", "--format", "json"]).stdout).unwrap();
    assert_eq!(
        plain["summary"]["pages"].as_u64().unwrap() + 1,
        pages_future
    );
}

#[test]
fn an_unknown_timezone_names_site_yaml_and_the_key_and_writes_nothing() {
    let site = SiteTest::new("basic");
    site.build_ok(&[]);
    let before = site.snapshot_public();
    site.append("site.yaml", "timezone: Asia/Almati\n");
    let line = site.build(&[]).error_with(&["timezone"]);
    assert!(
        line.starts_with("error: site.yaml:16:11: timezone: unknown time zone \"Asia/Almati\""),
        "{line}"
    );
    before.assert_same(&site.snapshot_public(), "after a failed build");
}

#[test]
fn a_bad_expires_is_reported_at_its_line_and_writes_nothing() {
    let site = SiteTest::new("basic");
    site.build_ok(&[]);
    let before = site.snapshot_public();
    site.replace(
        "content/kk/news/festival.md",
        "date: 2025-11-03\n",
        "date: 2025-11-03\nexpires: \"next week\"\n",
    );
    let line = site.build(&[]).error_with(&["expires"]);
    assert_eq!(
        line,
        "error: content/kk/news/festival.md:4:10: expires: expected YYYY-MM-DD, YYYY-MM-DD HH:MM or RFC 3339, found \"next week\""
    );
    before.assert_same(&site.snapshot_public(), "after a failed build");
}

// ---------------------------------------------------------------- serve

/// `qostil serve` started in the site folder (no `--root`); killed when dropped.
struct Served {
    child: Child,
    port: u16,
    lines: Receiver<String>,
}

impl Served {
    fn start(root: &Path) -> Served {
        let mut child = Command::new(BIN)
            .args(["serve", "--port", "0"])
            .current_dir(root)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start qostil serve");
        let (tx, lines) = channel();
        let stdout = child.stdout.take().expect("stdout");
        std::thread::spawn(move || {
            use std::io::BufRead;
            for line in std::io::BufReader::new(stdout)
                .lines()
                .map_while(Result::ok)
            {
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        let port = loop {
            let line = lines
                .recv_timeout(Duration::from_secs(60))
                .expect("serve did not start");
            if let Some(rest) = line.strip_prefix("serving http://127.0.0.1:") {
                break rest.split('/').next().unwrap().parse().unwrap();
            }
        };
        Served { child, port, lines }
    }

    /// The status and body of `GET path`.
    fn get(&self, path: &str) -> (u16, String) {
        let mut stream = TcpStream::connect(("127.0.0.1", self.port)).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(10)))
            .unwrap();
        std::io::Write::write_all(
            &mut stream,
            format!("GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
                .as_bytes(),
        )
        .unwrap();
        let mut raw = Vec::new();
        stream.read_to_end(&mut raw).unwrap();
        let text = String::from_utf8_lossy(&raw).into_owned();
        let status = text.split(' ').nth(1).unwrap_or("0").parse().unwrap_or(0);
        let body = text.split_once("\r\n\r\n").map_or("", |(_, b)| b);
        (status, body.to_string())
    }

    /// Waits for a printed line that contains `needle`.
    fn wait_line(&self, needle: &str, timeout: Duration) -> String {
        let deadline = Instant::now() + timeout;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.lines.recv_timeout(left) {
                Ok(line) if line.contains(needle) => return line,
                Ok(_) => {}
                Err(_) => panic!("serve printed no line with {needle:?}"),
            }
        }
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Adds a page to a running `serve` whose front matter (from `front(moment)`) holds a moment
/// a few seconds ahead, checks that it is `before` (served or not) until then, and that
/// serve — with no further edit — makes it the opposite once the moment passed. A slow
/// machine that takes longer than the lead to apply the new file gets a longer lead.
fn serve_applies_a_moment(published_before: bool, front: impl Fn(&str) -> String) {
    let site = SiteTest::new("basic");
    let server = Served::start(site.root());
    let served = |url: &str| {
        let status = server.get(url).0;
        assert!(status == 200 || status == 404, "{url}: {status}");
        status == 200
    };
    for lead in [4, 8, 16] {
        let moment = from_now(lead);
        let deadline = DateTime::parse_from_rfc3339(&moment).unwrap();
        let name = format!("moment-{lead}");
        site.write(
            &format!("content/kk/news/{name}.md"),
            format!(
                "---\ntitle: \"Сәт {lead}\"\n{}---\n\nМәтін.\n",
                front(&moment)
            ),
        );
        server.wait_line(
            &format!("content/kk/news/{name}.md"),
            Duration::from_secs(60),
        );
        let url = format!("/kk/news/{name}/");
        let before = served(&url);
        let home_before = server.get("/kk/").1.contains(&url);
        if DateTime::<Utc>::from(SystemTime::now()) >= deadline {
            continue;
        }
        assert_eq!(before, published_before, "{url} before its moment");
        assert_eq!(home_before, published_before, "the home before the moment");
        let line = server.wait_line("schedule:", Duration::from_secs(lead as u64 + 30));
        assert!(
            DateTime::<Utc>::from(SystemTime::now()) >= deadline,
            "applied early: {line}"
        );
        assert_eq!(served(&url), !published_before, "{url} after its moment");
        assert_eq!(
            server.get("/kk/").1.contains(&url),
            !published_before,
            "the home"
        );
        assert_eq!(
            server.get("/kk/atom.xml").1.contains(&url),
            !published_before,
            "the feed"
        );
        return;
    }
    panic!("serve never applied the new page before its moment");
}

#[test]
fn serve_publishes_a_scheduled_page_when_its_moment_passes_without_an_edit() {
    serve_applies_a_moment(false, |moment| format!("date: \"{moment}\"\n"));
}

#[test]
fn serve_removes_a_page_when_it_expires_without_an_edit() {
    serve_applies_a_moment(true, |moment| {
        format!("date: 2025-11-01\nexpires: \"{moment}\"\n")
    });
}

#[test]
fn a_bad_build_moment_override_is_an_error_naming_the_variable() {
    let site = SiteTest::new("basic");
    let run = site.run_with(&["build"], &[("QOSTIL_NOW", "tomorrow")]);
    let line = run.error_with(&["QOSTIL_NOW"]);
    assert_eq!(
        line,
        "error: QOSTIL_NOW: expected an RFC 3339 timestamp, found \"tomorrow\""
    );
    site.assert_missing("sitemap.xml");
}
