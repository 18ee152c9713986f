//! What content turns into: localized dates and plurals, drafts, slugs, Markdown, front
//! matter, pagination, aliases, and the site-level template and static overrides.

use std::fs;

use crate::harness::{repo_dir, Html, SiteTest};

fn built(args: &[&str]) -> SiteTest {
    let site = SiteTest::new("basic");
    site.build_ok(args);
    site
}

/// The article count shown next to `name` in a term index (`/ru/tags/`).
pub(crate) fn term_count(page: &Html, name: &str) -> String {
    let marker = format!(
        "<span class=\"term-index__name\">{name}</span> <span class=\"term-index__count\">"
    );
    let start = page
        .text
        .find(&marker)
        .unwrap_or_else(|| panic!("{}: no term {name:?} in\n{}", page.name, page.text))
        + marker.len();
    let end = page.text[start..].find("</span>").expect("closing span") + start;
    page.text[start..end].to_string()
}

/// The text of the `page-header__count` paragraph of a list page.
pub(crate) fn header_count(page: &Html) -> String {
    let marker = "<p class=\"page-header__count\">";
    let start = page
        .text
        .find(marker)
        .unwrap_or_else(|| panic!("{}: no count in\n{}", page.name, page.text))
        + marker.len();
    let end = page.text[start..].find("</p>").expect("closing p") + start;
    page.text[start..end].trim().to_string()
}

/// Article URLs of the cards of a list page, in order.
pub(crate) fn card_urls(page: &Html) -> Vec<String> {
    // The lead story's card and the headlines of a list, in the order of the page.
    const TITLES: [&str; 2] = [
        "class=\"card__title\"><a href=\"",
        "class=\"headline__title\"><a href=\"",
    ];
    let mut urls = Vec::new();
    let mut rest = page.text.as_str();
    while let Some((i, marker)) = TITLES
        .iter()
        .filter_map(|m| rest.find(m).map(|i| (i, *m)))
        .min()
    {
        rest = &rest[i + marker.len()..];
        urls.push(rest[..rest.find('"').unwrap()].to_string());
    }
    urls
}

// ---------------------------------------------------------------- dates

#[test]
fn article_pages_show_cldr_long_dates() {
    let site = built(&[]);
    // ICU4X/CLDR puts U+202F (narrow no-break space) between the year and «ж.»/«г.».
    site.html("/kk/news/festival/")
        .assert_has("<time datetime=\"2025-11-03\">2025\u{202f}ж. 3 қараша</time>");
    site.html("/ru/news/festival/")
        .assert_has("<time datetime=\"2025-11-03\">3 ноября 2025\u{202f}г.</time>");
    // Cards on list pages use the same long form.
    site.html("/ru/news/").assert_has("3 ноября 2025\u{202f}г.");
    site.html("/kk/").assert_has("2025\u{202f}ж. 3 қараша");
    // Standalone pages have no date.
    site.html("/kk/about/").assert_lacks("<time");
}

#[test]
fn rfc3339_dates_keep_the_day_as_written() {
    let site = built(&[]);
    // 01:30 at +05:00 is still the 14th in UTC; the page shows the day and time as written,
    // in the form the language's press writes them.
    site.html("/kk/news/obzor/").assert_has(
        "<time datetime=\"2025-09-15T01:30:00+05:00\">2025 жылғы 15 қыркүйек, 01:30</time>",
    );
    site.html("/ru/news/obzor/").assert_has(
        "<time datetime=\"2025-09-15T01:30:00+05:00\">15 сентября 2025\u{202f}г., 01:30</time>",
    );
}

