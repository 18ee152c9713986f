//! Sections paired by `translation_key`, `@/` links to content files, `build --strict` and
//! `check --drafts`.

use crate::harness::SiteTest;

const BASE: &str = "https://example.kz";

fn pair(a: &str, b: &str) -> (String, String) {
    (a.to_string(), b.to_string())
}

/// Builds `site` (already built once) after `break_it` with `args`: exit 1, every error line
/// returned, and public/ exactly as it was.
fn failing_build(site: &SiteTest, args: &[&str], break_it: impl FnOnce(&SiteTest)) -> Vec<String> {
    let before = site.snapshot_public();
    assert!(!before.is_empty(), "the site must have been built first");
    break_it(site);
    let run = site.build(args);
    let errors = run.site_errors();
    assert!(!run.stdout.contains("built"), "{}", run.stdout);
    site.snapshot_public()
        .assert_same(&before, "public/ before and after a failed build");
    assert!(site.stray_staging_dirs().is_empty());
    errors
}

/// The line containing `needle`, panicking with all of `lines` when there is none.
fn line_with<'a>(lines: impl IntoIterator<Item = &'a str>, needle: &str) -> &'a str {
    let lines: Vec<&str> = lines.into_iter().collect();
    lines
        .iter()
        .find(|l| l.contains(needle))
        .copied()
        .unwrap_or_else(|| panic!("no line with {needle:?} in:\n{}", lines.join("\n")))
}

// ---------------------------------------------------------------- sections paired by key

const KK_SECTION: &str =
    "---\ntitle: \"Мақалалар\"\ntranslation_key: articles\n---\nТалдау мақалалары.\n";
const RU_SECTION: &str =
    "---\ntitle: \"Статьи\"\ntranslation_key: articles\n---\nАналитические статьи.\n";

/// The basic fixture with `/kk/maqalalar/` and `/ru/stati/`, one section by
/// `translation_key`: a pair of articles paired by their own key, and one article in each
/// language without a counterpart.
fn site_with_paired_sections() -> SiteTest {
    let site = SiteTest::new("basic");
    site.write("content/kk/maqalalar/_index.md", KK_SECTION);
    site.write("content/ru/stati/_index.md", RU_SECTION);
    site.write(
        "content/kk/maqalalar/ekinshi.md",
        "---\ntitle: \"Екінші мақала\"\ndate: 2025-05-02\ntranslation_key: second\n---\nМәтін.\n",
    );
    site.write(
        "content/ru/stati/vtoraya.md",
        "---\ntitle: \"Вторая статья\"\ndate: 2025-05-02\ntranslation_key: second\n---\nТекст.\n",
    );
    site.write(
        "content/kk/maqalalar/birinshi.md",
        "---\ntitle: \"Бірінші мақала\"\ndate: 2025-05-01\n---\nМәтін.\n",
    );
    site
}

#[test]
fn sections_pair_by_translation_key() {
    let site = site_with_paired_sections();
    // As a user types it: in the site folder, no --root.
    site.run(&["build"]).assert_success();
    let kk = site.html("/kk/maqalalar/");
    assert_eq!(
        kk.hreflangs(),
        [
            pair("kk", &format!("{BASE}/kk/maqalalar/")),
            pair("ru", &format!("{BASE}/ru/stati/")),
            pair("x-default", &format!("{BASE}/kk/maqalalar/")),
        ]
    );
    assert_eq!(
        kk.switcher(),
        [("ru".to_string(), "/ru/stati/".to_string(), false)]
    );
    let ru = site.html("/ru/stati/");
    assert_eq!(ru.hreflang("kk"), Some(format!("{BASE}/kk/maqalalar/")));
    assert_eq!(
        ru.switcher(),
        [("kk".to_string(), "/kk/maqalalar/".to_string(), false)]
    );
    // Pages inside keep their own pairing; one without a counterpart leads to the paired
    // section, not to the home.
    assert_eq!(
        site.html("/kk/maqalalar/ekinshi/").hreflang("ru"),
        Some(format!("{BASE}/ru/stati/vtoraya/"))
    );
    assert_eq!(
        site.html("/kk/maqalalar/birinshi/").switcher(),
        [("ru".to_string(), "/ru/stati/".to_string(), true)]
    );
    let sitemap = site.out("sitemap.xml");
    let entry = sitemap
        .split("<url>")
        .find(|u| u.contains(&format!("<loc>{BASE}/kk/maqalalar/</loc>")))
        .unwrap_or_else(|| panic!("no /kk/maqalalar/ in the sitemap:\n{sitemap}"));
    assert!(
        entry.contains(&format!(
            "<xhtml:link rel=\"alternate\" hreflang=\"ru\" href=\"{BASE}/ru/stati/\"/>"
        )),
        "{entry}"
    );
}

