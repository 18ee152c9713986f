//! URLs in each language's own words (issue 18): `qostil new` and `qostil import` write a
//! `slug` per language from that language's title, and the portal's translated articles moved
//! to their own-language URLs with every old URL kept as a redirect.

use crate::harness::{copy_tree, repo_dir, Html, SiteTest};

/// Every article URL the portal published before the translations got their own-language
/// slugs (the build of commit 9c4807f: `/kk/news/<file stem>/` and `/ru/news/<file stem>/`
/// for the five articles), with the URL the article has now. Where the two are equal the
/// article is an original whose URL was already in its own language's words: it stays.
const OLD_URLS: &[(&str, &str)] = &[
    (
        "/kk/news/abay-oblysynyn-akimi-berik-ualidin-toragalygymen/",
        "/kk/news/abay-oblysynyn-akimi-berik-ualidin-toragalygymen/",
    ),
    (
        "/kk/news/oblystyq-maslikhattyn-kezekti-khkhkhii-sessiya-otyrysy-otti/",
        "/kk/news/oblystyq-maslikhattyn-kezekti-khkhkhii-sessiya-otyrysy-otti/",
    ),
    (
        "/kk/news/olzhas-bektenov-o-podgotovke-kadrov-neobkhodimo-realizovat/",
        "/kk/news/olzhas-bektenov-kadr-dayarlau-turaly-kasiptik-bagdar-beru/",
    ),
    (
        "/kk/news/prezident-zhumysshy-mamandyqtarynyn-qalasy-festivaline-bardy/",
        "/kk/news/prezident-zhumysshy-mamandyqtarynyn-qalasy-festivaline-bardy/",
    ),
    (
        "/kk/news/senat-spikeri-maulen-ashimbaevtyn-toragalygymen-zhumysshy/",
        "/kk/news/senat-spikeri-maulen-ashimbaevtyn-toragalygymen-zhumysshy/",
    ),
    (
        "/ru/news/abay-oblysynyn-akimi-berik-ualidin-toragalygymen/",
        "/ru/news/v-oblasti-abay-obsudili-khod-realizatsii-plana-goda/",
    ),
    (
        "/ru/news/oblystyq-maslikhattyn-kezekti-khkhkhii-sessiya-otyrysy-otti/",
        "/ru/news/maslikhat-almatinskoy-oblasti-obsudil-plany-na-god/",
    ),
    (
        "/ru/news/olzhas-bektenov-o-podgotovke-kadrov-neobkhodimo-realizovat/",
        "/ru/news/olzhas-bektenov-o-podgotovke-kadrov-neobkhodimo-realizovat/",
    ),
    (
        "/ru/news/prezident-zhumysshy-mamandyqtarynyn-qalasy-festivaline-bardy/",
        "/ru/news/prezident-posetil-festival-gorod-rabochikh-professiy/",
    ),
    (
        "/ru/news/senat-spikeri-maulen-ashimbaevtyn-toragalygymen-zhumysshy/",
        "/ru/news/v-senate-obsudili-ispolnenie-porucheniy-glavy-gosudarstva/",
    ),
];

const BASE: &str = "https://example.kz";

/// The portal's sources copied into a fresh site folder, built as a user types it there
/// (`qostil build`, no `--root`).
fn build_the_portal() -> SiteTest {
    let site = SiteTest::new("basic");
    for dir in ["content", "taxonomies"] {
        let _ = std::fs::remove_dir_all(site.path(dir));
        copy_tree(&repo_dir().join(dir), &site.path(dir));
    }
    std::fs::copy(repo_dir().join("site.yaml"), site.path("site.yaml")).expect("copy site.yaml");
    site.run(&["build"]).assert_success();
    site
}

fn lang_of(url: &str) -> &str {
    url.trim_start_matches('/')
        .split('/')
        .next()
        .unwrap_or_default()
}

fn other(lang: &str) -> &str {
    if lang == "kk" {
        "ru"
    } else {
        "kk"
    }
}

/// The article page at `url`: `<html lang>` of its language and its own canonical URL.
fn assert_article(site: &SiteTest, url: &str) -> Html {
    let page = site.html(url);
    assert_eq!(page.lang(), lang_of(url), "{url}");
    assert_eq!(page.canonical(), format!("{BASE}{url}"), "{url}");
    page.assert_lacks("http-equiv=\"refresh\"");
    page.assert_has("\"@type\":\"NewsArticle\"");
    page
}

