//! Making a site one's own without forking the theme (#19): shortcodes, the raw HTML policy,
//! menus, site strings and data, `extra`, per-page templates, `qostil init`.

use crate::harness::SiteTest;

/// Builds `site` (already built once) after `break_it`: exit 1, the error lines returned,
/// and public/ exactly as it was.
fn failing_build(site: &SiteTest, break_it: impl FnOnce(&SiteTest)) -> Vec<String> {
    let before = site.snapshot_public();
    assert!(!before.is_empty(), "the site must have been built first");
    break_it(site);
    let run = site.build(&[]);
    let errors = run.site_errors();
    site.snapshot_public()
        .assert_same(&before, "public/ before and after a failed build");
    errors
}

fn line_with<'a>(lines: &'a [String], needle: &str) -> &'a str {
    lines
        .iter()
        .find(|l| l.contains(needle))
        .unwrap_or_else(|| panic!("no line with {needle:?} in:\n{}", lines.join("\n")))
}

// ---------------------------------------------------------------------------- shortcodes

const FESTIVAL: &str = "content/kk/news/festival.md";

/// The festival article with `body` as its text.
fn festival_with(site: &SiteTest, body: &str) {
    let text = site.read(FESTIVAL);
    let end = text.find("\n---\n").expect("front matter") + 5;
    site.write(FESTIVAL, format!("{}{body}", &text[..end]));
}

#[test]
fn built_in_shortcodes_render_on_their_own_line_and_inline_never_in_code() {
    let site = SiteTest::new("basic");
    festival_with(
        &site,
        "Кіріспе.\n\n{{ video(url=\"https://youtu.be/dQw4w9WgXcQ\", title=\"Фестиваль <күні>\") }}\n\n\
         {{ figure(src=\"/images/expo.jpg\", alt=\"EXPO алаңы\", caption=\"Фестиваль\", credit=\"Фото: Ә. Қасым\") }}\n\n\
         {{ telegram(url=\"https://t.me/kazinform/123\") }}\n\n\
         `{{ video(url=\"x\") }}`\n\n```\n{{ nothing(at=\"all\") }}\n```\n",
    );
    site.build_ok(&["--base-url", "https://example.kz/portal"]);
    let html = site.out("kk/news/festival/index.html");
    // The video: a link out and no request to another site: no iframe, no thumbnail.
    assert!(
        html.contains("<figure class=\"video\" data-embed=\"https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ?autoplay=1\""),
        "{html}"
    );
    assert!(
        html.contains("<a class=\"video__link\" href=\"https://youtu.be/dQw4w9WgXcQ\""),
        "{html}"
    );
    assert!(
        html.contains("Фестиваль &lt;күні&gt;"),
        "arguments are escaped: {html}"
    );
    assert!(!html.contains("<iframe"), "{html}");
    assert!(
        !html.contains("ytimg") && !html.contains("<img src=\"https://"),
        "{html}"
    );
    assert!(html.contains("src=\"/portal/video."), "{html}");
    assert!(
        html.contains("басқанда ғана жүктеледі"),
        "the privacy promise: {html}"
    );
    // The figure: its src gets the base path like any root-relative link.
    assert!(
        html.contains("<img src=\"/portal/images/expo.jpg\" alt=\"EXPO алаңы\""),
        "{html}"
    );
    assert!(
        html.contains(
            "Фестиваль — <span class=\"figure__credit\">Фото: Ә. Қасым</span></figcaption>"
        ),
        "{html}"
    );
    // A post card; nothing loaded from t.me.
    assert!(
        html.contains("</figure>\n<aside class=\"telegram-post\">"),
        "{html}"
    );
    assert!(
        html.contains("href=\"https://t.me/kazinform/123\""),
        "{html}"
    );
    assert!(html.contains("@kazinform"), "{html}");
    // Code is never scanned.
    assert!(
        html.contains("<code>{{ video(url=\"x\") }}</code>"),
        "{html}"
    );
    assert!(html.contains("{{ nothing(at=\"all\") }}"), "{html}");
    // Feeds carry the same HTML; the theme's script is published.
    assert!(site.out("kk/atom.xml").contains("youtube-nocookie.com"));
    // Under its fingerprinted name, which the shortcode's script tag uses.
    let script = site.asset("video.js");
    assert!(
        html.contains(&format!("src=\"/portal/{script}\"")),
        "{html}"
    );
}

