//! The real portal: its content is what `qostil import seeds/` produced plus documented
//! editorial changes, and it builds into a complete bilingual site whose every link, feed,
//! sitemap entry and JSON-LD block is valid.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use qostil::content::frontmatter::split_front_matter;
use qostil::import::{import_dir, ImportOptions};
use qostil::{build_site, BuildOptions};

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn front_matter(text: &str) -> serde_json::Map<String, serde_json::Value> {
    let split = split_front_matter(text).expect("front matter");
    qostil::yaml::parse_mapping(split.yaml).expect("yaml")
}

fn body(text: &str) -> String {
    split_front_matter(text)
        .expect("front matter")
        .body
        .to_string()
}

/// Fields an editor may change after import (see docs/editorial.md).
const EDITORIAL_FIELDS: &[&str] = &["tags", "regions", "draft", "date", "date_source", "title"];
/// The articles whose imported title the editor replaced (docs/editorial.md).
const RETITLED: &[&str] = &[
    "senat-spikeri-maulen-ashimbaevtyn-toragalygymen-zhumysshy.md",
    "oblystyq-maslikhattyn-kezekti-khkhkhii-sessiya-otyrysy-otti.md",
];
/// The article the importer dated (by the month of an image URL) and the editor re-dated
/// from its text (docs/editorial.md).
const REDATED: &str = "prezident-zhumysshy-mamandyqtarynyn-qalasy-festivaline-bardy.md";

#[test]
fn import_reproduces_the_committed_originals() {
    let tmp = tempfile::tempdir().unwrap();
    let report = import_dir(&ImportOptions {
        input: repo().join("seeds"),
        out: tmp.path().to_path_buf(),
        root: repo(),
        force: false,
        dry_run: false,
    });
    assert!(report.errors.is_empty(), "{}", report.errors);
    assert_eq!(report.docs.len(), 5);
    for doc in &report.docs {
        let rel = Path::new(&doc.converted.lang.code())
            .join("news")
            .join(format!("{}.md", doc.converted.slug));
        let imported = std::fs::read_to_string(tmp.path().join(&rel)).unwrap();
        let committed = std::fs::read_to_string(repo().join("content").join(&rel))
            .unwrap_or_else(|_| panic!("content/{} is not committed", rel.display()));
        // The editor removed the source site's hot-linked photo (docs/editorial.md).
        let imported_body: String = body(&imported)
            .split_inclusive('\n')
            .filter(|line| !(line.starts_with("![") && line.contains("http://ortalyq.kz/")))
            .collect::<String>()
            .replace("\n\n\n", "\n\n");
        // The editor's corrections (docs/editorial.md): a Latin i in two Kazakh words, a
        // hyphen for a dash.
        let imported_body = imported_body
            .replace("үйлест\u{69}ру", "үйлестіру")
            .replace("әлеуметт\u{69}к", "әлеуметтік")
            .replace(", - деді", ", — деді");
        assert_eq!(imported_body, body(&committed), "body of {}", rel.display());
        let (a, b) = (front_matter(&imported), front_matter(&committed));
        for (key, value) in &a {
            if EDITORIAL_FIELDS.contains(&key.as_str()) {
                continue;
            }
            assert_eq!(Some(value), b.get(key), "{key} of {}", rel.display());
        }
        if rel.ends_with(REDATED) {
            assert_ne!(
                a.get("date"),
                b.get("date"),
                "{} was re-dated",
                rel.display()
            );
            assert_eq!(b["date_source"], "text");
        } else if a.contains_key("date") {
            assert_eq!(a.get("date"), b.get("date"), "an imported date stays");
            assert_eq!(a.get("date_source"), b.get("date_source"));
        }
        if !RETITLED.iter().any(|name| rel.ends_with(name)) {
            assert_eq!(a.get("title"), b.get("title"), "title of {}", rel.display());
        }
        assert_eq!(b.get("draft"), None, "{} is published", rel.display());
    }
}

/// Builds the real portal once for the tests below.
fn built_portal() -> &'static Path {
    use std::sync::OnceLock;
    static OUT: OnceLock<tempfile::TempDir> = OnceLock::new();
    OUT.get_or_init(|| {
        let tmp = tempfile::tempdir().unwrap();
        let options = BuildOptions {
            root: repo(),
            output: Some(tmp.path().join("public")),
            ..BuildOptions::default()
        };
        if let Err(e) = build_site(&options) {
            panic!("the portal does not build:\n{e}");
        }
        tmp
    })
    .path()
    .join("public")
    .leak()
}