#[test]
fn every_old_portal_url_leads_to_the_article_in_the_same_language() {
    let site = build_the_portal();
    let (mut moved, mut kept) = (0, 0);
    for &(old, now) in OLD_URLS {
        let lang = lang_of(old);
        let article = assert_article(&site, now);
        if old == now {
            kept += 1;
            continue;
        }
        moved += 1;
        let redirect = site.html(old);
        assert_eq!(redirect.lang(), lang, "{old}: <html lang>");
        redirect.assert_has(&format!(
            "<meta http-equiv=\"refresh\" content=\"0; url={now}\">"
        ));
        redirect.assert_has(&format!("<a href=\"{now}\">"));
        redirect.assert_has("<meta name=\"robots\" content=\"noindex\">");
        assert_eq!(redirect.canonical(), format!("{BASE}{now}"), "{old}");
        // hreflang: the article and its counterpart, exactly as the article itself says.
        assert_eq!(
            redirect.hreflang(lang).as_deref(),
            Some(format!("{BASE}{now}").as_str()),
            "{old}"
        );
        let counterpart = article.hreflang(other(lang));
        assert!(counterpart.is_some(), "{now} has no counterpart");
        assert_eq!(redirect.hreflang(other(lang)), counterpart, "{old}");
        assert_eq!(
            redirect.hreflang("x-default"),
            article.hreflang("x-default")
        );
    }
    assert_eq!(
        (moved, kept),
        (5, 5),
        "four ru and one kk translation moved"
    );
    // The old URLs are redirects only: no sitemap entry, feed entry or search document.
    let sitemap = site.out("sitemap.xml");
    for lang in ["kk", "ru"] {
        let feed = site.out(&format!("{lang}/atom.xml"));
        for &(old, now) in OLD_URLS
            .iter()
            .filter(|(o, n)| o != n && lang_of(o) == lang)
        {
            assert!(
                !sitemap.contains(&format!("{BASE}{old}")),
                "{old} in sitemap"
            );
            assert!(
                sitemap.contains(&format!("<loc>{BASE}{now}</loc>")),
                "{now}"
            );
            assert!(!feed.contains(&format!("{BASE}{old}")), "{old} in feed");
            assert!(feed.contains(&format!("{BASE}{now}")), "{now} not in feed");
        }
    }
}

/// The `slug:` line of a content file.
fn slug_line(text: &str) -> Option<&str> {
    text.lines().find_map(|l| l.strip_prefix("slug: "))
}

#[test]
fn new_gives_each_language_a_slug_from_its_own_title() {
    let site = SiteTest::new("basic");
    site.run(&[
        "new",
        "news",
        "Жаңа мақала",
        "--title-kk",
        "Жұмысшы мамандықтары жылы",
        "--title-ru",
        "Год рабочих профессий",
    ])
    .assert_success();
    // One path in both languages (so they pair), a slug from each language's own title.
    let kk = site.read("content/kk/news/zhana-maqala.md");
    let ru = site.read("content/ru/news/zhana-maqala.md");
    assert_eq!(slug_line(&kk), Some("zhumysshy-mamandyqtary-zhyly"), "{kk}");
    assert_eq!(slug_line(&ru), Some("god-rabochikh-professiy"), "{ru}");
    site.run(&["build", "--drafts"]).assert_success();
    let kk_page = site.html("/kk/news/zhumysshy-mamandyqtary-zhyly/");
    assert_eq!(
        kk_page.hreflang("ru").as_deref(),
        Some("https://example.kz/ru/news/god-rabochikh-professiy/"),
        "the pair is linked"
    );
    site.assert_exists("/ru/news/god-rabochikh-professiy/");
    site.assert_missing("/ru/news/zhana-maqala/");
}

#[test]
fn new_without_titles_and_with_a_title_without_letters_falls_back_to_the_name() {
    let site = SiteTest::new("basic");
    site.run(&["new", "news", "Жаңа мақала", "--title-ru", "★★★"])
        .assert_success();
    let kk = site.read("content/kk/news/zhana-maqala.md");
    let ru = site.read("content/ru/news/zhana-maqala.md");
    assert_eq!(slug_line(&kk), Some("zhana-maqala"), "{kk}");
    assert_eq!(slug_line(&ru), Some("zhana-maqala"), "{ru}");
}

#[test]
fn new_refuses_a_slug_another_page_of_the_section_already_has_and_writes_nothing() {
    let site = SiteTest::new("basic");
    site.write(
        "content/ru/news/drugaya.md",
        "---\ntitle: Другая\nslug: god-rabochikh-professiy\ndate: 2025-01-01\n---\n\nТекст.\n",
    );
    site.write(
        "content/kk/news/basqa.md",
        "---\ntitle: Басқа\ndate: 2025-01-01\naliases: [\"/kk/news/zhumysshy-mamandyqtary-zhyly/\"]\n---\n\nМәтін.\n",
    );
    let before = crate::harness::Snapshot::of(&site.path("content"));
    let run = site.run(&[
        "new",
        "news",
        "Жаңа мақала",
        "--title-kk",
        "Жұмысшы мамандықтары жылы",
        "--title-ru",
        "Год рабочих профессий",
    ]);
    run.assert_code(1);
    for (file, owner) in [
        (
            "content/kk/news/zhana-maqala.md",
            "content/kk/news/basqa.md",
        ),
        (
            "content/ru/news/zhana-maqala.md",
            "content/ru/news/drugaya.md",
        ),
    ] {
        let line = run
            .stderr
            .lines()
            .find(|l| l.starts_with(&format!("error: {file}: slug: ")))
            .unwrap_or_else(|| panic!("no error for {file}:\n{}", run.stderr));
        assert!(
            line.contains(&format!("already the URL of {owner}")),
            "{line}"
        );
    }
    crate::harness::Snapshot::of(&site.path("content")).assert_same(&before, "after a refused new");
    // A free title in each language: both files are written.
    site.run(&[
        "new",
        "news",
        "Жаңа мақала",
        "--title-kk",
        "Жаңа мақала",
        "--title-ru",
        "Новая статья",
    ])
    .assert_success();
    assert_eq!(
        slug_line(&site.read("content/ru/news/zhana-maqala.md")),
        Some("novaya-statya")
    );
}