#[test]
fn a_section_without_a_key_still_pairs_by_folder() {
    let site = site_with_paired_sections();
    site.write(
        "content/ru/maqalalar/bir.md",
        "---\ntitle: \"Одна\"\ndate: 2025-05-03\n---\nТекст.\n",
    );
    site.build_ok(&[]);
    // `ru/maqalalar/` has no key: the kk folder of that name is paired with `ru/stati/` by
    // its key, so `ru/maqalalar/` has no counterpart and leads to the kk home.
    assert_eq!(
        site.html("/ru/maqalalar/").switcher(),
        [("kk".to_string(), "/kk/".to_string(), true)]
    );
    assert_eq!(
        site.html("/ru/news/").switcher(),
        [("kk".to_string(), "/kk/news/".to_string(), false)]
    );
}

#[test]
fn an_unknown_key_in_a_section_index_is_an_error_at_its_line() {
    let site = SiteTest::new("basic");
    site.build_ok(&[]);
    let errors = failing_build(&site, &[], |s| {
        s.replace(
            "content/kk/news/_index.md",
            "weight: 1",
            "weight: 1\ntranslaton_key: news\ndate: 2025-01-01",
        );
    });
    let typo = line_with(errors.iter().map(String::as_str), "translaton_key");
    assert!(
        typo.starts_with("error: content/kk/news/_index.md:5:1: translaton_key: unknown key in a section's _index.md (did you mean `translation_key`?)"),
        "{typo}"
    );
    let date = line_with(errors.iter().map(String::as_str), "date:");
    assert!(
        date.starts_with("error: content/kk/news/_index.md:6:1: date: unknown key"),
        "{date}"
    );
}

#[test]
fn two_sections_of_one_language_with_one_key_name_both_files() {
    let site = site_with_paired_sections();
    site.build_ok(&[]);
    let errors = failing_build(&site, &[], |s| {
        s.write("content/ru/obzory/_index.md", RU_SECTION);
        s.write(
            "content/ru/obzory/odin.md",
            "---\ntitle: \"Один\"\ndate: 2025-05-04\n---\nТекст.\n",
        );
    });
    let both = line_with(errors.iter().map(String::as_str), "translation_key");
    assert!(
        both.starts_with("error: content/ru/stati/_index.md:3:18: translation_key: `articles` is also the key of content/ru/obzory/_index.md in the same language"),
        "{both}"
    );
}

// ---------------------------------------------------------------- @/ links

/// The kk festival article with `@/` links to a page with a slug, an anchor, a section, the
/// home and a standalone page, and the same in code (left alone).
const KK_LINKS: &str =
    "\n[Чемпионат](@/news/chempionat.md) · [шолу](@/news/obzor.md#negizgi-bagyttar) · \
[бөлім](@/news/_index.md) · [басты бет](@/_index.md) · [жоба](@/about.md)\n\n\
`[код](@/news/zhoq.md)`\n\n```\n[блок](@/zhoq.md)\n```\n";

const RU_LINKS: &str =
    "\n[Ярмарка](<@/news/Ярмарка вакансий.md>) · [форум](@/news/molodezhnyy-forum.md)\n";

#[test]
fn content_links_become_urls_in_the_pages_language() {
    let site = SiteTest::new("basic");
    site.append("content/kk/news/festival.md", KK_LINKS);
    site.append("content/ru/news/festival.md", RU_LINKS);
    site.append(
        "content/kk/news/_index.md",
        "\n[Шолу](@/news/obzor.md#negizgi-bagyttar)\n",
    );
    site.run(&["build"]).assert_success();
    // A section's own text links the same way.
    let section = site.html("/kk/news/").links();
    assert!(
        section.contains(&"/kk/news/obzor/#negizgi-bagyttar".to_string()),
        "{section:?}"
    );
    let kk = site.html("/kk/news/festival/").links();
    for url in [
        "/kk/news/kasibi-sheberlik-chempionaty/",
        "/kk/news/obzor/#negizgi-bagyttar",
        "/kk/news/",
        "/kk/",
        "/kk/about/",
    ] {
        assert!(kk.iter().any(|l| l == url), "no link to {url} in {kk:?}");
    }
    let page = site.out("/kk/news/festival/");
    assert!(
        page.contains("<code>[код](@/news/zhoq.md)</code>"),
        "{page}"
    );
    assert!(page.contains("[блок](@/zhoq.md)"), "{page}");
    let ru = site.html("/ru/news/festival/").links();
    for url in ["/ru/news/yarmarka-vakansiy/", "/ru/news/molodezhnyy-forum/"] {
        assert!(ru.iter().any(|l| l == url), "no link to {url} in {ru:?}");
    }
    // The feed carries the body with absolute links.
    let feed = site.out("kk/atom.xml");
    assert!(
        feed.contains(&format!(
            "href=&quot;{BASE}/kk/news/kasibi-sheberlik-chempionaty/&quot;"
        )),
        "{feed}"
    );
}

