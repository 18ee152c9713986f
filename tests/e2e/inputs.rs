//! Input safety (issue #15, "never lose a user's file"): links out of the site, special files,
//! bad file names, nameless content files, YAML bombs, aliases that would overwrite another
//! output, over-long slugs, characters XML forbids. Each failing case exits 1, names the
//! site-relative file, and leaves the previous output byte for byte as it was.

use crate::harness::SiteTest;

/// A successfully built fixture site.
fn built_site() -> SiteTest {
    let site = SiteTest::new("basic");
    site.build_ok(&[]);
    site
}

/// Breaks the built `site` with `break_it`, builds again, checks that the build failed
/// without touching public/ and returns the error lines.
fn failing_build(site: &SiteTest, break_it: impl FnOnce(&SiteTest)) -> Vec<String> {
    let before = site.snapshot_public();
    break_it(site);
    let errors = site.build(&[]).site_errors();
    site.snapshot_public()
        .assert_same(&before, "public/ before and after a failed build");
    assert_eq!(site.stray_staging_dirs(), Vec::<String>::new());
    errors
}

/// The one error line that starts with `error: <prefix>`.
fn error_starting(errors: &[String], prefix: &str) -> String {
    let wanted = format!("error: {prefix}");
    errors
        .iter()
        .find(|l| l.starts_with(&wanted))
        .cloned()
        .unwrap_or_else(|| panic!("no error starts with {wanted:?}:\n{}", errors.join("\n")))
}

#[cfg(unix)]
#[test]
fn a_symlink_out_of_the_site_is_an_error_naming_the_link() {
    let site = built_site();
    let outside = site.scratch("outside");
    std::fs::create_dir_all(&outside).unwrap();
    std::fs::write(outside.join("secret.css"), "body{}").unwrap();
    let errors = failing_build(&site, |s| {
        std::fs::create_dir_all(s.path("static")).unwrap();
        std::os::unix::fs::symlink(outside.join("secret.css"), s.path("static/secret.css"))
            .unwrap();
    });
    let line = error_starting(&errors, "static/secret.css: a symbolic link to");
    assert!(line.contains("outside the site"), "{line}");
    assert_eq!(errors.len(), 1, "{errors:?}");
}

#[cfg(unix)]
#[test]
fn a_symlink_inside_the_site_is_followed() {
    let site = SiteTest::new("basic");
    site.write("static/real.css", "body{}");
    std::os::unix::fs::symlink("real.css", site.path("static/alias.css")).unwrap();
    site.build_ok(&[]);
    assert_eq!(site.out(&site.asset("alias.css")), "body{}");
}

#[cfg(target_os = "linux")]
#[test]
fn a_fifo_is_skipped_with_a_warning() {
    let site = SiteTest::new("basic");
    let fifo = site.path("content/kk/news/pipe.md");
    let status = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .expect("run mkfifo");
    assert!(status.success());
    let run = site.build_ok(&[]);
    assert!(
        run.stderr
            .contains("warning: content/kk/news/pipe.md: not a regular file (a FIFO); skipped"),
        "{}",
        run.stderr
    );
    let check = site.run(&["check"]);
    assert!(
        check.stdout.contains("content/kk/news/pipe.md"),
        "check must report the FIFO too:\n{}",
        check.stdout
    );
}

#[cfg(unix)]
#[test]
fn a_file_name_that_is_not_utf8_is_an_error() {
    use std::os::unix::ffi::OsStrExt;
    let site = built_site();
    let errors = failing_build(&site, |s| {
        let name = std::ffi::OsStr::from_bytes(b"caf\xe9.md");
        std::fs::write(
            s.path("content/kk/news").join(name),
            "---\ntitle: X\ndate: 2025-01-01\n---\n",
        )
        .unwrap();
    });
    let line = error_starting(&errors, "content/kk/news/caf\\xE9.md: ");
    assert!(line.contains("not valid UTF-8"), "{line}");
}

#[cfg(unix)]
#[test]
fn a_file_name_with_a_backslash_is_an_error() {
    let site = built_site();
    let errors = failing_build(&site, |s| {
        s.write("static/a\\b.css", "x");
    });
    let line = error_starting(&errors, "static/a\\b.css: ");
    assert!(line.contains("backslash"), "{line}");
}