#[test]
fn sections_list_articles_newest_first() {
    let site = built(&[]);
    assert_eq!(
        card_urls(&site.html("/kk/news/")),
        [
            "/kk/news/festival/",
            "/kk/news/zhastar-forumy/",
            "/kk/news/kasibi-sheberlik-chempionaty/",
            "/kk/news/obzor/",
            "/kk/news/tek-qazaqsha/",
        ]
    );
    assert_eq!(
        card_urls(&site.html("/ru/news/")),
        [
            "/ru/news/festival/",
            "/ru/news/molodezhnyy-forum/",
            "/ru/news/chempionat/",
            "/ru/news/obzor/",
            "/ru/news/yarmarka-vakansiy/",
        ]
    );
}

// ---------------------------------------------------------------- plurals

#[test]
fn article_counts_use_cldr_plural_forms() {
    let site = built(&[]);
    let ru = site.html("/ru/tags/");
    assert_eq!(term_count(&ru, "Фестиваль"), "1 статья");
    assert_eq!(term_count(&ru, "Колледжи"), "2 статьи");
    assert_eq!(term_count(&ru, "Профессии"), "5 статей");
    let kk = site.html("/kk/tags/");
    assert_eq!(term_count(&kk, "Фестиваль"), "1 мақала");
    assert_eq!(term_count(&kk, "Колледж"), "2 мақала");
    assert_eq!(term_count(&kk, "Мамандықтар"), "5 мақала");
    let regions = site.html("/ru/regions/");
    assert_eq!(term_count(&regions, "Астана"), "1 статья");
    assert_eq!(term_count(&regions, "Область Абай"), "2 статьи");

    assert_eq!(header_count(&site.html("/ru/tags/professii/")), "5 статей");
    assert_eq!(header_count(&site.html("/ru/tags/kolledzhi/")), "2 статьи");
    assert_eq!(header_count(&site.html("/kk/tags/festival/")), "1 мақала");
    assert_eq!(header_count(&site.html("/ru/news/")), "5 статей");
    assert_eq!(header_count(&site.html("/kk/news/")), "5 мақала");
}

#[test]
fn term_pages_list_their_articles() {
    let site = built(&[]);
    let page = site.html("/ru/tags/kolledzhi/");
    assert_eq!(
        card_urls(&page),
        ["/ru/news/festival/", "/ru/news/molodezhnyy-forum/"]
    );
    page.assert_has("<h1 class=\"page-header__title page-header__title--tags\">Колледжи</h1>");
    // Article pages link their terms.
    site.html("/kk/news/festival/")
        .assert_has("href=\"/kk/tags/mamandyqtar/\"")
        .assert_has("href=\"/kk/regions/abay-oblysy/\"");
}

// ---------------------------------------------------------------- drafts

#[test]
fn drafts_are_left_out_by_default() {
    let site = built(&[]);
    site.assert_missing("/kk/news/draft-note/");
    site.assert_missing("/kk/tags/zhoba/");
    for file in site.snapshot_public().files() {
        if file.ends_with(".html") {
            site.html(file)
                .assert_lacks("draft-note")
                .assert_lacks("Жоба жазбасы")
                .assert_lacks("zhoba");
        }
    }
    assert_eq!(header_count(&site.html("/kk/news/")), "5 мақала");
}

#[test]
fn drafts_flag_builds_drafts() {
    let site = built(&["--drafts"]);
    site.html("/kk/news/draft-note/").assert_has("Жоба жазбасы");
    site.assert_exists("/kk/tags/zhoba/");
    assert_eq!(header_count(&site.html("/kk/news/")), "6 мақала");
    assert_eq!(
        card_urls(&site.html("/kk/news/"))[0],
        "/kk/news/draft-note/"
    );
}