#[test]
fn a_shortcode_first_is_not_the_summary() {
    let site = SiteTest::new("basic");
    let text = site.read(FESTIVAL).replace(
        "summary: \"EXPO алаңында жұмысшы мамандықтарына арналған фестиваль өтті.\"\n",
        "",
    );
    site.write(FESTIVAL, text);
    festival_with(
        &site,
        "{{ video(url=\"https://vimeo.com/76979871\") }}\n\nЛид абзацы.\n",
    );
    site.build_ok(&[]);
    let html = site.out("kk/news/festival/index.html");
    assert!(
        html.contains("<meta name=\"description\" content=\"Лид абзацы.\">"),
        "{html}"
    );
    assert!(
        html.contains("https://player.vimeo.com/video/76979871?dnt=1"),
        "{html}"
    );
}

#[test]
fn shortcode_errors_name_the_file_line_and_column() {
    let site = SiteTest::new("basic");
    site.build_ok(&[]);
    let errors = failing_build(&site, |s| {
        festival_with(s, "Мәтін.\n\n{{ youtube(id=\"x\") }}\n");
        s.write(
            "content/kk/news/chempionat.md",
            "---\ntitle: \"Чемпионат\"\ndate: 2025-10-01\n---\n\nА.\n\n  {{ video(titel=\"x\") }}\n",
        );
    });
    let unknown = line_with(&errors, "unknown shortcode `youtube`");
    assert!(
        unknown.contains("content/kk/news/festival.md:"),
        "{unknown}"
    );
    assert!(
        unknown.contains("templates/shortcodes/youtube.html"),
        "{unknown}"
    );
    let line = site
        .read(FESTIVAL)
        .lines()
        .position(|l| l.starts_with("{{ youtube"))
        .unwrap()
        + 1;
    assert!(unknown.contains(&format!(":{line}:1:")), "{unknown}");
    let arg = line_with(&errors, "unknown argument `titel`");
    assert!(arg.contains("content/kk/news/chempionat.md:8:3:"), "{arg}");
    assert!(arg.contains("(it takes url, title?)"), "{arg}");
    assert!(arg.contains("missing argument `url`"), "{arg}");
}

/// Bad syntax is found when the file is read, with the other content errors.
#[test]
fn shortcode_syntax_errors_are_content_errors() {
    let site = SiteTest::new("basic");
    site.build_ok(&[]);
    let errors = failing_build(&site, |s| {
        s.write(
            "content/kk/news/obzor.md",
            "---\ntitle: \"Шолу\"\ndate: 2025-10-02\n---\n{{ video(url=\"x) }}\n\n{{ video(url=\"x\" title=\"y\") }}\n",
        );
        s.write(
            "content/kk/news/chempionat.md",
            "---\ntitle: \"Ч\"\ndate: 2025-13-01\n---\n",
        );
    });
    let syntax = line_with(&errors, "content/kk/news/obzor.md:5:15:");
    assert!(syntax.contains("not closed"), "{syntax}");
    let comma = line_with(&errors, "content/kk/news/obzor.md:7:18:");
    assert!(comma.contains("expected `,` or `)`"), "{comma}");
    line_with(&errors, "content/kk/news/chempionat.md:3:");
}

#[test]
fn a_bad_video_url_is_an_error_at_the_call() {
    let site = SiteTest::new("basic");
    site.build_ok(&[]);
    let errors = failing_build(&site, |s| {
        festival_with(s, "{{ video(url=\"https://example.com/v/1\") }}\n");
    });
    let e = line_with(&errors, "https://example.com/v/1");
    assert!(e.contains("content/kk/news/festival.md:"), "{e}");
    assert!(e.contains("not a YouTube"), "{e}");
}