#[test]
fn a_content_file_named_just_md_is_reported() {
    let site = built_site();
    let errors = failing_build(&site, |s| {
        s.write(
            "content/ru/news/.md",
            "---\ntitle: Без имени\ndate: 2025-01-01\n---\n",
        );
    });
    error_starting(&errors, "content/ru/news/.md: ");
    let check = site.run(&["check"]);
    check.assert_code(1);
    assert!(
        check.stdout.contains("content/ru/news/.md"),
        "{}",
        check.stdout
    );
}

/// About 24 KB of YAML that would expand to ten million values.
fn alias_bomb(key: &str) -> String {
    let items = vec!["x"; 10_000].join(",");
    let aliases = vec!["*a"; 1000].join(",");
    format!("bomb_anchor: &a [{items}]\n{key}: [{aliases}]\n")
}

#[test]
fn an_alias_bomb_in_front_matter_fails_fast_naming_file_and_line() {
    let site = built_site();
    let started = std::time::Instant::now();
    let errors = failing_build(&site, |s| {
        s.write(
            "content/kk/news/bomb.md",
            format!(
                "---\ntitle: Бомба\ndate: 2025-01-01\n{}---\n\nМәтін.\n",
                alias_bomb("extra")
            ),
        );
    });
    assert!(started.elapsed().as_secs() < 60, "{:?}", started.elapsed());
    let line = error_starting(&errors, "content/kk/news/bomb.md:5:");
    assert!(
        line.contains("too large once its aliases are expanded"),
        "{line}"
    );
}

#[test]
fn an_alias_bomb_in_site_yaml_or_ui_strings_is_an_error() {
    let site = built_site();
    let lines = site.read("site.yaml").lines().count();
    let errors = failing_build(&site, |s| {
        s.append("site.yaml", &alias_bomb("bomb"));
    });
    let line = error_starting(&errors, &format!("site.yaml:{}:", lines + 2));
    assert!(line.contains("too large"), "{line}");

    let site = built_site();
    let lines = site.read("themes/portal/i18n/kk.yaml").lines().count();
    let errors = failing_build(&site, |s| {
        s.append("themes/portal/i18n/kk.yaml", &alias_bomb("bomb"));
    });
    let line = error_starting(
        &errors,
        &format!("themes/portal/i18n/kk.yaml:{}:", lines + 2),
    );
    assert!(line.contains("too large"), "{line}");
}

/// Adds `aliases: [<alias>]` to the kk festival article.
fn with_alias(site: &SiteTest, alias: &str) {
    site.replace(
        "content/kk/news/festival.md",
        "date: 2025-11-03",
        &format!("date: 2025-11-03\naliases: [\"{alias}\"]"),
    );
}

#[test]
fn an_alias_may_not_name_an_existing_output_in_any_spelling() {
    let site = built_site();
    for alias in [
        "/index.html",
        "/kk/news/festival/index.html",
        "//kk//news/festival/",
        "/kk/news/%66estival/",
        "/kk/atom.xml",
        "/robots.txt",
        "/favicon.svg",
        "/ru/",
    ] {
        let before = site.read("content/kk/news/festival.md");
        let errors = failing_build(&site, |s| with_alias(s, alias));
        let line = error_starting(&errors, "content/kk/news/festival.md:4:10:");
        assert!(
            line.contains(&format!("aliases: `{alias}` names an existing output")),
            "{alias}: {line}"
        );
        assert_eq!(errors.len(), 1, "{alias}: {errors:?}");
        site.write("content/kk/news/festival.md", before);
    }
}

#[test]
fn an_alias_may_not_go_into_the_search_folder() {
    let site = built_site();
    let errors = failing_build(&site, |s| with_alias(s, "/kk/search/old/"));
    let line = error_starting(&errors, "content/kk/news/festival.md:4:10:");
    assert!(line.contains("search index"), "{line}");
}

#[test]
fn a_new_alias_still_redirects() {
    let site = SiteTest::new("basic");
    with_alias(&site, "/kk/old/festival.html");
    site.build_ok(&[]);
    site.html("kk/old/festival.html")
        .assert_has("/kk/news/festival/");
}

#[test]
fn a_static_file_in_the_way_of_an_output_is_an_error() {
    let site = built_site();
    let errors = failing_build(&site, |s| {
        s.write("static/kk/atom.xml", "<feed/>");
    });
    let line = error_starting(&errors, "static/kk/atom.xml: ");
    assert!(line.contains("/kk/atom.xml"), "{line}");
}

