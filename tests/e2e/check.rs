//! `qostil check`, `check --translations` and `qostil new` on a site with one of each
//! problem (tests/fixtures/check-problems/README.md lists them).

use crate::harness::SiteTest;

fn line<'a>(stdout: &'a str, needle: &str) -> &'a str {
    stdout
        .lines()
        .find(|l| l.contains(needle))
        .unwrap_or_else(|| panic!("no line with {needle:?} in:\n{stdout}"))
}

#[test]
fn reports_each_problem_with_file_line_severity_and_code() {
    let site = SiteTest::new("check-problems");
    let run = site.run(&["check"]);
    run.assert_code(1);
    let out = &run.stdout;
    let expected = [
        "error: content/kk/news/siltemeler.md:8:6: link /kk/news/zhoq-bet/: /kk/news/zhoq-bet/ does not exist in the built site [broken-link]",
        "error: content/kk/news/siltemeler.md:10:6: link /kk/news/suret/#zhoq: /kk/news/suret/ has no anchor #zhoq [broken-link]",
        "error: content/kk/news/suret.md:4:8: image: /img/zhoq.jpg does not exist (put it in static/) [missing-image]",
        "error: content/kk/news/qaytalau-2.md:2:8: title: the same as content/kk/news/qaytalau-1.md in this section [duplicate-title]",
        "warning: content/kk/news/tek-qazaqsha.md: no ru translation",
        "warning: content/kk/news/tek-qazaqsha.md:4:7: tags: «Бір тілде» is used in kk only; no ru page uses it [one-language-term]",
        "warning: content/ru/news/siltemeler.md:4:18: stale translation: content/kk/news/siltemeler.md changed after it",
        "warning: content/kk/news/uzyn.md:1:1: summary: not set, and the first paragraph (282 characters) is longer than the 220 a card shows",
        "warning: content/ru/news/suret.md:4:1: tittle: unknown key that looks like `title`",
    ];
    for e in expected {
        assert!(
            out.lines().any(|l| l.starts_with(e)),
            "missing {e:?} in:\n{out}"
        );
    }
    // The good anchor link (#bolim) is not reported; nothing else is either.
    assert!(!out.contains("#bolim"), "{out}");
    assert_eq!(
        out.lines().last(),
        Some("11 pages, 4 errors, 5 warnings"),
        "{out}"
    );
    assert!(!site.public().exists(), "check writes nothing");
}

#[test]
fn links_produced_by_a_template_are_checked_once_per_template() {
    let site = SiteTest::new("check-problems");
    let theme = site.read("themes/portal/templates/taxonomy.html");
    site.write(
        "templates/taxonomy.html",
        theme.replacen(
            "{% block main %}",
            "{% block main %}<a href=\"/kk/nowhere/\">x</a>",
            1,
        ),
    );
    let run = site.run(&["check"]);
    let out = &run.stdout;
    let broken: Vec<&str> = out.lines().filter(|l| l.contains("/kk/nowhere/")).collect();
    assert_eq!(broken.len(), 1, "{out}");
    assert!(
        broken[0].starts_with("error: templates/taxonomy.html: link /kk/nowhere/ on /"),
        "{out}"
    );
    assert!(broken[0].ends_with("[broken-link]"));
}

#[test]
fn json_report_follows_the_documented_schema() {
    let site = SiteTest::new("check-problems");
    let run = site.run(&["check", "--format", "json"]);
    run.assert_code(1);
    let json: serde_json::Value = serde_json::from_str(&run.stdout).expect("JSON on stdout");
    assert_eq!(json["version"], 1);
    assert_eq!(json["summary"]["pages"], 11);
    assert_eq!(json["summary"]["errors"], 4);
    assert_eq!(json["summary"]["warnings"], 5);
    assert_eq!(json["summary"]["strict"], false);
    let files = json["files"].as_array().unwrap();
    let mut codes = Vec::new();
    for file in files {
        assert!(file["file"].is_string());
        for d in file["diagnostics"].as_array().unwrap() {
            assert!(d["severity"] == "error" || d["severity"] == "warning");
            assert!(d["message"].is_string());
            assert!(d["line"].is_u64() || d["line"].is_null());
            assert!(d["col"].is_u64() || d["col"].is_null());
            codes.push(d["code"].as_str().unwrap().to_string());
        }
    }
    codes.sort();
    codes.dedup();
    assert_eq!(
        codes,
        [
            "broken-link",
            "duplicate-title",
            "long-summary",
            "missing-image",
            "missing-translation",
            "one-language-term",
            "stale-translation",
            "typo"
        ]
    );
    let strict = site.run(&["check", "--format", "json", "--strict"]);
    let json: serde_json::Value = serde_json::from_str(&strict.stdout).unwrap();
    assert_eq!(json["summary"]["errors"], 9);
    assert_eq!(json["summary"]["warnings"], 0);
}

