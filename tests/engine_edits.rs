//! The property behind `serve`: after any sequence of edits, the output the incremental
//! engine keeps up to date equals a clean build of the final sources, byte for byte.
//!
//! Every article page shows its related articles and its neighbours in its section, so the
//! edits below reach pages through those lists too.
//!
//! 200 seeded random sequences of edits (bodies, titles, tags, regions, dates, drafts, summaries, an
//! extra front-matter field, added, removed and renamed articles, `@/` links to content files
//! and new slugs for the files they name, a section's `_index.md` (its title, its
//! `translation_key`), UI strings, templates, site.yaml, static files, and a broken edit fixed
//! later) over a copy of the `basic` fixture. Each edit is handed to `Engine::apply` with the paths a watcher
//! reports; after each sequence the search index is refreshed (as `serve` does when edits
//! pause) and the output is compared with `build --clean` into another folder.
//!
//! `QOSTIL_EDIT_SEQUENCES` sets the number of sequences (default 200).

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use qostil::engine::Engine;
use qostil::lang::Locales;
use qostil::progress::Silent;
use qostil::BuildOptions;

mod support;
use support::{copy_dir, edit, files};

const BASE_URL: &str = "http://127.0.0.1:1111";

/// xorshift64*: a small deterministic generator, so a failing seed can be replayed.
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Rng {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }

    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// The articles of both languages' news sections (not `_index.md`).
fn articles(root: &Path) -> Vec<PathBuf> {
    let mut list: Vec<PathBuf> = ["kk", "ru"]
        .iter()
        .flat_map(|lang| fs::read_dir(root.join("content").join(lang).join("news")).into_iter())
        .flatten()
        .flatten()
        .map(|e| e.path())
        .filter(|p| {
            p.extension().is_some_and(|x| x == "md") && p.file_stem().is_some_and(|s| s != "_index")
        })
        .collect();
    list.sort();
    list
}

/// Replaces the front-matter line starting with `key:` (a one-line value) by `line`, or
/// adds `line` after the opening `---` when there is none; `None` removes the line.
fn set_field(text: &str, key: &str, line: Option<&str>) -> String {
    let (front, body) = match text
        .strip_prefix("---\n")
        .and_then(|t| t.split_once("\n---"))
    {
        Some(parts) => parts,
        None => return text.to_string(),
    };
    let prefix = format!("{key}:");
    let mut lines: Vec<String> = front
        .lines()
        .filter(|l| !l.starts_with(&prefix))
        .map(str::to_string)
        .collect();
    if let Some(line) = line {
        lines.insert(0, line.to_string());
    }
    format!("---\n{}\n---{body}", lines.join("\n"))
}

/// What `@/` links added by the edits point to: files no edit removes, renames or makes a
/// draft (the festival articles are kept for this), so that every edit still builds.
const LINK_TARGETS: &[&str] = &[
    "news/festival.md",
    "news/festival.md#part",
    "about.md",
    "news/_index.md",
    "_index.md",
];

fn is_link_target(article: &Path) -> bool {
    article.file_name().is_some_and(|n| n == "festival.md")
}

/// Whether the site publishes the Latin edition (`kazakh_latin: true`).
fn has_latin_edition(root: &Path) -> bool {
    fs::read_to_string(root.join("site.yaml")).is_ok_and(|t| t.contains("kazakh_latin: true"))
}

