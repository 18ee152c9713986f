//! Language quality (#21): typography in what a page shows, and `check`'s warnings about
//! mixed alphabets, a summary that repeats the title and a hyphen used as a dash.

use crate::harness::SiteTest;

const TYPO_PAGE: &str = "---
title: \"Форум 2024-2029 - жоспар\"
summary: \"М. Ашимбаев 3 қараша 6 млрд теңге бөлді\"
date: 2025-11-04
---

Жиынға 2-6 сынып оқушылары келді, - деді М. Ашимбаев. Қаржы 15 % өсті.

`x - y 2-6` және https://e.kz/2-6 өзгермейді.
";

#[test]
fn pages_show_typography_but_code_and_addresses_stay() {
    let site = SiteTest::new("basic");
    site.write("content/kk/news/typo.md", TYPO_PAGE);
    let run = site.run(&["build"]);
    run.assert_success();
    let page = site.out("kk/news/typo/index.html");
    for shown in [
        "<title>Форум 2024–2029\u{a0}— жоспар",
        "<h1 class=\"article__title\">Форум 2024–2029\u{a0}— жоспар</h1>",
        "2–6 сынып оқушылары келді,\u{a0}— деді М.\u{a0}Ашимбаев. Қаржы 15\u{a0}% өсті.",
        "<code>x - y 2-6</code> және https://e.kz/2-6 өзгермейді.",
    ] {
        assert!(page.contains(shown), "missing {shown:?} in:\n{page}");
    }
    // The newest article: the home's lead story, with its summary.
    let list = site.out("kk/index.html");
    assert!(
        list.contains("М.\u{a0}Ашимбаев 3\u{a0}қараша 6\u{a0}млрд теңге бөлді"),
        "the card's summary: {list}"
    );
    let source = site.read("content/kk/news/typo.md");
    assert_eq!(source, TYPO_PAGE, "the source is never changed");
}

#[test]
fn check_warns_about_mixed_alphabets_repeated_summaries_and_hyphen_dashes() {
    let site = SiteTest::new("basic");
    site.write(
        "content/kk/news/maslikhat.md",
        "---\ntitle: \"Мәслихат үйлест\u{69}ру жиыны\"\nsummary: \"Мәслихат үйлест\u{69}ру жиыны\"\ndate: 2025-11-04\n---\n\nӘлеуметт\u{69}к мәселелер қаралды.\n\nБұл қажет, - деді төраға. `a - b` кодта ескерілмейді.\n",
    );
    let run = site.run(&["check"]);
    let out = &run.stdout;
    for expected in [
        "warning: content/kk/news/maslikhat.md:2:18: «үйлестiру» mixes alphabets: Latin 'i' (U+0069) among Cyrillic letters",
        "warning: content/kk/news/maslikhat.md:3:1: summary: the same as the title",
        "warning: content/kk/news/maslikhat.md:7:1: «Әлеуметтiк» mixes alphabets",
        "warning: content/kk/news/maslikhat.md:9:12: a hyphen between spaces used as a dash",
    ] {
        assert!(
            out.lines().any(|l| l.starts_with(expected)),
            "missing {expected:?} in:\n{out}"
        );
    }
    let hyphens = out.lines().filter(|l| l.contains("hyphen-as-dash")).count();
    assert_eq!(hyphens, 1, "code spans are not prose:\n{out}");
    assert!(!site.public().exists(), "check writes nothing");
}

#[test]
fn a_term_written_lower_case_starts_with_a_capital_in_title_and_heading() {
    let site = SiteTest::new("basic");
    site.write(
        "content/ru/news/zhetisu.md",
        "---\ntitle: \"Ярмарка в Талдыкоргане\"\ndate: 2025-11-04\ntags: [область Жетісу]\n---\n\nТекст.\n",
    );
    site.build_ok(&[]);
    let tags = site.public().join("ru/tags");
    let page = std::fs::read_dir(&tags)
        .expect("ru/tags")
        .filter_map(Result::ok)
        .map(|e| e.path().join("index.html"))
        .filter_map(|p| std::fs::read_to_string(p).ok())
        .find(|html| html.contains("Жетісу"))
        .expect("a term page for «область Жетісу»");
    assert!(page.contains("<title>Область Жетісу — "), "{page}");
    assert!(page.contains(">Область Жетісу</h1>"), "{page}");
    // On the article the chip shows the name as written.
    let article = site.out("ru/news/zhetisu/index.html");
    assert!(article.contains(">область Жетісу<"), "{article}");
}