#[test]
fn a_300_character_slug_is_an_error_naming_the_file_and_field() {
    let site = built_site();
    let slug = "a".repeat(300);
    let errors = failing_build(&site, |s| {
        s.write(
            "content/kk/news/long.md",
            format!("---\ntitle: Ұзын\ndate: 2025-01-01\nslug: {slug}\n---\n"),
        );
    });
    let line = error_starting(&errors, "content/kk/news/long.md:4:7: slug: ");
    assert!(line.contains("300 bytes"), "{line}");
}

#[test]
fn an_over_long_term_or_alias_segment_is_an_error() {
    let site = built_site();
    let (term, alias) = ("c".repeat(300), "b".repeat(300));
    let errors = failing_build(&site, |s| {
        s.write(
            "content/kk/news/term.md",
            format!("---\ntitle: Термин\ndate: 2025-01-01\ntags: [{term}]\naliases: [/old/{alias}/]\n---\n"),
        );
    });
    let line = error_starting(&errors, "content/kk/news/term.md:5:");
    assert!(line.contains("aliases: makes the URL segment"), "{line}");
    assert!(
        errors
            .iter()
            .any(|l| l.contains("tags (a term)") && l.contains("300 bytes")),
        "{errors:?}"
    );
}

#[test]
fn characters_xml_forbids_are_dropped_with_a_warning() {
    let site = SiteTest::new("basic");
    site.write(
        "content/kk/news/control.md",
        "---\ntitle: \"Бас\u{0}тақырып\u{1}\"\ndate: 2025-01-01\nsummary: \"Қысқа\\0 мәтін\"\n---\n\nМәтін\u{B} \u{FFFE}ішінде\u{0}.\n",
    );
    let run = site.build_ok(&[]);
    let page = site.out("/kk/news/control/");
    assert!(
        page.contains("Бастақырып"),
        "the title loses only the controls"
    );
    for c in ['\u{0}', '\u{1}', '\u{B}', '\u{FFFE}'] {
        assert!(!page.contains(c), "{c:?} reached the page");
    }
    let feed = site.out("kk/atom.xml");
    roxmltree::Document::parse(&feed).unwrap_or_else(|e| panic!("atom.xml: {e}\n{feed}"));
    assert!(feed.contains("Бастақырып"), "{feed}");
    assert!(!run.stdout.is_empty());

    let check = site.run(&["check"]);
    assert!(
        check.stdout.contains("content/kk/news/control.md")
            && check.stdout.contains("removed 5 control characters")
            && check
                .stdout
                .contains("summary: removed 1 escaped control character that"),
        "{}",
        check.stdout
    );
}

#[test]
fn import_skips_documents_it_cannot_name_and_caps_titles() {
    let site = SiteTest::new("basic");
    site.write(
        "raw/a-front-matter.txt",
        "---\ntitle: Бар\n---\nПривет, это текст.\n",
    );
    site.write("raw/b-stars.txt", "★★★\nПривет всем, это текст новости.\n");
    site.write(
        "raw/c-long.txt",
        format!("{}\nВторой абзац.\n", "слово".repeat(200_000)),
    );
    let before = crate::harness::Snapshot::of(&site.path("content"));
    let run = site.run(&["import", "raw"]);
    run.assert_code(1);
    assert!(
        run.stderr.contains("raw/a-front-matter.txt") && run.stderr.contains("`---`"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("raw/b-stars.txt") && run.stderr.contains("gives no slug"),
        "{}",
        run.stderr
    );
    let after = crate::harness::Snapshot::of(&site.path("content"));
    let added: Vec<&str> = after
        .files()
        .into_iter()
        .filter(|f| !before.0.contains_key(*f))
        .collect();
    assert_eq!(added.len(), 1, "{added:?}");
    assert!(!added[0].ends_with("/.md"), "{added:?}");
    let written = site.read(&format!("content/{}", added[0]));
    let title = written
        .lines()
        .find_map(|l| l.strip_prefix("title: "))
        .unwrap_or_else(|| panic!("no title:\n{}", &written[..300]));
    assert!(title.chars().count() <= 202, "{}", title.len());
}