#[test]
fn a_draft_translation_is_not_a_counterpart() {
    let site = SiteTest::new("basic");
    site.write(
        "content/ru/news/tek-qazaqsha.md",
        "---\ntitle: \"Черновик перевода\"\ndate: 2025-09-01\ndraft: true\n---\n\nЧерновик.\n",
    );
    site.build_ok(&[]);
    site.assert_missing("/ru/news/tek-qazaqsha/");
    let page = site.html("/kk/news/tek-qazaqsha/");
    assert_eq!(
        page.switcher(),
        [("ru".to_string(), "/ru/news/".to_string(), true)]
    );
    assert_eq!(page.hreflang("ru"), None);

    site.build_ok(&["--drafts"]);
    let page = site.html("/kk/news/tek-qazaqsha/");
    assert_eq!(
        page.switcher(),
        [(
            "ru".to_string(),
            "/ru/news/tek-qazaqsha/".to_string(),
            false
        )]
    );
}

// ---------------------------------------------------------------- slugs

#[test]
fn slugs_are_transliterated_to_ascii() {
    let site = SiteTest::new("basic");
    let page = |title: &str| format!("---\ntitle: \"{title}\"\ndate: 2025-07-01\n---\n\nМәтін.\n");
    site.write(
        "content/kk/news/Жұмысшы мамандықтары жылы.md",
        page("Жұмысшы мамандықтары жылы"),
    );
    site.write(
        "content/ru/news/Год рабочих профессий.md",
        page("Год рабочих профессий"),
    );
    site.write("content/kk/news/letters.md", {
        let mut p = page("Әріптер");
        p = p.replace("date:", "slug: \"ӘҒҚҢӨҰҮҺІ — тест!\"\ndate:");
        p
    });
    site.write("content/ru/news/Щука, съевшая ёжика.md", page("Щука"));
    site.build_ok(&[]);
    // From file names (the fixture's and the ones above) and from `slug:`.
    site.assert_exists("/ru/news/yarmarka-vakansiy/");
    site.assert_exists("/kk/news/kasibi-sheberlik-chempionaty/");
    site.assert_exists("/kk/news/zhumysshy-mamandyqtary-zhyly/");
    site.assert_exists("/ru/news/god-rabochikh-professiy/");
    site.assert_exists("/kk/news/agqnouuhi-test/");
    site.assert_exists("/ru/news/shchuka-sevshaya-ezhika/");
    // Term URLs too.
    for term in [
        "/kk/tags/mamandyqtar/",
        "/kk/tags/kolledzh/",
        "/ru/tags/professii/",
        "/ru/tags/kolledzhi/",
        "/ru/tags/festival/",
        "/ru/regions/oblast-abay/",
    ] {
        site.assert_exists(term);
    }
    // Every output path is ASCII.
    for file in site.snapshot_public().files() {
        assert!(file.is_ascii(), "non-ASCII output path {file}");
    }
}

// ---------------------------------------------------------------- Markdown and front matter

#[test]
fn markdown_extensions_are_rendered() {
    let site = built(&[]);
    let page = site.html("/kk/news/obzor/");
    page.assert_has("<table>")
        .assert_has("<th style=\"text-align: right\">Колледждер</th>")
        .assert_has("<td>Абай облысы</td>")
        .assert_has("<del>ескі</del>")
        .assert_has("class=\"footnote-reference\"")
        .assert_has("class=\"footnote-definition\"")
        .assert_has("Үкімет қаулысы бойынша.")
        .assert_has("type=\"checkbox\" checked")
        .assert_has("<h2 id=\"negizgi-bagyttar\">Негізгі бағыттар</h2>")
        .assert_has("<h2 id=\"custom-anchor\">Қосымша</h2>")
        .assert_lacks("{#custom-anchor}")
        .assert_lacks("~~");
    // Unchecked task too.
    let checkboxes = page
        .tags("input")
        .into_iter()
        .filter(|t| t.attr("type") == Some("checkbox"))
        .count();
    assert_eq!(checkboxes, 2);
}

#[test]
fn summary_defaults_to_the_first_paragraph() {
    let site = built(&[]);
    // Given in front matter:
    site.html("/kk/news/festival/").assert_has(
        "<meta name=\"description\" content=\"EXPO алаңында жұмысшы мамандықтарына арналған фестиваль өтті.\">",
    );
    // Not given: the first paragraph as plain text.
    site.html("/kk/news/obzor/")
        .assert_has("<meta name=\"description\" content=\"Жыл аясындағы негізгі іс-шаралар.\">");
}