/// One random edit; returns the paths a watcher would report and whether the site is
/// expected to build.
fn random_edit(rng: &mut Rng, root: &Path, n: usize) -> Vec<PathBuf> {
    let list = articles(root);
    let article = list[rng.below(list.len())].clone();
    let kept: Vec<&PathBuf> = list.iter().filter(|a| !is_link_target(a)).collect();
    let other = kept[rng.below(kept.len())].clone();
    match rng.below(20) {
        0 => edit(&article, |t| format!("{t}\nАбзац {n}. Paragraph {n}.\n")),
        // A new first paragraph: the summary a card shows changes with the body.
        1 => edit(&article, |t| match t.match_indices("\n---\n").next() {
            Some((i, _)) => format!("{}\n\nБірінші абзац {n}.\n{}", &t[..i + 5], &t[i + 5..]),
            None => t,
        }),
        2 => edit(&article, |t| {
            set_field(&t, "title", Some(&format!("title: \"Тақырып {n}\"")))
        }),
        3 => edit(&article, |t| {
            let tags = ["[Профессии]", "[Колледжи, Мамандықтар]", "[]", "[Жаңа]"];
            let pick = tags[rng.below(tags.len())];
            set_field(&t, "tags", Some(&format!("tags: {pick}")))
        }),
        4 => edit(&article, |t| {
            let date = format!(
                "date: 2025-{:02}-{:02}",
                rng.below(12) + 1,
                rng.below(28) + 1
            );
            set_field(&t, "date", Some(&date))
        }),
        5 => {
            edit(&other, |t| {
                let on = t.contains("\ndraft: true");
                set_field(&t, "draft", (!on).then_some("draft: true"))
            });
            return vec![other];
        }
        6 => edit(&article, |t| {
            set_field(&t, "summary", Some(&format!("summary: \"Қысқаша {n}\"")))
        }),
        7 => edit(&article, |t| {
            set_field(&t, "colour", Some(&format!("colour: \"c{n}\"")))
        }),
        8 => {
            let lang = ["kk", "ru"][rng.below(2)];
            let path = root.join(format!("content/{lang}/news/added-{n}.md"));
            let text = format!(
                "---\ntitle: \"Added {n}\"\ndate: 2025-06-{:02}\ntags: [Жаңа]\n---\nМәтін {n}.\n",
                rng.below(28) + 1
            );
            fs::write(&path, text).unwrap();
            return vec![path];
        }
        9 if list.len() > 4 => {
            fs::remove_file(&other).unwrap();
            return vec![other];
        }
        10 => {
            let to = other.with_file_name(format!("renamed-{n}.md"));
            fs::rename(&other, &to).unwrap();
            return vec![other, to];
        }
        11 => {
            let lang = ["kk", "ru"][rng.below(2)];
            let index = root.join(format!("content/{lang}/news/_index.md"));
            if rng.below(2) == 0 {
                edit(&index, |t| {
                    set_field(&t, "title", Some(&format!("title: \"Жаңалықтар {n}\"")))
                });
            } else {
                // The news sections pair by folder, or by key when both carry the same one.
                let keys = [
                    None,
                    Some("translation_key: news"),
                    Some("translation_key: other"),
                ];
                let key = keys[rng.below(keys.len())];
                edit(&index, |t| set_field(&t, "translation_key", key));
            }
            return vec![index];
        }
        12 => {
            let strings = root.join("themes/portal/i18n/kk.yaml");
            edit(&strings, |t| {
                let mut lines: Vec<String> = t.lines().map(str::to_string).collect();
                if let Some(l) = lines.iter_mut().find(|l| l.starts_with("language: ")) {
                    *l = format!("language: \"Тіл {n}\"");
                }
                lines.join("\n") + "\n"
            });
            return vec![strings];
        }
        13 => {
            let template = root.join("themes/portal/templates/page.html");
            edit(&template, |t| {
                t.replacen(
                    "{% block main %}",
                    &format!("{{% block main %}}<!-- {n} -->"),
                    1,
                )
            });
            return vec![template];
        }
        // The Latin edition's words: every Latin page that shows one changes.
        14 if has_latin_edition(root) && rng.below(2) == 0 => {
            let words = root.join("kk-latn.yaml");
            let word = ["Жастар", "Мамандықтар", "Колледж"][rng.below(3)];
            fs::write(&words, format!("words:\n  {word}: \"Latyn{n}\"\n")).unwrap();
            return vec![words];
        }
        14 => {
            let config = root.join("site.yaml");
            edit(&config, |t| {
                let per_page = [2, 3, 10][rng.below(3)];
                let lines: Vec<String> = t
                    .lines()
                    .map(|l| {
                        if l.starts_with("paginate_by:") {
                            format!("paginate_by: {per_page}")
                        } else {
                            l.to_string()
                        }
                    })
                    .collect();
                lines.join("\n") + "\n"
            });
            return vec![config];
        }
        15 => {
            let dir = root.join("static");
            fs::create_dir_all(&dir).unwrap();
            let path = dir.join(format!("file-{}.txt", rng.below(3)));
            if path.exists() && rng.below(2) == 0 {
                fs::remove_file(&path).unwrap();
            } else {
                fs::write(&path, format!("static {n}\n")).unwrap();
            }
            return vec![path];
        }
        // Regions decide, with tags, which articles an article lists as related.
        19 => edit(&article, |t| {
            let regions = ["[Абай облысы]", "[Астана, Абай облысы]", "[]", "[Алматы]"];
            let pick = regions[rng.below(regions.len())];
            set_field(&t, "regions", Some(&format!("regions: {pick}")))
        }),
        // A link to a content file: the linking page shows the target's URL.
        17 => edit(&article, |t| {
            let target = LINK_TARGETS[rng.below(LINK_TARGETS.len())];
            format!("{t}\n[Сілтеме {n}](@/{target})\n")
        }),
        // A linked page's URL changes: every page linking to it must follow.
        18 => {
            let lang = ["kk", "ru"][rng.below(2)];
            let (file, stem) =
                [("news/festival.md", "festival"), ("about.md", "about")][rng.below(2)];
            let path = root.join(format!("content/{lang}/{file}"));
            edit(&path, |t| {
                let slug = format!("slug: \"{stem}-{n}\"");
                set_field(&t, "slug", (rng.below(3) > 0).then_some(slug.as_str()))
            });
            return vec![path];
        }
        _ => {
            let css = root.join("themes/portal/static/style.css");
            edit(&css, |t| format!("{t}\n/* {n} */\n"));
            return vec![css];
        }
    }
    vec![article]
}

