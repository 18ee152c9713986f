//! qostil never deletes or overwrites a file it did not write: the output folder's other
//! files, the sources, and qostil's own caches survive every build, a refused one, and one
//! killed at any point.

use std::fs;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use crate::harness::{copy_tree, SiteTest, Snapshot};

/// Every file under `dir` (the output folder, `.git/` and dot-files included).
fn all_files(dir: &Path) -> Snapshot {
    Snapshot::of(dir)
}

#[test]
fn an_output_folder_with_files_qostil_did_not_write_is_refused() {
    let site = SiteTest::new("basic");
    let mine = site.scratch("mine");
    fs::create_dir_all(mine.join(".ssh")).unwrap();
    fs::create_dir_all(mine.join("docs")).unwrap();
    fs::write(mine.join(".ssh/id_rsa"), "secret").unwrap();
    fs::write(mine.join("docs/thesis.txt"), "four years").unwrap();
    let before = all_files(&mine);
    let out = mine.to_str().unwrap();
    let run = site.build(&["--output", out]);
    run.assert_code(2);
    let message = run.error_with(&["did not write", "docs/thesis.txt"]);
    assert!(
        !message.contains("id_rsa"),
        "dot-files are the user's: {message}"
    );
    all_files(&mine).assert_same(&before, "a refused output folder");
    // `--clean` does not make it acceptable either.
    site.build(&["--output", out, "--clean"]).assert_code(2);
    all_files(&mine).assert_same(&before, "a refused output folder");
}

#[test]
fn dot_files_and_a_users_files_in_the_output_survive_every_build() {
    let site = SiteTest::new("basic");
    // A Git worktree for GitHub Pages: the folder exists before the first build.
    let public = site.public();
    fs::create_dir_all(public.join(".git/refs")).unwrap();
    fs::write(public.join(".git/HEAD"), "ref: refs/heads/gh-pages\n").unwrap();
    site.build_ok(&[]);
    site.assert_exists("kk/index.html");
    fs::write(public.join("CNAME"), "portal.example.kz\n").unwrap();
    fs::create_dir_all(public.join(".well-known")).unwrap();
    fs::write(public.join(".well-known/security.txt"), "Contact: x\n").unwrap();
    fs::write(public.join("kk/google1234.html"), "verification").unwrap();
    let kept = [
        "CNAME",
        ".git/HEAD",
        ".well-known/security.txt",
        "kk/google1234.html",
    ];
    let read = |rel: &str| fs::read(public.join(rel)).unwrap();
    let originals: Vec<Vec<u8>> = kept.iter().map(|r| read(r)).collect();
    site.replace("content/kk/news/obzor.md", "Соңы.", "Соңы, жаңартылды.");
    site.build_ok(&[]);
    site.remove("content/kk/news/tek-qazaqsha.md");
    site.build_ok(&[]);
    site.assert_missing("kk/news/tek-qazaqsha/index.html");
    site.build_ok(&["--clean"]);
    for (rel, original) in kept.iter().zip(&originals) {
        assert_eq!(&read(rel), original, "{rel} changed");
    }
}

#[test]
fn a_page_may_not_replace_a_file_qostil_did_not_write() {
    let site = SiteTest::new("basic");
    site.build_ok(&[]);
    let public = site.public();
    fs::create_dir_all(public.join("kk/news/zhana")).unwrap();
    fs::write(public.join("kk/news/zhana/index.html"), "the user's page").unwrap();
    let before = all_files(&public);
    site.write(
        "content/kk/news/zhana.md",
        "---\ntitle: Жаңа\ndate: 2025-03-01\n---\nМәтін.\n",
    );
    let run = site.build(&[]);
    run.assert_code(2);
    run.error_with(&["kk/news/zhana/index.html", "did not write"]);
    all_files(&public).assert_same(&before, "the output after a refused build");
}

#[test]
fn the_output_may_not_be_a_file_a_source_folder_the_root_or_the_cache() {
    let site = SiteTest::new("basic");
    site.build_ok(&[]);
    site.write("README.md", "# my site\n");
    let before = all_files(site.root());
    for output in [
        "site.yaml",
        "README.md",
        "content",
        "content/kk/news",
        "themes/portal",
        ".qostil",
        ".qostil/x",
        ".",
        "..",
    ] {
        let run = site.run(&["build", "--output", output]);
        run.assert_code(2);
        run.error_with(&["--output", output]);
        all_files(site.root()).assert_same(&before, &format!("the site after --output {output}"));
    }
}