#[test]
fn extra_front_matter_keys_reach_templates() {
    let site = SiteTest::new("basic");
    site.write(
        "templates/page.html",
        "{% extends \"base.html\" %}\n{% block main %}<p id=\"extra\">mood={{ page.extra.mood | default(value=\"-\") }} \
         rating={{ page.extra.rating | default(value=\"-\") }} \
         color={{ page.extra.card.color | default(value=\"-\") }}</p>{% endblock main %}\n",
    );
    site.build_ok(&[]);
    site.html("/kk/news/festival/")
        .assert_has("<p id=\"extra\">mood=мерекелік rating=5 color=teal</p>");
    site.html("/ru/news/festival/")
        .assert_has("<p id=\"extra\">mood=- rating=- color=-</p>");
}

#[test]
fn text_from_content_is_escaped() {
    let site = SiteTest::new("basic");
    site.write(
        "content/kk/news/escape.md",
        "---\ntitle: \"A & B <script>alert(1)</script>\"\ndate: 2025-07-01\n---\n\nМәтін.\n",
    );
    site.build_ok(&[]);
    site.html("/kk/news/escape/")
        .assert_has(
            "<h1 class=\"article__title\">A &amp; B &lt;script&gt;alert(1)&lt;/script&gt;</h1>",
        )
        .assert_lacks("<script>");
}

// ---------------------------------------------------------------- lists, aliases

#[test]
fn sections_paginate() {
    let site = SiteTest::new("basic");
    for lang in ["kk", "ru"] {
        site.replace(
            &format!("content/{lang}/news/_index.md"),
            "weight: 1",
            "weight: 1\npaginate_by: 2",
        );
    }
    site.build_ok(&[]);
    site.assert_exists("/kk/news/");
    site.assert_exists("/kk/news/page/2/");
    site.assert_exists("/kk/news/page/3/");
    site.assert_missing("/kk/news/page/4/");
    assert_eq!(
        card_urls(&site.html("/kk/news/page/3/")),
        ["/kk/news/tek-qazaqsha/"]
    );
    assert_eq!(card_urls(&site.html("/kk/news/")).len(), 2);
    let page2 = site.html("/ru/news/page/2/");
    page2
        .assert_has("rel=\"prev\"")
        .assert_has("href=\"/ru/news/page/3/\"")
        .assert_has("Страница 2 из 3");
    assert_eq!(
        page2.switcher(),
        [("kk".to_string(), "/kk/news/page/2/".to_string(), false)]
    );
    // page/1/ redirects to the section itself.
    let redirect = site.html("/kk/news/page/1/");
    assert_eq!(redirect.lang(), "kk");
    redirect.assert_has("<meta http-equiv=\"refresh\" content=\"0; url=/kk/news/\">");
}

#[test]
fn aliases_redirect_with_lang_and_alternates() {
    let site = SiteTest::new("basic");
    site.replace(
        "content/kk/news/festival.md",
        "date: 2025-11-03",
        "date: 2025-11-03\naliases: [\"/old/festival/\"]",
    );
    site.build_ok(&["--base-url", "https://other.kz/sub"]);
    let page = site.html("/old/festival/");
    assert_eq!(page.lang(), "kk");
    page.assert_has("<meta http-equiv=\"refresh\" content=\"0; url=/sub/kk/news/festival/\">");
    assert_eq!(page.canonical(), "https://other.kz/sub/kk/news/festival/");
    assert_eq!(
        page.hreflang("ru").as_deref(),
        Some("https://other.kz/sub/ru/news/festival/")
    );
}

// ---------------------------------------------------------------- site-level overrides