#[test]
fn a_site_shortcode_replaces_the_themes_and_declares_its_arguments() {
    let site = SiteTest::new("basic");
    site.write(
        "templates/shortcodes/video.html",
        "{# args: url, n? #}<p class=\"my-video\" data-n=\"{{ n | default(value=0) }}\">{{ url }} {{ lang }} {{ page.title }} <a href=\"{{ page.url }}\">{{ page.permalink }}</a></p>",
    );
    site.write(
        "templates/shortcodes/quote.html",
        "{# args: text, big? #}<blockquote{% if big %} class=\"big\"{% endif %}>{{ text }}</blockquote>",
    );
    site.write(
        "templates/shortcodes/abbr.html",
        "{# args: short, long #}\n<abbr title=\"{{ long }}\">{{ short }}</abbr>\n",
    );
    festival_with(
        &site,
        "{{ video(url=\"u\", n=3) }}\n\n{{ quote(text=\"Сөз\", big=true) }}\n\nИнлайн {{ abbr(short=\"ЖММ\", long=\"Жұмысшы мамандықтары\") }} мысал.\n",
    );
    site.build_ok(&["--base-url", "https://example.kz/portal"]);
    let html = site.out("kk/news/festival/index.html");
    // The shortcode's links are as its template wrote them: the base path once.
    assert!(
        html.contains("<p class=\"my-video\" data-n=\"3\">u kk «Жұмысшы мамандықтарының қаласы» фестивалі <a href=\"/portal/kk/news/festival/\">https://example.kz/portal/kk/news/festival/</a></p>"),
        "{html}"
    );
    assert!(
        html.contains("<blockquote class=\"big\">Сөз</blockquote>"),
        "{html}"
    );
    assert!(
        !html.contains("<p><p"),
        "a block shortcode replaces its paragraph: {html}"
    );
    assert!(
        html.contains("<p>Инлайн <abbr title=\"Жұмысшы мамандықтары\">ЖММ</abbr> мысал.</p>"),
        "inside a paragraph: {html}"
    );
}

// ---------------------------------------------------------------------- raw HTML policy

const RAW: &str = "Мәтін <b>қалың</b>.\n\n<script>alert(1)</script>\n\nКод: `<iframe>`\n\n<iframe src=\"https://example.com/\"></iframe>\n";

#[test]
fn raw_html_is_allowed_by_default_and_check_warns_about_scripts_and_iframes() {
    let site = SiteTest::new("basic");
    festival_with(&site, RAW);
    site.build_ok(&[]);
    let html = site.out("kk/news/festival/index.html");
    assert!(
        html.contains("<b>қалың</b>") && html.contains("<script>alert(1)</script>"),
        "{html}"
    );
    let first = site
        .read(FESTIVAL)
        .lines()
        .position(|l| l.starts_with("<script>"))
        .unwrap()
        + 1;
    let run = site.run(&["check"]);
    let script = format!("content/kk/news/festival.md:{first}:1: raw <script> in content");
    let iframe = format!(
        "content/kk/news/festival.md:{}:1: raw <iframe> in content",
        first + 4
    );
    assert!(
        run.stderr.contains(&script) || run.stdout.contains(&script),
        "{}",
        run.describe()
    );
    assert!(
        run.stderr.contains(&iframe) || run.stdout.contains(&iframe),
        "{}",
        run.describe()
    );
    assert!(
        !run.stdout.contains(&format!(":{}:", first + 2)),
        "code is not raw HTML"
    );
    // `--strict` makes the warning fail the check.
    site.run(&["check", "--strict"]).assert_code(1);
    let json = site.run(&["check", "--format", "json"]);
    assert!(
        json.stdout.contains("\"code\": \"raw-html\""),
        "{}",
        json.stdout
    );
}

