//! The shape of the output: which files exist, where they go, base URLs, determinism and the
//! atomic swap of the output folder.

use std::fs;

use crate::harness::{repo_dir, url_to_file, SiteTest, Snapshot};

/// Every file the basic fixture must produce (a subset: the test does not pin every term).
const EXPECTED_FILES: &[&str] = &[
    "index.html",
    "404.html",
    "sitemap.xml",
    "robots.txt",
    "kk/atom.xml",
    "ru/atom.xml",
    "kk/index.html",
    "ru/index.html",
    "kk/about/index.html",
    "ru/about/index.html",
    "kk/news/index.html",
    "ru/news/index.html",
    "kk/news/festival/index.html",
    "ru/news/festival/index.html",
    "kk/news/zhastar-forumy/index.html",
    "ru/news/molodezhnyy-forum/index.html",
    "kk/news/kasibi-sheberlik-chempionaty/index.html",
    "ru/news/chempionat/index.html",
    "kk/news/obzor/index.html",
    "ru/news/obzor/index.html",
    "kk/news/tek-qazaqsha/index.html",
    "ru/news/yarmarka-vakansiy/index.html",
    "kk/tags/index.html",
    "ru/tags/index.html",
    "kk/tags/mamandyqtar/index.html",
    "ru/tags/professii/index.html",
    "kk/regions/index.html",
    "ru/regions/index.html",
    "kk/regions/abay-oblysy/index.html",
    "kk/regions/astana/index.html",
    "ru/regions/oblast-abay/index.html",
];

/// Names of the entries at the top of the site root.
fn top_level(site: &SiteTest) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(site.root())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn builds_both_language_trees() {
    let site = SiteTest::new("basic");
    let before = top_level(&site);
    let run = site.build_ok(&[]);
    assert!(run.stdout.contains("built"), "stdout: {}", run.stdout);
    for file in EXPECTED_FILES {
        site.assert_exists(file);
    }
    // The draft and the Russian-only article's missing Kazakh twin are not built.
    site.assert_missing("kk/news/draft-note/index.html");
    site.assert_missing("kk/news/yarmarka-vakansiy/index.html");
    site.assert_missing("ru/news/tek-qazaqsha/index.html");
    // Nothing but the output folder (and the build cache) is added to the site.
    let mut expected = before;
    expected.push("public".to_string());
    expected.sort();
    let after: Vec<String> = top_level(&site)
        .into_iter()
        .filter(|n| n != ".qostil")
        .collect();
    assert_eq!(after, expected);
}

#[test]
fn chooser_offers_both_languages_with_alternates() {
    let site = SiteTest::new("basic");
    site.build_ok(&[]);
    let page = site.html("index.html");
    assert_eq!(page.lang(), "kk", "the chooser is in the default language");
    assert_eq!(page.canonical(), "https://example.kz/");
    assert_eq!(
        page.hreflangs(),
        [
            ("kk".to_string(), "https://example.kz/kk/".to_string()),
            ("ru".to_string(), "https://example.kz/ru/".to_string()),
            ("x-default".to_string(), "https://example.kz/".to_string()),
        ]
    );
    let homes: Vec<(String, String)> = page
        .tags("a")
        .into_iter()
        .filter(|a| a.has_class("button"))
        .map(|a| {
            (
                a.attr("hreflang").unwrap_or_default().to_string(),
                a.attr("href").unwrap_or_default().to_string(),
            )
        })
        .collect();
    assert_eq!(
        homes,
        [
            ("kk".to_string(), "/kk/".to_string()),
            ("ru".to_string(), "/ru/".to_string())
        ]
    );
    // Both languages speak on the chooser, each block marked with its language.
    page.assert_has("Тілді таңдаңыз")
        .assert_has("Выберите язык")
        .assert_has("<section class=\"chooser__card\" lang=\"kk\"")
        .assert_has("<section class=\"chooser__card\" lang=\"ru\"")
        .assert_has("Жұмысшы мамандықтары жылы")
        .assert_has("Год рабочих профессий");
}

#[test]
fn not_found_page_is_bilingual() {
    let site = SiteTest::new("basic");
    site.build_ok(&[]);
    let page = site.html("404.html");
    assert!(!page.lang().is_empty());
    page.assert_has("Бет табылмады")
        .assert_has("Страница не найдена")
        .assert_has("lang=\"kk\"")
        .assert_has("lang=\"ru\"")
        .assert_has("href=\"/kk/\"")
        .assert_has("href=\"/ru/\"");
    // Served at any missing address, it is no page's canonical and has no translations; it
    // offers a search box in each language.
    assert_eq!(page.hreflang("x-default"), None);
    page.assert_lacks("rel=\"canonical\"")
        .assert_has("action=\"/kk/search/\"")
        .assert_has("action=\"/ru/search/\"");
}

