//! Two languages: `<html lang>`, `hreflang` alternates, the language switcher, and the notes
//! shown when a translation is missing or a page is a translation.

use crate::content::{card_urls, term_count};
use crate::harness::{url_to_file, Html, SiteTest};

const BASE: &str = "https://example.kz";

/// The UI strings of the portal theme (themes/portal/i18n/*.yaml) the notices use.
const KK_TRANSLATION_MISSING: &str = "Бұл беттің мына тілдегі нұсқасы әзірге жоқ:";
const RU_TRANSLATION_MISSING: &str = "Этой страницы пока нет на языке:";
const KK_NOT_IN_THIS_LANGUAGE: &str = "Бұл бет қазақ тілінде жоқ.";
const RU_NOT_IN_THIS_LANGUAGE: &str = "Этой страницы нет на русском языке.";

fn pair(a: &str, b: &str) -> (String, String) {
    (a.to_string(), b.to_string())
}

fn switch(lang: &str, url: &str, nearest: bool) -> (String, String, bool) {
    (lang.to_string(), url.to_string(), nearest)
}

fn built() -> SiteTest {
    let site = SiteTest::new("basic");
    site.build_ok(&[]);
    site
}

/// Asserts that `page` is the `own` member of the translation pair (`kk_url`, `ru_url`).
fn assert_paired(page: &Html, own: &str, kk_url: &str, ru_url: &str) {
    let (own_url, other_lang, other_url) = match own {
        "kk" => (kk_url, "ru", ru_url),
        _ => (ru_url, "kk", kk_url),
    };
    assert_eq!(page.lang(), own, "{}", page.name);
    assert_eq!(
        page.canonical(),
        format!("{BASE}{own_url}"),
        "{}",
        page.name
    );
    assert_eq!(
        page.hreflangs(),
        [
            pair("kk", &format!("{BASE}{kk_url}")),
            pair("ru", &format!("{BASE}{ru_url}")),
            // The homes name the language chooser, as `/` itself does.
            pair(
                "x-default",
                &format!("{BASE}{}", if kk_url == "/kk/" { "/" } else { kk_url })
            ),
        ],
        "{}",
        page.name
    );
    assert_eq!(
        page.switcher(),
        [switch(other_lang, other_url, false)],
        "{}",
        page.name
    );
    page.assert_lacks("class=\"notice\"");
}

#[test]
fn every_page_declares_its_language() {
    let site = built();
    let snapshot = site.snapshot_public();
    let mut checked = 0;
    for file in snapshot.files() {
        if !file.ends_with(".html") {
            continue;
        }
        let page = site.html(file);
        let expected = match file.split('/').next() {
            Some("kk") => "kk",
            Some("ru") => "ru",
            _ => "kk", // chooser and 404: the default language
        };
        assert_eq!(page.lang(), expected, "<html lang> of {file}");
        checked += 1;
    }
    assert!(checked >= 25, "only {checked} pages checked");
}

#[test]
fn paired_articles_link_each_other() {
    let site = built();
    let (kk, ru) = ("/kk/news/festival/", "/ru/news/festival/");
    assert_paired(&site.html(kk), "kk", kk, ru);
    assert_paired(&site.html(ru), "ru", kk, ru);
}

#[test]
fn translation_key_pairs_files_with_different_names() {
    let site = built();
    let (kk, ru) = ("/kk/news/zhastar-forumy/", "/ru/news/molodezhnyy-forum/");
    assert_paired(&site.html(kk), "kk", kk, ru);
    assert_paired(&site.html(ru), "ru", kk, ru);
}

#[test]
fn pairs_by_path_even_when_slugs_differ() {
    let site = built();
    let (kk, ru) = (
        "/kk/news/kasibi-sheberlik-chempionaty/",
        "/ru/news/chempionat/",
    );
    assert_paired(&site.html(kk), "kk", kk, ru);
    assert_paired(&site.html(ru), "ru", kk, ru);
}

#[test]
fn list_and_standalone_pages_link_their_counterparts() {
    let site = built();
    for (kk, ru) in [
        ("/kk/", "/ru/"),
        ("/kk/about/", "/ru/about/"),
        ("/kk/news/", "/ru/news/"),
        ("/kk/tags/", "/ru/tags/"),
        ("/kk/regions/", "/ru/regions/"),
        ("/kk/regions/astana/", "/ru/regions/astana/"),
        ("/kk/tags/festival/", "/ru/tags/festival/"),
    ] {
        assert_paired(&site.html(kk), "kk", kk, ru);
        assert_paired(&site.html(ru), "ru", kk, ru);
    }
}

