//! The build cache (`.qostil/`): a rebuild that reuses unchanged files must give exactly the
//! bytes a clean build gives. Each test builds the fixture, changes one input, rebuilds into
//! the same public/ (reusing the cache), then builds with `--clean` into another folder and
//! compares the two trees.

use crate::harness::{SiteTest, Snapshot};

/// Build, `change`, rebuild with `args` (cached), clean-build with `args` elsewhere, compare.
fn incremental_matches_clean(args: &[&str], change: impl FnOnce(&SiteTest)) {
    let site = SiteTest::new("basic");
    site.build_ok(&[]);
    change(&site);
    site.build_ok(args);
    let fresh = site.scratch("fresh");
    let fresh_arg = fresh.to_str().expect("UTF-8 path").to_string();
    let mut clean_args = args.to_vec();
    clean_args.extend(["--clean", "--output", fresh_arg.as_str()]);
    site.build_ok(&clean_args);
    site.snapshot_public()
        .assert_same(&Snapshot::of(&fresh), "cached rebuild vs clean build");
}

#[test]
fn unchanged_site_rebuilds_identically() {
    incremental_matches_clean(&[], |_| {});
}

#[test]
fn body_edit_that_changes_the_default_summary() {
    // obzor has no `summary:`: its first paragraph is the summary shown on cards, in feeds
    // and in <meta name="description">.
    incremental_matches_clean(&[], |s| {
        s.replace(
            "content/kk/news/obzor.md",
            "Жыл аясындағы негізгі іс-шаралар.",
            "Жаңа бірінші абзац.",
        );
    });
}

#[test]
fn body_edit_below_the_summary() {
    incremental_matches_clean(&[], |s| {
        s.replace("content/kk/news/obzor.md", "Соңы.", "Соңы, жаңартылды.");
    });
}

#[test]
fn title_change() {
    incremental_matches_clean(&[], |s| {
        s.replace(
            "content/ru/news/festival.md",
            "title: \"Фестиваль «Город рабочих профессий»\"",
            "title: \"Новый заголовок\"",
        );
    });
}

#[test]
fn date_change_reorders_lists() {
    incremental_matches_clean(&[], |s| {
        s.replace(
            "content/kk/news/tek-qazaqsha.md",
            "date: 2025-09-01",
            "date: 2025-12-01",
        );
    });
}

#[test]
fn removed_translation() {
    incremental_matches_clean(&[], |s| {
        s.remove("content/ru/news/festival.md");
    });
}

#[test]
fn added_translation() {
    incremental_matches_clean(&[], |s| {
        s.write(
            "content/ru/news/tek-qazaqsha.md",
            "---\ntitle: \"Только что переведено\"\ndate: 2025-09-01\ntags: [Профессии]\n---\n\nПеревод.\n",
        );
    });
}

#[test]
fn renamed_term() {
    incremental_matches_clean(&[], |s| {
        s.replace(
            "content/ru/news/molodezhnyy-forum.md",
            "tags: [Профессии, Колледжи]",
            "tags: [Профессии, Молодёжь]",
        );
    });
}

#[test]
fn section_index_change() {
    incremental_matches_clean(&[], |s| {
        s.replace(
            "content/kk/news/_index.md",
            "Жыл жаңалықтары осында жинақталған.",
            "Бөлімнің жаңа мәтіні.",
        );
    });
}

#[test]
fn front_matter_summary_change() {
    incremental_matches_clean(&[], |s| {
        s.replace(
            "content/ru/news/festival.md",
            "summary: \"На площадке EXPO прошёл фестиваль рабочих профессий.\"",
            "summary: \"Другая аннотация.\"",
        );
    });
}

#[test]
fn nav_order_change() {
    // The About page moves before News in every page's navigation.
    incremental_matches_clean(&[], |s| {
        s.replace("content/kk/about.md", "weight: 10", "weight: -1");
    });
}

#[test]
fn pagination_change() {
    incremental_matches_clean(&[], |s| {
        s.replace(
            "content/ru/news/_index.md",
            "weight: 1",
            "weight: 1\npaginate_by: 2",
        );
    });
}

