//! URLs in each language's own words (issue 18): `qostil new` and `qostil import` write a
//! `slug` per language from that language's title.

use crate::harness::SiteTest;

/// The language of a URL: its first segment.
fn lang_of(url: &str) -> &str {
    url.trim_start_matches('/')
        .split('/')
        .next()
        .unwrap_or_default()
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