#[test]
fn a_link_to_a_missing_file_fails_the_build_at_its_line() {
    let site = SiteTest::new("basic");
    site.build_ok(&[]);
    let errors = failing_build(&site, &[], |s| {
        // Lines 16 and 18 of the file.
        s.append(
            "content/kk/news/festival.md",
            "\nҚараңыз: [жоқ](@/news/zhoq.md#bolim).\n\n[екінші](@/zhoq-2.md)\n",
        );
    });
    assert_eq!(errors.len(), 2, "{errors:?}");
    assert_eq!(
        errors[0],
        "error: content/kk/news/festival.md:16:10: link @/news/zhoq.md: content/kk/news/zhoq.md does not exist"
    );
    assert_eq!(
        errors[1],
        "error: content/kk/news/festival.md:18:1: link @/zhoq-2.md: content/kk/zhoq-2.md does not exist"
    );
}

#[test]
fn a_link_to_a_draft_is_an_error_unless_drafts_are_built() {
    let site = SiteTest::new("basic");
    site.build_ok(&[]);
    let errors = failing_build(&site, &[], |s| {
        s.append(
            "content/kk/news/festival.md",
            "\n[жазба](@/news/draft-note.md)\n",
        );
    });
    assert_eq!(
        errors,
        ["error: content/kk/news/festival.md:16:1: link @/news/draft-note.md: content/kk/news/draft-note.md is a draft, built only with --drafts"]
    );
    site.build_ok(&["--drafts"]);
    assert!(site
        .html("/kk/news/festival/")
        .links()
        .contains(&"/kk/news/draft-note/".to_string()));
}

#[test]
fn a_link_to_a_file_of_the_other_language_suggests_the_translation() {
    let site = SiteTest::new("basic");
    site.append(
        "content/kk/news/festival.md",
        "\n[форум](@/news/molodezhnyy-forum.md) [жәрмеңке](<@/news/Ярмарка вакансий.md>)\n",
    );
    let run = site.run(&["check"]);
    run.assert_code(1);
    let out = &run.stdout;
    assert!(
        out.contains("error: content/kk/news/festival.md:16:1: link @/news/molodezhnyy-forum.md: content/kk/news/molodezhnyy-forum.md does not exist; the kk translation of content/ru/news/molodezhnyy-forum.md is content/kk/news/zhastar-forumy.md: link to @/news/zhastar-forumy.md [broken-link]"),
        "{out}"
    );
    assert!(
        out.contains("error: content/kk/news/festival.md:16:38: link @/news/Ярмарка вакансий.md: content/kk/news/Ярмарка вакансий.md does not exist; only the ru file content/ru/news/Ярмарка вакансий.md does: link to its URL /ru/news/yarmarka-vakansiy/ [broken-link]"),
        "{out}"
    );
    // The build says the same.
    let errors = site.build(&[]).site_errors();
    assert!(
        errors
            .iter()
            .any(|e| e.ends_with("link to its URL /ru/news/yarmarka-vakansiy/")),
        "{errors:?}"
    );
    assert!(!site.public().exists());
}

#[test]
fn check_checks_the_anchor_of_a_content_link() {
    let site = SiteTest::new("basic");
    site.append(
        "content/kk/news/festival.md",
        "\n[бар](@/news/obzor.md#negizgi-bagyttar) [жоқ](@/news/obzor.md#zhoq)\n",
    );
    let run = site.run(&["check"]);
    run.assert_code(1);
    let anchor = line_with(run.stdout.lines(), "#zhoq");
    assert_eq!(
        anchor,
        "error: content/kk/news/festival.md:16:41: link @/news/obzor.md#zhoq: /kk/news/obzor/ has no anchor #zhoq [broken-link]"
    );
    assert!(!run.stdout.contains("negizgi-bagyttar"), "{}", run.stdout);
}