#[test]
fn ui_string_change() {
    incremental_matches_clean(&[], |s| {
        s.replace(
            "themes/portal/i18n/ru.yaml",
            "read_more: \"Читать далее\"",
            "read_more: \"Подробнее\"",
        );
    });
}

#[test]
fn plural_form_change() {
    incremental_matches_clean(&[], |s| {
        s.replace(
            "themes/portal/i18n/ru.yaml",
            "many: \"{count} статей\"",
            "many: \"{count} публикаций\"",
        );
    });
}

#[test]
fn imported_macro_change() {
    incremental_matches_clean(&[], |s| {
        s.replace(
            "themes/portal/templates/macros.html",
            "<p class=\"headline__meta\">",
            "<p class=\"headline__meta headline__meta--changed\">",
        );
    });
}

#[test]
fn base_template_change() {
    incremental_matches_clean(&[], |s| {
        s.replace(
            "themes/portal/templates/base.html",
            "<meta name=\"color-scheme\" content=\"light dark\">",
            "<meta name=\"color-scheme\" content=\"light\">",
        );
    });
}

#[test]
fn site_template_override_added() {
    incremental_matches_clean(&[], |s| {
        let theme = s.read("themes/portal/templates/section.html");
        s.write(
            "templates/section.html",
            theme.replace("layout-section", "layout-section site-override"),
        );
    });
}

#[test]
fn site_yaml_change() {
    incremental_matches_clean(&[], |s| {
        s.replace(
            "site.yaml",
            "ru: \"Год рабочих профессий\"",
            "ru: \"Год рабочих профессий (тест)\"",
        );
    });
}

#[test]
fn static_file_change() {
    incremental_matches_clean(&[], |s| {
        s.append("themes/portal/static/style.css", "\n/* changed */\n");
    });
}

#[test]
fn vocabulary_added() {
    incremental_matches_clean(&[], |s| {
        s.write(
            "taxonomies/regions.yaml",
            "abai: { kk: \"Абай облысы\", ru: \"Область Абай\" }\n\
             astana: { kk: \"Астана\", ru: \"Астана\" }\n",
        );
    });
}

#[test]
fn base_url_flag_change() {
    incremental_matches_clean(&["--base-url", "https://other.kz/sub"], |_| {});
}

#[test]
fn drafts_flag_change() {
    incremental_matches_clean(&["--drafts"], |_| {});
}

#[test]
fn deleted_output_file_is_written_again() {
    incremental_matches_clean(&[], |s| {
        std::fs::remove_file(s.out_path("/kk/news/festival/")).unwrap();
        std::fs::remove_file(s.out_path(&s.asset("style.css"))).unwrap();
    });
}

#[test]
fn tampered_output_file_is_not_reused() {
    // The output folder is qostil's, but a file changed in it behind its back must not
    // survive a rebuild when the site did not change.
    incremental_matches_clean(&[], |s| {
        std::fs::write(s.out_path("/kk/news/festival/"), "tampered").unwrap();
    });
}

/// Modification times of the files under an output folder.
fn mtimes(dir: &std::path::Path) -> Vec<(std::path::PathBuf, std::time::SystemTime)> {
    let mut all: Vec<_> = walkdir::WalkDir::new(dir)
        .into_iter()
        .flatten()
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            (
                e.path().to_path_buf(),
                e.metadata().unwrap().modified().unwrap(),
            )
        })
        .collect();
    all.sort();
    all
}