fn html_files(dir: &Path) -> Vec<PathBuf> {
    walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.path().extension().is_some_and(|x| x == "html"))
        .map(|e| e.path().to_path_buf())
        .collect()
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

type FrontMatter = serde_json::Map<String, serde_json::Value>;

/// The portal's articles: file stem → front matter in kk and in ru (same path = one article).
fn articles() -> BTreeMap<String, [FrontMatter; 2]> {
    let news = |lang: &str| -> BTreeMap<String, FrontMatter> {
        std::fs::read_dir(repo().join("content").join(lang).join("news"))
            .unwrap()
            .map(|entry| entry.unwrap().path())
            .filter_map(|path| {
                let stem = path.file_stem()?.to_string_lossy().into_owned();
                (stem != "_index").then(|| (stem, front_matter(&read(&path))))
            })
            .collect()
    };
    let (kk, mut ru) = (news("kk"), news("ru"));
    assert_eq!(kk.keys().collect::<Vec<_>>(), ru.keys().collect::<Vec<_>>());
    kk.into_iter()
        .map(|(stem, kk)| {
            let ru = ru.remove(&stem).unwrap();
            (stem, [kk, ru])
        })
        .collect()
}

fn text<'a>(fm: &'a FrontMatter, key: &str) -> &'a str {
    fm.get(key).and_then(|v| v.as_str()).unwrap_or_default()
}

#[test]
fn every_article_exists_in_both_languages_and_links_to_its_counterpart() {
    let out = built_portal();
    let articles = articles();
    assert_eq!(articles.len(), 5, "{:?}", articles.keys());
    for pair in articles.values() {
        let url = |i: usize| format!("/{}/news/{}/", ["kk", "ru"][i], text(&pair[i], "slug"));
        for (i, lang, other) in [(0, "kk", "ru"), (1, "ru", "kk")] {
            let page = out.join(url(i).trim_start_matches('/')).join("index.html");
            let html = read(&page);
            assert!(
                html.contains(&format!("<html lang=\"{lang}\">")),
                "{}",
                page.display()
            );
            let alternate = format!(
                "hreflang=\"{other}\" href=\"https://example.kz{}\"",
                url(1 - i)
            );
            assert!(
                html.contains(&alternate),
                "{} lacks {alternate}",
                page.display()
            );
        }
    }
}

/// Every article's URL is in its own language's words: a translation's slug comes from its
/// own title (as `qostil new` and `qostil import` make it); an original keeps the slug the
/// importer made from its title, which is also its file name.
#[test]
fn every_article_url_is_made_from_its_own_language() {
    for (stem, pair) in articles() {
        for (lang, fm) in ["kk", "ru"].into_iter().zip(&pair) {
            let slug = text(fm, "slug");
            if fm.contains_key("translated_from") {
                assert_eq!(
                    slug,
                    qostil::lang::slug_from_title(text(fm, "title")),
                    "{stem}"
                );
                let old = format!("/{lang}/news/{stem}/");
                let aliases = fm.get("aliases").and_then(|a| a.as_array());
                assert!(
                    slug == stem || aliases.is_some_and(|a| a.iter().any(|v| v == &old)),
                    "{stem}: the old URL {old} must stay as an alias"
                );
            } else {
                assert_eq!(slug, stem, "an original keeps its published URL");
            }
        }
    }
}

/// No article carries the day it was imported; both languages of a pair tell one date, found
/// the same way.
#[test]
fn every_article_has_a_true_date_in_both_languages() {
    for (stem, [kk, ru]) in articles() {
        for key in ["date", "date_source"] {
            assert_eq!(kk.get(key), ru.get(key), "{key} of {stem}");
        }
        let source = text(&kk, "date_source");
        assert!(
            ["marker", "text"].contains(&source),
            "{stem}: date_source {source}"
        );
        assert!(
            text(&kk, "date").starts_with("2025-"),
            "{stem}: {}",
            text(&kk, "date")
        );
    }
}