/// Documents like those of `seeds/`: a Kazakh and a Russian news text with a headline line,
/// and a second Kazakh one whose headline folds to the same slug.
fn write_seeds_like_input(site: &SiteTest) {
    site.write(
        "raw/000_a.txt",
        "Президент «Жұмысшы мамандықтарының қаласы» фестиваліне барды\n\
         EXPO көрме алаңында «Жұмысшы мамандықтарының қаласы» фестивалі өтіп жатыр. Бұл – жылдағы алғашқы ауқымды іс-шара.\n\
         Фестиваль Оқу-ағарту министрлігінің ұйымдастыруымен өтіп жатыр.\n",
    );
    site.write(
        "raw/001_b.txt",
        "Президент посетил фестиваль «Город рабочих профессий»\n\
         На выставочной площадке EXPO проходит фестиваль «Город рабочих профессий». Это первое масштабное мероприятие года.\n\
         Фестиваль организован Министерством просвещения.\n",
    );
    site.write(
        "raw/002_c.txt",
        "Президент «Жұмысшы мамандықтарының қаласы» фестиваліне барды!\n\
         Екінші мәтін: фестиваль туралы тағы бір жаңалық жазылды.\n",
    );
}

#[test]
fn import_names_each_document_and_its_url_in_the_document_s_own_words() {
    let site = SiteTest::new("basic");
    write_seeds_like_input(&site);
    site.run(&["import", "raw"]).assert_success();
    let kk_slug = "prezident-zhumysshy-mamandyqtarynyn-qalasy-festivaline-bardy";
    let ru_slug = "prezident-posetil-festival-gorod-rabochikh-professiy";
    let kk = site.read(&format!("content/kk/news/{kk_slug}.md"));
    let ru = site.read(&format!("content/ru/news/{ru_slug}.md"));
    assert_eq!(slug_line(&kk), Some(kk_slug), "{kk}");
    assert_eq!(slug_line(&ru), Some(ru_slug), "{ru}");
    // The second Kazakh document with the same headline: file and slug both get `-2`.
    let second = site.read(&format!("content/kk/news/{kk_slug}-2.md"));
    assert_eq!(
        slug_line(&second),
        Some(format!("{kk_slug}-2").as_str()),
        "{second}"
    );
    assert!(second.contains("Екінші мәтін"), "{second}");
    // Nothing is written for the other language: a translation is an editor's work.
    assert!(!site.path(&format!("content/ru/news/{kk_slug}.md")).exists());
    assert!(!site.path(&format!("content/kk/news/{ru_slug}.md")).exists());
    // Undated imports are drafts; published with --drafts, each at its own-language URL.
    site.run(&["build", "--drafts"]).assert_success();
    for url in [
        format!("/kk/news/{kk_slug}/"),
        format!("/kk/news/{kk_slug}-2/"),
        format!("/ru/news/{ru_slug}/"),
    ] {
        assert_eq!(site.html(&url).lang(), lang_of(&url), "{url}");
    }
}

#[test]
fn import_dry_run_writes_nothing_and_a_clash_with_an_existing_file_names_it() {
    let site = SiteTest::new("basic");
    write_seeds_like_input(&site);
    let before = crate::harness::Snapshot::of(&site.path("content"));
    site.run(&["import", "raw", "--dry-run"]).assert_success();
    crate::harness::Snapshot::of(&site.path("content")).assert_same(&before, "after --dry-run");
    let slug = "prezident-posetil-festival-gorod-rabochikh-professiy";
    site.write(&format!("content/ru/news/{slug}.md"), "keep");
    let run = site.run(&["import", "raw"]);
    run.assert_code(1);
    assert!(
        run.stderr.contains("raw/001_b.txt")
            && run
                .stderr
                .contains(&format!("content/ru/news/{slug}.md already exists")),
        "{}",
        run.stderr
    );
    assert_eq!(site.read(&format!("content/ru/news/{slug}.md")), "keep");
}