#[test]
fn theme_static_files_are_copied_to_the_root() {
    let site = SiteTest::new("basic");
    site.build_ok(&[]);
    let theme_css = fs::read(repo_dir().join("themes/portal/static/style.css")).unwrap();
    let css = site.asset("style.css");
    assert_eq!(fs::read(site.out_path(&css)).unwrap(), theme_css);
    assert_eq!(
        fs::read(site.out_path("favicon.svg")).unwrap(),
        fs::read(repo_dir().join("themes/portal/static/favicon.svg")).unwrap(),
        "only stylesheets and scripts get a fingerprinted name"
    );
    for page in [
        "index.html",
        "kk/news/festival/index.html",
        "ru/tags/index.html",
    ] {
        site.html(page)
            .assert_has(&format!("<link rel=\"stylesheet\" href=\"/{css}\">"));
    }
}

#[test]
fn output_defaults_to_public_in_the_current_site() {
    let site = SiteTest::new("basic");
    // No --root: the current folder is the site.
    site.run(&["build"]).assert_success();
    site.assert_exists("kk/news/festival/index.html");
}

#[test]
fn output_flag_writes_elsewhere_and_leaves_public_alone() {
    let site = SiteTest::new("basic");
    let out = site.scratch("elsewhere");
    site.build_ok(&["--output", out.to_str().unwrap()]);
    assert!(out.join("kk/news/festival/index.html").is_file());
    assert!(out.join("index.html").is_file());
    assert!(
        !site.public().exists(),
        "public/ must not be created when --output is given"
    );
}

#[test]
fn base_url_flag_changes_permalinks_and_prefixes_links() {
    let site = SiteTest::new("basic");
    site.build_ok(&["--base-url", "https://other.kz/sub"]);

    let page = site.html("kk/news/festival/index.html");
    assert_eq!(page.canonical(), "https://other.kz/sub/kk/news/festival/");
    assert_eq!(
        page.hreflang("ru").as_deref(),
        Some("https://other.kz/sub/ru/news/festival/")
    );
    assert_eq!(
        page.hreflang("x-default").as_deref(),
        Some("https://other.kz/sub/kk/news/festival/")
    );
    page.assert_has(&format!("href=\"/sub/{}\"", site.asset("style.css")))
        .assert_has("href=\"/sub/kk/\"")
        .assert_has("href=\"/sub/ru/news/festival/\"")
        .assert_has("href=\"/sub/kk/tags/mamandyqtar/\"");
    assert!(site
        .out("kk/atom.xml")
        .contains("href=\"https://other.kz/sub/kk/atom.xml\""));
    assert!(site
        .out("sitemap.xml")
        .contains("<loc>https://other.kz/sub/kk/news/festival/</loc>"));
    let chooser = site.html("index.html");
    assert_eq!(chooser.canonical(), "https://other.kz/sub/");
    assert_eq!(
        chooser.hreflang("x-default").as_deref(),
        Some("https://other.kz/sub/")
    );

    // Every root-relative link of every page carries the prefix, and the site.yaml
    // base_url appears nowhere.
    for file in site.snapshot_public().files() {
        if file.ends_with(".xml") || file.ends_with(".txt") {
            let text = site.out(file);
            assert!(
                !text.contains("example.kz"),
                "{file} uses the old base_url:\n{text}"
            );
            continue;
        }
        if !file.ends_with(".html") {
            continue;
        }
        let html = site.html(file);
        html.assert_lacks("example.kz");
        for link in html.links() {
            if link.starts_with('/') {
                assert!(
                    link.starts_with("/sub/"),
                    "{file}: link {link:?} lacks the /sub base path"
                );
            } else if SHARE_PAGES.iter().any(|p| link.starts_with(p)) {
                // A share link names the page's permalink inside its query.
                assert!(
                    link.contains("https%3A%2F%2Fother%2Ekz%2Fsub%2F"),
                    "{file}: share link {link:?} does not name the new base_url"
                );
            } else if link.starts_with("http") {
                assert!(
                    link.starts_with("https://other.kz/sub/"),
                    "{file}: absolute link {link:?} does not use the new base_url"
                );
            }
        }
    }

    // A trailing slash on the flag changes nothing.
    let slash = site.scratch("slash");
    site.build_ok(&[
        "--base-url",
        "https://other.kz/sub/",
        "--output",
        slash.to_str().unwrap(),
    ]);
    site.snapshot_public().assert_same(
        &Snapshot::of(&slash),
        "--base-url with and without a trailing slash",
    );
}