#[test]
fn an_output_file_edited_behind_the_caches_back_is_written_again() {
    let site = SiteTest::new("basic");
    site.build_ok(&[]);
    let page = site.out_path("kk/news/festival/index.html");
    let original = fs::read_to_string(&page).unwrap();
    let stamp = fs::metadata(&page).unwrap().modified().unwrap();
    // Same length, modification time put back (`touch -r`): only the change time differs.
    let altered = original.replacen("<html", "<htmx", 1);
    fs::write(&page, &altered).unwrap();
    fs::File::options()
        .write(true)
        .open(&page)
        .unwrap()
        .set_modified(stamp)
        .unwrap();
    site.build_ok(&[]);
    assert_eq!(fs::read_to_string(&page).unwrap(), original);
}

#[test]
fn leftovers_of_killed_builds_are_removed_by_the_next_build() {
    let site = SiteTest::new("basic");
    site.build_ok(&[]);
    // No process has this id (above the kernel's largest pid).
    let dead = 999_999_999;
    let staging = site.path(&format!(".public.qostil-new-{dead}"));
    fs::create_dir_all(staging.join("kk")).unwrap();
    fs::write(staging.join("kk/index.html"), "half").unwrap();
    fs::create_dir_all(site.path(&format!(".public.qostil-old-{dead}"))).unwrap();
    let tmp = site.path(&format!(".qostil/documents.tmp-{dead}"));
    fs::write(&tmp, "half a cache").unwrap();
    site.build_ok(&[]);
    assert_eq!(site.stray_staging_dirs(), Vec::<String>::new());
    assert!(!tmp.exists(), "{} is left", tmp.display());
}

/// Adds `n` articles per language so that a build runs long enough to be killed midway.
fn grow(site: &SiteTest, n: usize) {
    for i in 0..n {
        for lang in ["kk", "ru"] {
            site.write(
                &format!("content/{lang}/news/generated-{i}.md"),
                format!(
                    "---\ntitle: \"Generated {i}\"\ndate: 2025-01-{:02}\ntags: [t{}]\n---\n{}\n",
                    i % 28 + 1,
                    i % 7,
                    "Мәтін жолы. ".repeat(200)
                ),
            );
        }
    }
}

/// Starts a build and kills it (SIGKILL) after `after`.
fn kill_build_after(site: &SiteTest, args: &[&str], after: Duration) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_qostil"))
        .arg("build")
        .args(args)
        .current_dir(site.root())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    std::thread::sleep(after);
    let _ = child.kill();
    let _ = child.wait();
}

#[test]
fn a_build_killed_at_any_point_is_finished_by_the_next_one() {
    let site = SiteTest::new("basic");
    grow(&site, 150);
    let reference = site.scratch("reference");
    copy_tree(site.root(), &reference);
    let run = Command::new(env!("CARGO_BIN_EXE_qostil"))
        .args(["build"])
        .current_dir(&reference)
        .output()
        .unwrap();
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let expected = Snapshot::of(&reference.join("public"));
    fs::write(site.path("user-notes.txt"), "mine").unwrap();
    for (i, ms) in [5u64, 30, 80, 150, 300, 600].into_iter().enumerate() {
        // The first build, then an edit, then a `--clean` build, each killed.
        let args: &[&str] = match i % 3 {
            0 => &[],
            1 => &["--clean"],
            _ => {
                // An edit, and the edit taken back: the final sources are the reference's.
                let (from, to) = if i == 2 {
                    ("Соңы.", "Соңы!")
                } else {
                    ("Соңы!", "Соңы.")
                };
                site.replace("content/kk/news/obzor.md", from, to);
                &[]
            }
        };
        kill_build_after(&site, args, Duration::from_millis(ms));
        if i == 2 {
            let _ = fs::remove_dir_all(site.public());
        }
    }
    site.build_ok(&[]);
    Snapshot::of(&site.public()).assert_same(&expected, "the output after killed builds");
    assert_eq!(site.stray_staging_dirs(), Vec::<String>::new());
    assert_eq!(site.read("user-notes.txt"), "mine");
}

#[test]
fn a_second_build_into_the_same_folder_waits_for_the_first() {
    let site = SiteTest::new("basic");
    let public = site.public();
    let waited = site.run_behind_a_build(&["build"], || {
        assert!(
            !public.exists(),
            "it wrote while the first build held the folder"
        );
    });
    waited.assert_waited_then_succeeded();
    site.assert_exists("kk/index.html");
}