#[test]
fn site_template_replaces_the_theme_template() {
    let site = SiteTest::new("basic");
    site.write(
        "templates/page.html",
        "{% extends \"base.html\" %}\n{% block main %}<p class=\"site-override\">SITE PAGE {{ page.title }}</p>{% endblock main %}\n",
    );
    site.build_ok(&[]);
    site.html("/kk/news/festival/")
        .assert_has(
            "<p class=\"site-override\">SITE PAGE «Жұмысшы мамандықтарының қаласы» фестивалі</p>",
        )
        .assert_lacks("article__title");
    site.html("/ru/about/").assert_has("SITE PAGE О проекте");
    // Other templates still come from the theme.
    site.html("/kk/news/")
        .assert_has("page-header__title")
        .assert_lacks("site-override");
}

#[test]
fn site_static_files_are_copied_over_the_theme_ones() {
    let site = SiteTest::new("basic");
    site.write("static/style.css", "/* site stylesheet */\n");
    site.write(
        "static/img/logo.svg",
        "<svg xmlns=\"http://www.w3.org/2000/svg\"/>",
    );
    site.write("themes/portal/static/theme-only.txt", "from the theme");
    site.build_ok(&[]);
    let css = site.asset("style.css");
    assert_eq!(site.out(&css), "/* site stylesheet */\n");
    assert_eq!(
        site.out("img/logo.svg"),
        "<svg xmlns=\"http://www.w3.org/2000/svg\"/>"
    );
    assert_eq!(site.out("theme-only.txt"), "from the theme");
    // The real theme's stylesheet is not what was copied.
    let theme_css = fs::read_to_string(repo_dir().join("themes/portal/static/style.css")).unwrap();
    assert_ne!(site.out(&css), theme_css);
}

// ---------------------------------------------------------------- images, metadata

/// The JSON-LD blocks of a page, parsed.
fn json_ld(page: &Html) -> Vec<serde_json::Value> {
    let open = "<script type=\"application/ld+json\">";
    page.text
        .split(open)
        .skip(1)
        .map(|rest| {
            let json = &rest[..rest.find("</script>").expect("closing </script>")];
            serde_json::from_str(json)
                .unwrap_or_else(|e| panic!("{}: JSON-LD does not parse ({e}): {json}", page.name))
        })
        .collect()
}

#[test]
fn json_ld_is_valid_and_safe_inside_script() {
    let site = SiteTest::new("basic");
    let title = "A & B </script><script>alert(1)</script> \"q\" <!--";
    site.write(
        "content/kk/news/escape.md",
        format!(
            "---\ntitle: {}\ndate: 2025-07-01\nauthor: \"X </script>\"\n---\n\nМәтін.\n",
            serde_json::to_string(title).unwrap()
        ),
    );
    site.build_ok(&[]);
    let page = site.html("/kk/news/escape/");
    page.assert_lacks("<script>alert(1)");
    let blocks = json_ld(&page);
    assert_eq!(blocks.len(), 1, "one JSON-LD block on an article");
    assert_eq!(blocks[0]["@type"], "NewsArticle");
    assert_eq!(blocks[0]["headline"], title);
    assert_eq!(blocks[0]["inLanguage"], "kk");
    // Every page's JSON-LD parses.
    for file in site.snapshot_public().files() {
        if file.ends_with(".html") {
            json_ld(&site.html(file));
        }
    }
    assert_eq!(json_ld(&site.html("/ru/"))[0]["@type"], "WebSite");
}

/// A lead image from `static/` that is not a photo qostil resizes (an SVG): shown and shared
/// at its own address (JPEG and PNG photos get variants: `photos.rs`).
fn with_festival_image(site: &SiteTest) {
    site.replace(
        "content/kk/news/festival.md",
        "date: 2025-11-03",
        "date: 2025-11-03\nimage: { src: \"/img/festival.svg\", alt: \"EXPO алаңы\" }",
    );
    site.write(
        "static/img/festival.svg",
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"1200\" height=\"630\"></svg>\n",
    );
}