#[test]
fn body_edit_renders_only_its_page_and_keeps_the_other_languages_search_index() {
    let site = SiteTest::new("basic");
    site.build_ok(&[]);
    let ru_index = mtimes(&site.out_path("ru/search"));
    let kk_index = mtimes(&site.out_path("kk/search"));
    assert!(!ru_index.is_empty());
    site.replace("content/kk/news/obzor.md", "Соңы.", "Соңы, qostilzzz.");
    let run = site.build_ok(&[]);
    // The page, its feeds, the sitemap and robots.txt: nothing that shows no body.
    let rendered: usize = run
        .stdout
        .split(" rendered")
        .next()
        .and_then(|s| s.rsplit('(').next())
        .and_then(|n| n.trim().parse().ok())
        .unwrap_or_else(|| panic!("no rendered count in {}", run.stdout));
    assert!(rendered <= 6, "{}", run.stdout);
    assert_eq!(mtimes(&site.out_path("ru/search")), ru_index);
    assert_ne!(mtimes(&site.out_path("kk/search")), kk_index);
    let shards = std::fs::read_dir(site.out_path("kk/search/s")).unwrap();
    assert!(shards.flatten().any(|e| std::fs::read_to_string(e.path())
        .unwrap()
        .contains("\"qostilzzz\"")));
}

#[test]
fn tampered_search_index_is_not_reused() {
    incremental_matches_clean(&[], |s| {
        std::fs::write(s.out_path("ru/search/meta.json"), "{}").unwrap();
    });
}

/// The change time and inode of a file: equal before and after a build means the build kept
/// the file instead of writing it again.
fn identity(path: &std::path::Path) -> (i64, i64, u64) {
    use std::os::unix::fs::MetadataExt;
    let m = std::fs::metadata(path).unwrap();
    (m.ctime(), m.ctime_nsec(), m.ino())
}

#[test]
fn an_unchanged_languages_search_index_is_reused_not_rebuilt() {
    let site = SiteTest::new("basic");
    site.build_ok(&[]);
    let meta = site.out_path("ru/search/meta.json");
    let before = identity(&meta);
    site.replace("content/kk/news/obzor.md", "Соңы.", "Соңы, жаңартылды.");
    site.build_ok(&[]);
    assert_eq!(identity(&meta), before);
    // A Russian edit makes the Russian index again.
    site.replace(
        "content/ru/news/festival.md",
        "title: \"Фестиваль «Город рабочих профессий»\"",
        "title: \"Новый заголовок\"",
    );
    site.build_ok(&[]);
    let rebuilt = std::fs::read_to_string(&meta).unwrap();
    assert!(rebuilt.contains("\"lang\":\"ru\""), "{rebuilt}");
}

#[test]
fn a_text_chunk_whose_documents_did_not_change_is_kept() {
    let site = SiteTest::new("basic");
    site.build_ok(&[]);
    // The fixture's six Kazakh pages make two snippet chunks; obzor is in one of them.
    let chunks = [
        site.out_path("kk/search/t/0.json"),
        site.out_path("kk/search/t/1.json"),
    ];
    let texts = chunks.clone().map(|c| std::fs::read_to_string(c).unwrap());
    let edited = texts.iter().position(|t| t.contains("Соңы.")).unwrap();
    let other = 1 - edited;
    let before = identity(&chunks[other]);
    site.replace("content/kk/news/obzor.md", "Соңы.", "Соңы, qostilzzz.");
    site.build_ok(&[]);
    assert_eq!(identity(&chunks[other]), before);
    assert!(std::fs::read_to_string(&chunks[edited])
        .unwrap()
        .contains("qostilzzz"));
}

#[test]
fn a_damaged_search_terms_cache_is_not_used() {
    incremental_matches_clean(&[], |s| {
        for lang in ["kk", "ru"] {
            let path = s.path(&format!(".qostil/search-terms-{lang}"));
            let mut bytes = std::fs::read(&path).unwrap();
            let middle = bytes.len() / 2;
            bytes[middle] ^= 0x55;
            std::fs::write(&path, bytes).unwrap();
        }
        s.replace("content/kk/news/obzor.md", "Соңы.", "Соңы, жаңартылды.");
        s.replace(
            "content/ru/news/festival.md",
            "title: \"Фестиваль «Город рабочих профессий»\"",
            "title: \"Новый заголовок\"",
        );
    });
}

/// A copy of the fixture whose files were last changed more than two seconds ago: the
/// documents cache keeps only files that had settled when a build began (content::cache).
fn settled_site() -> SiteTest {
    let site = SiteTest::new("basic");
    std::thread::sleep(std::time::Duration::from_millis(2100));
    site
}

