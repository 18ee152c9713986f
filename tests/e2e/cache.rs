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
            "<p class=\"card__more\">",
            "<p class=\"card__more card__more--changed\">",
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
        std::fs::remove_file(s.out_path("style.css")).unwrap();
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