#[test]
fn raw_html_escape_shows_html_as_text_but_not_shortcodes() {
    let site = SiteTest::new("basic");
    site.append("site.yaml", "markdown:\n  raw_html: escape\n");
    festival_with(
        &site,
        &format!("{RAW}\n{{{{ telegram(url=\"https://t.me/kazinform/1\") }}}}\n"),
    );
    site.build_ok(&[]);
    let html = site.out("kk/news/festival/index.html");
    assert!(html.contains("&lt;b&gt;қалың&lt;/b&gt;"), "{html}");
    assert!(
        html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
        "{html}"
    );
    assert!(
        !html.contains("<script>alert") && !html.contains("<iframe"),
        "{html}"
    );
    assert!(html.contains("<aside class=\"telegram-post\">"), "{html}");
    let run = site.run(&["check"]);
    assert!(
        run.stdout.contains("shows it as text") || run.stderr.contains("shows it as text"),
        "{}",
        run.describe()
    );
}

#[test]
fn an_unknown_raw_html_policy_is_an_error_naming_site_yaml() {
    let site = SiteTest::new("basic");
    site.build_ok(&[]);
    let errors = failing_build(&site, |s| {
        s.append("site.yaml", "markdown:\n  raw_html: strip\n");
    });
    let e = line_with(&errors, "site.yaml:");
    assert!(e.contains("allow") && e.contains("escape"), "{e}");
}

// ---------------------------------------------------------------------------------- menus

const MENU: &str = "menus:\n  main:\n    - { page: about }\n    - { section: news, name: { kk: \"Жаңалық\", ru: \"Новости!\" } }\n    - { url: \"/tags/\", name: { kk: \"Тегтер\", ru: \"Теги\" } }\n    - url: \"https://www.gov.kz\"\n      name: { kk: \"Үкімет\", ru: \"Правительство\" }\n";

/// The header menu's links: (href, text, external).
fn menu_links(html: &str) -> Vec<(String, String, bool)> {
    let nav = html
        .split("<nav class=\"site-nav\"")
        .nth(1)
        .and_then(|rest| rest.split("</nav>").next())
        .unwrap_or_else(|| panic!("no site-nav in {html}"));
    nav.split("<a ")
        .skip(1)
        .map(|a| {
            let href = a
                .split("href=\"")
                .nth(1)
                .unwrap()
                .split('"')
                .next()
                .unwrap();
            let text = a.split('>').nth(1).unwrap().split('<').next().unwrap();
            (
                href.to_string(),
                text.to_string(),
                a.contains("rel=\"external"),
            )
        })
        .collect()
}

#[test]
fn a_menu_from_site_yaml_replaces_the_automatic_navigation_in_its_order() {
    let site = SiteTest::new("basic");
    site.build_ok(&[]);
    let automatic = menu_links(&site.out("kk/index.html"));
    assert!(
        automatic.iter().any(|(href, _, _)| href == "/kk/regions/"),
        "{automatic:?}"
    );
    site.append("site.yaml", MENU);
    site.build_ok(&[]);
    let kk = menu_links(&site.out("kk/news/index.html"));
    assert_eq!(
        kk,
        [
            ("/kk/about/".to_string(), "Жоба туралы".to_string(), false),
            ("/kk/news/".to_string(), "Жаңалық".to_string(), false),
            ("/kk/tags/".to_string(), "Тегтер".to_string(), false),
            ("https://www.gov.kz".to_string(), "Үкімет".to_string(), true),
        ]
    );
    let ru = menu_links(&site.out("ru/index.html"));
    assert_eq!(
        ru[1],
        ("/ru/news/".to_string(), "Новости!".to_string(), false)
    );
    assert_eq!(ru[3].0, "https://www.gov.kz");
    assert!(site
        .out("kk/news/index.html")
        .contains("href=\"/kk/news/\" aria-current=\"page\">Жаңалық"));
}

