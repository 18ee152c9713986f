//! The Kazakh Latin-script edition (`kazakh_latin: true`): `/kk-latn/` made from the Kazakh
//! files, with the same paths, `<html lang="kk-Latn">`, hreflang triples on every page and in
//! the sitemap, its own feed and search index, the editor's words in `kk-latn.yaml`, and the
//! errors of its settings.

use crate::harness::SiteTest;

const BASE: &str = "https://example.kz";
const FESTIVAL_KK: &str = "/kk/news/festival/";
const FESTIVAL_LATN: &str = "/kk-latn/news/festival/";
const FESTIVAL_RU: &str = "/ru/news/festival/";

/// The `basic` fixture with the Latin edition on, and a Kazakh article with code, an
/// address, a heading and a photo-less image to show what stays as written.
fn latin_site() -> SiteTest {
    let site = SiteTest::new("basic");
    site.append("site.yaml", "kazakh_latin: true\n");
    site.append(
        "content/kk/news/festival.md",
        "\n## Шығармашылық байқау\n\nКод: `жұмыс()` және https://gov.kz/жаңалық сілтемесі.\n\n\
         ```\nбасшы = 1\n```\n\n[Үкімет сайты](https://www.gov.kz \"Үкімет\")\n",
    );
    site
}

#[test]
fn every_kazakh_page_has_a_latin_twin_with_the_same_path_and_hreflang_triples() {
    let site = latin_site();
    site.build_ok(&[]);
    for rel in [
        "index.html",
        "news/index.html",
        "news/festival/index.html",
        "about/index.html",
        "tags/index.html",
        "search/index.html",
    ] {
        site.assert_exists(&format!("kk-latn/{rel}"));
    }
    let kk = site.html("kk/news/festival/index.html");
    let latn = site.html("kk-latn/news/festival/index.html");
    let ru = site.html("ru/news/festival/index.html");
    let triple = vec![
        ("kk".to_string(), format!("{BASE}{FESTIVAL_KK}")),
        ("kk-Latn".to_string(), format!("{BASE}{FESTIVAL_LATN}")),
        ("ru".to_string(), format!("{BASE}{FESTIVAL_RU}")),
        ("x-default".to_string(), format!("{BASE}{FESTIVAL_KK}")),
    ];
    for page in [&kk, &latn, &ru] {
        assert_eq!(page.hreflangs(), triple, "{}", page.name);
    }
    assert_eq!(latn.lang(), "kk-Latn");
    assert_eq!(latn.canonical(), format!("{BASE}{FESTIVAL_LATN}"));
    // The switcher offers the two other editions.
    let offered: Vec<String> = latn.switcher().into_iter().map(|s| s.0).collect();
    assert_eq!(offered, ["kk", "ru"]);
    let offered: Vec<String> = kk.switcher().into_iter().map(|s| s.0).collect();
    assert_eq!(offered, ["kk-Latn", "ru"]);
    latn.assert_has(">Qazaqşa<").assert_has(">Қазақша<");
}

#[test]
fn the_latin_page_is_transliterated_but_code_addresses_and_anchors_stay() {
    let site = latin_site();
    site.build_ok(&[]);
    let kk = site.out("kk/news/festival/index.html");
    let latn = site.html("kk-latn/news/festival/index.html");
    latn.assert_has("«Jūmysşy mamandyqtarynyñ qalasy» festivalı")
        .assert_has("EXPO körme alañynda 200-den astam mamandyq tanystyryldy.")
        // The date in Latin letters, the time element's value as in Kazakh.
        .assert_has("qaraşa</time>")
        .assert_has("<code>жұмыс()</code>")
        .assert_has("басшы = 1")
        .assert_has("https://gov.kz/жаңалық")
        .assert_has("title=\"Ükımet\"")
        .assert_has(">Ükımet saity</a>")
        .assert_has("Şyğarmaşylyq baiqau</h2>")
        .assert_lacks("Фестиваль өтті");
    // The heading's id is the Kazakh page's, so `#anchors` work in both editions.
    let id = |html: &str| {
        let at = html.find("<h2 id=\"").expect("a heading with an id") + 8;
        html[at..at + html[at..].find('"').unwrap()].to_string()
    };
    assert_eq!(id(&latn.text), id(&kk));
    // Terms keep their Kazakh slugs, and show their names in Latin letters.
    latn.assert_has("/kk-latn/tags/festival/");
    site.html("kk-latn/tags/festival/index.html")
        .assert_has("Festival");
}

#[test]
fn the_sitemap_feed_and_search_index_have_the_latin_edition() {
    let site = latin_site();
    site.build_ok(&[]);
    let sitemap = site.out("sitemap.xml");
    assert!(sitemap.contains(&format!("<loc>{BASE}{FESTIVAL_LATN}</loc>")));
    assert!(sitemap.contains(&format!(
        "hreflang=\"kk-Latn\" href=\"{BASE}{FESTIVAL_LATN}\""
    )));
    assert!(!sitemap.contains("hreflang=\"kk-latn\""));
    let feed = site.out("kk-latn/atom.xml");
    assert!(feed.contains("xml:lang=\"kk-Latn\""), "{feed}");
    assert!(feed.contains("festivalı"), "{feed}");
    assert!(feed.contains(&format!("{BASE}{FESTIVAL_LATN}")));
    site.assert_exists("kk-latn/search/meta.json");
    // The language chooser at `/` offers all three editions.
    site.html("index.html")
        .assert_has("href=\"/kk-latn/\"")
        .assert_has("lang=\"kk-Latn\"");
}