/// A clean build of the sources into a fresh folder.
fn clean_build(root: &Path, out: &Path) -> std::collections::BTreeMap<String, Vec<u8>> {
    let _ = fs::remove_dir_all(out);
    qostil::build_site(&BuildOptions {
        root: root.to_path_buf(),
        output: Some(out.to_path_buf()),
        base_url: Some(BASE_URL.to_string()),
        drafts: false,
        clean: true,
        ..BuildOptions::default()
    })
    .unwrap_or_else(|e| panic!("clean build failed: {e}"));
    files(out)
}

/// A copy of the `basic` fixture with the repository's theme, and an engine writing it into
/// `.qostil/serve/` as `serve` does.
/// `per_page` list entries per page: small ones put pages near the lists' page breaks,
/// where a reordering moves them from one list page to another. `latin`: the site also
/// publishes the Latin edition, made from the Kazakh files, which every Kazakh edit reaches.
fn open_site(
    tmp: &Path,
    locales: &Arc<Locales>,
    per_page: usize,
    latin: bool,
) -> (PathBuf, Engine) {
    let root = tmp.join("site");
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    copy_dir(&repo.join("tests/fixtures/basic"), &root);
    copy_dir(&repo.join("themes/portal"), &root.join("themes/portal"));
    edit(&root.join("site.yaml"), |t| {
        let t = t.replace("paginate_by: 10", &format!("paginate_by: {per_page}"));
        if latin {
            format!("{t}kazakh_latin: true\n")
        } else {
            t
        }
    });
    let mut engine = Engine::open(&serve_options(&root), locales, true, true, &Silent).unwrap();
    engine.write_all(&Silent).unwrap();
    (root, engine)
}

