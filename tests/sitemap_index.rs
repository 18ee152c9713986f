//! A site with more than 50,000 URLs gets a sitemap index whose parts each list at most
//! 50,000 URLs, as the sitemaps protocol requires. The site is generated in memory (the
//! sitemap reads no bodies), 61,000 article pages; CI also validates the files with xmllint.

use qostil::config::parse_config;
use qostil::content::{Document, FrontMatter, PageDate};
use qostil::lang::{Lang, Locales};
use qostil::render::views::Urls;
use qostil::render::xml::{sitemap, sitemap_part};
use qostil::site::{assemble_site, OutputKind, Publish, SITEMAP_LIMIT};

const CONFIG: &str = "title: { kk: \"Қ\", ru: \"Р\" }\nbase_url: \"https://example.kz\"\ndefault_language: kk\nlanguages: [kk, ru]\ntheme: portal\n";

fn article(lang: Lang, n: usize) -> Document {
    let meta = FrontMatter {
        title: Some(format!("Мақала {n}")),
        date: PageDate::parse("2025-03-01").ok(),
        ..FrontMatter::default()
    };
    Document::bare(lang, "news", &format!("a{n}"), meta)
}

#[test]
fn more_than_50000_urls_make_a_sitemap_index() {
    let config = parse_config(CONFIG).unwrap();
    let locales = Locales::new().unwrap();
    let docs: Vec<Document> = (0..30_500)
        .flat_map(|n| [article(Lang::Kk, n), article(Lang::Ru, n)])
        .collect();
    let site = assemble_site(
        config,
        docs.into_iter().map(std::sync::Arc::new).collect(),
        &Default::default(),
        &locales,
        &Publish::at_build_moment(false, false).unwrap(),
    )
    .unwrap();
    let listed = site
        .outputs
        .iter()
        .filter(|o| o.kind.is_listed_page())
        .count();
    assert!(listed > 60_000, "{listed} URLs");
    let parts: Vec<usize> = site
        .outputs
        .iter()
        .filter_map(|o| match o.kind {
            OutputKind::SitemapPart(n) => Some(n),
            _ => None,
        })
        .collect();
    assert_eq!(parts, [1, 2]);
    let urls = Urls {
        base_url: &site.config.base_url,
        base_path: &site.config.base_path,
    };
    let index = sitemap(&site, &urls);
    let doc = roxmltree::Document::parse(&index).unwrap();
    assert_eq!(doc.root_element().tag_name().name(), "sitemapindex");
    let locs: Vec<&str> = doc
        .descendants()
        .filter(|n| n.has_tag_name("loc"))
        .filter_map(|n| n.text())
        .collect();
    assert_eq!(
        locs,
        [
            "https://example.kz/sitemap-1.xml",
            "https://example.kz/sitemap-2.xml"
        ]
    );
    let mut total = 0;
    for n in [1, 2] {
        let part = sitemap_part(&site, &urls, n);
        let doc = roxmltree::Document::parse(&part).unwrap();
        assert_eq!(doc.root_element().tag_name().name(), "urlset");
        let count = doc
            .root_element()
            .children()
            .filter(|c| c.has_tag_name("url"))
            .count();
        assert!(count <= SITEMAP_LIMIT, "part {n} has {count} URLs");
        total += count;
    }
    assert_eq!(total, listed, "every page is in exactly one part");
}