// ---------------------------------------------------------------- build --strict

#[test]
fn build_strict_fails_on_a_broken_link_and_writes_nothing() {
    let site = SiteTest::new("basic");
    site.build_ok(&["--strict"]);
    site.assert_exists("/kk/news/festival/");
    let errors = failing_build(&site, &["--strict"], |s| {
        s.append(
            "content/kk/news/festival.md",
            "\n[жоқ бет](/kk/news/zhoq-bet/) [бөлім](@/news/obzor.md#zhoq)\n",
        );
    });
    assert_eq!(
        errors,
        [
            "error: content/kk/news/festival.md:16:1: link /kk/news/zhoq-bet/: /kk/news/zhoq-bet/ does not exist in the built site",
            "error: content/kk/news/festival.md:16:31: link @/news/obzor.md#zhoq: /kk/news/obzor/ has no anchor #zhoq",
        ]
    );
    // Without --strict the same site builds (a broken URL is check's finding, not build's).
    site.build_ok(&[]);
    assert!(site
        .out("/kk/news/festival/")
        .contains("/kk/news/zhoq-bet/"));
}

#[test]
fn a_first_build_strict_that_fails_creates_no_output() {
    let site = SiteTest::new("basic");
    site.append("content/ru/news/festival.md", "\n![фото](/img/zhoq.jpg)\n");
    let run = site.run(&["build", "--strict"]);
    let errors = run.site_errors();
    assert_eq!(
        errors,
        ["error: content/ru/news/festival.md:12:1: image /img/zhoq.jpg: /img/zhoq.jpg does not exist in the built site"]
    );
    assert!(!site.public().exists());
    assert!(site.stray_staging_dirs().is_empty());
}

// ---------------------------------------------------------------- check --drafts

#[test]
fn check_drafts_checks_drafts_too() {
    let site = SiteTest::new("basic");
    site.append("content/kk/news/draft-note.md", "\n[жоқ](/kk/news/zhoq/)\n");
    let plain = site.run(&["check"]);
    assert!(!plain.stdout.contains("draft-note"), "{}", plain.stdout);
    let pages = |out: &str| -> usize {
        let last = out.lines().last().unwrap_or_default();
        last.split(' ')
            .next()
            .and_then(|n| n.parse().ok())
            .unwrap_or(0)
    };
    let with_drafts = site.run(&["check", "--drafts"]);
    with_drafts.assert_code(1);
    assert!(
        with_drafts.stdout.contains(
            "error: content/kk/news/draft-note.md:10:1: link /kk/news/zhoq/: /kk/news/zhoq/ does not exist in the built site [broken-link]"
        ),
        "{}",
        with_drafts.stdout
    );
    assert_eq!(pages(&with_drafts.stdout), pages(&plain.stdout) + 1);
}

#[test]
fn content_links_carry_the_base_path() {
    let site = SiteTest::new("basic");
    site.append("content/kk/news/festival.md", KK_LINKS);
    site.build_ok(&["--base-url", "https://example.kz/portal"]);
    let links = site.html("/kk/news/festival/").links();
    assert!(
        links.contains(&"/portal/kk/news/obzor/#negizgi-bagyttar".to_string()),
        "{links:?}"
    );
}

#[test]
fn a_link_to_a_scheduled_page_says_when_it_is_published() {
    let site = SiteTest::new("basic");
    site.build_ok(&[]);
    let errors = failing_build(&site, &[], |s| {
        s.write(
            "content/kk/news/keleshek.md",
            "---\ntitle: Келешек\ndate: 2099-01-01T09:00:00+05:00\n---\nМәтін.\n",
        );
        s.append(
            "content/kk/news/festival.md",
            "\n[келешек](@/news/keleshek.md)\n",
        );
    });
    assert_eq!(
        errors,
        ["error: content/kk/news/festival.md:16:1: link @/news/keleshek.md: content/kk/news/keleshek.md is scheduled for 2099-01-01 04:00 +00:00, built only from then on or with --future"]
    );
    site.build_ok(&["--future"]);
    assert!(site
        .html("/kk/news/festival/")
        .links()
        .contains(&"/kk/news/keleshek/".to_string()));
}