#[test]
fn an_editors_word_in_kk_latn_yaml_replaces_the_rules() {
    let site = latin_site();
    // Whole words, whatever their case: «фестивалі» in the title, not «Фестиваль» (a tag).
    site.write("kk-latn.yaml", "words:\n  Фестивалі: \"festivali\"\n");
    site.build_ok(&[]);
    site.html("kk-latn/news/festival/index.html")
        .assert_has("«Jūmysşy mamandyqtarynyñ qalasy» festivali</h1>")
        .assert_has("Festival</a>");
}

#[test]
fn a_broken_kk_latn_yaml_is_an_error_naming_it_and_the_output_stays() {
    let site = latin_site();
    site.build_ok(&[]);
    let before = site.snapshot_public();
    site.write("kk-latn.yaml", "words: [unclosed\n");
    let run = site.build(&[]);
    run.assert_code(1);
    run.error_with(&["kk-latn.yaml"]);
    site.snapshot_public()
        .assert_same(&before, "the output after a failed build");
}

#[test]
fn kazakh_latin_settings_are_checked() {
    let site = SiteTest::new("basic");
    site.replace(
        "site.yaml",
        "languages: [kk, ru]",
        "languages: [kk, kk-latn, ru]",
    );
    let run = site.build(&[]);
    run.assert_code(1);
    run.error_with(&["site.yaml", "kazakh_latin: true"]);

    let site = SiteTest::new("basic");
    site.replace("site.yaml", "languages: [kk, ru]", "languages: [ru]")
        .replace("site.yaml", "default_language: kk", "default_language: ru")
        .replace("site.yaml", "  kk: \"Жұмысшы мамандықтары жылы\"\n", "")
        .append("site.yaml", "kazakh_latin: true\n");
    let run = site.build(&[]);
    run.assert_code(1);
    run.error_with(&["site.yaml", "kazakh_latin", "needs `kk`"]);
}

#[test]
fn turning_the_edition_off_removes_only_what_qostil_wrote() {
    let site = latin_site();
    site.build_ok(&[]);
    site.assert_exists("kk-latn/news/festival/index.html");
    // A file of the user's inside the edition's folder survives.
    site.write("public/kk-latn/mine.txt", "the user's file");
    site.replace("site.yaml", "kazakh_latin: true", "kazakh_latin: false");
    site.build_ok(&[]);
    site.assert_missing("kk-latn/news/festival/index.html");
    site.assert_missing("kk-latn/atom.xml");
    assert_eq!(site.out("kk-latn/mine.txt"), "the user's file");
    site.html("kk/news/festival/index.html")
        .assert_lacks("kk-Latn");
}

#[test]
fn check_lists_the_words_the_rules_find_ambiguous_until_the_editor_spells_them() {
    let site = latin_site();
    site.append(
        "content/kk/about.md",
        "\nЖаңа субъектілер мен объект туралы.\n",
    );
    let run = site.run(&["check"]);
    let out = format!("{}{}", run.stdout, run.stderr);
    let line = out
        .lines()
        .find(|l| l.contains("«объект»"))
        .unwrap_or_else(|| panic!("no warning for «объект»:\n{out}"));
    assert!(line.starts_with("warning: content/kk/about.md:"), "{line}");
    assert!(
        line.contains("kk-latn.yaml") && line.contains("[latin-ambiguous]"),
        "{line}"
    );
    // Once per file, and never for the derived edition's copy of it.
    assert_eq!(out.matches("«объект»").count(), 1, "{out}");
    // Spelled by the editor: no longer listed.
    site.write("kk-latn.yaml", "words:\n  объект: obiekt\n");
    let run = site.run(&["check"]);
    assert!(!run.stdout.contains("«объект»"), "{}", run.stdout);
    assert!(!run.stderr.contains("«объект»"), "{}", run.stderr);
    site.build_ok(&[]);
    site.html("kk-latn/about/index.html").assert_has(" obiekt ");
}

/// The configuration's fingerprint (which every page's key includes) is the same in every
/// run: an editor's words used to be hashed in a hash map's random order, and a second build
/// re-rendered every page about half the time.
#[test]
fn builds_after_the_first_render_nothing_with_the_editors_words() {
    let site = latin_site();
    site.write(
        "kk-latn.yaml",
        "words:\n  Тоқаев: Toqaev\n  Премьер: Prem'er\n  субъектілері: subektileri\n  \
         Алматы: Almaty\n  Ақтөбе: Aqtöbe\n  Шымкент: Şymkent\n",
    );
    site.build_ok(&[]);
    for _ in 0..4 {
        let run = site.build_ok(&[]);
        assert!(run.stdout.contains("(0 rendered,"), "{}", run.stdout);
    }
}