/// The options `serve` opens its engine with.
fn serve_options(root: &Path) -> BuildOptions {
    BuildOptions {
        root: root.to_path_buf(),
        output: Some(root.join(".qostil/serve")),
        base_url: Some(BASE_URL.to_string()),
        drafts: false,
        clean: false,
        ..BuildOptions::default()
    }
}

/// A start after edits whose search index was never refreshed (serve stopped first): every
/// output is kept by its quick key, the language's previous index stays as it was and is
/// reported out of date, and refreshing it (in the background, in serve) leaves a clean
/// build's output.
#[test]
fn a_start_after_edits_keeps_the_old_search_index_until_it_is_refreshed() {
    let locales = Arc::new(Locales::new().unwrap());
    let tmp = tempfile::tempdir().unwrap();
    let (root, mut engine) = open_site(tmp.path(), &locales, 10, false);
    let article = root.join("content/kk/news/festival.md");
    edit(&article, |t| t.replacen("title: ", "title: ЖАҢА ", 1));
    engine.apply(std::slice::from_ref(&article)).unwrap();
    engine.save_manifest().unwrap();
    drop(engine);
    let serve = root.join(".qostil/serve");
    let index = |all: &std::collections::BTreeMap<String, Vec<u8>>| {
        all.iter()
            .filter(|(p, _)| p.starts_with("kk/search/") && !p.ends_with("index.html"))
            .map(|(p, b)| (p.clone(), b.clone()))
            .collect::<Vec<_>>()
    };
    let old_index = index(&files(&serve));
    assert!(!old_index.is_empty());

    let mut engine = Engine::open(&serve_options(&root), &locales, true, true, &Silent).unwrap();
    let report = engine.start_all(&Silent).unwrap();
    assert_eq!(report.search_stale, [qostil::lang::Lang::Kk]);
    assert_eq!((report.rendered, report.prepared), (0, 0));
    assert_eq!(index(&files(&serve)), old_index);
    let job = engine.start_search(report.search_stale).unwrap();
    engine.finish_search(job).unwrap();
    let served = files(&serve);
    assert_ne!(index(&served), old_index);
    assert_eq!(served, clean_build(&root, &tmp.path().join("clean")));
}

/// One sequence of 1 to 6 edits on a site, then the comparison with a clean build.
fn run_sequence(seed: u64, root: &Path, engine: &mut Engine, clean: &Path) {
    let mut rng = Rng::new(seed);
    let steps = 1 + rng.below(6);
    let mut log = Vec::new();
    for step in 0..steps {
        let n = (seed as usize) * 10 + step;
        if rng.below(8) == 0 {
            // A broken edit: the site keeps its last good output until it is fixed.
            let list = articles(root);
            let article = list[rng.below(list.len())].clone();
            let good = fs::read_to_string(&article).unwrap();
            fs::write(&article, "---\ntitle: [unclosed\n---\nx\n").unwrap();
            assert!(
                engine.apply(std::slice::from_ref(&article)).is_err(),
                "seed {seed}: broken edit built"
            );
            fs::write(&article, good).unwrap();
            log.push(format!("broken+fixed {}", article.display()));
            engine
                .apply(&[article])
                .unwrap_or_else(|e| panic!("seed {seed}: {e}\n{log:?}"));
            continue;
        }
        let paths = random_edit(&mut rng, root, n);
        log.push(format!("{paths:?}"));
        engine
            .apply(&paths)
            .unwrap_or_else(|e| panic!("seed {seed}: {e}\nedits: {log:#?}"));
    }
    let langs = engine.site.config.languages.clone();
    if let Some(job) = engine.start_search(langs) {
        engine.finish_search(job).unwrap();
    }
    let served = files(&root.join(".qostil/serve"));
    let expected = clean_build(root, clean);
    let mut differences: Vec<&String> = expected
        .iter()
        .filter(|(path, bytes)| served.get(*path) != Some(bytes))
        .map(|(path, _)| path)
        .collect();
    differences.extend(served.keys().filter(|p| !expected.contains_key(*p)));
    // The first difference, both sides, to show what went stale.
    let first = differences.first().map(|path| {
        let show = |f: Option<&Vec<u8>>| {
            f.map(|b| {
                String::from_utf8_lossy(b)
                    .chars()
                    .take(1500)
                    .collect::<String>()
            })
        };
        format!(
            "{path}\nserved: {:?}\nclean:  {:?}",
            show(served.get(*path)),
            show(expected.get(*path))
        )
    });
    assert!(
        differences.is_empty(),
        "seed {seed}: the served output differs from a clean build in {differences:?}\n{}\nedits: {log:#?}",
        first.unwrap_or_default()
    );
    // What serve saves for its next start: every file's keys as the clean build recorded
    // them, so that a start after these edits reuses every output by its quick key.
    engine.save_manifest().unwrap();
    let served_keys = manifest_keys(root, &root.join(".qostil/serve"));
    let built_keys = manifest_keys(root, clean);
    let mut stale: Vec<&String> = built_keys
        .iter()
        .filter(|(path, keys)| served_keys.get(*path) != Some(keys))
        .map(|(path, _)| path)
        .collect();
    stale.extend(served_keys.keys().filter(|p| !built_keys.contains_key(*p)));
    assert!(
        stale.is_empty(),
        "seed {seed}: serve's saved manifest differs from a clean build's in the keys of \
         {} files, such as {:?}\nedits: {log:#?}",
        stale.len(),
        &stale[..stale.len().min(5)]
    );
}