#[test]
fn no_page_of_the_portal_lacks_a_translation() {
    let out = built_portal();
    for file in html_files(out) {
        let html = read(&file);
        assert!(
            !html.contains("lang-switch__link--nearest"),
            "{} has no counterpart",
            file.display()
        );
    }
}

/// `href`/`src` values of a page.
fn links(html: &str) -> Vec<String> {
    let mut found = Vec::new();
    for attr in ["href=\"", "src=\""] {
        for (i, _) in html.match_indices(attr) {
            let rest = &html[i + attr.len()..];
            if let Some(end) = rest.find('"') {
                found.push(rest[..end].replace("&amp;", "&"));
            }
        }
    }
    found
}

#[test]
fn every_internal_link_and_asset_resolves() {
    let out = built_portal();
    let mut broken = Vec::new();
    for file in html_files(out) {
        for link in links(&read(&file)) {
            let path = match link.strip_prefix("https://example.kz") {
                Some(p) => p.to_string(),
                None if link.starts_with('/') => link.clone(),
                None => continue,
            };
            let path = path.split(['#', '?']).next().unwrap_or_default();
            let target = out.join(path.trim_start_matches('/'));
            let exists = if path.ends_with('/') {
                target.join("index.html").is_file()
            } else {
                target.is_file()
            };
            if !exists {
                broken.push(format!(
                    "{} → {link}",
                    file.strip_prefix(out).unwrap().display()
                ));
            }
        }
    }
    assert!(broken.is_empty(), "broken links:\n{}", broken.join("\n"));
}

#[test]
fn json_ld_blocks_are_valid_json() {
    let out = built_portal();
    let mut seen = 0;
    for file in html_files(out) {
        let html = read(&file);
        let marker = "<script type=\"application/ld+json\">";
        for (i, _) in html.match_indices(marker) {
            let rest = &html[i + marker.len()..];
            let json = &rest[..rest.find("</script>").unwrap()];
            let value: serde_json::Value =
                serde_json::from_str(json).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
            assert_eq!(value["@context"], "https://schema.org");
            seen += 1;
        }
    }
    assert!(seen >= 12, "only {seen} JSON-LD blocks");
    let article =
        read(&out.join("ru/news/v-oblasti-abay-obsudili-khod-realizatsii-plana-goda/index.html"));
    assert!(article.contains("\"@type\":\"NewsArticle\""));
    assert!(article.contains("\"inLanguage\":\"ru\""));
}

#[test]
fn feeds_and_sitemap_are_well_formed_xml() {
    let out = built_portal();
    for lang in ["kk", "ru"] {
        let text = read(&out.join(lang).join("atom.xml"));
        let doc = roxmltree::Document::parse(&text).unwrap();
        let feed = doc.root_element();
        assert_eq!(feed.tag_name().name(), "feed");
        assert_eq!(
            feed.tag_name().namespace(),
            Some("http://www.w3.org/2005/Atom")
        );
        let entries = feed.children().filter(|n| n.has_tag_name("entry")).count();
        assert_eq!(entries, 5, "{lang} feed");
        assert!(text.contains(&format!("rel=\"self\" type=\"application/atom+xml\" href=\"https://example.kz/{lang}/atom.xml\"")));
    }
    let term_feed = read(&out.join("kk/regions/abai/atom.xml"));
    roxmltree::Document::parse(&term_feed).unwrap();
    let sitemap = read(&out.join("sitemap.xml"));
    let doc = roxmltree::Document::parse(&sitemap).unwrap();
    let urls = doc
        .root_element()
        .children()
        .filter(|n| n.has_tag_name("url"))
        .count();
    assert!(urls > 30, "{urls} URLs in the sitemap");
    assert!(sitemap.contains("hreflang=\"x-default\""));
    assert!(read(&out.join("robots.txt")).contains("Sitemap: https://example.kz/sitemap.xml"));
}

#[test]
fn the_portal_passes_check_strict() {
    let report = qostil::check::check_site(&repo(), &qostil::check::CheckOptions::default());
    // 6 pages in each of kk, kk-latn (`kazakh_latin: true`) and ru.
    assert_eq!(report.pages, 18);
    assert!(
        report.diagnostics.is_empty(),
        "{}",
        qostil::check::report_text(&report, true)
    );
}