#[test]
fn a_menu_naming_an_unknown_section_or_page_is_an_error_at_its_line() {
    let site = SiteTest::new("basic");
    site.build_ok(&[]);
    let errors = failing_build(&site, |s| {
        s.append(
            "site.yaml",
            "menus:\n  main:\n    - { section: newz }\n    - { page: abuot }\n",
        );
    });
    let lines = site.read("site.yaml").lines().count();
    let section = line_with(&errors, "no section `newz`");
    assert!(
        section.contains(&format!("site.yaml:{}:1: menus.main:", lines - 1)),
        "{section}"
    );
    assert!(section.contains("sections: news"), "{section}");
    let page = line_with(&errors, "no page `abuot`");
    assert!(page.contains(&format!("site.yaml:{lines}:1:")), "{page}");
}

/// What the entries say is checked with the rest of site.yaml, before any content is read.
#[test]
fn a_malformed_menu_entry_is_an_error_at_its_line() {
    let site = SiteTest::new("basic");
    site.build_ok(&[]);
    let errors = failing_build(&site, |s| {
        s.append(
            "site.yaml",
            "menus:\n  main:\n    - { url: \"www.gov.kz\", name: \"Gov\" }\n    - { url: \"https://x.kz\" }\n    - { section: news, page: about }\n",
        );
    });
    let lines = site.read("site.yaml").lines().count();
    let one_of = line_with(&errors, "exactly one of `section`, `page` or `url`");
    assert!(
        one_of.contains(&format!("site.yaml:{lines}:1:")),
        "{one_of}"
    );
    let lines = lines - 1;
    let url = line_with(&errors, "url `www.gov.kz`");
    assert!(
        url.contains(&format!("site.yaml:{}:1:", lines - 1)),
        "{url}"
    );
    let name = line_with(&errors, "needs a `name` in kk, ru");
    assert!(name.contains(&format!("site.yaml:{lines}:1:")), "{name}");
}

// ------------------------------------------------- the fixture: a site made its own

/// Every file under `dir`, relative path → bytes.
fn tree(dir: &std::path::Path) -> crate::harness::Snapshot {
    crate::harness::Snapshot::of(dir)
}

#[test]
fn the_custom_fixture_overrides_a_string_a_template_and_a_shortcode_without_touching_the_theme() {
    let site = SiteTest::new("custom");
    let theme_before = tree(&site.path("themes/portal"));
    tree(&crate::harness::repo_dir().join("themes/portal"))
        .assert_same(&theme_before, "the fixture's theme is the repository's");
    let run = site.run(&["build"]);
    run.assert_success();
    tree(&site.path("themes/portal")).assert_same(&theme_before, "themes/ after the build");
    // One string: the site's `home` replaces the theme's, the other strings stay.
    let list = site.out("kk/news/index.html");
    let home = site.out("kk/about/index.html");
    let kk_article = site.out("kk/news/ashyq-esik/index.html");
    assert!(kk_article.contains(">Бас бет</a></li>"), "{kk_article}");
    assert!(!kk_article.contains("Басты бет"), "{kk_article}");
    assert!(
        kk_article.contains("Навигация тізбегі"),
        "other strings stay the theme's"
    );
    // One template: the site's section.html, with section.extra, card.extra, site.extra, data.
    assert!(
        list.contains("<p class=\"banner\">Апта жаңалықтары</p>"),
        "{list}"
    );
    assert!(list.contains("<ul class=\"my-list\">"), "{list}");
    assert!(
        list.contains("Ашық есік күні</a> <span class=\"badge\">★</span>"),
        "{list}"
    );
    assert!(
        list.contains("<p class=\"motto\">Еңбек — бақыт</p>"),
        "{list}"
    );
    assert!(
        list.contains("<address>+7 717 200 00 00 · Астана · Алматы</address>"),
        "{list}"
    );
    // `template:` picks the site's own template.
    assert!(
        home.contains("<h1 class=\"landing__title\">Біз туралы</h1>"),
        "{home}"
    );
    assert!(
        home.contains("<p class=\"landing__tagline\">Басты · Біз туралы</p>"),
        "{home}"
    );
    // One shortcode: the site's video, and a shortcode of its own.
    let article = site.out("ru/news/ashyq-esik/index.html");
    assert!(
        article.contains("<p class=\"site-video\"><a href=\"https://youtu.be/dQw4w9WgXcQ\">День открытых дверей</a></p>"),
        "{article}"
    );
    assert!(!article.contains("video.js"), "{article}");
    assert!(
        article.contains("<aside class=\"note note--warm\">Новости недели</aside>"),
        "{article}"
    );
    // The menu with its external link.
    let menu = menu_links(&article);
    assert_eq!(menu.len(), 3, "{menu:?}");
    assert_eq!(
        menu[2],
        (
            "https://www.gov.kz".to_string(),
            "Правительство".to_string(),
            true
        )
    );
    // The string override is Kazakh only; Russian keeps the theme's.
    assert!(article.contains(">Главная</a></li>"), "{article}");
    site.run(&["check", "--strict"]).assert_success();
}