#[test]
fn build_is_deterministic() {
    let site = SiteTest::new("basic");
    let (a, b) = (site.scratch("out-a"), site.scratch("out-b"));
    site.run_with(
        &["build", "--output", a.to_str().unwrap()],
        &[("RAYON_NUM_THREADS", "1")],
    )
    .assert_success();
    site.run_with(
        &["build", "--output", b.to_str().unwrap()],
        &[("RAYON_NUM_THREADS", "4")],
    )
    .assert_success();
    let first = Snapshot::of(&a);
    assert!(first.files().len() >= EXPECTED_FILES.len());
    first.assert_same(&Snapshot::of(&b), "two builds of the same site");
}

#[test]
fn rebuild_removes_what_the_site_no_longer_has_and_keeps_the_users_files() {
    let site = SiteTest::new("basic");
    site.build_ok(&[]);
    site.assert_exists("kk/news/tek-qazaqsha/index.html");
    fs::write(site.public().join("CNAME"), "portal.example.kz").unwrap();
    site.remove("content/kk/news/tek-qazaqsha.md");
    site.build_ok(&[]);
    site.assert_missing("kk/news/tek-qazaqsha/index.html");
    assert_eq!(
        fs::read_to_string(site.public().join("CNAME")).unwrap(),
        "portal.example.kz"
    );
    site.assert_exists("kk/news/festival/index.html");
    assert_eq!(site.stray_staging_dirs(), Vec::<String>::new());
}

/// Every root-relative `href`/`src` in every page leads to a file of the output.
#[test]
fn internal_links_resolve() {
    let site = SiteTest::new("basic");
    site.build_ok(&[]);
    let snapshot = site.snapshot_public();
    let mut broken = Vec::new();
    for file in snapshot.files() {
        if !file.ends_with(".html") {
            continue;
        }
        for link in site.html(file).links() {
            if !link.starts_with('/') {
                continue;
            }
            let path = link.split(['#', '?']).next().unwrap_or_default();
            if !snapshot.0.contains_key(&url_to_file(path)) {
                broken.push(format!("{file}: {link}"));
            }
        }
    }
    assert!(
        broken.is_empty(),
        "broken internal links:\n{}",
        broken.join("\n")
    );
}

/// The `<id>` of every `<entry>` of an Atom feed, in order.
fn feed_entry_ids(feed: &str) -> Vec<String> {
    feed.split("<entry>")
        .skip(1)
        .map(|entry| {
            let start = entry.find("<id>").expect("entry <id>") + "<id>".len();
            let end = entry.find("</id>").expect("entry </id>");
            entry[start..end].to_string()
        })
        .collect()
}

#[test]
fn atom_feeds_per_language_and_term() {
    let site = SiteTest::new("basic");
    site.build_ok(&[]);
    let feed = site.out("kk/atom.xml");
    assert!(feed.starts_with("<?xml"), "{feed}");
    assert!(feed.contains("xml:lang=\"kk\""), "{feed}");
    assert!(
        feed.contains("<link rel=\"self\" type=\"application/atom+xml\" href=\"https://example.kz/kk/atom.xml\"/>"),
        "{feed}"
    );
    // Articles only, newest first; no draft, no standalone page.
    assert_eq!(
        feed_entry_ids(&feed),
        [
            "https://example.kz/kk/news/festival/",
            "https://example.kz/kk/news/zhastar-forumy/",
            "https://example.kz/kk/news/kasibi-sheberlik-chempionaty/",
            "https://example.kz/kk/news/obzor/",
            "https://example.kz/kk/news/tek-qazaqsha/",
        ]
    );
    // The RFC 3339 date keeps its offset.
    assert!(
        feed.contains("<published>2025-09-15T01:30:00+05:00</published>"),
        "{feed}"
    );
    let ru = site.out("ru/atom.xml");
    assert!(ru.contains("xml:lang=\"ru\""), "{ru}");
    assert_eq!(feed_entry_ids(&ru).len(), 5);
    assert!(!ru.contains("/kk/news/"), "{ru}");
    // Per term.
    assert_eq!(
        feed_entry_ids(&site.out("ru/tags/kolledzhi/atom.xml")),
        [
            "https://example.kz/ru/news/festival/",
            "https://example.kz/ru/news/molodezhnyy-forum/",
        ]
    );
    site.assert_exists("kk/regions/astana/atom.xml");
}

