//! Error paths. Each test first builds the fixture successfully, then breaks one thing and
//! builds again: the build must exit 1, name the site-relative file (with `line:col` where
//! known) on stderr, and leave the previous public/ byte for byte as it was.

use crate::harness::SiteTest;

/// A successfully built fixture site.
fn built_site() -> SiteTest {
    let site = SiteTest::new("basic");
    site.build_ok(&[]);
    site
}

/// Builds `site` (already built once) after `break_it`, checks the failure contract and
/// returns the stderr error lines.
fn failing_build(site: &SiteTest, break_it: impl FnOnce(&SiteTest)) -> (Vec<String>, String) {
    let before = site.snapshot_public();
    assert!(!before.is_empty(), "the site must have been built first");
    break_it(site);
    let run = site.build(&[]);
    let errors = run.site_errors();
    assert!(
        !run.stdout.contains("built"),
        "a failed build must not report success: {}",
        run.stdout
    );
    site.snapshot_public()
        .assert_same(&before, "public/ before and after a failed build");
    assert_eq!(
        site.stray_staging_dirs(),
        Vec::<String>::new(),
        "a failed build must not leave staging folders behind"
    );
    (errors, run.stderr)
}

/// One error line starting with `error: <prefix>` (e.g. `content/kk/news/x.md:3:7: `).
fn line_starting(errors: &[String], prefix: &str) -> String {
    let wanted = format!("error: {prefix}");
    errors
        .iter()
        .find(|l| l.starts_with(&wanted))
        .cloned()
        .unwrap_or_else(|| {
            panic!(
                "no error line starts with {wanted:?}:\n{}",
                errors.join("\n")
            )
        })
}

/// Asserts `line` is `error: <file>:<line>:<col>: …` and returns (line, col).
fn position(line: &str, file: &str) -> (usize, usize) {
    let rest = line
        .strip_prefix(&format!("error: {file}:"))
        .unwrap_or_else(|| panic!("{line:?} does not name {file}"));
    let mut parts = rest.splitn(3, ':');
    let l = parts.next().and_then(|s| s.parse().ok());
    let c = parts.next().and_then(|s| s.parse().ok());
    match (l, c) {
        (Some(l), Some(c)) => (l, c),
        _ => panic!("{line:?} has no :line:col after {file}"),
    }
}

#[test]
fn malformed_front_matter_yaml() {
    let site = built_site();
    let (errors, _) = failing_build(&site, |s| {
        s.write(
            "content/kk/news/bad.md",
            "---\ntitle: Жаман\ntags: [a, b\ndate: 2025-01-01\n---\n\nМәтін.\n",
        );
    });
    let line = line_starting(&errors, "content/kk/news/bad.md:");
    let (l, _) = position(&line, "content/kk/news/bad.md");
    assert!(
        (3..=5).contains(&l),
        "the YAML error is on lines 3-5 of the file: {line}"
    );
    assert_eq!(errors.len(), 1, "{errors:?}");
}

#[test]
fn unclosed_front_matter() {
    let site = built_site();
    let (errors, _) = failing_build(&site, |s| {
        s.write(
            "content/ru/news/open.md",
            "---\ntitle: Открыто\ndate: 2025-01-01\n\nТекст.\n",
        );
    });
    line_starting(&errors, "content/ru/news/open.md");
}

#[test]
fn missing_title() {
    let site = built_site();
    let (errors, _) = failing_build(&site, |s| {
        s.write(
            "content/kk/news/x.md",
            "---\ndate: 2025-01-01\n---\n\nМәтін.\n",
        );
    });
    let line = line_starting(&errors, "content/kk/news/x.md");
    assert!(line.contains("title"), "{line}");
}

#[test]
fn empty_title() {
    let site = built_site();
    let (errors, _) = failing_build(&site, |s| {
        s.write("content/ru/about.md", "---\ntitle: \"  \"\n---\n\nТекст.\n");
    });
    let line = line_starting(&errors, "content/ru/about.md:2:");
    assert!(line.contains("title"), "{line}");
}

#[test]
fn impossible_date() {
    let site = built_site();
    let (errors, _) = failing_build(&site, |s| {
        s.write(
            "content/kk/news/x.md",
            "---\ntitle: X\ndate: 2025-13-01\n---\n\nМәтін.\n",
        );
    });
    assert_eq!(
        errors,
        ["error: content/kk/news/x.md:3:7: date: expected YYYY-MM-DD, YYYY-MM-DD HH:MM or RFC 3339, found \"2025-13-01\""]
    );
}

#[test]
fn missing_date_in_a_dated_section() {
    let site = built_site();
    let (errors, _) = failing_build(&site, |s| {
        s.write(
            "content/ru/news/undated.md",
            "---\ntitle: Без даты\n---\n\nТекст.\n",
        );
    });
    let line = line_starting(&errors, "content/ru/news/undated.md");
    assert!(line.contains("date"), "{line}");
}