#[test]
fn article_image_is_shown_and_shared() {
    let site = SiteTest::new("basic");
    with_festival_image(&site);
    site.build_ok(&[]);
    site.assert_exists("img/festival.svg");
    let page = site.html("/kk/news/festival/");
    page.assert_has("<img src=\"/img/festival.svg\" alt=\"EXPO алаңы\"")
        .assert_has("<meta property=\"og:image\" content=\"https://example.kz/img/festival.svg\">");
    // The lead story of the home (the newest article) shows it.
    site.html("/kk/").assert_has("src=\"/img/festival.svg\"");
}

#[test]
fn article_image_gets_the_base_path() {
    let site = SiteTest::new("basic");
    with_festival_image(&site);
    site.build_ok(&["--base-url", "https://other.kz/sub"]);
    site.html("/kk/news/festival/")
        .assert_has("<img src=\"/sub/img/festival.svg\"")
        .assert_has(
            "<meta property=\"og:image\" content=\"https://other.kz/sub/img/festival.svg\">",
        );
    site.html("/kk/")
        .assert_has("src=\"/sub/img/festival.svg\"");
}

// ---------------------------------------------------------------- article views

#[test]
fn an_article_links_its_related_news_and_neighbours() {
    let site = built(&[]);
    let page = site.html("/kk/news/kasibi-sheberlik-chempionaty/");
    // Related: the festival shares a tag and a region, then the others sharing one, newest
    // first; the related list is the only list of headlines on an article.
    assert_eq!(
        crate::content::card_urls(&page),
        [
            "/kk/news/festival/",
            "/kk/news/zhastar-forumy/",
            "/kk/news/obzor/",
            "/kk/news/tek-qazaqsha/",
        ]
    );
    // Its neighbours in the news section (newest first): the newer one and the older one.
    page.assert_has("class=\"sequel__link sequel__link--older\" href=\"/kk/news/obzor/\"")
        .assert_has("class=\"sequel__link sequel__link--newer\" href=\"/kk/news/zhastar-forumy/\"")
        .assert_has("1 минуттық оқу")
        // Share links are plain links with the page's address in them.
        .assert_has("https://t.me/share/url?url=https%3A%2F%2Fexample%2Ekz%2Fkk%2Fnews%2Fkasibi%2Dsheberlik%2Dchempionaty%2F")
        .assert_has("https://www.facebook.com/sharer/sharer.php?u=https%3A%2F%2Fexample%2Ekz%2F");
}

#[test]
fn the_standfirst_is_a_summary_the_page_does_not_show_already() {
    let site = built(&[]);
    // A written summary that is not the body's first paragraph.
    site.html("/kk/news/festival/").assert_has(
        "<p class=\"article__standfirst\">EXPO алаңында жұмысшы мамандықтарына арналған фестиваль өтті.</p>",
    );
    // No written summary: the first paragraph is the summary, and the body shows it.
    site.html("/kk/news/kasibi-sheberlik-chempionaty/")
        .assert_lacks("article__standfirst");
    // A written summary that the body opens with (here its first words), or that repeats
    // the title.
    let site = SiteTest::new("basic");
    site.replace(
        "content/kk/news/festival.md",
        "summary: \"EXPO алаңында жұмысшы мамандықтарына арналған фестиваль өтті.\"",
        "summary: \"EXPO көрме алаңында 200-ден астам\"",
    );
    site.replace(
        "content/kk/news/obzor.md",
        "tags: [Мамандықтар]",
        "tags: [Мамандықтар]\nsummary: \"Жыл шолуы.\"",
    );
    site.build_ok(&[]);
    site.html("/kk/news/festival/")
        .assert_lacks("article__standfirst");
    site.html("/kk/news/obzor/")
        .assert_lacks("article__standfirst");
}