#[test]
fn a_site_string_merges_over_the_themes_key_by_key_and_an_unknown_key_is_a_warning() {
    let site = SiteTest::new("custom");
    site.write("i18n/kk.yaml", "home: \"Бас бет\"\nred_more: \"Оқу\"\n");
    let run = site.run(&["build"]);
    run.assert_success();
    assert!(
        run.stderr.contains("warning: i18n/kk.yaml:2:1: red_more: the theme has no such UI string; did you mean `read_more`?"),
        "{}",
        run.describe()
    );
    let kk = site.out("kk/news/ashyq-esik/index.html");
    assert!(kk.contains("Бас бет"), "{kk}");
    site.run(&["check", "--strict"]).assert_code(1);
}

#[test]
fn a_bad_site_strings_file_is_an_error_at_its_line() {
    let site = SiteTest::new("custom");
    site.build_ok(&[]);
    let errors = failing_build(&site, |s| {
        s.write(
            "i18n/ru.yaml",
            "home: \"Главная\"\narticle_count: { one: \"{count}\" }\n",
        );
        s.write("i18n/kk.yaml", "home: [\n");
    });
    let plural = line_with(&errors, "i18n/ru.yaml:2:");
    assert!(plural.contains("`other`"), "{plural}");
    line_with(&errors, "i18n/kk.yaml:");
}

#[test]
fn data_files_reach_templates_and_a_bad_one_is_an_error_at_its_line() {
    let site = SiteTest::new("custom");
    site.write("data/links.json", "{\"gov\": \"https://www.gov.kz\"}");
    site.write(
        "templates/shortcodes/gov.html",
        "{# args: #}<a href=\"{{ data.links.gov }}\">{{ data.contacts.offices | length }}</a>",
    );
    site.append("content/kk/news/ashyq-esik.md", "\n{{ gov() }}\n");
    site.build_ok(&[]);
    let html = site.out("kk/news/ashyq-esik/index.html");
    assert!(
        html.contains("<a href=\"https://www.gov.kz\">2</a>"),
        "{html}"
    );
    let errors = failing_build(&site, |s| {
        s.write("data/contacts.yaml", "phone: \"+7\"\noffices: [\n  - x\n");
        s.write("data/links.json", "{\n  \"gov\": ,\n}");
    });
    line_with(&errors, "data/contacts.yaml:");
    let json = line_with(&errors, "data/links.json:2:");
    assert!(json.contains("invalid JSON"), "{json}");
}