#[test]
fn unknown_site_yaml_key() {
    let site = built_site();
    let line_no = site.read("site.yaml").lines().count() + 1;
    let (errors, _) = failing_build(&site, |s| {
        s.append("site.yaml", "paginte_by: 5\n");
    });
    let line = line_starting(&errors, &format!("site.yaml:{line_no}:"));
    assert!(line.contains("paginte_by"), "{line}");
}

#[test]
fn duplicate_url_names_both_files() {
    let site = built_site();
    let (errors, _) = failing_build(&site, |s| {
        s.write(
            "content/kk/news/festival-copy.md",
            "---\ntitle: Көшірме\nslug: festival\ndate: 2025-01-01\n---\n\nМәтін.\n",
        );
    });
    let line = errors
        .iter()
        .find(|l| l.contains("/kk/news/festival/"))
        .unwrap_or_else(|| panic!("no duplicate-URL error:\n{}", errors.join("\n")));
    assert!(line.contains("content/kk/news/festival.md"), "{line}");
    assert!(line.contains("content/kk/news/festival-copy.md"), "{line}");
}

#[test]
fn template_syntax_error_names_the_template_and_line() {
    let site = built_site();
    let (errors, _) = failing_build(&site, |s| {
        s.write(
            "templates/page.html",
            "{% extends \"base.html\" %}\n{% block main %}\n<h1>{{ page.title </h1>\n{% endblock main %}\n",
        );
    });
    let line = line_starting(&errors, "templates/page.html:");
    let (l, _) = position(&line, "templates/page.html");
    assert_eq!(l, 3, "{line}");
}

#[test]
fn theme_template_syntax_error() {
    let site = built_site();
    let (errors, _) = failing_build(&site, |s| {
        s.replace(
            "themes/portal/templates/section.html",
            "{% block main %}",
            "{% block main %}{% if %}",
        );
    });
    let line = line_starting(&errors, "themes/portal/templates/section.html:");
    position(&line, "themes/portal/templates/section.html");
}

#[test]
fn missing_template() {
    let site = built_site();
    let (errors, _) = failing_build(&site, |s| {
        s.remove("themes/portal/templates/term.html");
    });
    assert!(
        errors.iter().any(|l| l.contains("term.html")),
        "no error names term.html:\n{}",
        errors.join("\n")
    );
}

#[test]
fn missing_ui_string_names_key_and_language() {
    let site = built_site();
    let (errors, _) = failing_build(&site, |s| {
        s.write(
            "templates/page.html",
            "{% extends \"base.html\" %}\n{% block main %}<p>{{ t(key=\"nope\") }}</p>{% endblock main %}\n",
        );
    });
    for (lang, file) in [("kk", "i18n/kk.yaml"), ("ru", "i18n/ru.yaml")] {
        let line = errors
            .iter()
            .find(|l| l.contains("`nope`") && l.contains(&format!("language {lang}")))
            .unwrap_or_else(|| panic!("no error for `nope` in {lang}:\n{}", errors.join("\n")));
        assert!(line.starts_with("error: templates/page.html"), "{line}");
        assert!(line.contains(file), "{line}");
    }
}

#[test]
fn ui_string_missing_from_one_language_file() {
    let site = built_site();
    let (errors, _) = failing_build(&site, |s| {
        s.replace(
            "themes/portal/i18n/ru.yaml",
            "read_more: \"Читать далее\"\n",
            "",
        );
    });
    let line = line_starting(&errors, "themes/portal/i18n/ru.yaml");
    assert!(line.contains("read_more"), "{line}");
}

#[test]
fn non_utf8_content_file() {
    let site = built_site();
    let (errors, _) = failing_build(&site, |s| {
        let mut bytes = b"---\ntitle: X\ndate: 2025-01-01\n---\n\nbad ".to_vec();
        bytes.extend_from_slice(&[0xff, 0xfe]);
        bytes.extend_from_slice(b" bytes\n");
        s.write("content/kk/news/latin1.md", bytes);
    });
    let line = line_starting(&errors, "content/kk/news/latin1.md");
    assert!(line.contains("UTF-8"), "{line}");
    assert_eq!(position(&line, "content/kk/news/latin1.md").0, 6, "{line}");
}

#[cfg(unix)]
#[test]
fn unreadable_content_file() {
    use std::os::unix::fs::{symlink, PermissionsExt};

    // A symlink to itself cannot be read by anyone, root included.
    let site = built_site();
    let (errors, _) = failing_build(&site, |s| {
        symlink("loop.md", s.path("content/kk/news/loop.md")).unwrap();
    });
    line_starting(&errors, "content/kk/news/loop.md");

    // A mode-000 file blocks reading only when not running as root.
    if crate::harness::can_read_mode_000(site.root()) {
        eprintln!("skipping the chmod 000 part: this user can read mode-000 files (root)");
        return;
    }
    let site = built_site();
    let path = site.path("content/ru/news/secret.md");
    let (errors, _) = failing_build(&site, |s| {
        s.write(
            "content/ru/news/secret.md",
            "---\ntitle: Секрет\ndate: 2025-01-01\n---\n\nТекст.\n",
        );
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o000)).unwrap();
    });
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
    line_starting(&errors, "content/ru/news/secret.md");
}