#[test]
fn kazakh_only_article_switches_to_the_russian_section_with_a_note() {
    let site = built();
    let page = site.html("/kk/news/tek-qazaqsha/");
    assert_eq!(page.lang(), "kk");
    assert_eq!(page.switcher(), [switch("ru", "/ru/news/", true)]);
    // Only existing translations are alternates; x-default is the page itself.
    let own = format!("{BASE}/kk/news/tek-qazaqsha/");
    assert_eq!(
        page.hreflangs(),
        [pair("kk", &own), pair("x-default", &own)]
    );
    page.assert_has("class=\"notice\"")
        .assert_has(KK_TRANSLATION_MISSING)
        .assert_has(RU_NOT_IN_THIS_LANGUAGE)
        .assert_has("<a href=\"/ru/news/\" hreflang=\"ru\" lang=\"ru\">Русский</a>");
}

#[test]
fn russian_only_article_switches_to_the_kazakh_section_with_a_note() {
    let site = built();
    let page = site.html("/ru/news/yarmarka-vakansiy/");
    assert_eq!(page.lang(), "ru");
    assert_eq!(page.switcher(), [switch("kk", "/kk/news/", true)]);
    let own = format!("{BASE}/ru/news/yarmarka-vakansiy/");
    assert_eq!(page.hreflang("ru"), Some(own));
    assert_eq!(page.hreflang("kk"), None);
    page.assert_has(RU_TRANSLATION_MISSING)
        .assert_has(KK_NOT_IN_THIS_LANGUAGE);
}

#[test]
fn term_without_a_twin_switches_to_the_taxonomy_index() {
    let site = built();
    // «Абай облысы» (kk) and «Область Абай» (ru) have different slugs: no pair.
    let page = site.html("/kk/regions/abay-oblysy/");
    assert_eq!(page.switcher(), [switch("ru", "/ru/regions/", true)]);
    page.assert_has(KK_TRANSLATION_MISSING);
}

#[test]
fn translation_note_links_the_original() {
    let site = built();
    site.html("/ru/news/obzor/")
        .assert_has("Эта статья — перевод. Язык оригинала: казахский.")
        .assert_has("<a href=\"/kk/news/obzor/\" hreflang=\"kk\">Читать оригинал</a>");
    site.html("/kk/news/obzor/")
        .assert_lacks("note--translation");
}

/// DESIGN: switching language never leads to a 404, and alternates point at real pages.
#[test]
fn switcher_and_alternates_never_lead_to_a_404() {
    let site = built();
    let snapshot = site.snapshot_public();
    let exists = |url: &str| snapshot.0.contains_key(&url_to_file(url));
    for file in snapshot.files() {
        if !file.ends_with(".html") {
            continue;
        }
        let page = site.html(file);
        for (lang, href, _) in page.switcher() {
            assert!(
                exists(&href),
                "{file}: switcher to {lang} leads to missing {href}"
            );
        }
        for (lang, href) in page.hreflangs() {
            let path = href
                .strip_prefix(BASE)
                .unwrap_or_else(|| panic!("{file}: hreflang {lang} is not under {BASE}: {href}"));
            assert!(
                exists(path),
                "{file}: hreflang {lang} points to missing {href}"
            );
        }
        // The 404 page is served at any missing address: no canonical, no translations.
        if file == "404.html" {
            assert!(page.hreflangs().is_empty(), "404.html has hreflang links");
            continue;
        }
        let canonical = page.canonical();
        let path = canonical.strip_prefix(BASE).unwrap_or(&canonical);
        assert!(
            exists(path),
            "{file}: canonical {canonical} is not an output"
        );
    }
}

#[test]
fn declared_vocabulary_pairs_terms_across_languages() {
    let site = SiteTest::new("basic");
    site.write(
        "taxonomies/regions.yaml",
        "abai: { kk: \"Абай облысы\", ru: \"Область Абай\" }\nastana: { kk: \"Астана\", ru: \"Астана\" }\n",
    );
    // A declared term may also be written by its key.
    site.replace(
        "content/ru/news/chempionat.md",
        "regions: [Область Абай]",
        "regions: [abai]",
    );
    site.build_ok(&[]);
    // One slug, the key, in both languages; the pages are each other's translations.
    site.assert_missing("/kk/regions/abay-oblysy/");
    site.assert_missing("/ru/regions/oblast-abay/");
    let (kk, ru) = ("/kk/regions/abai/", "/ru/regions/abai/");
    assert_paired(&site.html(kk), "kk", kk, ru);
    assert_paired(&site.html(ru), "ru", kk, ru);
    // Shown by its name in each language, wherever it was written by key.
    site.html("/ru/news/chempionat/")
        .assert_has(">Область Абай</a>")
        .assert_lacks(">abai</a>");
    assert_eq!(
        term_count(&site.html("/ru/regions/"), "Область Абай"),
        "2 статьи"
    );
    assert_eq!(
        card_urls(&site.html(ru)),
        ["/ru/news/festival/", "/ru/news/chempionat/"]
    );
}