#[test]
fn an_unknown_template_is_an_error_at_the_template_line() {
    let site = SiteTest::new("custom");
    site.build_ok(&[]);
    let errors = failing_build(&site, |s| {
        s.replace(
            "content/ru/about.md",
            "template: landing.html",
            "template: landnig.html",
        );
        s.write(
            "content/kk/news/_index.md",
            "---\ntitle: \"Жаңалықтар\"\ntemplate: wide.html\n---\n",
        );
    });
    let page = line_with(&errors, "content/ru/about.md:3:");
    assert!(
        page.contains("template: `landnig.html`") && page.contains("landing.html"),
        "{page}"
    );
    let section = line_with(&errors, "content/kk/news/_index.md:3:");
    assert!(section.contains("`wide.html`"), "{section}");
}

#[test]
fn a_section_template_and_extra_are_keys_of_index_md_and_others_are_still_errors() {
    let site = SiteTest::new("custom");
    site.write(
        "templates/news-list.html",
        "{% extends \"section.html\" %}{% block body_class %}news-list{% endblock body_class %}",
    );
    site.write(
        "content/ru/news/_index.md",
        "---\ntitle: \"Новости\"\ntemplate: news-list.html\nextra: { banner: \"Свежее\" }\n---\n",
    );
    site.build_ok(&[]);
    let html = site.out("ru/news/index.html");
    assert!(html.contains("class=\"news-list\""), "{html}");
    assert!(html.contains("<p class=\"banner\">Свежее</p>"), "{html}");
    let errors = failing_build(&site, |s| {
        s.write(
            "content/ru/news/_index.md",
            "---\ntitle: \"Новости\"\nextr: { banner: \"Свежее\" }\n---\n",
        );
    });
    let e = line_with(&errors, "content/ru/news/_index.md:3:");
    assert!(e.contains("did you mean `extra`?"), "{e}");
}

#[test]
fn site_extra_is_a_site_yaml_key_and_must_be_a_map() {
    let site = SiteTest::new("custom");
    site.build_ok(&[]);
    let errors = failing_build(&site, |s| {
        s.replace(
            "site.yaml",
            "extra:\n  motto: \"Еңбек — бақыт\"\n",
            "extra: [1, 2]\n",
        );
    });
    line_with(&errors, "site.yaml:");
}

#[test]
fn a_taxonomy_title_comes_from_its_string_or_its_name_and_check_warns_without_one() {
    let site = SiteTest::new("custom");
    site.replace(
        "site.yaml",
        "taxonomies: [tags]",
        "taxonomies: [tags, job-fairs]",
    );
    site.append("content/kk/news/ashyq-esik.md", "");
    site.replace(
        "content/kk/news/ashyq-esik.md",
        "tags: [Колледж]",
        "tags: [Колледж]\njob-fairs: [Астана]",
    );
    site.replace(
        "content/ru/news/ashyq-esik.md",
        "tags: [Колледж]",
        "tags: [Колледж]\njob-fairs: [Астана]",
    );
    site.replace(
        "site.yaml",
        "    - { page: about }\n",
        "    - { page: about }\n    - { url: \"/job-fairs/\", name: \"Fairs\" }\n",
    );
    let run = site.run(&["build"]);
    run.assert_success();
    let index = site.out("kk/job-fairs/index.html");
    assert!(index.contains("Job fairs"), "{index}");
    let check = site.run(&["check"]);
    let out = format!("{}{}", check.stdout, check.stderr);
    assert!(out.contains("no UI string `taxonomy_job-fairs`"), "{out}");
    site.run(&["check", "--strict"]).assert_code(1);
    site.write(
        "i18n/kk.yaml",
        "home: \"Бас бет\"\ntaxonomy_job-fairs: \"Жәрмеңкелер\"\n",
    );
    site.write("i18n/ru.yaml", "taxonomy_job-fairs: \"Ярмарки\"\n");
    let run = site.run(&["build"]);
    run.assert_success();
    assert!(site.out("kk/job-fairs/index.html").contains("Жәрмеңкелер"));
    assert!(site.out("ru/job-fairs/index.html").contains("Ярмарки"));
}

// ------------------------------------------------------------------------- CLI habits