#[test]
fn warnings_fail_only_with_strict() {
    let site = SiteTest::new("check-problems");
    // Remove every error, keep the warnings.
    site.replace(
        "content/kk/news/siltemeler.md",
        "(/kk/news/zhoq-bet/)",
        "(/kk/news/suret/)",
    );
    site.replace(
        "content/kk/news/siltemeler.md",
        "(/kk/news/suret/#zhoq)",
        "(#bolim)",
    );
    site.replace(
        "content/kk/news/suret.md",
        "image: { src: /img/zhoq.jpg, alt: \"Жоқ сурет\" }\n",
        "",
    );
    site.replace(
        "content/kk/news/qaytalau-2.md",
        "Қайталанған тақырып",
        "Басқа тақырып",
    );
    let run = site.run(&["check"]);
    run.assert_success();
    assert!(
        run.stdout.ends_with("11 pages, 0 errors, 5 warnings\n"),
        "{}",
        run.stdout
    );
    let strict = site.run(&["check", "--strict"]);
    strict.assert_code(1);
    assert!(
        strict.stdout.ends_with("11 pages, 5 errors, 0 warnings\n"),
        "{}",
        strict.stdout
    );
    assert!(line(&strict.stdout, "tittle").starts_with("error: "));
}

#[test]
fn build_errors_are_check_errors() {
    let site = SiteTest::new("check-problems");
    site.replace(
        "content/kk/news/suret.md",
        "date: 2025-03-02",
        "date: 2025-13-02",
    );
    let run = site.run(&["check"]);
    run.assert_code(1);
    let l = line(&run.stdout, "suret.md:3:7");
    assert!(
        l.contains("date: expected YYYY-MM-DD, YYYY-MM-DD HH:MM or RFC 3339")
            && l.ends_with("[build]"),
        "{l}"
    );
}

#[test]
fn translation_desk_lists_every_pair_by_section() {
    let site = SiteTest::new("check-problems");
    let run = site.run(&["check", "--translations"]);
    let out = &run.stdout;
    assert!(
        out.starts_with("(pages)\n") || out.starts_with("news\n"),
        "{out}"
    );
    assert!(
        line(out, "tek-qazaqsha.md")
            .trim_start()
            .starts_with("kk only"),
        "{out}"
    );
    assert!(
        line(out, "content/kk/news/siltemeler.md")
            .trim_start()
            .starts_with("stale ru"),
        "{out}"
    );
    let both = line(out, "content/kk/news/suret.md");
    assert!(
        both.trim_start().starts_with("both") && both.contains("content/ru/news/suret.md"),
        "{both}"
    );
}

#[test]
fn new_creates_a_pair_and_never_overwrites() {
    let site = SiteTest::new("check-problems");
    let run = site.run(&["new", "news", "Жаңа мақала", "--title-ru", "Новая статья"]);
    run.assert_success();
    let kk = site.read("content/kk/news/zhana-maqala.md");
    let ru = site.read("content/ru/news/zhana-maqala.md");
    assert!(
        kk.contains("title: Жаңа мақала") && kk.contains("draft: true"),
        "{kk}"
    );
    assert!(
        ru.contains("title: Новая статья") && ru.contains("translated_from: kk"),
        "{ru}"
    );
    let today = kk.lines().find(|l| l.starts_with("date: ")).unwrap();
    assert_eq!(today.len(), "date: 2026-01-01".len(), "{today}");
    // The pair builds (as drafts it is left out) and the draft passes check.
    site.run(&["build", "--drafts"]).assert_success();
    assert!(site
        .out("kk/news/zhana-maqala/index.html")
        .contains("Жаңа мақала"));
    // Again: refused, naming the file, and the Russian file is untouched.
    site.write("content/ru/news/zhana-maqala.md", "keep");
    site.remove("content/kk/news/zhana-maqala.md");
    let again = site.run(&["new", "news", "Жаңа мақала"]);
    again.assert_code(1);
    assert!(
        again
            .stderr
            .contains("content/ru/news/zhana-maqala.md: already exists"),
        "{}",
        again.stderr
    );
    assert!(
        !site.path("content/kk/news/zhana-maqala.md").exists(),
        "nothing half-written"
    );
    assert_eq!(site.read("content/ru/news/zhana-maqala.md"), "keep");
}