#[test]
fn every_error_is_reported() {
    let site = built_site();
    let (errors, stderr) = failing_build(&site, |s| {
        s.write(
            "content/kk/news/x.md",
            "---\ntitle: X\ndate: 2025-13-01\n---\n\nМәтін.\n",
        );
        s.write(
            "content/ru/news/y.md",
            "---\ndate: 2025-01-01\n---\n\nТекст.\n",
        );
    });
    line_starting(&errors, "content/kk/news/x.md:3:7:");
    line_starting(&errors, "content/ru/news/y.md");
    assert_eq!(errors.len(), 2, "{stderr}");
    assert!(
        stderr.lines().last().unwrap().starts_with("2 errors"),
        "{stderr}"
    );
}

#[test]
fn several_errors_in_one_file_are_all_reported() {
    let site = built_site();
    let (errors, _) = failing_build(&site, |s| {
        s.write(
            "content/kk/news/x.md",
            "---\ntitle: X\ndate: 2025-13-01\nweight: heavy\nimage: { src: a.png }\n---\n\nМәтін.\n",
        );
    });
    line_starting(&errors, "content/kk/news/x.md:3:7: date");
    line_starting(&errors, "content/kk/news/x.md:4:9: weight");
    line_starting(&errors, "content/kk/news/x.md:5:");
}

#[test]
fn failed_first_build_creates_no_output() {
    let site = SiteTest::new("basic");
    site.write(
        "content/kk/news/x.md",
        "---\ntitle: X\ndate: 2025-13-01\n---\n",
    );
    site.build(&[]).site_errors();
    assert!(
        !site.public().exists(),
        "public/ must not exist after a failed first build"
    );
    assert_eq!(site.stray_staging_dirs(), Vec::<String>::new());
}

#[test]
fn missing_site_yaml() {
    let site = SiteTest::new("basic");
    site.remove("site.yaml");
    let errors = site.build(&[]).site_errors();
    line_starting(&errors, "site.yaml");
    assert!(!site.public().exists());
}

#[test]
fn unknown_theme() {
    let site = built_site();
    let (errors, _) = failing_build(&site, |s| {
        s.replace("site.yaml", "theme: portal", "theme: nosuch");
    });
    assert!(
        errors
            .iter()
            .any(|l| l.contains("site.yaml") && l.contains("nosuch")),
        "{}",
        errors.join("\n")
    );
}

#[test]
fn errors_name_site_relative_files_whatever_the_root_argument() {
    let site = SiteTest::new("basic");
    site.write(
        "content/kk/news/x.md",
        "---\ntitle: X\ndate: 2025-13-01\n---\n",
    );
    // From the folder above the site, with a relative --root.
    let run = site.run_in(&site.scratch(""), &["build", "--root", "site"], &[]);
    let errors = run.site_errors();
    line_starting(&errors, "content/kk/news/x.md:3:7: date");
    // And from inside the site with the default root.
    let errors = site.run(&["build"]).site_errors();
    line_starting(&errors, "content/kk/news/x.md:3:7: date");
}

#[test]
fn alias_outside_the_output_folder_is_an_error() {
    let site = built_site();
    let (errors, _) = failing_build(&site, |s| {
        s.replace(
            "content/kk/news/festival.md",
            "date: 2025-11-03",
            "date: 2025-11-03\naliases: [\"../escaped.html\"]",
        );
    });
    let line = line_starting(&errors, "content/kk/news/festival.md");
    assert!(line.contains("aliases"), "{line}");
    assert!(
        !site.path("escaped.html").exists(),
        "the alias was written into the site root"
    );
}

#[test]
fn content_and_template_errors_are_reported_together() {
    let site = built_site();
    let (errors, _) = failing_build(&site, |s| {
        s.write(
            "content/kk/news/x.md",
            "---\ntitle: X\ndate: 2025-13-01\n---\n",
        );
        s.write(
            "templates/page.html",
            "{% extends \"base.html\" %}\n{% block main %}\n<h1>{{ page.title </h1>\n{% endblock main %}\n",
        );
    });
    line_starting(&errors, "content/kk/news/x.md:3:7:");
    line_starting(&errors, "templates/page.html:3:");
}

#[test]
fn every_site_yaml_error_is_reported() {
    let site = built_site();
    let first = site.read("site.yaml").lines().count() + 1;
    let (errors, _) = failing_build(&site, |s| {
        s.append("site.yaml", "bogus: 1\npaginte_by: 3\n");
        s.replace("site.yaml", "default_language: kk", "default_language: en");
    });
    line_starting(&errors, &format!("site.yaml:{first}:"));
    line_starting(&errors, &format!("site.yaml:{}:", first + 1));
    assert!(
        errors.iter().any(|l| l.contains("default_language")),
        "{}",
        errors.join("\n")
    );
}