#[test]
fn root_quiet_and_verbose_go_before_or_after_the_subcommand() {
    let site = SiteTest::new("basic");
    let scratch = site.scratch("");
    let root = site.root().to_str().unwrap().to_string();
    let before = site.run_in(&scratch, &["--root", &root, "build"], &[]);
    before.assert_success();
    assert!(before.stdout.starts_with("built "), "{}", before.describe());
    let after = site.run_in(&scratch, &["check", "--root", &root], &[]);
    after.assert_success();
    let quiet = site.run_in(&scratch, &["-q", "--root", &root, "build"], &[]);
    quiet.assert_success();
    assert_eq!(quiet.stdout, "", "{}", quiet.describe());
    let quiet_after = site.run_in(&scratch, &["build", "--quiet", "--root", &root], &[]);
    quiet_after.assert_success();
    assert_eq!(quiet_after.stdout, "");
    let verbose = site.run(&["build", "--verbose"]);
    verbose.assert_success();
    assert!(
        verbose.stderr.contains(" ms"),
        "stage times: {}",
        verbose.describe()
    );
    let verbose_before = site.run(&["--verbose", "build"]);
    assert!(
        verbose_before.stderr.contains(" ms"),
        "{}",
        verbose_before.describe()
    );
    // Errors are printed even when quiet; both flags together are a usage error.
    site.write(
        "content/kk/news/festival.md",
        "---\ntitle: \"x\"\ndate: 2025-13-01\n---\n",
    );
    let failed = site.run(&["build", "-q"]);
    failed.assert_code(1);
    assert!(
        failed
            .stderr
            .contains("error: content/kk/news/festival.md:3:"),
        "{}",
        failed.describe()
    );
    site.run(&["-q", "-v", "build"]).assert_code(2);
}

/// The exact run CI makes: a new site builds and passes `check --strict` at once.
#[test]
fn init_makes_a_bilingual_site_that_builds_and_passes_check_strict() {
    let site = SiteTest::new("basic");
    let fresh = site.scratch("fresh");
    let fresh_str = fresh.to_str().unwrap();
    let cwd = site.scratch("");
    site.run_in(&cwd, &["init", fresh_str], &[])
        .assert_success();
    for file in [
        "site.yaml",
        "content/kk/_index.md",
        "content/ru/_index.md",
        "themes/portal/templates/base.html",
        "themes/portal/templates/shortcodes/video.html",
    ] {
        assert!(fresh.join(file).is_file(), "{file}");
    }
    site.run_in(&cwd, &["build", "--root", fresh_str], &[])
        .assert_success();
    site.run_in(&cwd, &["check", "--strict", "--root", fresh_str], &[])
        .assert_success();
    // From inside the new site, as users type it.
    site.run_in(&fresh, &["check", "--strict"], &[])
        .assert_success();
    assert!(fresh.join("public/kk/index.html").is_file());
    assert!(fresh
        .join("public/ru/news/pervaya-novost/index.html")
        .is_file());
    // The theme is the repository's, byte for byte.
    tree(&crate::harness::repo_dir().join("themes/portal"))
        .assert_same(&tree(&fresh.join("themes/portal")), "init's theme");
}

#[test]
fn init_refuses_a_folder_that_holds_anything_and_writes_nothing() {
    let site = SiteTest::new("basic");
    let cwd = site.scratch("");
    let busy = site.scratch("busy");
    std::fs::create_dir_all(&busy).unwrap();
    std::fs::write(busy.join("notes.txt"), "mine").unwrap();
    let run = site.run_in(&cwd, &["init", busy.to_str().unwrap()], &[]);
    run.assert_code(2);
    assert!(run.stderr.contains("is not empty"), "{}", run.describe());
    let names: Vec<_> = std::fs::read_dir(&busy)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names, ["notes.txt"]);
    // Without DIR it is --root, here the site itself: refused too.
    site.run(&["init"]).assert_code(2);
    let file = busy.join("notes.txt");
    site.run_in(&cwd, &["init", file.to_str().unwrap()], &[])
        .assert_code(2);
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "mine");
}