#[test]
fn feed_limit_caps_the_feeds() {
    let site = SiteTest::new("basic");
    site.replace("site.yaml", "feed_limit: 20", "feed_limit: 2");
    site.build_ok(&[]);
    assert_eq!(
        feed_entry_ids(&site.out("kk/atom.xml")),
        [
            "https://example.kz/kk/news/festival/",
            "https://example.kz/kk/news/zhastar-forumy/",
        ]
    );
    assert_eq!(
        feed_entry_ids(&site.out("ru/tags/professii/atom.xml")).len(),
        2
    );
    // Lists are not capped.
    assert_eq!(crate::content::card_urls(&site.html("/kk/news/")).len(), 5);
}

#[test]
fn sitemap_lists_every_page_with_alternates() {
    let site = SiteTest::new("basic");
    site.build_ok(&[]);
    let sitemap = site.out("sitemap.xml");
    assert!(
        sitemap.contains("xmlns:xhtml=\"http://www.w3.org/1999/xhtml\""),
        "{sitemap}"
    );
    let locs: Vec<&str> = sitemap
        .split("<loc>")
        .skip(1)
        .map(|s| &s[..s.find("</loc>").expect("</loc>")])
        .collect();
    let mut expected: Vec<String> = site
        .snapshot_public()
        .files()
        .into_iter()
        .filter(|f| f.ends_with("index.html"))
        // Search pages show results, not content: they stay out of the sitemap.
        .filter(|f| !f.ends_with("/search/index.html"))
        .map(|f| format!("https://example.kz/{}", f.trim_end_matches("index.html")))
        .collect();
    expected.sort();
    let mut got: Vec<String> = locs.iter().map(|s| s.to_string()).collect();
    got.sort();
    assert_eq!(
        got, expected,
        "every page (and nothing else) is in the sitemap"
    );
    assert!(sitemap.contains(
        "<xhtml:link rel=\"alternate\" hreflang=\"ru\" href=\"https://example.kz/ru/news/molodezhnyy-forum/\"/>"
    ));
    assert!(!sitemap.contains("draft-note"));
    assert_eq!(
        site.out("robots.txt")
            .lines()
            .find(|l| l.starts_with("Sitemap:")),
        Some("Sitemap: https://example.kz/sitemap.xml")
    );
}

#[test]
fn output_folder_that_contains_the_site_is_refused() {
    let site = SiteTest::new("basic");
    let before = Snapshot::of(site.root());
    let run = site.build(&["--output", site.root().to_str().unwrap()]);
    assert_ne!(
        run.code,
        Some(0),
        "building into the site root must fail: {run:?}"
    );
    Snapshot::of(site.root()).assert_same(&before, "the site after a refused --output");
}

#[test]
fn output_folder_inside_the_site_inputs_is_refused() {
    let site = SiteTest::new("basic");
    let content = site.path("content");
    let before = Snapshot::of(&content);
    let run = site.build(&["--output", content.to_str().unwrap()]);
    assert_ne!(
        run.code,
        Some(0),
        "building into content/ must be refused: {run:?}"
    );
    Snapshot::of(&content).assert_same(&before, "content/ after --output content");
}

/// The share services an article links to (plain links, nothing loaded from them).
const SHARE_PAGES: &[&str] = &[
    "https://t.me/share/",
    "https://wa.me/",
    "https://vk.com/share.php",
    "https://www.facebook.com/sharer/",
];

/// `/`, the homes and the sitemap name one x-default for the homes: the language chooser.
#[test]
fn the_chooser_and_the_homes_agree_on_x_default() {
    let site = SiteTest::new("basic");
    site.build_ok(&[]);
    let chooser = "https://example.kz/";
    assert_eq!(
        site.html("index.html").hreflang("x-default").as_deref(),
        Some(chooser)
    );
    let sitemap = site.out("sitemap.xml");
    for lang in ["kk", "ru"] {
        assert_eq!(
            site.html(&format!("/{lang}/"))
                .hreflang("x-default")
                .as_deref(),
            Some(chooser)
        );
        let entry = sitemap
            .split("<url>")
            .find(|u| u.contains(&format!("<loc>https://example.kz/{lang}/</loc>")))
            .unwrap_or_else(|| panic!("no sitemap entry for /{lang}/:\n{sitemap}"));
        assert!(
            entry.contains(&format!("hreflang=\"x-default\" href=\"{chooser}\"")),
            "{entry}"
        );
    }
}