/// The fingerprint and quick key of every file in the manifest of the output `target`.
fn manifest_keys(root: &Path, target: &Path) -> std::collections::BTreeMap<String, (u64, u64)> {
    let cache = qostil::output::cache::BuildCache::load(root, target);
    assert!(cache.found, "no manifest for {}", target.display());
    cache
        .entries
        .into_iter()
        .map(|(path, e)| (path, (e.fingerprint, e.quick)))
        .collect()
}

/// Sequences run in a few chains, each on its own site that keeps every earlier edit (as a
/// long editing session does), the chains in parallel.
#[test]
fn any_sequence_of_edits_leaves_the_same_output_as_a_clean_build() {
    let locales = Arc::new(Locales::new().unwrap());
    let count: u64 = std::env::var("QOSTIL_EDIT_SEQUENCES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(200);
    const CHAINS: u64 = 4;
    std::thread::scope(|scope| {
        for chain in 0..CHAINS {
            let locales = Arc::clone(&locales);
            scope.spawn(move || {
                let tmp = tempfile::tempdir().unwrap();
                // Chains 1 and 3 publish the Latin edition too.
                let (root, mut engine) = open_site(
                    tmp.path(),
                    &locales,
                    [2, 10, 3, 10][chain as usize % 4],
                    chain % 2 == 1,
                );
                let clean = tmp.path().join("clean");
                for seed in (chain..count).step_by(CHAINS as usize) {
                    run_sequence(seed, &root, &mut engine, &clean);
                }
            });
        }
    });
}

/// A page links to another with `@/`; the other's slug changes: the linking page (and the
/// feed that carries its body) shows the new URL, as a clean build does.
#[test]
fn a_linked_pages_new_slug_reaches_the_pages_that_link_to_it() {
    let locales = Arc::new(Locales::new().unwrap());
    let tmp = tempfile::tempdir().unwrap();
    let (root, mut engine) = open_site(tmp.path(), &locales, 10, false);
    let linking = root.join("content/kk/news/obzor.md");
    edit(&linking, |t| {
        format!("{t}\n[Фестиваль](@/news/festival.md#part)\n")
    });
    engine.apply(std::slice::from_ref(&linking)).unwrap();
    let page = "kk/news/obzor/index.html";
    let served =
        |root: &Path| String::from_utf8(files(&root.join(".qostil/serve"))[page].clone()).unwrap();
    assert!(served(&root).contains("href=\"/kk/news/festival/#part\""));
    let target = root.join("content/kk/news/festival.md");
    edit(&target, |t| {
        set_field(&t, "slug", Some("slug: \"zhana-festival\""))
    });
    engine.apply(std::slice::from_ref(&target)).unwrap();
    assert!(
        served(&root).contains("href=\"/kk/news/zhana-festival/#part\""),
        "{}",
        served(&root)
    );
    let expected = clean_build(&root, &tmp.path().join("clean"));
    let now = files(&root.join(".qostil/serve"));
    for file in [page, "kk/atom.xml"] {
        assert_eq!(
            now.get(file),
            expected.get(file),
            "{file} differs from a clean build"
        );
    }
}

/// A date edit that moves the newest article to the end of its lists: the list page in the
/// middle shows other articles afterwards although it never showed the edited one.
#[test]
fn an_article_moving_across_list_pages_updates_every_list_page() {
    let locales = Arc::new(Locales::new().unwrap());
    let tmp = tempfile::tempdir().unwrap();
    let (root, mut engine) = open_site(tmp.path(), &locales, 2, false);
    let newest = root.join("content/kk/news/festival.md");
    edit(&newest, |t| set_field(&t, "date", Some("date: 2024-01-01")));
    engine.apply(std::slice::from_ref(&newest)).unwrap();
    let served = files(&root.join(".qostil/serve"));
    let expected = clean_build(&root, &tmp.path().join("clean"));
    for page in [
        "kk/news/index.html",
        "kk/news/page/2/index.html",
        "kk/news/page/3/index.html",
    ] {
        assert_eq!(
            served.get(page),
            expected.get(page),
            "{page} differs from a clean build"
        );
    }
}

/// With the Latin edition, a Kazakh body edit changes that article in both Kazakh editions
/// and nothing in Russian; their two search indexes, and only those, become stale.
#[test]
fn a_kazakh_edit_reaches_both_kazakh_editions_and_nothing_else() {
    let locales = Arc::new(Locales::new().unwrap());
    let tmp = tempfile::tempdir().unwrap();
    let (root, mut engine) = open_site(tmp.path(), &locales, 10, true);
    let article = root.join("content/kk/news/festival.md");
    edit(&article, |t| format!("{t}\nЖаңа сөйлем қосылды.\n"));
    let applied = engine.apply(std::slice::from_ref(&article)).unwrap();
    let changed = &applied.write.changed;
    for page in [
        "kk/news/festival/index.html",
        "kk-latn/news/festival/index.html",
    ] {
        assert!(
            changed.iter().any(|c| c == page),
            "{page} not in {changed:?}"
        );
    }
    assert!(
        changed
            .iter()
            .all(|c| c.starts_with("kk/") || c.starts_with("kk-latn/")),
        "a Kazakh edit changed {changed:?}"
    );
    let stale: Vec<_> = applied.search_stale.iter().copied().collect();
    assert_eq!(stale, [qostil::lang::Lang::Kk, qostil::lang::Lang::KkLatn]);
    let served =
        fs::read_to_string(root.join(".qostil/serve/kk-latn/news/festival/index.html")).unwrap();
    assert!(
        served.contains("Jaña söilem qosyldy."),
        "the Latin page lacks the new text"
    );
}

/// A title edit is written in two parts: the first has the article and the lists that show
/// it (what the editor looks at, announced at once), the second the other articles whose
/// related lists show it; after both, the output is a clean build's.
#[test]
fn a_title_reaches_the_lists_first_and_the_related_articles_after() {
    let locales = Arc::new(Locales::new().unwrap());
    let tmp = tempfile::tempdir().unwrap();
    let (root, mut engine) = open_site(tmp.path(), &locales, 10, false);
    let festival = root.join("content/kk/news/festival.md");
    edit(&festival, |t| {
        set_field(&t, "title", Some("title: \"Жаңа атаулы фестиваль\""))
    });
    let mut first: Option<Vec<String>> = None;
    let serve = root.join(".qostil/serve");
    let applied = engine
        .apply_showing(std::slice::from_ref(&festival), &mut |shown| {
            // What the first part announces is already in the output.
            let list = fs::read_to_string(serve.join("kk/news/index.html")).unwrap();
            assert!(list.contains("Жаңа атаулы фестиваль"), "the list is stale");
            first = Some(shown.write.changed.clone());
        })
        .unwrap();
    let first = first.expect("the edit was written in one part");
    for page in [
        "kk/news/festival/index.html",
        "kk/news/index.html",
        "kk/index.html",
    ] {
        assert!(first.iter().any(|c| c == page), "{page} not in {first:?}");
    }
    let is_article = |c: &String| c.starts_with("kk/news/") && !c.contains("festival");
    let article_page = |c: &String| {
        is_article(c)
            && c.ends_with("/index.html")
            && !c.starts_with("kk/news/index")
            && !c.contains("/page/")
    };
    assert!(!first.iter().any(article_page), "{first:?}");
    let later: Vec<&String> = applied
        .write
        .changed
        .iter()
        .filter(|c| !first.contains(c))
        .collect();
    assert!(
        later.iter().filter(|c| article_page(c)).count() >= 2,
        "no related article came after: {later:?}"
    );
    // The search index is refreshed when edits pause (another test); everything else is
    // as a clean build makes it.
    let expected = clean_build(&root, &tmp.path().join("clean"));
    let served = files(&serve);
    let differing: Vec<&String> = expected
        .keys()
        .chain(served.keys())
        .filter(|p| !p.contains("/search/") && served.get(*p) != expected.get(*p))
        .collect();
    assert!(
        differing.is_empty(),
        "differ from a clean build: {differing:?}"
    );
}

/// A page calls a site shortcode; editing (then removing) the shortcode's template
/// re-renders that page, and a page that calls no shortcode is left as it was.
#[test]
fn a_shortcode_template_edit_re_renders_the_pages_that_call_it() {
    let locales = Arc::new(Locales::new().unwrap());
    let tmp = tempfile::tempdir().unwrap();
    let (root, mut engine) = open_site(tmp.path(), &locales, 10, false);
    let shortcode = root.join("templates/shortcodes/note.html");
    fs::create_dir_all(shortcode.parent().unwrap()).unwrap();
    fs::write(
        &shortcode,
        "{# args: text #}<p class=\"note\">1 {{ text }}</p>",
    )
    .unwrap();
    let calling = root.join("content/kk/news/obzor.md");
    edit(&calling, |t| {
        format!("{t}\n{{{{ note(text=\"Ескерту\") }}}}\n")
    });
    engine.apply(&[shortcode.clone(), calling]).unwrap();
    let page = "kk/news/obzor/index.html";
    let other = "kk/news/festival/index.html";
    let served =
        |file: &str| String::from_utf8(files(&root.join(".qostil/serve"))[file].clone()).unwrap();
    assert!(served(page).contains("<p class=\"note\">1 Ескерту</p>"));
    let other_before = fs::metadata(root.join(".qostil/serve").join(other))
        .unwrap()
        .modified()
        .unwrap();
    fs::write(
        &shortcode,
        "{# args: text #}<p class=\"note\">2 {{ text }}</p>",
    )
    .unwrap();
    engine.apply(std::slice::from_ref(&shortcode)).unwrap();
    assert!(
        served(page).contains("<p class=\"note\">2 Ескерту</p>"),
        "{}",
        served(page)
    );
    let other_after = fs::metadata(root.join(".qostil/serve").join(other))
        .unwrap()
        .modified()
        .unwrap();
    assert_eq!(other_before, other_after, "{other} was written again");
    let expected = clean_build(&root, &tmp.path().join("clean"));
    assert_eq!(
        files(&root.join(".qostil/serve")).get(page),
        expected.get(page)
    );
    // Without its template the call is an error naming the page; the last output stays.
    fs::remove_file(&shortcode).unwrap();
    let error = engine
        .apply(std::slice::from_ref(&shortcode))
        .unwrap_err()
        .to_string();
    assert!(error.contains("content/kk/news/obzor.md:"), "{error}");
    assert!(error.contains("unknown shortcode `note`"), "{error}");
    assert!(served(page).contains("<p class=\"note\">2 Ескерту</p>"));
}

/// The pages whose own output is only their related list and their neighbours: another
/// article's new title and new date reach them (the article reads what it lists, and every
/// candidate whose date could put it in the list), as a clean build shows them.
#[test]
fn related_articles_and_neighbours_follow_the_pages_they_list() {
    let locales = Arc::new(Locales::new().unwrap());
    let tmp = tempfile::tempdir().unwrap();
    let (root, mut engine) = open_site(tmp.path(), &locales, 10, false);
    let serve = root.join(".qostil/serve");
    let pages_showing = |text: &str| -> Vec<String> {
        files(&serve)
            .into_iter()
            .filter(|(path, bytes)| {
                path.starts_with("kk/news/")
                    && path.ends_with("index.html")
                    && !path.starts_with("kk/news/index")
                    && String::from_utf8_lossy(bytes).contains(text)
            })
            .map(|(path, _)| path)
            .collect()
    };
    // A title: the festival shares «Мамандықтар» and «Абай облысы» with other articles.
    let festival = root.join("content/kk/news/festival.md");
    edit(&festival, |t| {
        set_field(&t, "title", Some("title: \"Жаңа атаулы фестиваль\""))
    });
    engine.apply(std::slice::from_ref(&festival)).unwrap();
    let showing = pages_showing("Жаңа атаулы фестиваль");
    assert!(
        showing.iter().filter(|p| !p.contains("festival")).count() >= 2,
        "the new title reached only {showing:?}"
    );
    // A date: the review becomes the newest of the articles sharing its tag, which changes
    // the order of every related list it is in and the neighbours in the section.
    let review = root.join("content/kk/news/obzor.md");
    edit(&review, |t| set_field(&t, "date", Some("date: 2026-01-01")));
    engine.apply(std::slice::from_ref(&review)).unwrap();
    // More articles sharing the tag than a related list holds: the oldest is left out of the
    // championship's list until its new date makes it the newest.
    let mut added = Vec::new();
    for day in 1..=9 {
        let path = root.join(format!("content/kk/news/more-{day}.md"));
        fs::write(
            &path,
            format!("---\ntitle: \"Тағы {day}\"\ndate: 2025-01-0{day}\ntags: [Мамандықтар]\n---\nМәтін.\n"),
        )
        .unwrap();
        added.push(path);
    }
    engine.apply(&added).unwrap();
    let championship = pages_showing("Кәсіби шеберлік чемпионаты</h1>");
    assert_eq!(championship.len(), 1, "{championship:?}");
    let lists_the_oldest = || pages_showing("Тағы 1<").contains(&championship[0]);
    assert!(!lists_the_oldest());
    edit(&added[0], |t| {
        set_field(&t, "date", Some("date: 2026-02-01"))
    });
    engine.apply(&added[..1]).unwrap();
    assert!(
        lists_the_oldest(),
        "the championship's related list missed a newer article"
    );
    // The search index is refreshed when edits pause, as `serve` does.
    let langs = vec![qostil::lang::Lang::Kk, qostil::lang::Lang::Ru];
    if let Some(job) = engine.start_search(langs) {
        engine.finish_search(job).unwrap();
    }
    let served = files(&serve);
    let expected = clean_build(&root, &tmp.path().join("clean"));
    let differences: Vec<&String> = expected
        .iter()
        .filter(|(path, bytes)| served.get(*path) != Some(bytes))
        .map(|(path, _)| path)
        .collect();
    assert!(
        differences.is_empty(),
        "the served output differs from a clean build in {differences:?}"
    );
}