/// A documents cache line with its checksum computed again over the source and the JSON:
/// `<len> <modified> <changed> <inode> <checksum> <source>\t<json>`.
fn reseal(line: &str) -> String {
    let fields: Vec<&str> = line.splitn(6, ' ').collect();
    let checked = fields[5];
    let checksum = xxhash_rust::xxh3::xxh3_64(checked.as_bytes());
    format!(
        "{} {} {} {} {checksum:016x} {checked}",
        fields[0], fields[1], fields[2], fields[3]
    )
}

#[test]
fn documents_come_from_the_documents_cache_until_their_file_changes() {
    let site = settled_site();
    site.build_ok(&[]);
    // Change festival's title in the cache only: a build that loads festival from the cache
    // shows the changed title; one that read the file would not.
    let cache = site.path(".qostil/documents");
    let text = std::fs::read_to_string(&cache).unwrap();
    let title = "«Жұмысшы мамандықтарының қаласы» фестивалі";
    let line = text
        .lines()
        .find(|l| l.contains("content/kk/news/festival.md\t"))
        .unwrap_or_else(|| panic!("festival is not cached:\n{text}"));
    assert!(line.contains(title), "{line}");
    // Into another folder, so that no output is kept from the first build.
    let page_in = |name: &str| {
        let out = site.scratch(name);
        site.build_ok(&["--output", out.to_str().unwrap()]);
        std::fs::read_to_string(out.join("kk/news/festival/index.html")).unwrap()
    };
    // Changed by hand (still valid JSON): the line's checksum no longer matches, the file
    // is read instead.
    std::fs::write(&cache, text.replace(title, "qostilzzz")).unwrap();
    assert!(!page_in("tampered").contains("qostilzzz"));
    // Changed with its checksum made again, as qostil would write it: the cache is used.
    let resealed = reseal(&line.replace(title, "qostilzzz"));
    std::fs::write(&cache, text.replace(line, &resealed)).unwrap();
    assert!(page_in("second").contains("qostilzzz"));
    // Any change to the file makes the build read it again.
    site.replace("content/kk/news/festival.md", "фестивалі\"", "фестивалі!\"");
    let page = page_in("third");
    assert!(!page.contains("qostilzzz"));
    assert!(page.contains("фестивалі!"));
}

#[test]
fn clean_builds_forget_the_documents_cache() {
    let site = settled_site();
    site.build_ok(&[]);
    let cache = site.path(".qostil/documents");
    let text = std::fs::read_to_string(&cache).unwrap();
    std::fs::write(&cache, text.replace("фестивалі\"", "qostilzzz\"")).unwrap();
    site.build_ok(&["--clean"]);
    assert!(!site.out("/kk/news/festival/").contains("qostilzzz"));
}

#[test]
fn a_damaged_documents_cache_is_not_used() {
    let site = settled_site();
    site.build_ok(&[]);
    let cache = site.path(".qostil/documents");
    let text = std::fs::read_to_string(&cache).unwrap();
    // Keep the header, give one line a stamp that does not parse and cut every other line
    // short: none of it may stand for a document.
    let damaged: String = text
        .lines()
        .enumerate()
        .map(|(i, l)| match i {
            0 => format!("{l}\n"),
            1 => format!("x y z w {}\n", &l[l.find("content/").unwrap()..]),
            _ => {
                let cut: String = l.chars().take(l.chars().count() * 2 / 3).collect();
                format!("{cut}\n")
            }
        })
        .collect();
    std::fs::write(&cache, damaged).unwrap();
    site.build_ok(&[]);
    let fresh = site.scratch("fresh");
    let fresh_arg = fresh.to_str().unwrap().to_string();
    site.build_ok(&["--clean", "--output", fresh_arg.as_str()]);
    site.snapshot_public().assert_same(
        &Snapshot::of(&fresh),
        "damaged documents cache vs clean build",
    );
}

#[test]
fn a_rebuild_of_an_unchanged_site_renders_nothing() {
    let site = SiteTest::new("basic");
    site.build_ok(&[]);
    let run = site.build_ok(&[]);
    assert!(run.stdout.contains("(0 rendered,"), "{}", run.stdout);
}
